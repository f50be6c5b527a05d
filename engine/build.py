"""python -m engine.build [GENERATOR.ts] --out DIR: sample, describe, fit, evaluate, bundle.

Without a generator it builds the first built-in demo generator. Decoded batches are
cached in DIR.partial/ as they finish, so an interrupted build resumes where it stopped;
the bundle itself appears only when everything is done (see engine.bundle).
"""
import argparse
import math
import os
import tempfile
import shutil
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from . import __version__, demo, descriptors, in_time
from .descriptors import custom
from .bundle import SCHEMA_VERSION, BundleError, BundleWriter, check_out, write_json
from .control import NearestController, RegressionController, TandemController
from .dataset import WARMUP_FRAMES, clip_frames, render, settling_frames
from .evaluate import RANGE_OVER_NOISE, control_accuracy, controllability, near_duplicates, noise_floor, \
    playback_fidelity, steer_selectivity
from .examples import write_examples
from .explain import explain
from .generator import Generator, GeneratorError
from .grids import build_grids
from .normalise import DescriptorScaler
from .report import write_report
from .sampling import SAMPLERS, LatentSampler
from .surrogate import MLPRegressor, SemanticSurrogate, method_labels


# The smallest value of each count (checked before any work, not found wrong after it).
MINIMUM = {"batch_size": 1, "jobs": 1, "epochs": 1, "ensemble": 1, "tandem_steps": 1, "control_samples": 1,
           "checks": 1, "grid_resolution": 2}

# --quick: a bundle in seconds, to try a model out (and for tests); coarse, not for playing
QUICK = {"samples": 160, "epochs": 20, "control_samples": 32, "jobs": 1, "tandem_steps": 200, "checks": 6,
         "grid_resolution": 8, "in_time_seconds": 4, "ensemble": 1}


def parse_args(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(prog="python -m engine.build", description=__doc__.splitlines()[0])
    p.add_argument("generator", nargs="?", help="nn~-compatible TorchScript generator (.ts); "
                   f"default: the built-in demo generator '{demo.DEFAULT}'")
    p.add_argument("--demo", choices=sorted(demo.DEMOS), help="build this built-in demo generator")
    p.add_argument("--out", required=True, help="bundle folder to write, e.g. out/model.semantic; "
                   "a folder that is not a bundle, or a file, is never replaced")
    p.add_argument("--force", action="store_true", help="replace an existing bundle at --out (only a bundle)")
    p.add_argument("--samples", type=int, default=4096, help="latent points to sample (default 4096)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sampler", choices=SAMPLERS, default="gaussian")
    p.add_argument("--scale", type=float, help="sampler scale (Gaussian std, box half-width, kernel width)")
    p.add_argument("--corpus", help="folder of audio files for --sampler corpus")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel decode workers")
    p.add_argument("--descriptors", default=",".join(descriptors.DEFAULT),
                   help=f"comma-separated descriptor names (default {','.join(descriptors.DEFAULT)})")
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py",
                   help="Python file registering custom descriptors with @descriptor (repeatable)")
    p.add_argument("--classifier", action="append", default=[], metavar="NAME=FILE.ts[:INDEX]",
                   help="TorchScript classifier output as descriptor NAME (repeatable)")
    p.add_argument("--clip-seconds", type=float, default=1.0, help="length of each sampled clip")
    p.add_argument("--batch-size", type=int, default=16, help="clips decoded per generator call")
    p.add_argument("--control-samples", type=int, default=256,
                   help="held-out targets re-decoded to measure control accuracy")
    p.add_argument("--epochs", type=int, default=300, help="surrogate training epochs")
    p.add_argument("--ensemble", type=int, default=5,
                   help="forward surrogates averaged into one (default 5; docs/benchmarks.md: what limits the "
                        "forward surrogate)")
    p.add_argument("--tandem-steps", type=int, default=4000, help="training steps of the tandem controller")
    p.add_argument("--checks", type=int, default=24,
                   help="held-out latents re-decoded for the noise floor and steering checks")
    p.add_argument("--grid-resolution", type=int, default=32, help="cells per side of the latent heatmaps")
    p.add_argument("--in-time-seconds", type=float, default=20.0,
                   help="length of each random target curve of the control-in-time check")
    p.add_argument("--quick", action="store_true",
                   help="a coarse bundle in seconds, to try a model out: defaults become "
                        + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in QUICK.items()))
    if "--quick" in argv:
        p.set_defaults(**QUICK)  # options given explicitly still win
    args = p.parse_args(argv)
    if args.generator and args.demo:
        p.error("give a generator file or --demo, not both")
    if args.samples < 50:
        p.error("--samples must be at least 50 (a held-out split needs a few)")
    for key, low in MINIMUM.items():
        if getattr(args, key) < low:
            p.error(f"--{key.replace('_', '-')} must be at least {low}, got {getattr(args, key)}")
    if args.in_time_seconds < 3:
        p.error(f"--in-time-seconds must be at least 3 (a second to settle, then half-second windows), "
                f"got {args.in_time_seconds}")
    for key in ("clip_seconds", "scale"):
        value = getattr(args, key)
        if value is not None and not (math.isfinite(value) and value > 0):
            p.error(f"--{key.replace('_', '-')} must be a positive number, got {value}")
    names = descriptors.split_names(args.descriptors)
    if not names and not args.classifier:
        p.error(f"--descriptors names none; give one or more, e.g. {','.join(descriptors.DEFAULT[:3])}")
    if len(set(names)) < len(names):
        p.error(f"--descriptors names {sorted({n for n in names if names.count(n) > 1})} more than once")
    return args


