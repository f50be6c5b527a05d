"""python -m engine.label BUNDLE NAME --examples FILE.json | --from OTHER: teach a label by example.

A musician names what the built-in descriptors do not ("airy", "my snare") with a handful
of examples. The label is learned on the examples' *descriptors*, so it applies at once to
every sound the build sampled (nothing is decoded again) and to any other generator's
bundle (`--from`). The bundle's surrogates are then refitted with NAME as one more
descriptor, warm-started from the ones it has, checked, mapped and rewritten atomically
with the examples kept in labels/NAME.json (docs/labels.md).

FILE.json is a list of examples, each {"audio": "path.wav", "value": v} (a path relative
to FILE.json's folder; any rate or channel count, read as engine.describe reads it) or
{"latent": [z0, z1, ...], "value": v} (decoded by the bundle's generator). v is a number
(0..1 by convention) or, for a yes/no label, one of two words; the positive word is
"yes", "true" or NAME itself, or says so with --positive.
"""
import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, brier_score_loss, r2_score
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold

from . import descriptors
from .build import Build
from .bundle import LABELS, BundleError
from .bundle import load as load_bundle
from .dataset import clip_frames, decode_clips
from .describe import describe_file
from .descriptors import custom
from .descriptors.registry import REGISTRY, descriptor
from .normalise import DescriptorScaler
from .surrogate import members_of, resized

MIN_EXAMPLES = 4
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")  # a Pd/Max symbol and a file name
POSITIVE = ("yes", "true")

# Small models, chosen by cross-validation on the examples: a GP's posterior mean with
# fixed hyperparameters is kernel ridge regression (smooth, reverts to the mean away from
# the examples); a ridge line for labels that are one direction of descriptor space.
CANDIDATES = {
    "value": [("ridge", {"alpha": a}) for a in (0.1, 1.0, 10.0)]
    + [("gaussian process", {"length_scale": s, "noise": n}) for s in (0.3, 0.6, 1.2) for n in (0.01, 0.1)],
    "class": [("logistic regression", {"C": c}) for c in (0.3, 1.0, 3.0, 10.0)],
}


def _model(kind: str, choice: str, params: dict):
    if choice == "ridge":
        return Ridge(alpha=params["alpha"])
    if choice == "gaussian process":
        return GaussianProcessRegressor(RBF(params["length_scale"]), alpha=params["noise"], optimizer=None,
                                        normalize_y=True)
    if choice == "logistic regression":
        return LogisticRegression(C=params["C"])
    raise ValueError(f"unknown label model {choice!r}; known: {sorted({c for c, _ in sum(CANDIDATES.values(), [])})}")


class LabelModel:
    """Normalised descriptor vector -> label value, in scikit-learn's manner. `fit` picks
    the candidate with the best out-of-fold score (R² for values, Brier score for
    classes; leave-one-out up to 10 examples, 5 folds above) and refits it on every
    example. A class label's value is the probability of its positive class."""

    def __init__(self, kind: str = "value", choice: tuple = None, seed: int = 0):
        self.kind = kind
        self.choice = choice  # (model, params): fit that one, no cross-validation
        self.seed = seed

    def _folds(self, v):
        if len(v) <= 10:
            return LeaveOneOut()
        if self.kind == "class":
            return StratifiedKFold(5, shuffle=True, random_state=self.seed)
        return KFold(5, shuffle=True, random_state=self.seed)

    def _predict(self, model, X):
        return model.predict_proba(X)[:, 1] if self.kind == "class" else model.predict(X)

    def _out_of_fold(self, choice, X, v):
        out = np.zeros(len(v))
        for train, test in self._folds(v).split(X, v):
            out[test] = self._predict(_model(self.kind, *choice).fit(X[train], v[train]), X[test])
        return out

    def fit(self, X, v) -> "LabelModel":
        X, v = np.asarray(X, dtype=np.float64), np.asarray(v, dtype=np.float64)
        if self.choice is None:
            scores = {}
            for choice in CANDIDATES[self.kind]:
                oof = self._out_of_fold(choice, X, v)
                scores[choice[0], json.dumps(choice[1])] = (
                    -brier_score_loss(v, oof), accuracy_score(v, oof > 0.5)) if self.kind == "class" \
                    else (r2_score(v, oof),) * 2
            best = max(scores, key=lambda c: scores[c][0])
            self.choice_ = (best[0], json.loads(best[1]))
            self.cv_score_ = float(scores[best][1])
        else:
            self.choice_ = (self.choice[0], dict(self.choice[1]))
        self.cv_metric_ = "accuracy" if self.kind == "class" else "r2"
        self.model_ = _model(self.kind, *self.choice_).fit(X, v)
        return self

    def predict(self, X) -> np.ndarray:
        return self._predict(self.model_, np.asarray(X, dtype=np.float64))


