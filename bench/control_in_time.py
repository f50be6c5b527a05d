"""Control in time, Fader-RAVE's protocol, through `[semantic~]` in a real Pd.

For each bundle: smooth random target curves (a new target each second, ramped) for each
of its descriptors alone and for 2, 3 and 4 key descriptors at once (on independent
targets, with the generator's ceiling beside them, and on held-out sounds' own
combinations: engine/in_time.py), played by
`[semantic~]` with those descriptors exposed as signal inlets (the others free). Modes:
`batch` (Pd -batch, @thread 0, offline), `threaded` (real time, the object's worker
thread, a few objects per Pd) and `offline` (engine.play, no host). The output is
described in 0.5 s windows at the generator's rate, the object's reported latency and
the generator's own delay removed (engine/in_time.py): Pearson r and L1 in normalised units, beside Fader-RAVE's
published figures.

    .venv/bin/python bench/control_in_time.py BUNDLE [BUNDLE ...] [--seconds 30] [--modes batch,threaded,offline]
"""
import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine import bundle as bundle_mod, descriptors, in_time  # noqa: E402
from engine.dataset import response_delay  # noqa: E402
from engine.normalise import DescriptorScaler  # noqa: E402
from engine.play import play  # noqa: E402
from tools.pd import SR, run as run_pd, symbol, write_patch  # noqa: E402


def configurations(names):
    """(descriptors, targets): each descriptor alone, then the first 2, 3 and 4 key
    descriptors the bundle has, on independent and on reachable targets."""
    key = [n for n in descriptors.KEY if n in names]
    return [([n], "independent") for n in names] + [(key[:k], kind) for k in range(2, len(key) + 1)
                                                   for kind in ("independent", "reachable")]


def pd_patch(path, bundle, runs, seconds, threaded, folder, outlets_before_predictions):
    """One [semantic~] per run, each inlet driven by a vline~ through its curve, recorded into
    a table written to folder/run<k>.wav; `info` 0.2 s in gives each one's latency. Threaded
    objects load in the background: the curves start once they have had 3 s to load."""
    objects = [("obj", "loadbang"), ("msg", "\\; pd dsp 1"), ("obj", f"delay {int(seconds * 1000) + 300}"),
               ("msg", "\\; pd quit"), ("obj", "delay 200"), ("obj", f"delay {3000 if threaded else 0}")]
    start = 5
    connections = [(0, 0, 1, 0), (0, 0, start, 0), (start, 0, 2, 0), (start, 0, 4, 0)]
    writes = []
    for k, curves in enumerate(runs):
        names = list(curves)
        base = len(objects)
        objects += [("obj", f"semantic~ {symbol(bundle)} @descriptors {' '.join(names)}"
                            + ("" if threaded else " @thread 0")),
                    ("obj", f"table rec{k} {int((seconds + 0.3) * SR)}"), ("obj", f"tabwrite~ rec{k}"),
                    ("msg", "info"), ("obj", f"print run{k}"),
                    ("msg", f"write -bytes 4 {symbol(folder / f'run{k}.wav')} rec{k}")]
        semantic = base
        connections += [(semantic, 0, base + 2, 0), (start, 0, base + 2, 0), (4, 0, base + 3, 0),
                        (base + 3, 0, semantic, 0), (semantic, outlets_before_predictions + len(names), base + 4, 0)]
        writes.append(base + 5)
        for j, name in enumerate(names):
            points = curves[name]
            # vline~: "value ramp_ms delay_ms" for each breakpoint after the first
            segments = [f"{points[0][1]:.4f}"] + [f"{v:.4f} {1000 * (t - tp):.1f} {1000 * tp:.1f}"
                                                  for (tp, _), (t, v) in zip(points[:-1], points[1:])]
            objects += [("msg", " \\, ".join(segments)), ("obj", "vline~")]
            connections += [(start, 0, len(objects) - 2, 0), (len(objects) - 2, 0, len(objects) - 1, 0),
                            (len(objects) - 1, 0, semantic, j)]
    objects += [("obj", "soundfiler"), ("obj", "t b b")]
    # after `seconds`: write every table, then quit
    connections += [(2, 0, len(objects) - 1, 0), (len(objects) - 1, 0, 3, 0)]
    connections += [(len(objects) - 1, 1, w, 0) for w in writes] + [(w, 0, len(objects) - 2, 0) for w in writes]
    return write_patch(path, objects, connections)