def build(args) -> dict:
    t0 = time.time()
    out = Path(args.out)
    partial = out.with_name(out.name + ".partial")
    check_out(out, args.force)  # before any work: refusing after an hour of decoding helps no one
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out.parent).close()
    except OSError as e:
        raise BundleError(f"cannot write into {out.parent}: {e.strerror}; choose another --out") from None
    if partial.exists() and not {p.name for p in partial.iterdir()} <= {"render", "generator.ts"}:
        raise BundleError(f"{partial} exists and is not a build's cache of batches; nothing was touched: move it away")
    specs = [f"plugin:{p}" for p in args.plugin] + [f"classifier:{c}" for c in args.classifier]
    for spec in specs:
        custom.load(spec)
    names = descriptors.split_names(args.descriptors)
    names += [n for n in (c.partition("=")[0] for c in args.classifier) if n not in names]
    descriptors.get(names)
    if len(names) < 2:
        raise BundleError(f"a bundle needs at least 2 descriptors (its descriptor planes are pairs); got {names}")

    if args.generator:
        gen_path = Path(args.generator).resolve()
        # a generator that lives in the bundle being replaced: the new bundle keeps its own copy
        bundled_generator = out.resolve() in gen_path.parents
    else:
        # Kept across an interrupted build: a fresh export has a new SHA-256 (torch writes
        # a random serialization id), which would invalidate the cache.
        gen_path = partial / "generator.ts"
        if not gen_path.exists():
            demo.export(args.demo or demo.DEFAULT, gen_path)
        bundled_generator = True
    generator = Generator.load(gen_path)
    if generator.latent_size < 2:
        raise BundleError(f"a bundle needs at least 2 latent dimensions (its heatmaps are pairs); "
                          f"{gen_path.name} has {generator.latent_size}")
    print(f"generator {gen_path.name}: latent {generator.latent_size}, hop {generator.hop}, "
          f"{generator.channels} ch, {generator.sr} Hz{', encode' if generator.has_encode else ''}")

    warmup = settling_frames(generator)
    if warmup > WARMUP_FRAMES:
        print(f"the generator settles {warmup} frames after a reset ({warmup * generator.hop / generator.sr * 1000:.0f} ms, "
              "a streaming export's start-up): each clip is described after that warm-up")
    sampler = LatentSampler(args.sampler, args.scale, args.seed, args.corpus).fit(generator)
    latents = sampler.sample(args.samples)
    render_kw = dict(seconds=args.clip_seconds, warmup=warmup, batch_size=args.batch_size, jobs=args.jobs,
                     seed=args.seed, specs=specs)
    t_render = time.time()
    raw = render(generator, latents, names, cache=partial / "render", **render_kw)
    t_fit = time.time()

    # Three disjoint splits (docs/architecture.md §7): what is fitted or chosen sees train and
    # selection only; every published number comes from test.
    idx_train, idx_rest = train_test_split(np.arange(len(latents)), test_size=0.3, random_state=args.seed)
    idx_select, idx_test = train_test_split(idx_rest, test_size=0.5, random_state=args.seed)
    seen = np.concatenate([idx_train, idx_select])
    scaler = DescriptorScaler(names).fit(raw[seen])
    y = scaler.transform(raw)
    print("fitting surrogates ...")
    describer = MLPRegressor(epochs=args.epochs, seed=args.seed, members=args.ensemble).fit(
        latents[idx_train], y[idx_train])
    regression = RegressionController(
        MLPRegressor(epochs=args.epochs, seed=args.seed).fit(y[idx_train], latents[idx_train]), len(names))
    tandem = TandemController(steps=args.tandem_steps, seed=args.seed).fit(
        y[idx_train], latents[idx_train], describer.module_)
    lows, highs = np.percentile(latents, [0.5, 99.5], axis=0)

    nearest = NearestController().fit(y[idx_train], latents[idx_train])
    duplicates = near_duplicates(y[seen], names)
    dup_matrix = [[float(m in duplicates[n]) for m in names] for n in names]

    def assemble(absolute):
        return SemanticSurrogate(describer.module_, tandem.module_, absolute.module_,
                                 names, generator.latent_size, generator.hop, latents.mean(0), latents.std(0),
                                 lows, highs, dup_matrix)

    t_control = time.time()
    # absolute targets: whichever controller, refined by the surrogate, measures best on the
    # selection split; partial targets need the tandem controller whichever wins here
    candidates = {kind: assemble(c) for kind, c in
                  (("tandem", tandem), ("regression", regression), ("nearest", nearest))}
    choosing = y[idx_select[:args.control_samples]]
    selection = {kind: control_accuracy(generator, scaler, s, choosing, render_kw, f"choose controller ({kind})")[0]
                 for kind, s in candidates.items()}
    mean_r2 = lambda scores: np.mean([m["control_r2"] for m in scores.values()])  # noqa: E731
    kind = max(selection, key=lambda k: mean_r2(selection[k]))
    surrogate = candidates[kind]
    targets = y[idx_test[:args.control_samples]]
    chosen, measured = control_accuracy(generator, scaler, surrogate, targets, render_kw, "control (test)")

    starts = latents[idx_test][-args.checks:]
    floor, noise, whole = noise_floor(generator, scaler, starts, render_kw)
    playback = playback_fidelity(generator, scaler, starts, whole, render_kw, noise)
    if playback["differs"]:
        print(f"warning: played buffer by buffer as [semantic~] plays it ({playback['host_buffer']} samples at 48 kHz, "
              f"{playback['chunk_frames']} frame(s) per call), {', '.join(playback['differs'])} differ from the whole "
              f"clips this build describes (mean |difference| up to {max(playback['difference'].values()):.2f} of the "
              "range): the generator does not carry its state from call to call. Export it for streaming "
              "(RAVE: `rave export --streaming`) and build again, or expect what is heard to miss the targets.")
    steering = steer_selectivity(generator, scaler, surrogate, starts, duplicates, render_kw)
    exposed = [n for n in descriptors.KEY if n in names]
    steering_exposed = steer_selectivity(generator, scaler, surrogate, starts, duplicates, render_kw,
                                         exposed=exposed) if len(exposed) > 1 else {}
    predicted = describer.predict(latents[idx_test])
    reference = np.median(latents, axis=0)
    explanation = explain(describer, surrogate, latents[idx_test], y[idx_test], y[idx_test], names, reference)

    metrics = {"samples": int(args.samples), "build_seconds": None, "controller": kind,
               "descriptors": {}}
    for j, n in enumerate(names):
        metrics["descriptors"][n] = {
            "forward_r2": float(r2_score(y[idx_test, j], predicted[:, j])), **chosen[n],
            "noise_floor_r2": floor[n], **controllability(noise[n]), **steering[n]}
    metrics["selection"] = {"rule": "the controller with the higher mean control R² on the selection split",
                            "targets": len(choosing), **selection}
    metrics["checks"] = len(starts)
    metrics["playback"] = playback
    metrics["split"] = {"train": len(idx_train), "selection": len(idx_select), "test": len(idx_test)}
    metrics["explain"] = explanation
    for n, m in metrics["descriptors"].items():
        if not m["controllable"]:
            print(f"warning: {n} is not controllable on this generator: its sampled range is only "
                  f"{m['range_over_noise']:.1f} times what the same latent decoded twice spans (needs {RANGE_OVER_NOISE:g})")
    metrics["steer_exposed"] = steering_exposed

    print("control in time ...")
    timed = in_time.offline(surrogate, generator, scaler, exposed, args.in_time_seconds, args.seed)
    metrics["in_time"] = {"protocol": "Fader-RAVE's: a new random target each second, ramped; r and L1 over 0.5 s "
                                      "windows, normalised units (docs/architecture.md §7)", "seconds": timed["seconds"],
                          **{part: {n: {k: v[k] for k in ("r", "l1", "r_steady")} for n, v in timed[part].items()}
                             for part in ("alone", "together")}}
    for n, v in timed["alone"].items():
        metrics["descriptors"][n].update(in_time_r=v["r"], in_time_l1=v["l1"], in_time_r_steady=v["r_steady"])

    print("mapping the latent space ...")
    grids = build_grids(surrogate, scaler, explanation["importance"], reference, lows, highs, generator,
                        render_kw, resolution=args.grid_resolution)
    metrics["grid_fidelity"] = grids["fidelity"]
    t_write = time.time()
    with BundleWriter(out, args.force) as folder:
        if bundled_generator:
            shutil.copyfile(gen_path, folder / "generator.ts")
        try:
            surrogate.export_to_ts(str(folder / "surrogate.ts"))
        except RuntimeError as e:  # torch's writer reports a full disk so
            raise OSError(f"surrogate.ts: {str(e).strip().splitlines()[0]}") from None
        np.savez_compressed(folder / "dataset.npz", latents=latents, descriptors_raw=raw,
                            descriptors=y.astype(np.float32), names=np.array(names),
                            train=idx_train, selection=idx_select, test=idx_test)
        write_json(folder / "grids.json", grids)
        examples = write_examples(generator, latents, y, names, folder / "examples",
                                  clip_frames(generator, args.clip_seconds), warmup, args.seed)
        metrics["seconds"] = {"decode_describe": round(t_fit - t_render, 2), "fit": round(t_control - t_fit, 2),
                              "checks": round(t_write - t_control, 2)}
        metrics["build_seconds"] = round(time.time() - t0, 2)
        metrics["build_seconds_per_1000"] = round(metrics["build_seconds"] / args.samples * 1000, 2)
        index = write_report(folder / "report", metrics, grids, targets, measured, examples, timed)
        write_json(folder / "metrics.json", metrics)
        write_json(folder / "manifest.json", {
            "schema_version": SCHEMA_VERSION,
            "generator": {**generator.info(), "path": "generator.ts" if bundled_generator else str(gen_path),
                          "input_labels": generator.input_labels},
            "latent_size": generator.latent_size, "hop": generator.hop, "sr": generator.sr,
            "channels": generator.channels,
            "descriptors": [{**d, "controllable": metrics["descriptors"][d["name"]]["controllable"]}
                            for d in scaler.to_manifest()],
            "surrogate": {"file": "surrogate.ts", "controller": metrics["controller"],
                          "methods": {m: method_labels(surrogate, m) for m in ("forward", "control", "describe", "steer")}},
            "latent_reference": [float(v) for v in reference],
            "latent_range": {"low": lows.tolist(), "high": highs.tolist()},
            "sampler": sampler.settings(),
            "clip": {"seconds": args.clip_seconds, "warmup_frames": warmup, "batch_size": args.batch_size},
            "playback": {k: playback[k] for k in ("chunk_frames", "host_buffer", "differs")},
            "split": {**metrics["split"], "control": len(targets), "seed": args.seed},
            "grids": "grids.json", "examples": examples, "report": "report/index.html",
            "metrics": "metrics.json",
            "versions": {p: version(p) for p in ("torch", "numpy", "scikit-learn", "nn-tilde", "scipy")}
            | {"engine": __version__},
        })
    shutil.rmtree(partial, ignore_errors=True)
    print_table(metrics)
    print(f"bundle written to {out}/")
    print(f"report: {out / 'report' / index.name}")
    return metrics


