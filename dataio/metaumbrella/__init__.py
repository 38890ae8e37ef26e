"""Exchange with the R package metaumbrella: its input CSV out of and into a project.

- `columns`: its column names and measures, and our conventions (pure);
- `export`: a project's study-level rows as its CSV;
- `read`: its CSV checked cell by cell; `service`: matched to a project and written.

docs/exchange.md documents the mapping column by column.
"""