class Label:
    """A taught label: its examples (with their measured descriptors), the descriptors it
    reads and their normalisation (the teaching bundle's, so the label means the same
    sounds on every bundle it is applied to), and the chosen model. What labels/NAME.json
    holds; the model is refitted from the examples when loaded (no pickles)."""

    def __init__(self, name: str, kind: str, features: list, examples: list, classes: list = None,
                 choice: tuple = None, cv_score: float = None, source: str = None):
        self.name, self.kind, self.features, self.examples = name, kind, features, examples
        self.classes, self.source = classes, source
        self.scaler = DescriptorScaler.from_manifest(features)
        X = self.scaler.transform(self.raw_examples())
        v = np.array([e["target"] for e in examples], dtype=np.float64)
        self.model = LabelModel(kind, choice).fit(X, v)
        self.cv_score = self.model.cv_score_ if choice is None else cv_score

    @property
    def feature_names(self) -> list:
        return [f["name"] for f in self.features]

    def raw_examples(self) -> np.ndarray:
        return np.array([[e["descriptors"][n] for n in self.feature_names] for e in self.examples])

    def predict_raw(self, raw) -> np.ndarray:
        """Raw descriptor values [n, features] (in `feature_names` order) -> label values."""
        return self.model.predict(self.scaler.transform(raw))

    def to_json(self) -> dict:
        choice, params = self.model.choice_
        return {"name": self.name, "kind": self.kind, "classes": self.classes, "features": self.features,
                "examples": self.examples, "model": {"choice": choice, "params": params},
                "taught": {"examples": len(self.examples), "model": choice, "cv_score": self.cv_score,
                           "cv_metric": self.model.cv_metric_, "from": self.source}}

    @classmethod
    def load(cls, path) -> "Label":
        """labels/NAME.json, every field checked before it is used."""
        path = Path(path)

        def need(ok, what):
            if not ok:
                raise ValueError(f"expected {what}")
        try:
            d = json.loads(path.read_text(), parse_constant=lambda c: need(False, f"numbers, found {c}"))
            name, kind, features, examples = d["name"], d["kind"], d["features"], d["examples"]
            choice, cv, classes = (d["model"]["choice"], d["model"]["params"]), d["taught"]["cv_score"], d["classes"]
            names = [f["name"] for f in features]
            need(isinstance(name, str) and NAME.match(name), "a label name")
            need(kind in CANDIDATES, f"kind one of {sorted(CANDIDATES)}")
            need(classes is None if kind == "value" else
                 isinstance(classes, list) and len(classes) == 2 and all(isinstance(c, str) for c in classes),
                 "classes: two words for a yes/no label, null otherwise")
            need(names and all(n in REGISTRY for n in names), f"features among the known descriptors, found {names}")
            for f in features:
                n = f["normalisation"]
                need(_finite(n["lo"], n["hi"], *n["percentiles"]) and n["hi"] > n["lo"],
                     f"a finite normalisation with hi > lo for {f['name']}")
            need(len(examples) >= MIN_EXAMPLES, f"at least {MIN_EXAMPLES} examples")
            for e in examples:
                need(_finite(e["target"], *(e["descriptors"][n] for n in names)), "finite example values")
            need(any(choice == (c, p) for c, p in CANDIDATES[kind]), "one of the known model choices")
            need(cv is None or _finite(cv), "a finite cv_score")
            return cls(name, kind, features, examples, classes, choice, cv, d["taught"].get("from"))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
            raise BundleError(f"{path}: not a taught label, or a damaged one ({type(e).__name__}: {e}); "
                              "expected what engine.label writes") from None

    def register(self):
        """Make the label a descriptor of audio like any other (its features measured on
        the same analysis), so the build's checks measure it on re-decoded audio. A label
        may replace an earlier label of the same name, never another descriptor."""
        text = json.dumps(self.to_json(), sort_keys=True)
        registered = custom.LABELS.get(self.name)
        if registered == text:
            return
        if self.name in REGISTRY and registered is None:
            raise ValueError(f"{self.name!r} is already a descriptor ({REGISTRY[self.name].reference or 'built in'}); "
                             "choose another name for the label")
        REGISTRY.pop(self.name, None)
        chosen = descriptors.get(self.feature_names)

        @descriptor(self.name, unit="label", range=(0.0, 1.0),
                    reference=f"taught by {len(self.examples)} examples (labels/{self.name}.json)",
                    meaning=f"what you taught as {self.name}, from {len(self.examples)} examples, read from "
                            f"{', '.join(self.feature_names)}")
        def label(a) -> torch.Tensor:
            raw = np.stack([d.fn(a).double().numpy() for d in chosen], 1)
            return torch.from_numpy(self.predict_raw(raw))
        custom.LABELS[self.name] = text


