"""Does sampling where the forward surrogate is unsure beat sampling more at random?

    .venv/bin/python bench/active_sampling.py BUNDLE [--extra 2048] [--pool 20]

From a bundle's own dataset and splits: the forward surrogate (an ensemble of 5) fitted on
the train split; then `--extra` more points decoded and described, drawn either (a) at
random from the bundle's sampler or (b) as the points of a pool `--pool` times larger on
which the five members disagree most (query by committee, summed over descriptors in
normalised units, no decoding needed to choose). Each is refitted on train + extra and
scored on the same test split, which stays drawn from the sampler alone.
"""
import argparse
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import r2_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine import bundle as bundle_mod  # noqa: E402
from engine.dataset import render  # noqa: E402
from engine.normalise import DescriptorScaler  # noqa: E402
from engine.sampling import LatentSampler  # noqa: E402
from engine.surrogate import MLPRegressor  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--extra", type=int, default=2048)
    p.add_argument("--pool", type=int, default=20, help="candidates per extra point for the active draw")
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--epochs", type=int, default=300)
    args = p.parse_args()
    b = bundle_mod.load(args.bundle)
    d = np.load(args.bundle / "dataset.npz")
    z, y, names, train, test = d["latents"], d["descriptors"], list(d["names"]), d["train"], d["test"]
    generator = b.load_generator()
    scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
    s = b.manifest["sampler"]
    clip = b.manifest["clip"]
    render_kw = dict(seconds=clip["seconds"], warmup=clip["warmup_frames"], batch_size=clip["batch_size"],
                     seed=s["seed"], jobs=os.cpu_count())

    def fitted(zs, ys):
        return MLPRegressor(epochs=args.epochs, members=args.members).fit(zs, ys)

    def scores(model):
        return [r2_score(y[test, j], col) for j, col in enumerate(model.predict(z[test]).T)]

    first = fitted(z[train], y[train])
    # other seeds than the bundle's, so the new points are new
    pool = LatentSampler(s["kind"], s["scale"], s["seed"] + 1).fit(generator).sample(args.extra * args.pool)
    spread = first.disagreement(pool).sum(1)
    draws = {"random": pool[:args.extra], "active": pool[np.argsort(spread)[-args.extra:]]}
    rows = {"train only": scores(first)}
    for kind, extra in draws.items():
        y_extra = scaler.transform(render(generator, extra, names, desc=f"decode+describe ({kind})", **render_kw))
        rows[f"+{args.extra} {kind}"] = scores(fitted(np.concatenate([z[train], extra]),
                                                      np.concatenate([y[train], y_extra])))
    print(f"forward R² on the test split ({len(test)} points), {len(train)} training points, ensemble of "
          f"{args.members}\n")
    print("| descriptor | " + " | ".join(rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for j, n in enumerate(names):
        print(f"| {n} | " + " | ".join(f"{r[j]:.3f}" for r in rows.values()) + " |")
    print("| mean | " + " | ".join(f"{np.mean(r):.3f}" for r in rows.values()) + " |")


if __name__ == "__main__":
    main()
