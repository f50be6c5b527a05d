"""Short clips the report plays in place (docs/architecture.md §7): sampled sounds spread
over the sound map, and the latents at a coarse grid of the first heatmap's cells, so a
click on either plays what is there, from a folder opened from disk with no server.

Ogg Vorbis keeps a few hundred clips to a few megabytes; one gain for all of them keeps
their loudness in proportion (the generator's output is in pascals, not within ±1).
"""
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from tqdm import tqdm

from .dataset import decode_clips

MAP_SIDE = 16      # at most one clip per cell of a 16 x 16 grid over the map: 256
HEATMAP_SIDE = 8   # clips at 8 x 8 of the heatmap's cells
SECONDS = 1.0      # at most: the build's clip length if shorter


def spread(points: np.ndarray, side: int) -> np.ndarray:
    """Indices of the points nearest the centres of the occupied cells of a side x side grid
    over 0..1: one sampled sound per region of the map, where there are sounds."""
    cell = np.minimum((points * side).astype(int), side - 1)
    flat = cell[:, 1] * side + cell[:, 0]
    distance = np.linalg.norm(points - (cell + 0.5) / side, axis=1)
    order = np.lexsort((distance, flat))  # by cell, nearest first
    first = np.r_[True, flat[order][1:] != flat[order][:-1]]
    return order[first]


def heatmap_cells(view: dict, side: int) -> list:
    """(row, column) of a side x side subset of a latent view's cells, corners included."""
    rows = np.unique(np.round(np.linspace(0, len(view["y_values"]) - 1, side)).astype(int))
    cols = np.unique(np.round(np.linspace(0, len(view["x_values"]) - 1, side)).astype(int))
    return [(int(r), int(c)) for r in rows for c in cols]


def write_clips(generator, latents: np.ndarray, points: np.ndarray, grids: dict, folder: Path, frames: int,
                warmup: int, seed: int, map_side: int = MAP_SIDE, heatmap_side: int = HEATMAP_SIDE,
                batch_size: int = 16) -> dict:
    """Decodes and writes folder/map_NNNN.ogg and folder/heatmap_R_C.ogg; returns what the
    report page needs: {"map": [{x, y, sample, file}], "heatmap": {"view": 0, "cells":
    [{row, col, file}]}} with files relative to the report."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = spread(points, map_side)
    view = grids["latent_views"][0]
    cells = heatmap_cells(view, heatmap_side)
    at_cells = np.tile(np.asarray(grids["reference_latent"], np.float32), (len(cells), 1))
    for k, (r, c) in enumerate(cells):
        at_cells[k, view["x"]], at_cells[k, view["y"]] = view["x_values"][c], view["y_values"][r]
    z = np.concatenate([latents[chosen], at_cells]).astype(np.float32)
    audio = torch.cat([decode_clips(generator, z[i:i + batch_size], frames, warmup, seed)
                       for i in tqdm(range(0, len(z), batch_size), desc="report clips", unit="batch")]).numpy()
    audio = np.nan_to_num(audio) * (0.9 / max(float(np.abs(audio).max()), 1e-9))
    names = [f"map_{i:04d}.ogg" for i in chosen] + [f"heatmap_{r}_{c}.ogg" for r, c in cells]
    for name, clip in zip(names, audio):
        sf.write(folder / name, clip.T, generator.sr, format="OGG", subtype="VORBIS")
    where = f"{folder.name}/"
    return {"map": [{"x": float(points[i, 0]), "y": float(points[i, 1]), "sample": int(i), "file": where + name}
                    for i, name in zip(chosen, names)],
            "heatmap": {"view": 0, "cells": [{"row": r, "col": c, "file": where + name}
                                             for (r, c), name in zip(cells, names[len(chosen):])]}}
