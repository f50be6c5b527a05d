"""How selective can steering be at all? A first-order bound from the forward surrogate.

    .venv/bin/python bench/steer_bound.py [BUNDLE]      (default out/demo.semantic)

At each held-out start latent, a linear program finds the latent step that changes the
asked descriptor most while no held descriptor changes by more than 1 (all in normalised
units, through the surrogate's Jacobian): its optimum is the best ratio "asked change /
largest held change" that any small latent move can reach there. Printed per descriptor
(median over start points) beside the ratio `steer` reaches by the surrogate and the ratio
measured on decoded audio (metrics.json), for two held sets: every other descriptor but
near-duplicates (what the build's steer check holds) and the other three of loudness,
brightness, roughness, f0 (a patch exposing those four).
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch

from engine import bundle as bundle_mod
from engine.descriptors import KEY
from engine.evaluate import best_ratio

ROOT = Path(__file__).resolve().parents[1]


def main(path: Path, starts: int = 48):
    b = bundle_mod.load(path)
    surrogate = b.load_surrogate()
    metrics = json.loads((path / "metrics.json").read_text())
    data = np.load(path / "dataset.npz")
    names = [str(n) for n in data["names"]]
    z = torch.tensor(data["latents"][data["test"][:starts]], dtype=torch.float32)
    with torch.no_grad():
        now, jac = surrogate.jacobian(z)
    jac = jac.numpy()
    print(f"{path}: {len(z)} held-out start points; ratios are medians")
    print(f"{'descriptor':<12}{'bound, all':>11}{'steer (sur.)':>13}{'measured':>10}{'bound, key 4':>14}")
    rows = {}
    for k, name in enumerate(names):
        held = [names.index(h) for h in metrics["descriptors"][name]["steer_held"]]
        key = [names.index(h) for h in KEY if h in names and h != name]
        bound_all = np.median([best_ratio(jac[i], k, held) for i in range(len(z))])
        bound_key = np.median([best_ratio(jac[i], k, key) for i in range(len(z))]) if key else float("nan")
        sign = torch.where(now[:, k] < 0.5, 1.0, -1.0)
        deltas = torch.zeros(len(z), len(names))
        deltas[:, k] = 0.4 * sign
        with torch.no_grad():
            moved = surrogate.steer(torch.cat([z, deltas, torch.zeros_like(deltas)], 1)[:, :, None])[:, :, 0]
            after = surrogate.describe(moved[:, :, None])[:, :, 0]
        change = (after - now).abs().numpy()
        predicted = float(np.median(change[:, k] / np.maximum(change[:, held].max(1), 1e-6)))
        measured = metrics["descriptors"][name].get("steer_ratio", float("nan"))
        rows[name] = {"bound_all_held": float(bound_all), "steer_predicted": predicted, "steer_measured": measured,
                      "bound_key_held": float(bound_key)}
        print(f"{name:<12}{bound_all:>11.2f}{predicted:>13.2f}{measured:>10.2f}{bound_key:>14.2f}")
    reach = sum(r["bound_all_held"] >= 3 for r in rows.values())
    print(f"\n{reach} of {len(rows)} descriptors can reach a 3x ratio against all the others, to first order")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "steer_bound.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "demo.semantic")
