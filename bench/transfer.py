"""Cross-model agreement: one target staircase per descriptor on two demo generators.

    .venv/bin/python bench/transfer.py [--a out/demo.semantic] [--b out/demo_b.semantic]

Builds the bundles that are missing (synth_a and synth_b demo generators, default
settings), plays the same normalised staircases through both, and prints Pearson r
between the measured courses per descriptor. Writes docs/img/transfer.png.
"""
import argparse
import math
from pathlib import Path

import numpy as np

from engine.build import build, parse_args
from engine.transfer import agreement

ROOT = Path(__file__).resolve().parents[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", default=str(ROOT / "out" / "demo.semantic"))
    p.add_argument("--b", default=str(ROOT / "out" / "demo_b.semantic"))
    args = p.parse_args()
    for path, name in ((args.a, "synth_a"), (args.b, "synth_b")):
        if not (Path(path) / "manifest.json").exists():
            build(parse_args(["--out", path, "--demo", name]))
    result = agreement(args.a, args.b)
    print(f"\n{'descriptor':<14}{'r (a vs b)':>11}")
    for n, v in result.items():
        print(f"{n:<14}{v['r']:>11.3f}{'' if v['r'] >= 0.85 else '  < 0.85'}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cols = 5
    fig, axes = plt.subplots(math.ceil(len(result) / cols), cols, figsize=(3 * cols, 2.5 * math.ceil(len(result) / cols)))
    for ax, (n, v) in zip(axes.flat, result.items()):
        steps = np.linspace(0.1, 0.9, len(v["a"]))
        ax.plot(steps, steps, color="grey", lw=0.8)
        ax.plot(steps, v["a"], "o-", label="synth_a")
        ax.plot(steps, v["b"], "s-", label="synth_b")
        ax.set_title(f"{n} (r = {v['r']:.2f})", fontsize=9)
    for ax in list(axes.flat)[len(result):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    out = ROOT / "docs" / "img" / "transfer.png"
    fig.savefig(out, dpi=80)
    print(f"plot: {out}")


if __name__ == "__main__":
    main()
