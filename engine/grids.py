"""Heatmap grids for [semantic.heatmap] (grids.json; schema in docs/grids.md).

Latent views: for pairs of the most important latent dimensions, an N x N grid of every
descriptor as the forward surrogate predicts it, the other dimensions held at a
reference latent, plus a label map (which normalised descriptor is highest in each
cell). Descriptor planes: for pairs of descriptors, how close partial control lands
to each (a, b) target, anchored at the reference. A sample of cells is checked against
the real generator (decode, describe) and that fidelity is reported with the grids.
"""
from itertools import combinations

import numpy as np
import torch
from sklearn.metrics import r2_score

from . import descriptors
from .evaluate import measure

SCHEMA_VERSION = 1


def _rounded(a) -> list:
    return np.round(np.asarray(a, dtype=np.float64), 4).tolist()


def latent_views(surrogate, names, reference, dims, lows, highs, resolution: int):
    views = []
    for i, j in combinations(dims, 2):
        xs = np.linspace(lows[i], highs[i], resolution)
        ys = np.linspace(lows[j], highs[j], resolution)
        z = np.tile(np.asarray(reference, np.float32), (resolution, resolution, 1))
        z[:, :, i] = xs[None, :]  # rows follow y, columns follow x
        z[:, :, j] = ys[:, None]
        with torch.no_grad():
            y = surrogate.describe(torch.as_tensor(z.reshape(-1, len(reference)))[:, :, None])[:, :, 0].numpy()
        y = y.reshape(resolution, resolution, len(names))
        views.append({"x": int(i), "y": int(j), "x_values": _rounded(xs), "y_values": _rounded(ys),
                      "grids": {n: _rounded(y[:, :, k]) for k, n in enumerate(names)},
                      "labels": y.argmax(-1).tolist(), "_latents": z})
    return views


def descriptor_planes(surrogate, names, plane_names, reference, resolution: int):
    planes = []
    values = np.linspace(0.0, 1.0, resolution)
    d = len(names)
    for a, b in combinations(plane_names, 2):
        ia, ib = names.index(a), names.index(b)
        targets = np.zeros((resolution, resolution, d), np.float32)
        targets[:, :, ia] = values[None, :]
        targets[:, :, ib] = values[:, None]
        mask = np.zeros_like(targets)
        mask[:, :, [ia, ib]] = 1
        anchor = np.tile(np.asarray(reference, np.float32), (resolution * resolution, 1))
        x = np.concatenate([targets.reshape(-1, d), mask.reshape(-1, d), anchor], 1)
        with torch.no_grad():
            z = surrogate.control(torch.as_tensor(x)[:, :, None])
            got = surrogate.describe(z)[:, :, 0].numpy().reshape(resolution, resolution, d)
        error = np.hypot(got[:, :, ia] - values[None, :], got[:, :, ib] - values[:, None])
        planes.append({"x": a, "y": b, "values": _rounded(values), "error": _rounded(error),
                       "_latents": z[:, :, 0].numpy().reshape(resolution, resolution, -1),
                       "_targets": (ia, ib)})
    return planes


def fidelity(generator, scaler, views, planes, render_kw, cells: int = 48, seed: int = 0) -> dict:
    """Decode a random sample of grid cells and compare with what the grids say."""
    rng = np.random.default_rng(seed)
    names = scaler.names
    picks = [(v, rng.integers(0, len(v["x_values"]), 2)) for v in views for _ in range(max(1, cells // len(views)))]
    z = np.stack([v["_latents"][r, c] for v, (r, c) in picks])
    predicted = np.array([[v["grids"][n][r][c] for n in names] for v, (r, c) in picks])
    measured = measure(generator, scaler, z, render_kw, "grid check")
    out = {"cells": len(picks),
           "latent_r2": {n: float(r2_score(measured[:, k], predicted[:, k])) for k, n in enumerate(names)},
           "latent_mae": float(np.abs(measured - predicted).mean())}
    if planes:
        picks = [(p, rng.integers(0, len(p["values"]), 2)) for p in planes for _ in range(max(1, cells // len(planes)))]
        z = np.stack([p["_latents"][r, c] for p, (r, c) in picks])
        measured = measure(generator, scaler, z, render_kw, "plane check")
        real = [float(np.hypot(measured[k, p["_targets"][0]] - p["values"][c],
                               measured[k, p["_targets"][1]] - p["values"][r])) for k, (p, (r, c)) in enumerate(picks)]
        said = [p["error"][r][c] for p, (r, c) in picks]
        out["plane_cells"] = len(picks)
        out["plane_error_predicted"] = float(np.mean(said))
        out["plane_error_measured"] = float(np.mean(real))
    return out


def build_grids(surrogate, scaler, importance, reference, lows, highs, generator, render_kw,
                top_k: int = 4, resolution: int = 32, plane_resolution: int = 16, plane_names=None) -> dict:
    names = scaler.names
    total = np.sum([np.maximum(importance[n], 0) for n in names], axis=0)
    dims = [int(i) for i in np.argsort(-total)[:top_k]]
    labels = {int(i): names[int(np.argmax([importance[n][i] for n in names]))] for i in range(len(total))}
    if plane_names is None:
        preferred = [n for n in descriptors.KEY if n in names]
        plane_names = preferred if len(preferred) >= 2 else names[:3]
    views = latent_views(surrogate, names, reference, dims, lows, highs, resolution)
    planes = descriptor_planes(surrogate, names, plane_names, reference, plane_resolution)
    check = fidelity(generator, scaler, views, planes, render_kw)
    strip = lambda d: {k: v for k, v in d.items() if not k.startswith("_")}  # noqa: E731
    return {"schema_version": SCHEMA_VERSION, "resolution": resolution, "plane_resolution": plane_resolution,
            "descriptors": names, "units": "normalised", "reference_latent": _rounded(reference),
            "latent_dims": dims, "dimension_labels": {str(k): v for k, v in labels.items()},
            "importance_total": _rounded(total), "label_names": names,
            "latent_views": [strip(v) for v in views], "descriptor_planes": [strip(p) for p in planes],
            "fidelity": check}
