"""Regression corpus: damaged bundles, generated from the demo bundle. Each is refused by
the Python loader with what was expected, and by `[semantic~]` in a real Pd, which exits
cleanly with an error line (at creation and on `load` into a running object)."""
import json
import re
import shutil

import pytest

from engine import bundle as bundle_mod


@pytest.fixture(scope="module")
def built(small_bundle):
    return small_bundle


def copy_bundle(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_refuses_corrupt_manifest(built, tmp_path):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    (b / "manifest.json").write_text('{"schema_version": 1, "gener')
    with pytest.raises(bundle_mod.BundleError, match="corrupt: expected JSON"):
        bundle_mod.load(b)


def test_refuses_other_schema(built, tmp_path):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    m = json.loads((b / "manifest.json").read_text())
    m["schema_version"] = 99
    (b / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(bundle_mod.BundleError, match="schema_version 99, this engine reads 1"):
        bundle_mod.load(b)


def test_refuses_incomplete_manifest(built, tmp_path):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    m = json.loads((b / "manifest.json").read_text())
    del m["descriptors"]
    (b / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(bundle_mod.BundleError, match="'descriptors' is a required property"):
        bundle_mod.load(b)


def test_refuses_generator_hash_mismatch(built, tmp_path, demo_paths):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    shutil.copyfile(demo_paths["synth_b"], b / "generator.ts")
    with pytest.raises(bundle_mod.BundleError, match="built for another generator"):
        bundle_mod.load(b)


def test_refuses_missing_bundle(tmp_path):
    with pytest.raises(bundle_mod.BundleError, match="not a semantic~ bundle"):
        bundle_mod.load(tmp_path)


@pytest.mark.parametrize("change, expected", [
    ({"hop": 0}, "at hop: 0 is less than the minimum of 1"),
    ({"hop": 1e9}, "at hop: 1000000000.0 is greater than the maximum of 65536"),
    ({"channels": -1}, "at channels: -1 is less than the minimum of 1"),
    ({"channels": 1000000}, "at channels: 1000000 is greater than the maximum of 64"),
    ({"latent_size": 0}, "at latent_size: 0 is less than the minimum of 1"),
    ({"sr": "48000"}, "at sr: '48000' is not of type 'integer'"),
    ({"descriptors": []}, "at descriptors: [] should be non-empty"),
    ({"surrogate": {"file": "../other/surrogate.ts"}}, "at surrogate/file"),
    ({"generator": {"path": "../other/x.ts", "sha256": "0" * 64}}, "paths must stay inside the bundle"),
    ({"generator": {"path": "/etc/passwd", "sha256": "0" * 64}}, "was built for another generator"),
    ({"latent_reference": [0.0]}, "latent_reference has 1 values"),
])
def test_damaged_manifests_are_refused_with_a_reason(built, tmp_path, change, expected):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    manifest = json.loads((b / "manifest.json").read_text())
    (b / "manifest.json").write_text(json.dumps({**manifest, **change}))
    with pytest.raises(bundle_mod.BundleError, match=re.escape(expected)):
        bundle_mod.load(b)


def test_a_manifest_with_nan_or_a_generator_of_another_shape_is_refused(built, tmp_path):
    from engine.runtime import load_for_host
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    text = (b / "manifest.json").read_text()
    manifest = json.loads(text)
    lo = manifest["descriptors"][0]["normalisation"]["lo"]
    (b / "manifest.json").write_text(text.replace(json.dumps(lo), "NaN", 1))
    with pytest.raises(bundle_mod.BundleError, match="NaN is not a JSON number"):
        bundle_mod.load(b)
    (b / "manifest.json").write_text(json.dumps({**manifest, "hop": 512}))
    with pytest.raises(bundle_mod.BundleError, match="hop 512 in the manifest, 2048 in generator.ts"):
        load_for_host(str(b))
