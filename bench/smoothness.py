"""How much each descriptor moves when the sound barely changes: test latents decoded as
the build decodes them, then again after a move of a small fraction of each latent
dimension's spread. A descriptor that jumps under moves too small to hear is one no
surrogate can follow (docs/benchmarks.md, "Harmonicity that a surrogate can follow").

    .venv/bin/python bench/smoothness.py BUNDLE [--points 384] [--moves 0.01,0.05]

Prints, per descriptor and move, the median and 98th percentile |change| in the bundle's
normalised units (its sampled range is 1).
"""
import argparse
from pathlib import Path

import numpy as np

from engine import bundle as bundle_mod
from engine.build import Build
from engine.evaluate import measure
from engine.normalise import DescriptorScaler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--points", type=int, default=384)
    p.add_argument("--moves", default="0.01,0.05", help="move sizes, in each latent dimension's standard deviation")
    p.add_argument("--seed", type=int, default=0, help="of the moves")
    args = p.parse_args()
    b = bundle_mod.load(args.bundle)
    scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
    build = Build.from_bundle(b)  # its generator, test points and decoding, as its checks had them
    generator, kw = build.generator_, build.render_kw
    z = build.latents_[build.idx_test_[:args.points]]
    before = measure(generator, scaler, z, kw, "as sampled")
    rng = np.random.default_rng(args.seed)
    print(f"{args.bundle}: {len(z)} test points; |change| in normalised units, median / 98th percentile")
    moves = [float(v) for v in args.moves.split(",")]
    changes = []
    for move in moves:
        moved = z + move * z.std(0) * rng.standard_normal(z.shape).astype(np.float32)
        changes.append(np.abs(measure(generator, scaler, moved, kw, f"moved by {move:g} sd") - before))
    print(f"{'descriptor':<14}" + "".join(f"{f'move {move:g} sd':>22}" for move in moves))
    for j, n in enumerate(scaler.names):
        print(f"{n:<14}" + "".join(f"{np.median(c[:, j]):>12.4f} / {np.percentile(c[:, j], 98):.3f}" for c in changes))


if __name__ == "__main__":
    main()
