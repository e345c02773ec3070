"""Numeric claims: extraction in English and Chinese, normalization, and cross-language linking."""