def _finite(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in values)


def read_examples(source, name: str, positive: str = None, before: "Label" = None) -> tuple:
    """FILE.json, or its list -> (examples [{"audio"|"latent", "value", "target"}], kind,
    classes), after the examples of `before` (a label being added to)."""
    if isinstance(source, list):
        items, where, base = source, "examples", Path.cwd()
    else:
        path = Path(source)
        where, base = f"examples {path}", path.parent
        try:
            items = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BundleError(f"{where}: expected a JSON list of {{\"audio\"|\"latent\", \"value\"}}: {e}") from None
    if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
        raise BundleError(f"{where}: expected a JSON list of objects, each "
                          '{"audio": "file.wav", "value": v} or {"latent": [...], "value": v}')
    examples = list(before.examples) if before else []
    for i, e in enumerate(items):
        if set(e) not in ({"audio", "value"}, {"latent", "value"}):
            raise BundleError(f"{where}, item {i}: expected keys audio+value or latent+value, found {sorted(e)}")
        if "audio" in e:
            if not isinstance(e["audio"], str):
                raise BundleError(f"{where}, item {i}: audio must be a file path")
            e = {**e, "audio": str((base / e["audio"]).resolve())}
        examples.append(dict(e))
    if len(examples) < MIN_EXAMPLES:
        raise BundleError(f"{where}: {len(examples)} example(s); a label needs at least {MIN_EXAMPLES}")
    values = [e["value"] for e in examples]
    if all(isinstance(v, str) for v in values):
        words = sorted(set(values))
        if len(words) != 2:
            raise BundleError(f"{where}: a yes/no label needs exactly two words as values, found {words}")
        chosen = positive or (before.classes[1] if before and before.classes else None) or next(
            (w for w in words if w.lower() in POSITIVE + (name.lower(),)), None)
        if chosen not in words:
            raise BundleError(f"{where}: which of {words} means {name}? say it with --positive")
        if min(values.count(w) for w in words) < 2:
            raise BundleError(f"{where}: each word needs at least 2 examples, found "
                              f"{ {w: values.count(w) for w in words} }")
        for e in examples:
            e["target"] = float(e["value"] == chosen)
        return examples, "class", [w for w in words if w != chosen] + [chosen]
    if not all(_finite(v) for v in values):
        raise BundleError(f"{where}: every value must be a finite number (or every value one of two words), "
                          f"found {values}")
    if len(set(values)) < 2:
        raise BundleError(f"{where}: every example has the value {values[0]}; a label needs different values")
    for e in examples:
        e["target"] = float(e["value"])
    return examples, "value", None


def describe_examples(bundle, examples: list, names: list) -> list:
    """Each example with its raw descriptors: audio files described, latents decoded by
    the bundle's generator (held for one clip, as the build describes its samples)."""
    m = bundle.manifest
    generator = None
    out = []
    for i, e in enumerate(examples):
        if "audio" in e:
            try:
                values, why, _ = describe_file(e["audio"], names)
            except ValueError as err:
                raise BundleError(f"example {i}: {err}") from None
            if why:
                raise BundleError(f"example {i} ({e['audio']}): {next(iter(why.values()))}")
        else:
            z = e["latent"]
            if not isinstance(z, list) or len(z) != m["latent_size"] or not _finite(*z):
                raise BundleError(f"example {i}: latent must be {m['latent_size']} finite numbers (this bundle's "
                                  f"latent size), found {z if not isinstance(z, list) else f'{len(z)} values'}")
            generator = generator or bundle.load_generator()
            audio = decode_clips(generator, np.array([z]), clip_frames(generator, m["clip"]["seconds"]),
                                 m["clip"]["warmup_frames"], 0)
            values = {n: float(v[0]) for n, v in descriptors.describe(audio, generator.sr, names).items()}
        out.append({**e, "descriptors": values})
    return out


