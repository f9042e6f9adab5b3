"""What every app may import; imports no app."""
