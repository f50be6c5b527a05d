"""python -m engine.describe FILE.wav [--json]: every default descriptor of a sound file.

Samples are taken as pascals (1.0 = 1 Pa, a full-scale sine is about 91 dB SPL). Other
rates are resampled to 48 kHz and several channels are averaged to mono; both are said
on stderr. Prints one clip-level value per descriptor, or with --json one object
{"<name>": value}: always JSON, so a value that is not a finite number is null, and
"null_because" says why for each. A file shorter than one analysis frame is refused.
"""
import argparse
import json
import sys

import numpy as np
import soundfile as sf

from . import descriptors
from .descriptors import custom
from .descriptors.analysis import Analysis

RATE = 48000


def read(path) -> np.ndarray:
    """Mono float32 at 48 kHz; ValueError with the reason when the file cannot be used."""
    from scipy.signal import resample_poly
    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as e:  # soundfile raises LibsndfileError, RuntimeError or OSError
        raise ValueError(f"cannot read {path} as audio ({e}); expected WAV, FLAC, AIFF or OGG") from None
    if audio.shape[0] == 0:
        raise ValueError(f"{path} has no samples")
    frames = sf.info(str(path)).frames
    if frames > audio.shape[0]:
        print(f"note: {path} is truncated: its header promises {frames} frames, {audio.shape[0]} could be read",
              file=sys.stderr)
    if audio.shape[1] > 1:
        print(f"note: {path} has {audio.shape[1]} channels; described as their average (mono mix)",
              file=sys.stderr)
    x = audio.mean(1)
    if sr != RATE:
        print(f"note: {path} is at {sr} Hz; resampled to {RATE} Hz", file=sys.stderr)
        g = np.gcd(sr, RATE)
        x = resample_poly(x, RATE // g, sr // g).astype(np.float32)
    if len(x) < Analysis.n_fft:
        raise ValueError(f"{path} lasts {len(x) / RATE * 1000:.2f} ms; describing needs at least "
                         f"{Analysis.n_fft / RATE * 1000:.1f} ms (one analysis frame of {Analysis.n_fft} samples at {RATE} Hz)")
    return x


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m engine.describe", description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print one JSON object {name: value}")
    p.add_argument("--descriptors", default=",".join(descriptors.DEFAULT))
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py")
    args = p.parse_args(argv)
    try:
        for path in args.plugin:
            custom.load(f"plugin:{path}")
        names = descriptors.split_names(args.descriptors)
        values = descriptors.describe(read(args.file), RATE, names)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    out = {n: float(v[0]) for n, v in values.items()}
    odd = {n: f"not a finite number ({v}): samples far beyond any sound pressure overflow the analysis"
           for n, v in out.items() if not np.isfinite(v)}
    if args.json:
        print(json.dumps({**{n: None if n in odd else v for n, v in out.items()},
                          **({"null_because": odd} if odd else {})}, allow_nan=False))
    else:
        for n, v in out.items():
            print(f"{n:<12} {v:>12.4g}  {descriptors.REGISTRY[n].unit}")
    for n, why in odd.items():
        print(f"note: {n} is {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