def teach(bundle_path, name: str, examples=None, source=None, positive: str = None, out=None, add: bool = False,
          progress=print, **settings) -> dict:
    """Teach NAME to the bundle and rewrite it (or write `out`); returns the metrics.
    `examples` is a FILE.json or its list; `source` a bundle that was taught NAME (its
    label applies unchanged); `add` keeps the examples NAME was taught before. `settings`
    go to the build's stages (`epochs`, `tandem_steps`, `jobs`, ...)."""
    if not NAME.match(name):
        raise BundleError(f"label name {name!r}: expected a letter then up to 31 letters, digits, - or _")
    bundle = load_bundle(bundle_path)
    taught = _taught(bundle)
    if name in REGISTRY and name not in custom.LABELS and name not in taught:
        raise BundleError(f"{name!r} is already a descriptor ({REGISTRY[name].reference or 'built in'}); "
                          "choose another name for the label")
    if name in bundle.descriptor_names and name not in taught:
        raise BundleError(f"{bundle.path} already has a descriptor {name!r}; choose another name for the label")
    if source is not None:
        label = Label.load(Path(source) / LABELS / f"{name}.json")
        label.source = str(Path(source).resolve())
    else:
        before = Label.load(bundle.path / LABELS / f"{name}.json") if add and name in taught else None
        items, kind, classes = read_examples(examples, name, positive, before=before)
        features = [d for d in bundle.manifest["descriptors"] if d["name"] not in taught]
        items = (before.examples if before else []) + describe_examples(
            bundle, items[len(before.examples) if before else 0:], [f["name"] for f in features])
        features = before.features if before else [{"name": d["name"], "normalisation": d["normalisation"]}
                                                     for d in features]
        label = Label(name, kind, features, items, classes)
        progress(f"{name}: {label.model.choice_[0]} {label.model.choice_[1]}, cross-validated "
                 f"{label.model.cv_metric_} {label.cv_score:.3f} on {len(items)} examples")
    return _rebuild(bundle, {name: label}, [], out, progress, settings)


def forget(bundle_path, name: str, out=None, progress=print, **settings) -> dict:
    """Remove the taught label NAME from the bundle (its column, its examples) and rewrite
    it (or write `out`); returns the metrics."""
    bundle = load_bundle(bundle_path)
    if name not in _taught(bundle):
        raise BundleError(f"{bundle.path} has no taught label {name!r}; its taught labels: "
                          f"{sorted(_taught(bundle)) or 'none'}")
    if len(bundle.descriptor_names) <= 2:
        raise BundleError(f"{bundle.path} would keep fewer than 2 descriptors without {name}")
    return _rebuild(bundle, {}, [name], out, progress, settings)


def _taught(bundle) -> set:
    return {d["name"] for d in bundle.manifest["descriptors"] if "taught" in d}


