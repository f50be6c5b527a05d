"""A 2-D map of the sampled sounds, laid out by what they sound like (grids.json's `map`,
docs/grids.md).

The heatmaps slice the latent space along two of its dimensions; the map lays out the
sounds themselves: each sampled sound is a point, placed from its normalised descriptors
so that sounds alike lie close. PCA and t-SNE both lay it out; the one that keeps each
sound's nearest neighbours best (trustworthiness, scikit-learn) is kept. A grid over the
map carries the density of sounds and the descriptor that dominates each cell.
"""
import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness

METHODS = ("pca", "tsne")


class SoundMap:
    """scikit-learn manner: settings in __init__, `fit` returns self, state ends in `_`."""

    def __init__(self, methods=METHODS, neighbours: int = 10, resolution: int = 32, seed: int = 0):
        self.methods = methods
        self.neighbours = neighbours
        self.resolution = resolution
        self.seed = seed

    def _embed(self, method: str, Y: np.ndarray) -> np.ndarray:
        if method == "pca":
            return PCA(2, random_state=self.seed).fit_transform(Y)
        if method == "tsne":
            perplexity = min(30.0, (len(Y) - 1) / 3)
            return TSNE(2, perplexity=perplexity, init="pca", random_state=self.seed).fit_transform(Y)
        raise ValueError(f"unknown map method {method!r}; expected one of {METHODS}")

    def fit(self, Y) -> "SoundMap":
        """Y: normalised descriptors [n, D], one row per sampled sound."""
        Y = np.asarray(Y, dtype=np.float64)
        k = min(self.neighbours, (len(Y) - 1) // 2)  # trustworthiness needs k < n / 2
        layouts = {m: self._embed(m, Y) for m in self.methods}
        self.trustworthiness_ = {m: float(trustworthiness(Y, e, n_neighbors=k)) for m, e in layouts.items()}
        self.method_ = max(self.trustworthiness_, key=self.trustworthiness_.get)
        e = layouts[self.method_]
        lo, hi = e.min(0), e.max(0)
        self.points_ = (e - lo) / np.where(hi > lo, hi - lo, 1.0)
        # the grid: how many sounds in each cell, and the descriptor highest on average there
        n = self.resolution
        cell = np.minimum((self.points_ * n).astype(int), n - 1)
        flat = cell[:, 1] * n + cell[:, 0]  # rows follow y, as every grid of grids.json
        counts = np.bincount(flat, minlength=n * n)
        sums = np.zeros((n * n, Y.shape[1]))
        np.add.at(sums, flat, Y)
        means = sums / np.maximum(counts, 1)[:, None]
        self.density_ = (counts / counts.max()).reshape(n, n)
        self.labels_ = np.where(counts > 0, means.argmax(1), -1).reshape(n, n)
        return self

    def to_json(self) -> dict:
        return {"method": self.method_, "trustworthiness": {m: round(v, 4) for m, v in self.trustworthiness_.items()},
                "neighbours": self.neighbours, "points": np.round(self.points_, 4).tolist(),
                "resolution": self.resolution, "density": np.round(self.density_, 4).tolist(),
                "labels": self.labels_.tolist()}
