"""The static catalog generator: published channel views in, static files out."""
