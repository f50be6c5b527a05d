"""The sound map played, measured on re-decoded audio, beyond the build's one drag.

    .venv/bin/python bench/sound_map.py BUNDLE [BUNDLE ...] [--plot FILE.png]

Per bundle: the map's trustworthiness (PCA and t-SNE), clicks on up to 512 test samples'
points through surrogate.ts's `map` (median distance of what is heard from the centroid
of the point's ten nearest map neighbours, against the 10th percentile of distances
between sampled sounds), and four straight drags across the map (both diagonals, the
middle row and column: largest step over median step). The build measures the same with
its control-sample count of clicks and one diagonal (metrics.json `map`,
docs/architecture.md §7). The plot shows each drag's largest step over its median.
"""
import argparse
import json
from pathlib import Path

import numpy as np

from engine import bundle as bundle_mod
from engine.build import Build
from engine.evaluate import map_fidelity
from engine.normalise import DescriptorScaler

ROOT = Path(__file__).resolve().parents[1]
DRAGS = {"diagonal": ((0.05, 0.05), (0.95, 0.95)), "anti-diagonal": ((0.05, 0.95), (0.95, 0.05)),
         "middle row": ((0.05, 0.5), (0.95, 0.5)), "middle column": ((0.5, 0.05), (0.5, 0.95))}


def measure(path: Path, clicks: int = 512) -> dict:
    b = bundle_mod.load(path)
    generator, surrogate, data = b.load_generator(), b.load_surrogate(), b.load_dataset()
    scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
    points = np.array(json.loads((path / "grids.json").read_text())["map"]["points"])
    render_kw = Build.from_bundle(b, jobs=1).render_kw  # as the build re-decoded its checks
    clicked = data["test"][:clicks]
    y = scaler.transform(data["descriptors_raw"])
    out = {}
    for k, (name, drag) in enumerate(DRAGS.items()):
        m = map_fidelity(generator, scaler, surrogate, points, y, clicked if k == 0 else clicked[:1],
                         render_kw, drag=drag)
        if k == 0:
            out["clicks"] = {key: m[key] for key in ("clicks", "click_distance_median", "neighbour_spread_median",
                                                     "pair_distance_p10")}
        out[name] = {key: m[key] for key in ("drag_step_median", "drag_step_max", "drag_jump_ratio")}
    metrics = json.loads((path / "metrics.json").read_text())["map"]
    out["method"], out["trustworthiness"] = metrics["method"], metrics["trustworthiness"]
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundles", nargs="+", type=Path)
    p.add_argument("--plot", type=Path)
    a = p.parse_args(argv)
    results = {}
    for path in a.bundles:
        r = results[str(path)] = measure(path)
        c = r["clicks"]
        print(f"\n{path}: {r['method']}, trustworthiness " +
              ", ".join(f"{k} {v:.3f}" for k, v in r["trustworthiness"].items()))
        print(f"clicks on {c['clicks']} test points: heard {c['click_distance_median']:.3f} from the neighbours' "
              f"centroid (their own spread {c['neighbour_spread_median']:.3f}; goal <= the 10th percentile of "
              f"pair distances, {c['pair_distance_p10']:.3f})")
        for name in DRAGS:
            d = r[name]
            print(f"drag, {name:<14} largest step {d['drag_step_max']:.3f} = {d['drag_jump_ratio']:.2f} x the median "
                  f"{d['drag_step_median']:.3f} (goal <= 5)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "sound_map.json").write_text(json.dumps(results, indent=1))
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 3.2), squeeze=False)
        for ax, (path, r) in zip(axes.flat, results.items()):
            ax.bar(list(DRAGS), [r[n]["drag_jump_ratio"] for n in DRAGS])
            ax.axhline(5, color="k", ls="--", lw=1)
            ax.set_title(f"{Path(path).name}: largest / median drag step", fontsize=9)
            ax.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(a.plot, dpi=80)
        print(f"plot: {a.plot}")


if __name__ == "__main__":
    main()
