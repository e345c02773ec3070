"""nlp_toolkit: English/Chinese bilingual news — read, align, extract entities and numeric claims, export."""

__version__ = "0.1.0"
