"""Dual independent extraction of outcome results: the blinding rule, the writes, the
comparison of the two extractions, reconciliation into final results, and their pages."""
