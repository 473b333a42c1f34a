"""The organisation's public catalog, served from its generated files."""
