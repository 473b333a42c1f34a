"""Credentials: passwords, bearer tokens and the principal they resolve to."""
