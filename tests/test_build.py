"""engine.build end to end (small), the bundle round trip, and refusing bad bundles."""
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from engine import bundle as bundle_mod
from engine.build import QUICK, parse_args
from engine.dataset import render
from engine.descriptors import DEFAULT
from engine.generator import Generator


@pytest.fixture(scope="module")
def built(small_bundle):
    return small_bundle


def test_quick_sets_defaults_that_explicit_options_override():
    args = parse_args(["--out", "x.semantic", "--quick", "--samples", "300"])
    assert args.samples == 300 and args.epochs == QUICK["epochs"] and args.grid_resolution == QUICK["grid_resolution"]
    assert parse_args(["--out", "x.semantic"]).samples == 4096


def test_metrics_shape(built):
    out, metrics = built
    on_disk = json.loads((out / "metrics.json").read_text())
    assert on_disk["samples"] == 160 and on_disk["build_seconds"] > 0
    assert list(on_disk["descriptors"]) == DEFAULT
    for m in on_disk["descriptors"].values():
        assert set(m) >= {"forward_r2", "control_r", "control_r2"}
        assert all(np.isfinite(v) for v in m.values() if isinstance(v, float))
    assert not out.with_name(out.name + ".partial").exists()  # cache removed on success


def test_surrogate_round_trip(built):
    out, _ = built
    b = bundle_mod.load(out)
    manifest = b.manifest
    s = torch.jit.load(str(out / "surrogate.ts"))
    names = [d["name"] for d in manifest["descriptors"]]
    L, D = manifest["latent_size"], len(names)
    assert s.forward(torch.rand(1, D, 4)).shape == (1, L, 4)
    assert s.describe(torch.randn(2, L, 3)).shape == (2, D, 3)
    for method in ("forward", "control", "describe", "steer"):
        stated = manifest["surrogate"]["methods"][method]
        assert getattr(s, f"{method}_params").tolist() == stated["params"]
        assert list(getattr(s, f"{method}_input_labels")) == stated["input_labels"]
        assert list(getattr(s, f"{method}_output_labels")) == stated["output_labels"]
    labels = manifest["surrogate"]["methods"]["forward"]["input_labels"]
    assert labels[DEFAULT.index("brightness")] == "(signal) brightness target"
    assert list(s.get_descriptor_names()) == names
    assert set(s.get_methods()) == {"forward", "control", "describe", "steer"}


def test_manifest_contents(built):
    out, _ = built
    m = json.loads((out / "manifest.json").read_text())
    assert m["schema_version"] == bundle_mod.SCHEMA_VERSION
    assert m["generator"]["sha256"] == Generator.load(out / "generator.ts").sha256
    assert (m["latent_size"], m["hop"], m["sr"]) == (8, 2048, 48000)
    f0 = next(d for d in m["descriptors"] if d["name"] == "f0")
    assert f0["unit"] == "Hz" and f0["normalisation"]["warp"] == "log"
    lo, hi = f0["raw_range"]
    assert 50 <= lo < hi <= 2000
    assert m["sampler"] == {"kind": "gaussian", "scale": 1.0, "seed": 0}
    assert m["versions"]["torch"].startswith("2.13.0")


def test_dataset_normalisation_spans_the_range(built):
    out, _ = built
    d = np.load(out / "dataset.npz")
    y = d["descriptors"]
    assert d["latents"].shape == (160, 8) and y.shape == (160, len(DEFAULT))
    assert np.all(np.percentile(y, 1, axis=0) == pytest.approx(0, abs=1e-4))
    assert np.all(np.percentile(y, 99, axis=0) == pytest.approx(1, abs=1e-4))


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