def run_in_pd(bundle, runs, seconds, threaded, group):
    """{run index: (audio, latency seconds)}; threaded runs go `group` objects per Pd."""
    manifest = bundle_mod.load(bundle).manifest
    audio_and_latents = manifest["channels"] + manifest["latent_size"]
    out = {}
    for first in range(0, len(runs), group if threaded else len(runs)):
        part = runs[first:first + (group if threaded else len(runs))]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            patch = pd_patch(folder / "in_time.pd", bundle, part, seconds, threaded, folder, audio_and_latents)
            result = run_pd(patch, timeout=seconds * 4 + 120, batch=not threaded)
            if result.returncode != 0:
                raise SystemExit(f"Pd failed:\n{result.stderr}")
            for k in range(len(part)):
                said = re.search(rf"run{k}: info .*?latency\\ (\d+)\\ host", result.stderr)
                if not said:
                    raise SystemExit(f"no latency reported by run {k}:\n{result.stderr}")
                audio, sr = sf.read(folder / f"run{k}.wav", dtype="float32")
                out[first + k] = (audio, int(said[1]) / sr)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundles", nargs="+", type=Path)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--modes", default="batch,threaded,offline")
    p.add_argument("--group", type=int, default=4, help="objects per real-time Pd")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, help="write every result here")
    args = p.parse_args()
    modes = args.modes.split(",")
    results = []
    for bundle in args.bundles:
        b = bundle_mod.load(bundle)
        scaler = DescriptorScaler.from_manifest(b.manifest["descriptors"])
        data = b.load_dataset()
        sounds = scaler.transform(data["descriptors_raw"])
        columns = lambda names: [scaler.names.index(n) for n in names]  # noqa: E731
        setups = configurations(b.descriptor_names)
        runs = [in_time.random_curves(names, args.seconds, seed=args.seed + k,
                                      reachable=sounds[data["test"]][:, columns(names)] if kind == "reachable" else None)
                for k, (names, kind) in enumerate(setups)]
        # the generator's own delay, removed as the host's is (engine/dataset.py)
        delay = response_delay(b.load_generator())
        for mode in modes:
            if mode == "offline":
                played = {k: (play(bundle, in_time.sequence(c, args.seconds))[0], 0.0) for k, c in enumerate(runs)}
            else:
                played = run_in_pd(bundle, runs, args.seconds, mode == "threaded", args.group)
            for k, curves in enumerate(runs):
                audio, latency = played[k]
                sr = b.manifest["sr"]
                if mode != "offline" and sr != SR:
                    # described at the generator's rate, as the build described it: at the
                    # host's rate an empty band above the model's Nyquist moves flatness & co.
                    audio = soxr.resample(audio, SR, sr, quality="HQ")
                scores = in_time.measure(audio, sr, curves, scaler, latency=latency + delay)
                kind = setups[k][1]
                ceiling = in_time.reach(scores, sounds[:, columns(curves)]) if len(curves) > 1 and \
                    kind == "independent" else None
                results.append({"bundle": str(bundle), "mode": mode, "count": len(curves), "targets": kind,
                                "latency": latency, "generator_delay": delay, "ceiling": ceiling,
                                "scores": {n: {k: s[k] for k in ("r", "l1", "r_steady")} for n, s in scores.items()}})
                print(f"{bundle.name:<24} {mode:<9} {kind:<11} " + "  ".join(
                    f"{n} r {s['r']:.3f} L1 {s['l1']:.3f}" + (f" (steady r {s['r_steady']:.3f})" if s["r_steady"] else "")
                    + (f" (ceiling r {ceiling[n]['r']:.3f})" if ceiling else "")
                    for n, s in scores.items()), flush=True)
    print("\nsummary: mean r (min r), mean L1 over descriptors; Fader-RAVE: r "
          f"{in_time.FADER_RAVE['r_single']} single, {in_time.FADER_RAVE['r_by_count']} by count, "
          f"L1 {in_time.FADER_RAVE['l1']}")
    print(f"{'bundle':<24} {'mode':<9} {'targets':<11} {'at once':>7} {'mean r':>7} {'min r':>7} {'mean L1':>8} "
          f"{'max L1':>7} {'ceiling r':>9}")
    for bundle in args.bundles:
        for mode in modes:
            for count, kind in sorted({(r["count"], r["targets"]) for r in results}):
                chosen = [r for r in results if r["bundle"] == str(bundle) and r["mode"] == mode
                          and r["count"] == count and r["targets"] == kind]
                rows = [s for r in chosen for s in r["scores"].values()]
                if rows:
                    r = np.array([s["r"] for s in rows])
                    l1 = np.array([s["l1"] for s in rows])
                    ceiling = [c["r"] for r in chosen if r["ceiling"] for c in r["ceiling"].values()]
                    print(f"{bundle.name:<24} {mode:<9} {kind:<11} {count:>7} {r.mean():>7.3f} {r.min():>7.3f} "
                          f"{l1.mean():>8.3f} {l1.max():>7.3f} " + (f"{np.mean(ceiling):>9.3f}" if ceiling else ""))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