def print_table(metrics: dict):
    rows = metrics["descriptors"]
    print(f"\n{'descriptor':<14}{'forward_r2':>11}{'control_r':>11}{'control_r2':>11}{'steer':>7}")
    for n, m in rows.items():
        print(f"{n:<14}{m['forward_r2']:>11.3f}{m['control_r']:>11.3f}{m['control_r2']:>11.3f}"
              + (f"{m['steer_ratio']:>7.1f}" if m["steer_ratio"] is not None else f"{'-':>7}")
              + ("" if m["controllable"] else "  not controllable"))
    split = metrics["split"]
    print(f"controller: {metrics['controller']} (chosen on the selection split); every number above is measured "
          f"on the test split ({split['test']} of {metrics['samples']} samples)")
    print(f"\n{metrics['samples']} samples in {metrics['build_seconds']:.1f} s "
          f"({metrics['build_seconds_per_1000']:.1f} s per 1,000 samples)")


def main(argv=None):
    args = parse_args(argv)
    try:
        build(args)
    except (GeneratorError, BundleError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        out = Path(args.out)
        kept = list((out.with_name(out.name + ".partial") / "render").glob("batch_*.npy"))
        if kept:
            print(f"note: {len(kept)} finished batch(es) are kept in {out.name}.partial/; the same command "
                  "resumes from them", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished batches are kept in {Path(args.out).name}.partial/; "
              "run the same command again to resume", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
