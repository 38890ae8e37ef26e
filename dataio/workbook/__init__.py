"""The project workbook: one sheet per entity, natural keys, strict types (docs/data-format.md).

- `columns`: column kinds, `Column`, `Link`, `Sheet`, and columns inferred from model fields;
- `spec`: the sheets, declared once (adding an entity is one `sheet(...)` call);
- `read`: an XLSX file or a folder of CSVs into typed rows, naming every bad cell;
- `validate`: every problem of a workbook, without writing;
- `write`: the whole workbook in one transaction, matched on natural keys;
- `export` and `template`: the same format back out.
"""
