"""Training support for the sentence aligner's weights (``scripts/train_sentalign.py``, an averaged structured
perceptron): gold alignments read from files, the summed features of a bead path, and the loss matrices of
cost-augmented decoding. The perceptron itself stays in the script; it decodes with
:func:`nlp_toolkit.sentalign.decode.decode` over a :class:`~nlp_toolkit.sentalign.scorer.Scorer` per document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .decode import SentenceBead
from .features import bead_types, shape_group, shape_name
from .scorer import Scorer


def read_beads(path: Path) -> list[SentenceBead]:
    """The beads of an alignment file (one ``[src ids]:[tgt ids]`` a line, as ``nlp-toolkit align`` writes)."""
    return [SentenceBead.parse(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def path_features(sc: Scorer, beads: Sequence[SentenceBead], names: Sequence[str]) -> np.ndarray:
    """The summed features of a bead sequence (for training); beads of shapes the aligner lacks are left out."""
    idx = {n: k for k, n in enumerate(names)}
    phi = np.zeros(len(names))
    types = set(bead_types(sc.settings))
    cache: dict = {}
    for bd in beads:
        a, b = len(bd.src), len(bd.tgt)
        if (a, b) not in types:
            continue
        if (a, b) != (1, 1):
            phi[idx[shape_name(a, b)]] += 1
        if a and b:
            if (a, b) not in cache:
                cache[(a, b)] = sc.features(a, b)
            i, j = bd.src[-1] + 1, bd.tgt[-1] + 1
            g = shape_group(a, b)
            for name, M in cache[(a, b)].items():
                for key in (name, f"{name}@{g}"):
                    if key in idx:
                        phi[idx[key]] += M[i, j]
    return phi


def loss_matrices(sc: Scorer, gold: Sequence[SentenceBead], cost: float) -> dict:
    """``cost`` for every bead that is not a gold bead (cost-augmented decoding: the weights must beat every
    wrong path by a margin that grows with its number of wrong beads)."""
    out = {}
    for a, b in bead_types(sc.settings):
        if a and b:
            out[(a, b)] = np.full((sc.n + 1, sc.m + 1), cost)
    for bd in gold:
        t = (len(bd.src), len(bd.tgt))
        if t in out:
            out[t][bd.src[-1] + 1, bd.tgt[-1] + 1] = 0.0
    return out
