"""Spreadsheets in and out: templates (CSV or XLSX) for contributing data, the graph's data as
tables in the same format, and the import of filled tables as Turtle, validated with the graph.

Everything about a kind of table is in its CSV on the Web metadata file in spreadsheets/
(`metadata`); the words and messages in both languages are in spreadsheets/messages.yaml
(`messages`). Modules, one job each: `read` (files to text tables), `lookup` (the graph's labels,
types and classes), `cells` (one cell to RDF and back), `convert` (tables to triples), `turtle`
(deterministic Turtle), `fromgraph` (the graph to rows), `write` (CSV and XLSX), `importer`
(the import, validated before anything is written)."""
