"""Audit history of research data: which models keep it, versions and diffs, restore."""
