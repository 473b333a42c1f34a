"""Organisations, users, memberships and the per-organisation PIM module."""
