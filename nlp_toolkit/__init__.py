"""nlp_toolkit: English/Chinese bilingual news — read, align, extract entities and numeric claims, export.

The public API::

    import nlp_toolkit
    article = nlp_toolkit.process_file("article.bilingual.txt")   # -> Article
    article = nlp_toolkit.process_text(text)                       # -> Article
    article = nlp_toolkit.process_pair("a.en.txt", "a.zh.txt")     # an article as two files
    nlp_toolkit.export_jsonl([article], "out/")                    # pairs.jsonl, documents.jsonl, errors.jsonl
    nlp_toolkit.apply_decisions("out/", "decisions.json")          # a reviewer's decisions from the report page
    verdicts = nlp_toolkit.filter_pairs(en_lines, zh_lines)        # quality, filters, duplicates of given pairs

Options are one :class:`Settings` object (``process_file(path, skip_score=0.1)`` overrides one field).
"""

__version__ = "0.1.0"

# The names below load on first use (PEP 562), so a command such as ``nlp-toolkit align`` imports only what
# it runs: a process per document pays no start-up for stages it never calls.
_EXPORTS = {
    "get_pipeline": "api", "process_file": "api", "process_pair": "api", "process_text": "api",
    "process_inputs": "batch", "export_jsonl": "export.jsonl", "apply_decisions": "commands", "Pipeline": "pipeline", "Settings": "settings",
    "filter_pairs": "pairfilter", "UnitVerdict": "pairfilter", "FilterOptions": "export.select",
    **{name: "document" for name in ("Advantage", "AlignedPair", "Article", "Claim", "ClaimLink", "Entity",
                                     "ComparisonRow", "Evidence", "InputError", "Notice", "Paragraph", "Removed",
                                     "Section", "SentencePair")},
    "Warning": "document",
}
#: public names kept for an object renamed inside the package (``Warning`` shadowed a builtin: ``Notice``)
_ALIASES = {"Warning": "Notice"}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), _ALIASES.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "__version__", "process_file", "process_text", "process_pair", "process_inputs", "export_jsonl", "apply_decisions",
    "get_pipeline", "Pipeline", "Settings", "Article", "Paragraph", "AlignedPair", "SentencePair", "Entity",
    "Claim", "ClaimLink", "Section", "Advantage", "Notice", "Warning", "Removed", "InputError", "ComparisonRow",
    "Evidence", "filter_pairs", "UnitVerdict", "FilterOptions",
]
