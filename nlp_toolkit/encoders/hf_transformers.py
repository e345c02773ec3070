"""The ``transformers:`` encoder: a Hugging Face ``transformers`` checkpoint on local disk (e.g. LaBSE-style).

Named ``hf_transformers`` so that it never shadows the ``transformers`` library it imports.

``--encoder transformers:/path/to/model``: AutoTokenizer + AutoModel loaded with ``local_files_only=True`` (nothing
is downloaded), pooling ``mean`` (attention-masked mean of the last hidden states) or ``cls`` (the first token's
state, or the model's pooler output when it has one and ``cls_use_pooler`` is set), rows L2-normalized, texts
encoded in batches sorted by length. Needs the optional extra ``nlp_toolkit[transformers]`` (torch, transformers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from ..resources import package_version


class TransformersEncoder:
    def __init__(self, path: str, pooling: str = "mean", batch_size: int = 32, max_length: int = 256,
                 threads: int | None = None, cls_use_pooler: bool = False):
        if pooling not in ("mean", "cls"):
            raise ValueError(f"unknown pooling {pooling!r}: use 'mean' or 'cls'")
        p = Path(path)
        if not p.is_dir():
            raise FileNotFoundError(f"transformers encoder: {path}: no such model directory (models load from "
                                    f"local disk only)")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("the transformers encoder needs the optional extra: "
                              "pip install 'nlp_toolkit[transformers]'") from e
        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(p), local_files_only=True)
        self.model.eval()
        self.pooling = pooling
        self.batch_size = batch_size
        self.max_length = max_length
        self.cls_use_pooler = cls_use_pooler
        self.name = (f"transformers-{package_version('transformers')}:{p.name}:{pooling}"
                     f":{getattr(self.model.config, 'model_type', 'model')}")

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        torch = self._torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                res = self.model(**batch)
                if self.pooling == "cls":
                    pooled = getattr(res, "pooler_output", None) if self.cls_use_pooler else None
                    if pooled is None:
                        pooled = res.last_hidden_state[:, 0]
                else:
                    mask = batch["attention_mask"].unsqueeze(-1).to(res.last_hidden_state.dtype)
                    pooled = (res.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                vec = pooled.float().cpu().numpy()
                norms = np.linalg.norm(vec, axis=1, keepdims=True)
                out[idx] = vec / np.maximum(norms, 1e-12)
        return out
