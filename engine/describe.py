"""python -m engine.describe FILE.wav [--json] [--every SECONDS]: the descriptors of a sound file.

Samples are taken as pascals (1.0 = 1 Pa, a full-scale sine is about 91 dB SPL). Other
rates are resampled to 48 kHz and several channels are averaged to mono; both are said
on stderr. A file is read in segments, so memory stays flat in its length: a file up to
one segment long is described as one clip, a longer one segment by segment and each
descriptor's segment values pooled as the descriptor pools its frames
(engine/descriptors/pooling.py). `--every` also gives the value of every segment.

Prints one value per descriptor, or with --json one object {"<name>": value}: always
JSON, so a value that is not a finite number is null and "null_because" says why. A file
shorter than one analysis frame is refused.
"""
import argparse
import json
import sys

import numpy as np
from tqdm import tqdm

from . import audio, descriptors
from .descriptors import custom, pooling
from .descriptors.analysis import SILENCE_RMS, Analysis

RATE = 48000
# Seconds analysed at once: ~130 MB of spectra and filter banks (docs/benchmarks.md).
SEGMENT = 30.0
# 1e5 Pa (about 194 dB SPL) is the loudest sound air carries: larger samples are not
# sound pressures, and squaring them overflows the analysis.
LOUDEST = 1e5


def describe_file(path, names, every: float = SEGMENT):
    """({name: value or None}, {name: why it is None}, [segment rows]) for a sound file.
    Each row is {"start", "seconds", name: value or None}; ValueError if the file cannot be
    described."""
    def finite(v):
        return v if np.isfinite(v) else None

    chosen = descriptors.get(names)
    # the loudness weights of a loudness-weighted pool are measured with the rest
    measured = list(dict.fromkeys([*names, *(["loudness"] if any(d.pool == "loudness" for d in chosen) else [])]))
    rows, stats, overflow = [], [], None
    start = 0.0
    duration = audio.duration(path)
    progress = tqdm(total=round(duration), unit="s", desc="describe", disable=None if duration > 4 * every else True)
    for x in audio.blocks(path, RATE, every):
        seconds = len(x) / RATE
        if not rows and len(x) < Analysis.n_fft:
            raise ValueError(f"{path} lasts {seconds * 1000:.2f} ms; describing needs at least "
                             f"{Analysis.n_fft / RATE * 1000:.1f} ms (one analysis frame of {Analysis.n_fft} samples at {RATE} Hz)")
        peak = float(np.abs(x).max())
        if not np.isfinite(peak):
            raise ValueError(f"{path} has NaN or Inf samples between {start:.1f} and {start + seconds:.1f} s")
        row = {"start": round(start, 6), "seconds": round(seconds, 6)}
        if peak > LOUDEST:
            overflow = overflow or (peak, start)
            values = dict.fromkeys(measured, float("nan"))
        else:
            values = {n: float(v[0]) for n, v in descriptors.describe(x, RATE, measured).items()}
        rows.append({**row, **{n: values[n] for n in names}})
        energy = float(np.square(x, dtype=np.float64).sum())
        stats.append((seconds, energy, values.get("loudness", 0.0), np.sqrt(energy / len(x)) >= SILENCE_RMS))
        start += seconds
        progress.update(round(start) - progress.n)
    progress.close()
    shown = [{k: finite(v) for k, v in r.items()} for r in rows]
    if overflow:
        peak, at = overflow
        why = (f"samples reach {peak:.3g} Pa ({20 * np.log10(peak / 2e-5):.0f} dB SPL) at {at:.1f} s, beyond the "
               f"loudest sound air carries ({LOUDEST:.0e} Pa, about 194 dB SPL): samples are read as pascals "
               "(1.0 = 1 Pa); scale the file down")
        return dict.fromkeys(names), dict.fromkeys(names, why), shown
    if len(rows) == 1:
        whole = {n: rows[0][n] for n in names}
    else:
        seconds, energy, loudness, sounding = map(np.array, zip(*stats))
        whole = {d.name: pooling.pool(d, [r[d.name] for r in rows], seconds, energy, loudness, sounding)
                 for d in chosen}
    odd = {n: f"not a finite number ({v})" for n, v in whole.items() if not np.isfinite(v)}
    return {n: finite(v) for n, v in whole.items()}, odd, shown


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m engine.describe", description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print one JSON object {name: value}")
    p.add_argument("--every", type=float, metavar="SECONDS",
                   help=f"also give the values of every SECONDS-long segment (0.1..{SEGMENT:g}); the file's "
                        "values then pool these segments")
    p.add_argument("--descriptors", default=",".join(descriptors.DEFAULT))
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py")
    args = p.parse_args(argv)
    if args.every is not None and not 0.1 <= args.every <= SEGMENT:
        p.error(f"--every must be between 0.1 and {SEGMENT:g} seconds, got {args.every:g}")
    try:
        for path in args.plugin:
            custom.load(f"plugin:{path}")
        names = descriptors.split_names(args.descriptors)
        whole, odd, rows = describe_file(args.file, names, args.every or SEGMENT)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    rows = rows if args.every else []
    if args.json:
        print(json.dumps({**whole, **({"null_because": odd} if odd else {}), **({"segments": rows} if rows else {})},
                         allow_nan=False))
    else:
        for n, v in whole.items():
            print(f"{n:<12} {'null' if v is None else f'{v:.4g}':>12}  {descriptors.REGISTRY[n].unit}")
        if rows:
            print("\n" + " ".join(f"{c:>11}" for c in ["start s", *names]))
            for r in rows:
                print(" ".join(f"{'null' if r[c] is None else f'{r[c]:.4g}':>11}" for c in ["start", *names]))
    for why in dict.fromkeys(odd.values()):
        print(f"note: {', '.join(n for n in odd if odd[n] == why)} null: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
