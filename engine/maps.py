"""A 2-D map of the sampled sounds, laid out by what they sound like (grids.json's `map`,
docs/grids.md).

The heatmaps slice the latent space along two of its dimensions; the map lays out the
sounds themselves: each sampled sound is a point, placed from its normalised descriptors
so that sounds alike lie close. PCA and t-SNE both lay it out; the one that keeps each
sound's nearest neighbours best (trustworthiness, scikit-learn) is kept. A grid over the
map carries the density of sounds and the descriptor that dominates each cell.

The map is playable (docs/architecture.md §2.4): t-SNE has no inverse, so two small
networks are fitted on the layout: `decoder_` from a map point to the descriptors of the
sounds there, which the surrogate's absolute controller turns into a latent (the `map`
method of surrogate.ts), and `locator_` from descriptors back to the map, for a cursor
showing where the sound playing lies (`locate`). Going through descriptors keeps a click
where samples were drawn and sounding like its neighbours, which averaging their latents
would not: many latents make alike sounds.
"""
import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from .surrogate import MLPRegressor

METHODS = ("pca", "tsne")


class SoundMap:
    """scikit-learn manner: settings in __init__, `fit` returns self, state ends in `_`."""

    def __init__(self, methods=METHODS, neighbours: int = 10, resolution: int = 32, smoothing: int = 64,
                 steps: int = 1500, seed: int = 0, device: str = "cpu"):
        self.methods = methods
        self.smoothing = smoothing
        self.steps = steps
        self.neighbours = neighbours
        self.resolution = resolution
        self.seed = seed
        self.device = device

    def _embed(self, method: str, Y: np.ndarray) -> np.ndarray:
        if method == "pca":
            return PCA(2, random_state=self.seed).fit_transform(Y)
        if method == "tsne":
            perplexity = min(30.0, (len(Y) - 1) / 3)
            # one thread: its parallel sums add up in another order on each core count, and
            # the layout (and everything measured on it) would follow the machine
            with threadpool_limits(1):
                return TSNE(2, perplexity=perplexity, init="pca", random_state=self.seed).fit_transform(Y)
        raise ValueError(f"unknown map method {method!r}; expected one of {METHODS}")

    def fit(self, Y, train=None) -> "SoundMap":
        """Y: normalised descriptors [n, D], one row per sampled sound; `train`: the rows the
        networks learn from (all by default), so that checks can play held-out points."""
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
        self.point_labels_ = self.labels_.ravel()[flat]
        self.values_ = Y
        rows = np.arange(len(Y)) if train is None else np.asarray(train)
        self.decoder_ = self._network(*self._field(self.points_[rows], Y[rows]))
        self.locator_ = self._network(Y[rows], self.points_[rows])
        return self

    def _network(self, X, Y) -> MLPRegressor:
        # trained for a number of optimiser steps, not epochs: a quick build's few samples
        # need as many as a full one's
        batches = max(1, int(len(X) * 0.9) // 128)
        return MLPRegressor(hidden=64, epochs=-(-self.steps // batches), seed=self.seed, device=self.device).fit(X, Y)

    def _field(self, points, Y):
        """What the decoder learns: at the sounds' points and on a grid filling the map, a
        Gaussian-weighted mean of the descriptors of the `smoothing` nearest sounds, its
        width half the distance to the farthest of them. Means of real sounds never leave
        what was sampled, where a network fitted to the points alone extrapolates into the
        map's empty corners and asks for sounds no latent makes; the width grows where
        sounds are sparse, so a drag across a gap between t-SNE's clusters crosses it
        gradually instead of in one step (docs/benchmarks.md, "Sound maps")."""
        n = 2 * self.resolution
        grid = (np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2) + 0.5) / n
        inputs = np.concatenate([points, grid])
        k = max(1, min(self.smoothing, len(points) // 4))
        distance, near = NearestNeighbors(n_neighbors=k).fit(points).kneighbors(inputs)
        width = distance[:, -1:] / 2 + 1e-6
        weight = np.exp(-0.5 * (distance / width) ** 2)
        return inputs, np.einsum("qk,qkd->qd", weight, Y[near]) / weight.sum(1, keepdims=True)

    def to_json(self, names) -> dict:
        """`names`: the descriptors, Y's columns; each point carries its sound's values (the
        views colour the points by them) and its cell's dominant descriptor."""
        return {"method": self.method_, "trustworthiness": {m: round(v, 4) for m, v in self.trustworthiness_.items()},
                "neighbours": self.neighbours, "points": np.round(self.points_, 4).tolist(),
                "values": {n: np.round(self.values_[:, j], 3).tolist() for j, n in enumerate(names)},
                "point_labels": self.point_labels_.tolist(),
                "resolution": self.resolution, "density": np.round(self.density_, 4).tolist(),
                "labels": self.labels_.tolist()}
