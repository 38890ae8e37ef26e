"""Moving data in and out, for every app: the project workbook, citation files, the demo loader,
the synthetic-data generators and the management commands. The top layer: it may import
synthesis, appraisal and reviews; none of them imports it."""
