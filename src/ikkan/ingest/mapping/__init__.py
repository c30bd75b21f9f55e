"""The generic mapping: how any CSV/XLSX export maps onto one canonical table.

``spec`` holds the YAML model (``GenericMapping``); ``values`` applies value maps per mapped
use; ``identity`` gives rows an id when the file has none; ``dates`` gives rows a date when
the file has none; ``lookups`` joins side files; ``checks`` validates a mapping against the
project and the file before anything is read.
"""
