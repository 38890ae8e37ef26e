"""Implementation factors (CFIR) and experience themes: tables, filters and forms."""
