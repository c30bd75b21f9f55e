"""The shared reading engine: any tabular file (CSV in any supported encoding, XLSX) into
typed Arrow tables, with rejected rows recorded. Vendor readers in ``ingest/sources/`` only
declare what their columns mean (``FieldSpec``s) and hand them to this engine.

- ``tabular``: open a file, detect encoding (BOM → UTF-8 → cp932) and header, rows in batches
- ``fields``: field specs and the row-wise converter (the reference semantics)
- ``arrow_csv`` / ``arrow_convert`` / ``vectorised``: the vectorised path for the same
  conversions; any value it cannot decide goes through the row-wise converter
- ``builder``, ``runner``, ``log``: tables, the read loop, rejections and warnings
- ``columnar``: the vectorised path behind ``runner.read_tabular(vectorised=True)``: the
  reader's own batch handler gets the batches the row path would give it
- ``vector_read``: the fully columnar read used by HubSpot (``sources/hubspot_fast``)
- ``scratch``: one in-memory DuckDB per process for the vectorised steps (a cursor each)
"""
