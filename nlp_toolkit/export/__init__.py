"""Exporters: one module per format, all over the same records (``to_dict()`` of the data model)."""
