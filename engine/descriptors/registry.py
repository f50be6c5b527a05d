"""The descriptor registry and the batched `describe` entry point."""
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch

from .analysis import Analysis


@dataclass(frozen=True)
class Descriptor:
    name: str
    unit: str
    fn: Callable[[Analysis], torch.Tensor]  # Analysis of B clips -> [B] values
    range: Tuple[float, float]  # plausible raw range, for plots and sanity checks
    scale: str  # "linear" or "log": how values are normalised (log for Hz-like units)
    silent: float  # value reported for a silent clip
    reference: str  # how it is computed, after which standard or model
    pool: str = "mean"  # how values of a long file's segments make one value (pooling.py)
    meaning: str = ""  # what it measures, in a musician's words, one line

    def meta(self) -> dict:
        return {"name": self.name, "unit": self.unit, "range": list(self.range),
                "scale": self.scale, "silent": self.silent, "reference": self.reference, "meaning": self.meaning}


REGISTRY: Dict[str, Descriptor] = {}
VALIDATION = Path(__file__).with_name("validation.json")  # written by bench/descriptors_vs_reference.py
# Clips analysed together: enough to spread each operation's fixed cost, few enough that
# the spectrograms are not streamed through main memory (16 runs ~10 % faster than 45).
CHUNK = 16


def descriptor(name: str, unit: str, range: Tuple[float, float], scale: str = "linear",
               silent: float = 0.0, reference: str = "", pool: str = "mean", meaning: str = ""):
    """Register the decorated function `fn(analysis) -> Tensor[B]` as a descriptor."""
    from .pooling import POOLS
    if scale not in ("linear", "log"):
        raise ValueError(f"scale must be 'linear' or 'log', got {scale!r}")
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {sorted(POOLS)}, got {pool!r}")

    def register(fn):
        if name in REGISTRY:
            raise ValueError(f"descriptor {name!r} is already registered")
        REGISTRY[name] = Descriptor(name, unit, fn, tuple(range), scale, float(silent), reference, pool, meaning)
        return fn
    return register


@functools.cache
def _validated() -> tuple:
    return tuple(json.loads(VALIDATION.read_text())["correlations"])


def validation(name: str) -> list:
    """How `name` agrees with independent implementations: [{"reference", "r", "n"}], as
    bench/descriptors_vs_reference.py last measured it (empty where nothing checks it)."""
    return [{k: row[k] for k in ("reference", "r", "n")} for row in _validated() if row["descriptor"] == name]


def checked(name: str) -> str:
    """`validation` said in one line, for the docs' table and the report's cards."""
    rows = validation(name)
    return "; ".join(f"{v['reference']}: r {v['r']:.3f} over {v['n']} sounds" for v in rows) or \
        "not yet compared with an independent implementation"


def split_names(text: str) -> list:
    """"a, b,,c" -> ["a", "b", "c"]: descriptor names as command lines take them."""
    return [n.strip() for n in text.split(",") if n.strip()]


def get(names: Sequence[str]) -> list:
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown descriptor(s) {unknown}; known: {sorted(REGISTRY)}")
    return [REGISTRY[n] for n in names]


def describe(audio, sr: int, names: Optional[Sequence[str]] = None) -> Dict[str, torch.Tensor]:
    """Describe clips. `audio` is [N], [B, N] or [B, C, N] (channels are averaged);
    returns {name: Tensor[B]} in each descriptor's raw unit.

    Non-finite samples raise ValueError (a NaN would silently poison every statistic);
    silent clips get each descriptor's documented `silent` value."""
    from . import DEFAULT
    x = torch.as_tensor(audio, dtype=torch.float32)
    if x.dim() == 1:
        x = x[None]
    elif x.dim() == 3:
        x = x.mean(1)
    elif x.dim() != 2:
        raise ValueError(f"expected audio shaped [N], [B, N] or [B, C, N], got {tuple(x.shape)}")
    # A clip sums to a finite value unless it holds NaN/Inf (or overflows): one cheap pass
    # first, the exact test only for clips that fail it.
    suspect = ~torch.isfinite(x.sum(-1))
    bad = suspect.clone()
    bad[suspect] = ~torch.isfinite(x[suspect]).all(-1)
    if bad.any():
        raise ValueError(f"audio has NaN or Inf samples in clip(s) {bad.nonzero().flatten().tolist()}")
    chosen = get(list(names) if names is not None else DEFAULT)
    out = {d.name: [] for d in chosen}
    for part in x.split(CHUNK):
        analysis = Analysis(part, sr)
        for d in chosen:
            v = d.fn(analysis).to(torch.float64)
            out[d.name].append(torch.where(analysis.silent, torch.full_like(v, d.silent), v))
    return {name: torch.cat(values) for name, values in out.items()}
