"""Atelier Nord, the demo organisation's catalog, and the code that loads it."""
