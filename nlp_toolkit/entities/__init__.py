"""Named entities in English and Chinese, and their cross-language links."""
