"""Regression corpus: `engine.build` under bad flags, a dangerous --out, a full disk, an
interrupted run and a generator failing mid-build: refused before any work or ended with
a clear error, nothing lost that the engine did not write, finished work kept."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import torch

from engine import bundle as bundle_mod
from engine.build import parse_args


def test_failed_write_keeps_the_old_bundle(small_bundle, tmp_path):
    b = shutil.copytree(small_bundle[0], tmp_path / "x.semantic")
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
    (["--ensemble", "0"], "--ensemble must be at least 1"),
    (["--in-time-seconds", "1"], "--in-time-seconds must be at least 3"),
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


class Flaky(torch.nn.Module):
    """An nn~-style generator (hop 64) whose decode of a batch returns NaN `fail` of the
    time: which batch fails follows the build's per-batch seeds."""

    def __init__(self, latent: int = 2, fail: float = 0.25):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([latent, 64, 1, 1]))
        self.sr = 48000
        self.fail = fail

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        t = torch.arange(z.shape[-1] * 64, dtype=torch.float32) / 48000
        audio = 0.1 * torch.sin(2 * 3.14159 * (300 + 100 * z[:, :1].repeat_interleave(64, -1)) * t)
        if z.shape[0] > 1 and float(torch.rand(1)) < self.fail:
            return audio * float("nan")
        return audio


def test_a_generator_with_one_latent_dimension_is_refused_before_decoding(tmp_path):
    generator = tmp_path / "one.ts"
    torch.jit.script(Flaky(latent=1, fail=0.0)).save(str(generator))
    result = build_cli(generator, "--out", tmp_path / "one.semantic", "--quick")
    assert result.returncode == 2 and "at least 2 latent dimensions" in result.stderr, result.stderr
    assert "decode" not in result.stderr and sorted(p.name for p in tmp_path.iterdir()) == ["one.ts"]


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
