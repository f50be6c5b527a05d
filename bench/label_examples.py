"""Labels taught by example, measured: how many examples a label needs, and whether it
carries to another generator (docs/labels.md).

Examples follow a known rule of the descriptors, in the teaching bundle's normalised
units: `bright` = brightness, `bright_smooth` = brightness x (1 - roughness). For each
example count, latents drawn from the bundle's train split are labelled by the rule on
their measured descriptors and taught to a copy of the bundle; then the label is played
along Fader-RAVE's random target curves through `[semantic~]` in Pd (-batch, @thread 0:
the object's own core, offline) and the output is described in 0.5 s windows: r between
the requested label and the rule measured on the output (and the label as it measures
itself). Transfer: the label taught with `--transfer-count` examples is carried to OTHER
with `engine.label --from`, and r is measured there the same way, and between the label
and the rule over OTHER's sampled sounds.

    .venv/bin/python bench/label_examples.py BUNDLE OTHER [--counts 5 10 12 20 40] [--seconds 30] [--runs 2]
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine import bundle as bundle_mod, in_time  # noqa: E402
from engine.label import teach  # noqa: E402
from engine.normalise import DescriptorScaler  # noqa: E402
from tools.pd import SR  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from control_in_time import run_in_pd  # noqa: E402

NAME = "taught"
RULES = {"bright": lambda v: np.clip(v["brightness"], 0, 1),
         "bright_smooth": lambda v: np.clip(v["brightness"], 0, 1) * (1 - np.clip(v["roughness"], 0, 1))}


def rule_values(rule, raw, names, scaler):
    """The rule on raw descriptor rows [n, len(names)], normalised by `scaler` (the teaching bundle's)."""
    norm = scaler.transform(raw[:, [names.index(n) for n in scaler.names]])
    return RULES[rule](dict(zip(scaler.names, norm.T)))


def played_in_pd(bundle, rule, scaler, seconds, runs):
    """Mean over runs of r(requested label, rule on the output) and r(requested, label measured)."""
    played = DescriptorScaler.from_manifest(bundle_mod.load(bundle).manifest["descriptors"])  # the label last
    curves = [in_time.random_curves([NAME], seconds, seed=100 + k) for k in range(runs)]
    out = run_in_pd(bundle, curves, seconds, threaded=False, group=1)
    r_rule, r_label = [], []
    for k, c in enumerate(curves):
        audio, latency = out[k]
        # every descriptor over the same windows (each "requested" is the label's curve)
        windows = in_time.measure(audio, SR, {n: c[NAME] for n in played.names}, played, latency)
        requested = windows[NAME]["requested"]
        raw = played.inverse_transform(np.stack([windows[n]["measured"] for n in played.names], 1))
        r_rule.append(float(np.corrcoef(requested, rule_values(rule, raw, played.names, scaler))[0, 1]))
        r_label.append(windows[NAME]["r"])
    return float(np.mean(r_rule)), float(np.mean(r_label))


def examples(bundle, rule, count, seed, scaler):
    d = np.load(Path(bundle) / "dataset.npz")
    names = [str(n) for n in d["names"]]
    idx = np.random.default_rng(seed).choice(d["train"], count, replace=False)
    values = rule_values(rule, d["descriptors_raw"][idx], names, scaler)
    return [{"latent": d["latents"][i].tolist(), "value": float(v)} for i, v in zip(idx, values)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("other", type=Path)
    p.add_argument("--counts", type=int, nargs="+", default=[5, 10, 12, 20, 40])
    p.add_argument("--rules", default=",".join(RULES))
    p.add_argument("--transfer-count", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--runs", type=int, default=2)
    args = p.parse_args()
    source = bundle_mod.load(args.bundle)
    scaler = DescriptorScaler.from_manifest([d for d in source.manifest["descriptors"] if "taught" not in d])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rule in args.rules.split(","):
            for count in args.counts:
                out = Path(tmp) / f"{rule}_{count}.semantic"
                metrics = teach(args.bundle, NAME, examples(args.bundle, rule, count, count, scaler), out=out)
                taught = bundle_mod.load(out).manifest["descriptors"][-1]["taught"]
                r_rule, r_label = played_in_pd(out, rule, scaler, args.seconds, args.runs)
                rows.append({"rule": rule, "examples": count, "cv": taught["cv_score"], "model": taught["model"],
                             "static_r": metrics["descriptors"][NAME]["control_r"], "in_time_r_rule": r_rule,
                             "in_time_r_label": r_label})
                print(json.dumps(rows[-1]), flush=True)
            teacher = Path(tmp) / f"{rule}_{args.transfer_count}.semantic"
            if not teacher.exists():
                teach(args.bundle, NAME, examples(args.bundle, rule, args.transfer_count, args.transfer_count, scaler),
                      out=teacher)
            carried = Path(tmp) / f"{rule}_other.semantic"
            teach(args.other, NAME, source=teacher, out=carried)
            d = np.load(carried / "dataset.npz")
            names = [str(n) for n in d["names"]]
            static = float(np.corrcoef(d["descriptors_raw"][:, names.index(NAME)],
                                       rule_values(rule, d["descriptors_raw"], names, scaler))[0, 1])
            r_rule, r_label = played_in_pd(carried, rule, scaler, args.seconds, args.runs)
            rows.append({"rule": rule, "transfer": str(args.other), "examples": args.transfer_count,
                         "sampled_sounds_r": static, "in_time_r_rule": r_rule, "in_time_r_label": r_label})
            print(json.dumps(rows[-1]), flush=True)
    print(f"\n{'rule':<15}{'examples':>9}{'cv':>8}{'model':>20}{'static r':>10}{'in time r (rule)':>18}"
          f"{'(label)':>9}")
    for row in rows:
        if "transfer" in row:
            print(f"{row['rule']:<15}{'to other':>9}{'':>8}{'':>20}{row['sampled_sounds_r']:>10.3f}"
                  f"{row['in_time_r_rule']:>18.3f}{row['in_time_r_label']:>9.3f}")
        else:
            print(f"{row['rule']:<15}{row['examples']:>9}{row['cv']:>8.3f}{row['model']:>20}{row['static_r']:>10.3f}"
                  f"{row['in_time_r_rule']:>18.3f}{row['in_time_r_label']:>9.3f}")


if __name__ == "__main__":
    main()
