"""What limits the forward surrogate (latent -> descriptors)? Held-out R² per descriptor
for the build's MLP, a wider one, an ensemble of five, and the build's MLP on half the
training points (how much more data would buy).

    .venv/bin/python bench/forward_fit.py BUNDLE [--epochs 300]

Trains on the bundle's `train` split and scores on its `test` split (dataset.npz), so the
numbers compare with metrics.json's forward_r2.
"""
import argparse
from pathlib import Path

import numpy as np
from sklearn.metrics import r2_score

from engine.surrogate import MLPRegressor


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--epochs", type=int, default=300)
    args = p.parse_args()
    d = np.load(args.bundle / "dataset.npz")
    z, y, names, train, test = d["latents"], d["descriptors"], list(d["names"]), d["train"], d["test"]

    def fitted(rows, **kw):
        return MLPRegressor(epochs=args.epochs, **kw).fit(z[rows], y[rows]).predict(z[test])
    variants = {"build 128x3": fitted(train), "256x3": fitted(train, hidden=256),
                "ensemble of 5": fitted(train, members=5),
                "half the data": fitted(train[:len(train) // 2])}
    print(f"{args.bundle}: {len(train)} training points, {len(test)} test points; held-out R²")
    print(f"{'descriptor':<14}" + "".join(f"{k:>15}" for k in variants))
    for j, n in enumerate(names):
        print(f"{n:<14}" + "".join(f"{r2_score(y[test, j], v[:, j]):>15.3f}" for v in variants.values()))


if __name__ == "__main__":
    main()
