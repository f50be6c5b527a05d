"""The bundle: a versioned folder that the build writes and every player loads (docs/architecture.md §2.2).

Writes are atomic: everything goes into a temporary sibling folder that replaces the
old bundle by rename, so a crash or Ctrl-C never leaves a half-written bundle. Loading
refuses a bundle whose schema or generator hash does not match, saying which.
"""
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import torch

from .generator import Generator, sha256

from . import schema
from .schema import SCHEMA_VERSION

MANIFEST = "manifest.json"


class BundleError(ValueError):
    pass


# Everything a build writes into a bundle: a folder holding anything else is not ours to replace.
LABELS = "labels"  # taught labels: their examples and model settings (engine.label)
BUNDLE_ENTRIES = frozenset({MANIFEST, "metrics.json", "grids.json", "surrogate.ts", "dataset.npz", "generator.ts",
                            "examples", "report", LABELS})


def _listing(names) -> str:
    names = sorted(names)
    return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "") if names else "nothing"


def check_out(out, force: bool = False):
    """Refuse an output path where writing a bundle would lose what is there: a file, a
    folder that is not a bundle, a bundle holding files a build does not write, or (without
    `force`) any existing bundle. Says what is there; touches nothing."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise BundleError(f"--out {out} is a file, not a bundle folder; nothing was touched: choose another path")
    entries = {p.name for p in out.iterdir()}
    if MANIFEST not in entries:
        raise BundleError(f"--out {out} is a folder that is not a semantic~ bundle (it holds {_listing(entries)}); "
                          "nothing was touched: choose another folder")
    foreign = entries - BUNDLE_ENTRIES
    if foreign:
        raise BundleError(f"--out {out} is a bundle that also holds {_listing(foreign)}, which a build does not "
                          "write; nothing was touched: move them out or choose another folder")
    if not force:
        raise BundleError(f"--out {out} is an existing bundle; add --force to replace it (it is replaced only once "
                          "the new one is complete)")


class BundleWriter:
    """`with BundleWriter(out) as folder:` write files into `folder`; on success the
    folder atomically becomes `out`, on error it is removed and `out` is untouched.
    `out` must pass `check_out` (with `force`, an existing bundle is replaced)."""

    def __init__(self, out, force: bool = False):
        self.out = Path(out)
        self.force = force

    def __enter__(self) -> Path:
        check_out(self.out, self.force)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.with_name(f".{self.out.name}.tmp-{os.getpid()}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if issubclass(exc_type, OSError):  # a full disk, a folder gone read-only
                raise BundleError(f"could not write the bundle next to {self.out}: {exc}; "
                                  "nothing was left behind") from exc
            return False
        old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
        try:
            check_out(self.out, self.force)  # again: the folder may have changed during the build
        except BundleError:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        shutil.rmtree(old, ignore_errors=True)
        return False


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def write_json(path: Path, data):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


@dataclass
class Bundle:
    path: Path
    manifest: dict

    @property
    def descriptor_names(self):
        return [d["name"] for d in self.manifest["descriptors"]]

    def generator_path(self) -> Path:
        p = Path(self.manifest["generator"]["path"])
        return p if p.is_absolute() else self.path / p

    def load_surrogate(self) -> torch.jit.ScriptModule:
        try:
            return torch.jit.load(str(self.path / self.manifest["surrogate"]["file"]), map_location="cpu")
        except Exception as e:
            raise BundleError(f"{self.path}: surrogate could not be loaded: {str(e).strip().splitlines()[0]}") from None

    def load_generator(self) -> Generator:
        return Generator.load(self.generator_path(), check=False)

    def load_dataset(self) -> dict:
        """dataset.npz's arrays, checked against the manifest before anything uses them:
        latents [n, latent_size], raw descriptors [n, D] in the manifest's order, finite,
        and the three splits disjoint indices into them."""
        path = self.path / "dataset.npz"
        try:
            with np.load(path, allow_pickle=False) as f:
                data = {k: f[k] for k in ("latents", "descriptors_raw", "names", "train", "selection", "test")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
            raise BundleError(f"{path}: expected the build's dataset (latents, descriptors_raw, names, train, "
                              f"selection, test): {e}") from None
        n, names = len(data["latents"]), self.descriptor_names
        problems = []
        if data["latents"].shape != (n, self.manifest["latent_size"]):
            problems.append(f"latents are {data['latents'].shape}, expected [n, {self.manifest['latent_size']}]")
        if data["descriptors_raw"].shape != (n, len(names)):
            problems.append(f"descriptors_raw is {data['descriptors_raw'].shape}, expected [{n}, {len(names)}]")
        if [str(v) for v in data["names"]] != names:
            problems.append(f"names {[str(v) for v in data['names']]} differ from the manifest's {names}")
        for key in ("latents", "descriptors_raw"):
            if data[key].dtype.kind != "f" or not np.isfinite(data[key]).all():
                problems.append(f"{key} must be finite floats")
        splits = [data[k] for k in ("train", "selection", "test")]
        if any(s.dtype.kind not in "iu" or s.ndim != 1 or (len(s) and (s.min() < 0 or s.max() >= n)) for s in splits) \
                or len(np.unique(np.concatenate(splits))) != sum(len(s) for s in splits):
            problems.append(f"train/selection/test must be disjoint indices below {n}")
        if problems:
            raise BundleError(f"{path} does not match its manifest: {'; '.join(problems)}")
        return data


def load(path, check_generator: bool = True) -> Bundle:
    """Read and check a bundle's manifest (and, unless told not to, that its generator
    file is present and is the one the bundle was built from)."""
    path = Path(path)
    mf = path / MANIFEST
    if not mf.is_file():
        raise BundleError(f"{path} is not a semantic~ bundle: expected {MANIFEST} inside, found none")
    try:
        manifest = json.loads(mf.read_text(), parse_constant=_no_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as e:
        raise BundleError(f"{mf} is corrupt: expected JSON, {e}") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"{mf} is corrupt: expected a JSON object, found {type(manifest).__name__}")
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BundleError(f"{path}: bundle schema_version {version!r}, this engine reads {SCHEMA_VERSION}; "
                          "rebuild the bundle with this version of engine.build")
    try:
        schema.check(manifest, path)
    except ValueError as e:
        raise BundleError(str(e)) from None
    bundle = Bundle(path, manifest)
    if check_generator:
        check_generator_file(bundle)
    return bundle


def check_generator_file(bundle: Bundle, generator_path: Optional[Path] = None):
    """Refuse a generator other than the one the bundle was built from."""
    gp = Path(generator_path) if generator_path else bundle.generator_path()
    if not gp.is_file():
        raise BundleError(f"{bundle.path}: generator {gp} not found")
    want = bundle.manifest["generator"]["sha256"]
    found = sha256(gp)
    if found != want:
        raise BundleError(f"{bundle.path} was built for another generator: expected SHA-256 {want[:16]}..., "
                          f"{gp} has {found[:16]}...")
