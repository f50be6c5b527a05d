"""Example sounds: for each descriptor, sampled clips at its low and high ends."""
from pathlib import Path

import numpy as np
import soundfile as sf

from .dataset import decode_clips


def write_examples(generator, latents, y, names, folder: Path, frames: int, warmup: int, seed: int,
                   per_end: int = 3) -> dict:
    """WAVs (float, pascals) under folder/; returns {name: {"low": [...], "high": [...]}}
    with paths relative to the bundle and the normalised value of each."""
    folder.mkdir(parents=True, exist_ok=True)
    listing = {}
    for j, name in enumerate(names):
        order = np.argsort(y[:, j])
        ends = {"low": order[:per_end], "high": order[::-1][:per_end]}
        listing[name] = {}
        for end, idx in ends.items():
            audio = decode_clips(generator, latents[idx], frames, warmup, seed)
            files = []
            for k, (i, clip) in enumerate(zip(idx, audio.numpy())):
                path = folder / f"{name}_{end}_{k + 1}.wav"
                sf.write(path, clip.T, generator.sr, subtype="FLOAT")
                files.append({"file": f"{folder.name}/{path.name}", "value": float(y[i, j]), "sample": int(i)})
            listing[name][end] = files
    return listing