def test_failed_write_keeps_the_old_bundle(built, tmp_path):
    b = copy_bundle(built[0], tmp_path / "x.semantic")
    before = (b / "manifest.json").read_text()
    with pytest.raises(RuntimeError):
        with bundle_mod.BundleWriter(b, force=True) as folder:
            (folder / "manifest.json").write_text("half")
            raise RuntimeError("interrupted")
    assert (b / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.semantic"]
    with pytest.raises(bundle_mod.BundleError, match="could not write the bundle .* No space left"):
        with bundle_mod.BundleWriter(b, force=True) as folder:
            (folder / "grids.json").write_text("{")
            raise OSError(28, "No space left on device")  # as a full disk says it
    assert (b / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.semantic"]


def test_render_resumes_from_cache(demo_paths, tmp_path):
    g = Generator.load(demo_paths["synth_a"])
    z = np.random.default_rng(0).standard_normal((48, 8)).astype(np.float32)
    names = ["lufs", "f0"]
    full = render(g, z, names, batch_size=8, cache=tmp_path / "cache")
    assert render.computed == 6
    for f in sorted((tmp_path / "cache").glob("batch_*.npy"))[::2]:
        f.unlink()
    again = render(g, z, names, batch_size=8, cache=tmp_path / "cache")
    assert render.computed == 3
    assert np.array_equal(full, again)
    # other settings invalidate the cache instead of mixing results
    render(g, z, names, batch_size=8, seed=1, cache=tmp_path / "cache")
    assert render.computed == 6


def test_parallel_render_matches_serial(demo_paths):
    g = Generator.load(demo_paths["synth_b"])
    z = np.random.default_rng(1).standard_normal((32, 8)).astype(np.float32)
    serial = render(g, z, ["brightness", "flatness"], batch_size=8, jobs=1)
    parallel = render(g, z, ["brightness", "flatness"], batch_size=8, jobs=2)
    assert np.allclose(serial, parallel, rtol=1e-6)


def test_interrupted_build_resumes(tmp_path):
    """Ctrl-C in the middle of a build leaves no bundle; running it again resumes."""
    out = tmp_path / "demo.semantic"
    cmd = [sys.executable, "-m", "engine.build", "--out", str(out), "--samples", "320",
           "--batch-size", "8", "--epochs", "5", "--control-samples", "16", "--jobs", "1",
           "--tandem-steps", "50", "--checks", "4", "--grid-resolution", "6"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    cache = tmp_path / "demo.semantic.partial" / "render"
    deadline = time.time() + 120
    while len(list(cache.glob("batch_*.npy"))) < 5 and time.time() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    log = proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, log
    assert "run the same command again to resume" in log
    assert not out.exists()
    done = len(list(cache.glob("batch_*.npy")))
    assert 5 <= done < 40
    log = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert log.returncode == 0, log.stderr
    assert f"resuming: {done} of 40 batches" in log.stdout + log.stderr
    assert (out / "manifest.json").exists()


def snapshot(folder):
    """Every file below `folder` with its bytes (what must survive a refused build)."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_cli(*argv):
    return subprocess.run([sys.executable, "-m", "engine.build", *map(str, argv)], capture_output=True, text=True,
                          timeout=300)


def test_out_never_loses_what_is_there(tmp_path, demo_paths):
    """--out naming a folder that is not a bundle (here: the user's notes and the very
    generator being built), a file, or a bundle holding other files is refused before
    any decoding, and nothing is deleted, renamed or written."""
    notes = tmp_path / "my project"
    notes.mkdir()
    (notes / "notes.txt").write_text("ideas")
    shutil.copy(demo_paths["synth_a"], notes / "model.ts")
    a_file = tmp_path / "x.semantic"
    a_file.write_text("not a folder")
    bundle = tmp_path / "b.semantic"
    bundle.mkdir()
    (bundle / "manifest.json").write_text("{}")
    (bundle / "mix.wav").write_bytes(b"RIFF")
    for out, generator, expected in [(notes, notes / "model.ts", "is a folder that is not a semantic~ bundle"),
                                     (a_file, demo_paths["synth_a"], "is a file, not a bundle folder"),
                                     (bundle, demo_paths["synth_a"], "also holds mix.wav")]:
        before = snapshot(tmp_path)
        result = build_cli(generator, "--out", out, "--quick", "--force")
        assert result.returncode == 2 and expected in result.stderr, result.stderr
        assert "nothing was touched" in result.stderr and "decode" not in result.stderr
        assert snapshot(tmp_path) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["b.semantic", "my project", "x.semantic"]


def test_an_existing_bundle_is_replaced_only_with_force(tmp_path, small_bundle):
    """Without --force an existing bundle is refused; with it, it is replaced once the new
    one is complete, and a generator that lives in the bundle being replaced is kept."""
    out = tmp_path / "demo.semantic"
    shutil.copytree(small_bundle[0], out)
    before = snapshot(out)
    result = build_cli(out / "generator.ts", "--out", out, "--quick")
    assert result.returncode == 2 and "add --force to replace it" in result.stderr, result.stderr
    assert snapshot(out) == before
    result = build_cli(out / "generator.ts", "--out", out, "--quick", "--force", "--seed", "3")
    assert result.returncode == 0, result.stderr
    b = bundle_mod.load(out)  # checks the generator's SHA-256 against the new manifest
    assert b.manifest["generator"]["path"] == "generator.ts" and b.manifest["sampler"]["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.semantic"]  # no leftovers


@pytest.mark.parametrize("flags, expected", [
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--grid-resolution", "0"], "--grid-resolution must be at least 2"),
    (["--epochs", "0"], "--epochs must be at least 1"),
    (["--control-samples", "0"], "--control-samples must be at least 1"),
    (["--checks", "0"], "--checks must be at least 1"),
    (["--clip-seconds", "0"], "--clip-seconds must be a positive number"),
    (["--clip-seconds", "-1"], "--clip-seconds must be a positive number"),
    (["--clip-seconds", "nan"], "--clip-seconds must be a positive number"),
    (["--scale", "-1"], "--scale must be a positive number"),
    (["--descriptors", ""], "--descriptors names none"),
    (["--descriptors", "f0,lufs,f0"], "--descriptors names ['f0'] more than once"),
])
def test_bad_flags_are_refused_before_any_work(flags, expected, capsys):
    with pytest.raises(SystemExit) as exit:
        parse_args(["--out", "x.semantic", *flags])
    assert exit.value.code == 2 and expected in capsys.readouterr().err


def test_a_single_descriptor_is_refused_before_decoding(tmp_path, demo_paths):
    result = build_cli(demo_paths["synth_a"], "--out", tmp_path / "x.semantic", "--quick", "--descriptors", "f0")
    assert result.returncode == 2 and "at least 2 descriptors" in result.stderr
    assert "decode" not in result.stderr and not list(tmp_path.iterdir())


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


class Flaky(torch.nn.Module):
    """An nn~-style generator (latent 2, hop 64) whose decode of a batch returns NaN a
    quarter of the time: which batch fails follows the build's per-batch seeds."""

    def __init__(self):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([2, 64, 1, 1]))
        self.sr = 48000

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        t = torch.arange(z.shape[-1] * 64, dtype=torch.float32) / 48000
        audio = 0.1 * torch.sin(2 * 3.14159 * (300 + 100 * z[:, :1].repeat_interleave(64, -1)) * t)
        if z.shape[0] > 1 and float(torch.rand(1)) < 0.25:
            return audio * float("nan")
        return audio


def test_a_batch_the_generator_fails_on_is_named_and_the_finished_ones_kept(tmp_path):
    generator = tmp_path / "flaky.ts"
    torch.jit.script(Flaky()).save(str(generator))
    expected = next(i for i in range(100) if torch.manual_seed(i) is not None and float(torch.rand(1)) < 0.25)
    assert expected > 0  # a batch before it finishes
    out = tmp_path / "flaky.semantic"
    result = build_cli(generator, "--out", out, "--quick", "--batch-size", "8", "--descriptors", "lufs,brightness")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"batch {expected} (latent points {8 * expected}..{8 * expected + 7}):" in result.stderr
    assert "returned NaN" in result.stderr
    assert f"{expected} finished batch(es) are kept in flaky.semantic.partial/" in result.stderr
    assert len(list((tmp_path / "flaky.semantic.partial" / "render").glob("batch_*.npy"))) == expected
