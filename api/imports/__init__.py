"""Importing catalogs exported by other PIM systems."""
