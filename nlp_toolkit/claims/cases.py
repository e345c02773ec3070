"""The claims contract on files: JSONL cases in, one ``{id, claims}`` line per case out (atomic write)."""

from __future__ import annotations

from ..export.jsonl import write_jsonl
from ..read import read_cases
from ..settings import DEFAULT, Settings


def claims_file(cases_path, out_path, all_numbers: bool = False, settings: Settings = DEFAULT) -> int:
    from . import extract_claims

    cases = read_cases(cases_path)
    write_jsonl(({"id": case["id"], "claims": [c.to_dict() for c in
                                               extract_claims(case["text"], case["lang"], settings,
                                                              all_numbers=all_numbers)]} for case in cases),
                out_path)
    return len(cases)
