"""The headless PIM API: the only writer to the catalog database."""
