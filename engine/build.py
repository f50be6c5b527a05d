"""python -m engine.build [GENERATOR.ts] --out DIR: sample, describe, fit, evaluate, bundle.

Without a generator it builds the first built-in demo generator. Decoded batches are
cached in DIR.partial/ as they finish, so an interrupted build resumes where it stopped;
the bundle itself appears only when everything is done (see engine.bundle).
"""
import argparse
import json
import math
import os
import tempfile
import shutil
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from . import __version__, demo, descriptors, device, in_time
from . import bundle as bundle_mod
from .descriptors import custom
from .bundle import LABELS, SCHEMA_VERSION, BundleError, BundleWriter, check_out, write_json
from .control import NearestController, RegressionController, TandemController
from .dataset import (WARMUP_FRAMES, RenderCache, clip_frames, describe_clips, render, response_delay,
                      settling_frames)
from .evaluate import RANGE_OVER_NOISE, control_accuracy, controllability, near_duplicates, noise_floor, \
    map_fidelity, playback_fidelity, steer_selectivity
from .clips import HEATMAP_SIDE, MAP_SIDE, SECONDS, write_clips
from .cluster import ClusterError, connect
from .examples import write_examples
from .explain import explain
from .generator import Generator, GeneratorError
from .grids import build_grids
from .maps import SoundMap
from .normalise import DescriptorScaler
from .report import write_report
from .sampling import SAMPLERS, LatentSampler
from .surrogate import MLPRegressor, SemanticSurrogate, method_labels


# The smallest value of each count (checked before any work, not found wrong after it).
MINIMUM = {"batch_size": 1, "jobs": 1, "epochs": 1, "ensemble": 1, "tandem_steps": 1, "control_samples": 1,
           "checks": 1, "grid_resolution": 2}

DEFAULT_BATCH = 16  # decoded per call where nothing is measured (--quick, a cluster's workers)

# --quick: a bundle in seconds, to try a model out (and for tests); coarse, not for playing
QUICK = {"samples": 160, "epochs": 20, "control_samples": 32, "jobs": 1, "tandem_steps": 200, "checks": 6,
         "grid_resolution": 8, "in_time_seconds": 4, "ensemble": 1, "batch_size": DEFAULT_BATCH}


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
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="decode and describe on the workers of this Dask scheduler (tcp://host:8786) instead of "
                        "--jobs processes here")
    p.add_argument("--descriptors", default=",".join(descriptors.DEFAULT),
                   help=f"comma-separated descriptor names (default {','.join(descriptors.DEFAULT)})")
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py",
                   help="Python file registering custom descriptors with @descriptor (repeatable)")
    p.add_argument("--classifier", action="append", default=[], metavar="NAME=FILE.ts[:INDEX]",
                   help="TorchScript classifier output as descriptor NAME (repeatable)")
    p.add_argument("--clip-seconds", type=float, default=1.0, help="length of each sampled clip")
    p.add_argument("--batch-size", type=int, help="clips decoded per generator call (default: the size a short probe "
                   "finds fastest on the device, printed; give the printed size to reproduce a dataset exactly)")
    p.add_argument("--device", default="auto", help="where to decode and fit: cpu, cuda, cuda:N, mps, or auto (a GPU "
                   "where there is one, else the CPU; default)")
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
    wrong = problems(args)
    if wrong:
        p.error(wrong[0])
    return args


def problems(args) -> list:
    """What is wrong with a build's settings (parsed options, or `Build`'s keywords), said
    as the command line says it; empty when nothing is."""
    out = []
    if args.generator and args.demo:
        out.append("give a generator file or --demo, not both")
    if args.samples < 50:
        out.append("--samples must be at least 50 (a held-out split needs a few)")
    for key, low in MINIMUM.items():
        if getattr(args, key) is not None and getattr(args, key) < low:
            out.append(f"--{key.replace('_', '-')} must be at least {low}, got {getattr(args, key)}")
    if args.in_time_seconds < 3:
        out.append(f"--in-time-seconds must be at least 3 (a second to settle, then half-second windows), "
                   f"got {args.in_time_seconds}")
    for key in ("clip_seconds", "scale"):
        value = getattr(args, key)
        if value is not None and not (math.isfinite(value) and value > 0):
            out.append(f"--{key.replace('_', '-')} must be a positive number, got {value}")
    wrong_device = device.problem(args.device)
    if wrong_device:
        out.append(wrong_device)
    names = descriptors.split_names(args.descriptors)
    if not names and not args.classifier:
        out.append(f"--descriptors names none; give one or more, e.g. {','.join(descriptors.DEFAULT[:3])}")
    if len(set(names)) < len(names):
        out.append(f"--descriptors names {sorted({n for n in names if names.count(n) > 1})} more than once")
    return out


