"""The bundle's manifest contract, declared once (docs/bundle.md): a JSON Schema checked
by jsonschema on every load, plus the cross-checks a schema cannot express. Nothing
reads a number from a manifest before `check` has passed; the C++ core keeps its own
bounds on what it sizes buffers from (externals/core/manifest.hpp), the same as these.
"""
from pathlib import Path, PurePosixPath

import jsonschema

SCHEMA_VERSION = 1
MAX_LATENT, MAX_HOP, MAX_CHANNELS, MAX_DESCRIPTORS = 256, 1 << 16, 64, 64
MIN_SR, MAX_SR = 1000, 768000
MAX_SAMPLES, MAX_BATCH = 10 ** 7, 1 << 16

_count = lambda low, high: {"type": "integer", "minimum": low, "maximum": high}  # noqa: E731
_relative = {"type": "string", "minLength": 1, "pattern": r"^(?!/)(?![A-Za-z]:)(?!.*(^|[/\\])\.\.([/\\]|$))"}
_numbers = {"type": "array", "items": {"type": "number"}}
_seconds = {"type": "number", "exclusiveMinimum": 0, "maximum": 600}

MANIFEST = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "semantic~ bundle manifest",
    "type": "object",
    "required": ["schema_version", "generator", "latent_size", "hop", "sr", "channels", "descriptors", "surrogate"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "generator": {
            "type": "object",
            "required": ["path", "sha256"],
            "properties": {
                # inside the bundle, or the absolute path the user built from (hash-checked on load)
                "path": {"type": "string", "minLength": 1},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
        "latent_size": _count(1, MAX_LATENT),
        "hop": _count(1, MAX_HOP),
        "sr": _count(MIN_SR, MAX_SR),
        "channels": _count(1, MAX_CHANNELS),
        "descriptors": {
            "type": "array", "minItems": 1, "maxItems": MAX_DESCRIPTORS,
            "items": {
                "type": "object",
                "required": ["name", "normalisation"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "meaning": {"type": "string"},
                    "controllable": {"type": "boolean"},
                    "normalisation": {
                        "type": "object",
                        "required": ["warp", "lo", "hi"],
                        "properties": {"warp": {"enum": ["identity", "log"]}, "lo": {"type": "number"},
                                       "hi": {"type": "number"}},
                    },
                },
            },
        },
        "surrogate": {"type": "object", "required": ["file"], "properties": {"file": _relative}},
        # what a later stage reads back to run again on the bundle (engine.build's Build.from_bundle)
        "clip": {"type": "object", "required": ["seconds", "warmup_frames", "batch_size"],
                 "properties": {"seconds": _seconds, "warmup_frames": _count(0, MAX_HOP),
                                "batch_size": _count(1, MAX_BATCH)}},
        "split": {"type": "object", "properties": {"seed": {"type": "integer"}}},
        "build": {"type": "object", "properties": {
            "samples": _count(50, MAX_SAMPLES), "seed": {"type": "integer"}, "epochs": _count(1, 100000),
            "ensemble": _count(1, 64), "tandem_steps": _count(1, 10 ** 7), "control_samples": _count(1, MAX_SAMPLES),
            "checks": _count(1, MAX_SAMPLES), "grid_resolution": _count(2, 1024),
            "in_time_seconds": {"type": "number", "minimum": 3, "maximum": 3600}, "clip_seconds": _seconds,
            "batch_size": _count(1, MAX_BATCH),
            "descriptors": {"type": "array", "items": {"type": "string"}},
            "specs": {"type": "array", "items": {"type": "string"}}}},
        "latent_reference": _numbers,
        "grids": _relative,
        "report": _relative,
        "metrics": _relative,
    },
}


def _inside(bundle: Path, relative: str) -> bool:
    return (bundle / relative).resolve().is_relative_to(bundle.resolve())


def check(manifest, bundle: Path) -> None:
    """Raise ValueError saying what is wrong with `manifest` (of the bundle folder
    `bundle`): the first schema violation, or a failed cross-check."""
    where = bundle / "manifest.json"
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(MANIFEST).iter_errors(manifest))
    if error is not None:
        at = "/".join(str(p) for p in error.absolute_path) or "the top level"
        raise ValueError(f"{where}: at {at}: {error.message}")
    names = [d["name"] for d in manifest["descriptors"]]
    if len(set(names)) < len(names):
        raise ValueError(f"{where}: descriptor names repeat: {names}")
    for d in manifest["descriptors"]:
        n = d["normalisation"]
        if not n["hi"] > n["lo"]:
            raise ValueError(f"{where}: descriptor {d['name']}: normalisation needs hi > lo, found {n['lo']}..{n['hi']}")
    reference = manifest.get("latent_reference")
    if reference is not None and len(reference) != manifest["latent_size"]:
        raise ValueError(f"{where}: latent_reference has {len(reference)} values for latent_size "
                         f"{manifest['latent_size']}")
    generator = manifest["generator"]["path"]
    relative = [manifest["surrogate"]["file"]] + [manifest[k] for k in ("grids", "report", "metrics") if k in manifest]
    if not PurePosixPath(generator).is_absolute() and not Path(generator).is_absolute():
        relative.append(generator)
    outside = [p for p in relative if not _inside(bundle, p)]
    if outside:
        raise ValueError(f"{where}: paths must stay inside the bundle, found {outside}")
