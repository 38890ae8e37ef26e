"""The project: umbrella reviews, members, research questions, vocabularies, the overview page
and the per-revision caches."""
