"""Exporters: one module per format, all over the same records (``to_dict()`` of the data model); and
:mod:`.read_output`, which reads an output directory the JSONL exporter wrote back into those records."""
