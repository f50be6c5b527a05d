"""Transfer: the same normalised target sequence played on different generators.

For each descriptor, a staircase of targets (the others free) is played through a
bundle with `engine.play`, and each step is measured again on the audio. Because the
descriptor space is normalised per bundle, the measured courses of two generators
should follow each other; `agreement` gives their Pearson r per descriptor.
"""
import numpy as np
import torch

from . import bundle as bundle_mod
from .descriptors import describe
from .normalise import DescriptorScaler
from .play import play


def staircase(name: str, steps: int, hold: float, lo: float, hi: float) -> dict:
    values = np.linspace(lo, hi, steps)
    points = []
    for k, v in enumerate(values):
        points += [{"time": k * hold, "targets": {name: float(v)}},
                   {"time": (k + 1) * hold - 1e-3, "targets": {name: float(v)}}]
    return {"points": points, "duration": steps * hold}


def courses(bundle_path, names=None, steps: int = 8, hold: float = 0.6, lo: float = 0.1, hi: float = 0.9,
            settle: float = 0.15) -> dict:
    """{descriptor: measured normalised value at each step} for staircases on each."""
    b = bundle_mod.load(bundle_path)
    scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
    names = names or b.descriptor_names
    out = {}
    for name in names:
        audio, _, sr = play(bundle_path, staircase(name, steps, hold, lo, hi))
        length = int((hold - settle) * sr)
        segments = [audio[:, int(round((k * hold + settle) * sr)):][:, :length] for k in range(steps)]
        raw = describe(torch.tensor(np.stack(segments)), sr, scaler.names)
        measured = scaler.transform(np.stack([raw[n].numpy() for n in scaler.names], 1))
        out[name] = measured[:, scaler.names.index(name)].tolist()
    return out


def agreement(bundle_a, bundle_b, names=None, **kw) -> dict:
    a, b = courses(bundle_a, names, **kw), courses(bundle_b, names, **kw)
    return {n: {"r": float(np.corrcoef(a[n], b[n])[0, 1]), "a": a[n], "b": b[n]} for n in a}
