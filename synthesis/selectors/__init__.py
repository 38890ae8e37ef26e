"""Read models of the synthesis app: shared by pages and exports (and later the API)."""
