"""The primary-study registry: studies, the citation matrix, publication threads and
de-duplication (merge, undo, not-a-duplicate)."""
