"""Quote requests from catalog pages, stored as leads for the sales team."""
