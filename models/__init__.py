"""Data files of nlp_toolkit (patterns, lexicons, gazetteer); see README.md in this folder."""