# Settings a bundle keeps (manifest "build"), so its later stages can run again on it
# (engine.label refits and checks a bundle with a taught label added).
CONTROLLERS = ("tandem", "regression", "nearest")
KEPT = ("samples", "seed", "epochs", "ensemble", "tandem_steps", "control_samples", "checks", "grid_resolution",
        "in_time_seconds", "clip_seconds", "batch_size")


class Build:
    """The build as a pipeline of named stages, each callable on its own from Python and
    each leaving its results in attributes ending in `_`:

    sample (generator, latent points) -> render (described clips) -> fit (splits, scaler,
    surrogates) -> check (controller chosen, everything measured on re-decoded audio) ->
    map (heatmaps, the map of the sampled sounds) -> write (the bundle, atomically). `run` calls them in order;
    `Build.from_bundle` starts from a bundle's own dataset, after render.

    Settings are `parse_args`'s options (`python -m engine.build --help` lists them)."""

    def __init__(self, **settings):
        defaults = vars(parse_args(["--out", settings.get("out") or "-", *(["--quick"] if settings.get("quick") else [])]))
        unknown = set(settings) - set(defaults)
        if unknown:
            raise TypeError(f"unknown build setting(s) {sorted(unknown)}; known: {sorted(defaults)}")
        self.settings = argparse.Namespace(**{**defaults, **settings})
        wrong = problems(self.settings)
        if wrong:
            raise ValueError(wrong[0])
        self.labels = {}  # taught labels written with the bundle: name -> labels/NAME.json content
        self.label_specs_ = []  # where worker processes load them from while the build runs
        self.built_with_ = None
        # the absolute-target controllers fitted and measured on the selection split; the
        # tandem one is always fitted (partial targets need it)
        self.controllers = CONTROLLERS
        self.timings = {}
        self.cluster_ = None  # the Dask cluster (engine.cluster.Cluster), with --cluster

    @classmethod
    def from_args(cls, args) -> "Build":
        return cls(**vars(args))

    @classmethod
    def from_bundle(cls, bundle, **settings) -> "Build":
        """A build standing after `render`, on a bundle's own generator, latent points,
        described clips and splits, with the settings it was built with (`settings`
        override them). `bundle`: its folder, or the Bundle loaded already (and checked:
        hashing the generator again is not free). Writes back to the bundle unless `out`
        is given."""
        b = bundle if isinstance(bundle, bundle_mod.Bundle) else bundle_mod.load(bundle)
        path, m = b.path, b.manifest
        kept = {k: v for k, v in m.get("build", {}).items() if k in KEPT}  # older bundles: the defaults
        kept.update(seed=m.get("split", {}).get("seed", 0), clip_seconds=m["clip"]["seconds"],
                    batch_size=m["clip"]["batch_size"])
        labels = [d["name"] for d in m["descriptors"] if "taught" in d]
        self = cls(**{"out": str(path), "force": True, **kept, **settings, "generator": str(b.generator_path()),
                      "descriptors": ",".join(b.descriptor_names)})
        self.built_with_ = {k: v for k, v in m["build"].items() if k in KEPT} if "build" in m else None
        # user descriptors only as given now: a manifest naming Python files does not get to run them
        self.specs_ = self._user_specs()
        self.label_specs_ = [f"label:{b.path / LABELS / n}.json" for n in labels]
        for spec in self.specs_ + self.label_specs_:
            custom.load(spec)
        missing = [n for n in b.descriptor_names if n not in descriptors.REGISTRY]
        if missing:
            raise BundleError(f"{path} was built with user descriptors {missing} "
                              f"({', '.join(m.get('build', {}).get('specs', [])) or 'specs not recorded'}); "
                              "give the same --plugin / --classifier options again")
        data = b.load_dataset()
        self._connect()
        self._place()
        self.batch_size_ = self.settings.batch_size
        self.t0_ = time.time()
        self.out_ = Path(self.settings.out)
        self.partial_ = self.out_.with_name(self.out_.name + ".partial")
        self.names_ = b.descriptor_names
        self.generator_path_ = b.generator_path().resolve()
        self.bundled_generator_ = not Path(m["generator"]["path"]).is_absolute()
        self.generator_ = Generator.load(self.generator_path_)
        self.warmup_ = m["clip"]["warmup_frames"]
        self.sampler_settings_ = m.get("sampler", {})
        self.latents_, self.raw_ = data["latents"], data["descriptors_raw"]
        self.idx_train_, self.idx_select_, self.idx_test_ = data["train"], data["selection"], data["test"]
        self.labels = {n: json.loads(custom.LABELS[n]) for n in labels}  # as loaded and checked above
        return self

    def _place(self):
        """Resolves --device before any work, so a device this machine lacks costs nothing."""
        self.device_ = device.resolve(self.settings.device)
        print(f"decoding and fitting on {self.device_}"
              + (f"; the cluster's workers decode on --device {self.settings.device}, each as it has it"
                 if self.settings.cluster else ""))

    def _connect(self):
        """Reaches --cluster's scheduler before any work, so a wrong address costs nothing."""
        if self.settings.cluster and self.cluster_ is None:
            self.cluster_ = connect(self.settings.cluster)
            print(f"cluster {self.settings.cluster}: {self.cluster_.workers()} worker(s)")

    def _user_specs(self) -> list:
        return [f"plugin:{p}" for p in self.settings.plugin] + [f"classifier:{c}" for c in self.settings.classifier]

    def run(self) -> "Build":
        return self.sample().render().fit().check().map().write()

    def _timed(self, stage: str, t: float):
        self.timings[stage] = round(time.time() - t, 2)

    # -- sample ---------------------------------------------------------------------------
    def sample(self) -> "Build":
        a = self.settings
        self.t0_ = time.time()
        self.out_ = Path(a.out)
        self.partial_ = self.out_.with_name(self.out_.name + ".partial")
        self._place()
        self._check_out()
        self._connect()
        self.specs_ = self._user_specs()
        for spec in self.specs_:
            custom.load(spec)
        names = descriptors.split_names(a.descriptors)
        names += [n for n in (c.partition("=")[0] for c in a.classifier) if n not in names]
        descriptors.get(names)
        self._keep_labels(names)
        if len(names) < 2:
            raise BundleError(f"a bundle needs at least 2 descriptors (its descriptor planes are pairs); got {names}")
        self.names_ = names
        if a.generator:
            self.generator_path_ = Path(a.generator).resolve()
            # a generator that lives in the bundle being replaced: the new bundle keeps its own copy
            self.bundled_generator_ = self.out_.resolve() in self.generator_path_.parents
        else:
            # Kept across an interrupted build: a fresh export has a new SHA-256 (torch writes
            # a random serialization id), which would invalidate the cache.
            self.generator_path_ = self.partial_ / "generator.ts"
            if not self.generator_path_.exists():
                demo.export(a.demo or demo.DEFAULT, self.generator_path_)
            self.bundled_generator_ = True
        self.generator_ = generator = Generator.load(self.generator_path_)
        if generator.latent_size < 2:
            raise BundleError(f"a bundle needs at least 2 latent dimensions (its heatmaps are pairs); "
                              f"{self.generator_path_.name} has {generator.latent_size}")
        print(f"generator {self.generator_path_.name}: latent {generator.latent_size}, hop {generator.hop}, "
              f"{generator.channels} ch, {generator.sr} Hz{', encode' if generator.has_encode else ''}")
        self.warmup_ = warmup = settling_frames(generator)
        if warmup > WARMUP_FRAMES:
            print(f"the generator settles {warmup} frames after a reset "
                  f"({warmup * generator.hop / generator.sr * 1000:.0f} ms, a streaming export's start-up): "
                  "each clip is described after that warm-up")
        self.sampler_ = LatentSampler(a.sampler, a.scale, a.seed, a.corpus).fit(generator)
        self.sampler_settings_ = self.sampler_.settings()
        self.latents_ = self.sampler_.sample(a.samples)
        return self

    def _keep_labels(self, names: list):
        """A rebuild keeps the labels its bundle was taught (docs/labels.md): they read
        descriptors, so they describe the new samples as they described the old ones."""
        folder = self.out_ / LABELS
        if not (self.settings.force and folder.is_dir()):
            return
        from .label import Label  # engine.label builds on this module
        for path in sorted(folder.glob("*.json")):
            label = Label.load(path)
            if label.name in names:
                raise BundleError(f"{self.out_} was taught a label {label.name!r}, which --descriptors also names; "
                                  "nothing was touched: drop it from --descriptors or choose another --out")
            label.register()
            self.labels[label.name] = label.to_json()
            self.label_specs_.append(f"label:{path}")
            names.append(label.name)
        if self.labels:
            print(f"keeping the taught label(s) {', '.join(self.labels)} (labels/)")

    def _check_out(self):
        check_out(self.out_, self.settings.force)  # before any work: refusing after an hour of decoding helps no one
        try:
            self.out_.parent.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=self.out_.parent).close()
        except OSError as e:
            raise BundleError(f"cannot write into {self.out_.parent}: {e.strerror}; choose another --out") from None
        partial = self.partial_
        if partial.exists() and not {p.name for p in partial.iterdir()} <= {"render", "generator.ts"}:
            raise BundleError(f"{partial} exists and is not a build's cache of batches; nothing was touched: "
                              "move it away")

    @property
    def render_kw(self) -> dict:
        a = self.settings
        return dict(seconds=a.clip_seconds, warmup=self.warmup_, batch_size=self.batch_size_, jobs=a.jobs,
                    seed=a.seed, specs=self.specs_ + self.label_specs_, cluster=self.cluster_,
                    device=a.device if self.cluster_ is not None else str(self.device_))

    # -- render ---------------------------------------------------------------------------
    def render(self) -> "Build":
        t = time.time()
        self.batch_size_ = self.settings.batch_size or self._probe()
        self.raw_ = render(self.generator_, self.latents_, self.names_, cache=self.partial_ / "render",
                           **self.render_kw)
        self._timed("decode_describe", t)
        return self

    def _probe(self) -> int:
        """The batch size when --batch-size is not given: the one an interrupted build's cache
        was made with, so that it resumes; else the fastest the probe measures here. A
        cluster's workers are not here to be measured: they get DEFAULT_BATCH."""
        a = self.settings
        size = RenderCache.batch_size(self.partial_ / "render", self.generator_, self.latents_)
        if size:
            print(f"batch size {size}, as the interrupted build's cached batches were decoded")
            return size
        if self.cluster_ is not None:
            print(f"batch size {DEFAULT_BATCH} (the cluster's workers are not probed; --batch-size sets it)")
            return DEFAULT_BATCH
        g = self.generator_.to(self.device_)
        frames = clip_frames(g, a.clip_seconds)
        z = np.resize(self.latents_, (max(device.PROBE_SIZES), g.latent_size))
        with device.threads(1 if self.device_.type == "cpu" and a.jobs > 1 else None):  # as each worker decodes
            return device.probe_batch_size(
                lambda n: describe_clips(g, z[:n], frames, self.warmup_, self.names_, a.seed), self.device_)

    # -- fit ------------------------------------------------------------------------------
    def fit(self, init: dict = None) -> "Build":
        """Splits, scaler and surrogates. `init` may hold networks to start from (a warm
        start): "describer" (one MLP per ensemble member), "regression", "tandem"."""
        a, t = self.settings, time.time()
        init = init or {}
        latents, names = self.latents_, self.names_
        if not hasattr(self, "idx_train_"):
            # Three disjoint splits (docs/architecture.md §7): what is fitted or chosen sees
            # train and selection only; every published number comes from test.
            self.idx_train_, rest = train_test_split(np.arange(len(latents)), test_size=0.3, random_state=a.seed)
            self.idx_select_, self.idx_test_ = train_test_split(rest, test_size=0.5, random_state=a.seed)
        train = self.idx_train_
        seen = np.concatenate([train, self.idx_select_])
        self.scaler_ = DescriptorScaler(names).fit(self.raw_[seen])
        self.y_ = y = self.scaler_.transform(self.raw_)
        print("fitting surrogates and laying the sounds out on a map ...")
        on = self.device_
        # the map's two small networks train for as long as the surrogates do, relatively (a
        # quick build is coarse everywhere)
        aside = (SoundMap(resolution=a.grid_resolution, steps=max(300, 5 * a.epochs), seed=a.seed, device=on),
                 MLPRegressor(epochs=a.epochs, seed=a.seed, device=on) if "regression" in self.controllers else None,
                 [init["regression"]] if "regression" in init else None, y, latents, train)
        # Small networks leave a core idle: what does not wait for the describer trains beside
        # it in a worker process where --jobs allows one (docs/benchmarks.md, "Build speed"),
        # a core each: more threads than cores stall small networks.
        beside = Parallel(n_jobs=2, return_as="generator")([delayed(_fit_aside)(*aside, threads=1)]) \
            if a.jobs > 1 and on.type == "cpu" else None
        with device.threads(1 if beside else None):
            self.describer_ = MLPRegressor(epochs=a.epochs, seed=a.seed, members=a.ensemble, device=on).fit(
                latents[train], y[train], init=init.get("describer"))
            self.tandem_ = TandemController(steps=a.tandem_steps, seed=a.seed, device=on).fit(
                y[train], latents[train], self.describer_.module_, init=init.get("tandem"))
        self.nearest_ = NearestController().fit(y[train], latents[train])
        self.sound_map_, regression = next(beside) if beside else _fit_aside(*aside)
        if regression is not None:
            self.regression_ = RegressionController(regression, len(names))
        self.lows_, self.highs_ = np.percentile(latents, [0.5, 99.5], axis=0)
        self.duplicates_ = near_duplicates(y[seen], names)
        self._timed("fit", t)
        return self

    def _assemble(self, absolute) -> SemanticSurrogate:
        names, g = self.names_, self.generator_
        dup_matrix = [[float(m in self.duplicates_[n]) for m in names] for n in names]
        return SemanticSurrogate(self.describer_.module_, self.tandem_.module_, absolute.module_, names,
                                 g.latent_size, g.hop, self.latents_.mean(0), self.latents_.std(0),
                                 self.lows_, self.highs_, dup_matrix, self.sound_map_.decoder_.module_,
                                 self.sound_map_.locator_.module_)

    # -- check ----------------------------------------------------------------------------
    def check(self) -> "Build":
        a, t = self.settings, time.time()
        generator, scaler, names, y = self.generator_, self.scaler_, self.names_, self.y_
        latents, test = self.latents_, self.idx_test_
        render_kw = self.render_kw
        # absolute targets: whichever controller, refined by the surrogate, measures best on the
        # selection split; partial targets need the tandem controller whichever wins here
        candidates = {kind: self._assemble(getattr(self, f"{kind}_")) for kind in self.controllers}
        choosing = y[self.idx_select_[:a.control_samples]]
        selection = {kind: control_accuracy(generator, scaler, s, choosing, render_kw,
                                            f"choose controller ({kind})")[0]
                     for kind, s in candidates.items()} if len(candidates) > 1 else {}
        mean_r2 = lambda scores: np.mean([m["control_r2"] for m in scores.values()])  # noqa: E731
        kind = max(selection, key=lambda k: mean_r2(selection[k])) if selection else next(iter(candidates))
        self.surrogate_ = surrogate = candidates[kind]
        self.targets_ = y[test[:a.control_samples]]
        chosen, self.measured_ = control_accuracy(generator, scaler, surrogate, self.targets_, render_kw,
                                                  "control (test)")

        starts = latents[test][-a.checks:]
        floor, noise, whole = noise_floor(generator, scaler, starts, render_kw)
        self.playback_ = playback = playback_fidelity(generator, scaler, starts, whole, render_kw, noise)
        if playback["differs"]:
            print(f"warning: played buffer by buffer as [semantic~] plays it ({playback['host_buffer']} samples at "
                  f"48 kHz, {playback['chunk_frames']} frame(s) per call), {', '.join(playback['differs'])} differ "
                  f"from the whole clips this build describes (mean |difference| up to "
                  f"{max(playback['difference'].values()):.2f} of the range): the generator does not carry its state "
                  "from call to call. Export it for streaming (RAVE: `rave export --streaming`) and build again, "
                  "or expect what is heard to miss the targets.")
        steering = steer_selectivity(generator, scaler, surrogate, starts, self.duplicates_, render_kw)
        # noise can be neither steered nor held: a key descriptor the generator moves no more
        # than one latent decoded twice does is left out of the exposed set judged here
        # (docs/architecture.md §7); it would count its noise as the held ones' change
        playable = {n: controllability(noise[n]) for n in names}
        self.exposed_ = exposed = [n for n in descriptors.KEY if n in names and playable[n]["controllable"]]
        steering_exposed = steer_selectivity(generator, scaler, surrogate, starts, self.duplicates_, render_kw,
                                             exposed=exposed) if len(exposed) > 1 else {}
        predicted = self.describer_.predict(latents[test])
        self.reference_ = np.median(latents, axis=0)
        self.explanation_ = explain(self.describer_, surrogate, latents[test], y[test], y[test], names,
                                    self.reference_)

        metrics = {"samples": len(latents), "build_seconds": None, "controller": kind, "descriptors": {}}
        for j, n in enumerate(names):
            metrics["descriptors"][n] = {
                "forward_r2": float(r2_score(y[test, j], predicted[:, j])), **chosen[n],
                "noise_floor_r2": floor[n], **playable[n], **steering[n]}
        metrics["selection"] = {"rule": "the controller with the higher mean control R² on the selection split",
                                "targets": len(choosing), **selection} if selection else {
            "rule": "kept: the controller the bundle was built with (chosen then on its selection split)"}
        metrics["checks"] = len(starts)
        metrics["playback"] = playback
        metrics["split"] = {"train": len(self.idx_train_), "selection": len(self.idx_select_), "test": len(test)}
        metrics["explain"] = self.explanation_
        for n, m in metrics["descriptors"].items():
            if not m["controllable"]:
                print(f"warning: {n} is not controllable on this generator: its sampled range is only "
                      f"{m['range_over_noise']:.1f} times what the same latent decoded twice spans "
                      f"(needs {RANGE_OVER_NOISE:g})")
        metrics["steer_exposed"] = steering_exposed
        metrics["exposed_uncontrollable"] = [n for n in descriptors.KEY if n in names and n not in exposed]

        delay = response_delay(generator)
        print(f"control in time (the generator answers a change of latent {1000 * delay:.0f} ms later: "
              "measured after that) ...")
        self.timed_ = timed = in_time.offline(surrogate, generator, scaler, exposed, a.in_time_seconds, a.seed,
                                              sounds=y, held_out=test, latency=delay)
        metrics["in_time"] = {
            "protocol": "Fader-RAVE's: a new random target each second, ramped; r and L1 over 0.5 s windows, "
                        "normalised units (docs/architecture.md §7)", "seconds": timed["seconds"],
            "generator_delay": delay,
            **{part: {n: {k: v[k] for k in ("r", "l1", "r_steady")} for n, v in timed[part].items()}
               for part in ("alone", "together", "together_reachable")},
            "together_reach": timed["together_reach"]}
        for n, v in timed["alone"].items():
            metrics["descriptors"][n].update(in_time_r=v["r"], in_time_l1=v["l1"], in_time_r_steady=v["r_steady"])
        self.metrics_ = metrics
        self._timed("checks", t)
        return self

    # -- map ------------------------------------------------------------------------------
    def map(self) -> "Build":
        t = time.time()
        print("mapping the latent space ...")
        self.grids_ = build_grids(self.surrogate_, self.scaler_, self.explanation_["importance"], self.reference_,
                                  self.lows_, self.highs_, self.generator_, self.render_kw,
                                  resolution=self.settings.grid_resolution)
        self.metrics_["grid_fidelity"] = self.grids_["fidelity"]
        sounds = self.sound_map_
        self.grids_["map"] = sounds.to_json(self.names_)
        print("playing the map ...")
        self.metrics_["map"] = {"method": sounds.method_, "trustworthiness": sounds.trustworthiness_,
                                **map_fidelity(self.generator_, self.scaler_, self.surrogate_, sounds.points_, self.y_,
                                               self.idx_test_[:self.settings.control_samples], self.render_kw)}
        self._timed("map", t)
        return self

    # -- write ----------------------------------------------------------------------------
    def write(self) -> "Build":
        a = self.settings
        generator, metrics, names, out = self.generator_, self.metrics_, self.names_, self.out_
        with BundleWriter(out, a.force) as folder:
            if self.bundled_generator_:
                shutil.copyfile(self.generator_path_, folder / "generator.ts")
            try:
                self.surrogate_.export_to_ts(str(folder / "surrogate.ts"))
            except RuntimeError as e:  # torch's writer reports a full disk so
                raise OSError(f"surrogate.ts: {str(e).strip().splitlines()[0]}") from None
            np.savez_compressed(folder / "dataset.npz", latents=self.latents_, descriptors_raw=self.raw_,
                                descriptors=self.y_.astype(np.float32), names=np.array(names),
                                train=self.idx_train_, selection=self.idx_select_, test=self.idx_test_)
            write_json(folder / "grids.json", self.grids_)
            if self.labels:
                (folder / LABELS).mkdir()
                for name, taught in self.labels.items():
                    write_json(folder / LABELS / f"{name}.json", taught)
            examples = write_examples(generator, self.latents_, self.y_, names, folder / "examples",
                                      clip_frames(generator, a.clip_seconds), self.warmup_, a.seed)
            metrics["seconds"] = dict(self.timings)
            metrics["build_seconds"] = round(time.time() - self.t0_, 2)
            metrics["build_seconds_per_1000"] = round(metrics["build_seconds"] / len(self.latents_) * 1000, 2)
            clips = write_clips(generator, self.latents_, self.sound_map_.points_, self.grids_,
                                folder / "report" / "clips", clip_frames(generator, min(a.clip_seconds, SECONDS)),
                                self.warmup_, a.seed, map_side=min(MAP_SIDE, a.grid_resolution),
                                heatmap_side=min(HEATMAP_SIDE, a.grid_resolution // 2))
            index = write_report(folder / "report", metrics, self.grids_, self.targets_, self.measured_, examples,
                                 self.timed_, clips)
            write_json(folder / "metrics.json", metrics)
            write_json(folder / "manifest.json", self._manifest(examples))
        shutil.rmtree(self.partial_, ignore_errors=True)
        if self.cluster_ is not None:
            self.cluster_.close()
        print_table(metrics)
        print(f"bundle written to {out}/")
        print(f"report: {out / 'report' / index.name}")
        return self

    def _manifest(self, examples) -> dict:
        a, g, metrics = self.settings, self.generator_, self.metrics_
        taught = {name: label["taught"] for name, label in self.labels.items()}
        # a bundle rebuilt from its own dataset (a label taught) keeps the settings it was built with
        built = self.built_with_ or {**{k: getattr(a, k) for k in KEPT}, "batch_size": self.batch_size_}
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": {**g.info(), "path": "generator.ts" if self.bundled_generator_ else str(self.generator_path_),
                          "input_labels": g.input_labels},
            "latent_size": g.latent_size, "hop": g.hop, "sr": g.sr, "channels": g.channels,
            "descriptors": [{**d, "controllable": metrics["descriptors"][d["name"]]["controllable"],
                             **({"taught": taught[d["name"]]} if d["name"] in taught else {})}
                            for d in self.scaler_.to_manifest()],
            "surrogate": {"file": "surrogate.ts", "controller": metrics["controller"],
                          "methods": {m: method_labels(self.surrogate_, m)
                                      for m in ("forward", "control", "describe", "steer", "map", "locate")}},
            "latent_reference": [float(v) for v in self.reference_],
            "latent_range": {"low": self.lows_.tolist(), "high": self.highs_.tolist()},
            "sampler": self.sampler_settings_,
            "clip": {"seconds": a.clip_seconds, "warmup_frames": self.warmup_, "batch_size": self.batch_size_},
            "playback": {k: self.playback_[k] for k in ("chunk_frames", "host_buffer", "differs")},
            "split": {**metrics["split"], "control": len(self.targets_), "seed": a.seed},
            "build": {**built, "descriptors": [n for n in self.names_ if n not in taught], "specs": self.specs_},
            "grids": "grids.json", "examples": examples, "report": "report/index.html",
            "metrics": "metrics.json",
            "versions": {p: version(p) for p in ("torch", "numpy", "scikit-learn", "nn-tilde", "scipy")}
            | {"engine": __version__},
        }


def _fit_aside(sound_map: SoundMap, regression: MLPRegressor, regression_init, y, latents, train,
               threads: int = None):
    """The fits that need not wait for the describer: the sound map (t-SNE and its two
    networks) and the regression controller, returned fitted."""
    with device.threads(threads):
        sound_map.fit(y, train)
        if regression is not None:
            regression.fit(y[train], latents[train], init=regression_init)
    return sound_map, regression


def build(args) -> dict:
    """The whole pipeline for parsed command-line options; returns the metrics."""
    return Build.from_args(args).run().metrics_


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
    except (GeneratorError, BundleError, ValueError, ClusterError) as e:  # DeviceError is a ValueError
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
