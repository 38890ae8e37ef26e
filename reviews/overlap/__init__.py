"""Overlap of primary studies between reviews: the corrected covered area (pure `cca`), its
reads from the registry, the overlap page and its charts."""
