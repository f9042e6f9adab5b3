"""State changes of the work, one module per workflow."""
