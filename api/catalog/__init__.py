"""The catalog model: attributes, families, categories, channels, products."""
