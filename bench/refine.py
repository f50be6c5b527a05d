"""What the surrogate's refinement of the controller's answer buys: the same bundle played
with its Gauss-Newton refinement off (0 steps) and on (the bundle's own), in one run.

    .venv/bin/python bench/refine.py BUNDLE [--targets 256] [--seconds 30] [--runs 3]

Static: the bundle's test targets (every descriptor given) through `forward`, decoded and
described again (metrics.json's control r). In time: the key descriptors at once through
`control`, Fader-RAVE's curves played offline (engine/in_time.py), mean over `--runs` seeds.
"""
import argparse
import json
from pathlib import Path

import numpy as np

from engine import bundle as bundle_mod
from engine import descriptors, in_time
from engine.evaluate import control_accuracy
from engine.normalise import DescriptorScaler
from engine.play import play_models


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--targets", type=int, default=256)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    b = bundle_mod.load(args.bundle)
    surrogate, generator = b.load_surrogate(), b.load_generator()
    scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
    names = scaler.names
    key = [n for n in descriptors.KEY if n in names]
    d = np.load(args.bundle / "dataset.npz")
    targets = d["descriptors"][d["test"][:args.targets]]
    render_kw = dict(seconds=b.manifest["clip"]["seconds"], warmup=b.manifest["clip"]["warmup_frames"], seed=0)
    own = surrogate.refine_steps
    rows = {}
    for steps in (0, own):
        surrogate.refine_steps = steps
        static = control_accuracy(generator, scaler, surrogate, targets, render_kw, f"static, {steps} steps")[0]
        timed = []
        for k in range(args.runs):
            curves = in_time.random_curves(key, args.seconds, seed=100 + k)
            audio, _, sr = play_models(surrogate, generator, names, in_time.sequence(curves, args.seconds))
            timed.append(in_time.measure(audio, sr, curves, scaler))
        rows[steps] = {"static_r": {n: static[n]["control_r"] for n in names},
                       "together": {n: {m: float(np.mean([t[n][m] for t in timed])) for m in ("r", "l1")} for n in key}}
    print(f"{args.bundle} ({b.manifest['surrogate']['controller']} controller), refinement steps 0 / {own}")
    print(f"{'static control r':<28}" + "".join(f"{n:>13}" for n in names))
    for steps, row in rows.items():
        print(f"{f'  {steps} steps':<28}" + "".join(f"{row['static_r'][n]:>13.3f}" for n in names))
    print(f"{'key at once, r / L1':<28}" + "".join(f"{n:>15}" for n in key))
    for steps, row in rows.items():
        print(f"{f'  {steps} steps':<28}" + "".join(f"{row['together'][n]['r']:>8.3f} /{row['together'][n]['l1']:.3f}"
                                                   for n in key))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
