"""The read API at /api/v1/ (issue 19): the same data, access and blinding rules as the pages.

The top of the app stack: it reads through the selectors, FilterSets and access helpers of the
apps below and writes nothing but its own personal access tokens (docs/api.md).
"""