def _rebuild(bundle, labels: dict, dropped: list, out, progress, settings) -> dict:
    """The build's stages again on the bundle's own dataset, with the label columns set
    (appended, or replaced in place) and `dropped` ones removed: warm-started fit, checks
    with the controller the bundle was built with, map, atomic write."""
    build = Build.from_bundle(bundle, **{"out": str(out or bundle.path), "epochs": 30, "tandem_steps": 500,
                                              **settings})
    old_names = list(build.names_)
    keep = [j for j, n in enumerate(old_names) if n not in dropped]
    build.names_ = [old_names[j] for j in keep]
    build.raw_ = build.raw_[:, keep]
    build.labels = {n: v for n, v in build.labels.items() if n not in dropped}
    build.label_specs_ = [sp for sp in build.label_specs_ if Path(sp).stem not in dropped]
    with tempfile.TemporaryDirectory() as folder:  # labels as files the checks' worker processes load
        for name, label in labels.items():
            missing = [n for n in label.feature_names if n not in build.names_]
            if missing:
                raise BundleError(f"{bundle.path} lacks the descriptor(s) {missing} that label {name} reads")
            values = label.predict_raw(build.raw_[:, [build.names_.index(n) for n in label.feature_names]])
            if name in build.names_:  # taught again: the same column, new values
                build.raw_ = build.raw_.copy()
                build.raw_[:, build.names_.index(name)] = values
            else:
                build.names_.append(name)
                build.raw_ = np.concatenate([build.raw_, values[:, None]], 1)
            label.register()
            spec = Path(folder) / f"{name}.json"
            build.labels[name] = taught = label.to_json()
            spec.write_text(json.dumps(taught))
            build.label_specs_ = [sp for sp in build.label_specs_ if Path(sp).stem != name] + [f"label:{spec}"]
        # the generator and its samples are the same: the controller chosen when the bundle
        # was built stays (measuring the three again would double the checks' time)
        build.controllers = (bundle.manifest["surrogate"].get("controller", "tandem"),)
        init = _warm_start(bundle, old_names, build)
        progress("fitting the surrogates ...")
        build.fit(init)
        progress("checking on re-decoded audio ...")
        build.check()
        progress("mapping ...")
        build.map()
        progress("writing the bundle ...")
        build.write()
    return build.metrics_


def _warm_start(bundle, old_names: list, build) -> dict:
    """The bundle's networks resized to the new descriptor set: weights of new descriptors
    start at zero, removed ones go, so training starts from what the bundle knew."""
    s = bundle.load_surrogate()
    names, L = build.names_, build.latents_.shape[1]
    d = len(names)
    at = [names.index(n) if n in names else None for n in old_names]  # old descriptor -> new position
    init = {}
    if int(getattr(s.describer, "members", 0)) == build.settings.ensemble:
        init["describer"] = [resized(m, range(L), at, m.x_mean, m.x_std, torch.zeros(d), torch.ones(d))
                             for m in members_of(s.describer)]
    else:
        print("note: this bundle's forward ensemble predates warm starts or has another size; fitted afresh")
    moved = lambda offset: [None if j is None else offset + j for j in at]  # noqa: E731
    c = s.controller  # inputs [targets, mask, anchor]
    init["tandem"] = resized(c, moved(0) + moved(d) + [2 * d + l for l in range(L)], range(L),
                             torch.zeros(2 * d + L), torch.ones(2 * d + L), c.y_mean, c.y_std)
    if bundle.manifest["surrogate"].get("controller") == "regression":
        r = s.absolute.regressor
        # normalised descriptors span 0..1 by construction: a new input's scaling starts there
        x_mean, x_std = torch.full((d,), 0.5), torch.full((d,), 0.25)
        for j, new in enumerate(at):
            if new is not None:
                x_mean[new], x_std[new] = r.x_mean[j], r.x_std[j]
        init["regression"] = resized(r, at, range(L), x_mean, x_std, r.y_mean, r.y_std)
    return init


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m engine.label", description=__doc__.splitlines()[0])
    p.add_argument("bundle", help="the bundle to teach (rewritten atomically)")
    p.add_argument("name", help="the label's name: a new descriptor of the bundle")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--examples", metavar="FILE.json", help="the examples (see above)")
    how.add_argument("--from", dest="source", metavar="BUNDLE", help="a bundle already taught NAME: apply its label")
    how.add_argument("--forget", action="store_true", help="remove the taught label NAME from the bundle")
    p.add_argument("--add", action="store_true", help="keep the examples NAME was taught before and add these")
    p.add_argument("--positive", help="for a yes/no label: the word that means NAME")
    p.add_argument("--out", help="write the taught bundle here instead of replacing BUNDLE")
    p.add_argument("--epochs", type=int, default=30, help="epochs of the warm-started forward surrogates")
    p.add_argument("--tandem-steps", type=int, default=500, help="steps of the warm-started tandem controller")
    p.add_argument("--jobs", type=int, default=None, help="parallel decode workers for the checks")
    args = p.parse_args(argv)
    settings = {"epochs": args.epochs, "tandem_steps": args.tandem_steps, **({"jobs": args.jobs} if args.jobs else {})}
    try:
        if args.forget:
            forget(args.bundle, args.name, args.out, **settings)
        else:
            teach(args.bundle, args.name, args.examples, args.source, args.positive, args.out, args.add, **settings)
    except (BundleError, ValueError) as e:
        print(f"error: {e}; the bundle is untouched", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
