"""Per-bundle descriptor normalisation (docs/architecture.md §2.3): 0..1 spans the model's reachable
range (the 1st-99th percentile of what the sampled latents produced), on a log axis for
Hz-like descriptors. Values outside the span are kept (not clipped)."""
from typing import Sequence

import numpy as np

from . import descriptors


class DescriptorScaler:
    def __init__(self, names: Sequence[str], percentiles=(1.0, 99.0)):
        self.names = list(names)
        self.percentiles = tuple(percentiles)

    def _warp(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype=np.float64)
        out = raw.copy()
        for j, d in enumerate(descriptors.get(self.names)):
            if d.scale == "log":
                # floored at the descriptor's range (a silent clip's f0 of 0 Hz is 50 Hz here)
                out[..., j] = np.log(np.maximum(raw[..., j], d.range[0]))
        return out

    def fit(self, raw: np.ndarray) -> "DescriptorScaler":
        w = self._warp(raw)
        self.lo_, self.hi_ = np.percentile(w, self.percentiles, axis=0)
        flat = self.hi_ - self.lo_ < 1e-9
        if flat.any():
            bad = [n for n, f in zip(self.names, flat) if f]
            raise ValueError(f"descriptor(s) {bad} do not vary over the sampled latents; "
                             "widen the sampler (--scale) or drop them (--descriptors)")
        return self

    def transform(self, raw: np.ndarray) -> np.ndarray:
        return (self._warp(raw) - self.lo_) / (self.hi_ - self.lo_)

    def inverse_transform(self, norm: np.ndarray) -> np.ndarray:
        w = np.asarray(norm, dtype=np.float64) * (self.hi_ - self.lo_) + self.lo_
        for j, d in enumerate(descriptors.get(self.names)):
            if d.scale == "log":
                w[..., j] = np.exp(w[..., j])
        return w

    def to_manifest(self) -> list:
        """Per descriptor: metadata, raw range (the span's ends in raw units) and how to
        normalise: norm = (warp(raw) - lo) / (hi - lo), warp = log or identity."""
        raw_lo, raw_hi = self.inverse_transform(np.stack([np.zeros(len(self.names)), np.ones(len(self.names))]))
        out = []
        for j, d in enumerate(descriptors.get(self.names)):
            meta = {k: v for k, v in d.meta().items() if k not in ("range",)}
            meta["raw_range"] = [float(raw_lo[j]), float(raw_hi[j])]
            meta["normalisation"] = {"warp": "log" if d.scale == "log" else "identity",
                                     "lo": float(self.lo_[j]), "hi": float(self.hi_[j]),
                                     "percentiles": list(self.percentiles)}
            out.append(meta)
        return out

    @classmethod
    def from_manifest(cls, entries: list) -> "DescriptorScaler":
        self = cls([e["name"] for e in entries], tuple(entries[0]["normalisation"]["percentiles"]))
        self.lo_ = np.array([e["normalisation"]["lo"] for e in entries])
        self.hi_ = np.array([e["normalisation"]["hi"] for e in entries])
        return self
