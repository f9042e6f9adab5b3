"""The default framework's data: rules, legal references and notices."""
