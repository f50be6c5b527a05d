"""engine.build --device: the device checked before any work, the batch size probed on it,
and the same dataset whichever batch size or device decodes it."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine import descriptors
from engine.build import Build
from engine.dataset import render
from engine.device import PROBE_SIZES, DeviceError, resolve
from engine.generator import Generator
from engine.surrogate import MLPRegressor

NAMES = ["lufs", "brightness", "f0", "roughness"]


def test_a_device_this_machine_lacks_stops_the_build_before_anything_is_written(tmp_path):
    out = tmp_path / "new" / "x.semantic"
    # cuda:99 exists nowhere, whether or not the machine has a GPU
    result = subprocess.run([sys.executable, "-m", "engine.build", "--quick", "--out", str(out), "--device", "cuda:99"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--device cuda:99" in result.stderr and "--device cpu" in result.stderr, result.stderr
    assert not (tmp_path / "new").exists()
    result = subprocess.run([sys.executable, "-m", "engine.build", "--quick", "--out", str(out), "--device", "gpu"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--device must be one of auto, cpu, cuda, mps" in result.stderr


def test_auto_takes_a_gpu_only_where_there_is_one():
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert resolve("auto").type == expected
    assert resolve("cpu") == torch.device("cpu")
    if not torch.backends.mps.is_available():
        with pytest.raises(DeviceError, match="no Apple GPU"):
            resolve("mps")


def test_the_probe_chooses_the_batch_size_and_the_dataset_does_not_depend_on_it(tmp_path, capsys):
    b = Build(out=str(tmp_path / "p.semantic"), quick=True, samples=64, batch_size=None, device="cpu",
              descriptors=",".join(NAMES)).sample().render()
    printed = capsys.readouterr().out
    assert "decoding and fitting on cpu" in printed
    assert "batch probe on cpu: 4: " in printed and f"-> batch size {b.batch_size_}" in printed
    assert b.batch_size_ in PROBE_SIZES
    other = 8 if b.batch_size_ != 8 else 16
    again = render(b.generator_, b.latents_, b.names_, batch_size=other, warmup=b.warmup_)
    assert np.allclose(b.raw_, again, rtol=1e-4, atol=1e-5)


def test_an_interrupted_build_resumes_with_its_own_batch_size_whatever_the_probe_would_say(tmp_path, capsys):
    out = str(tmp_path / "r.semantic")
    first = Build(out=out, quick=True, samples=64, batch_size=8, descriptors=",".join(NAMES)).sample().render()
    # stopped here, before `write`: the cache stays
    resumed = Build(out=out, quick=True, samples=64, batch_size=None, descriptors=",".join(NAMES)).sample().render()
    assert "as the interrupted build's cached batches were decoded" in capsys.readouterr().out
    assert resumed.batch_size_ == 8 and render.computed == 0
    assert np.array_equal(first.raw_, resumed.raw_)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_a_gpu_decodes_and_fits_as_the_cpu_does(demo_paths):
    g = Generator.load(demo_paths["synth_a"])
    z = np.random.default_rng(0).standard_normal((32, g.latent_size)).astype(np.float32)
    here = render(g, z, NAMES, batch_size=16)
    there = render(g, z, NAMES, batch_size=16, device="cuda")
    assert np.allclose(here, there, rtol=1e-3, atol=1e-4)
    y = descriptors.describe(torch.zeros(1, 1, 4800), g.sr, NAMES)  # describing stays on the CPU
    assert all(v.device.type == "cpu" for v in y.values())
    x = np.random.default_rng(1).standard_normal((400, 4))
    target = np.stack([np.sin(x[:, 0]), x[:, 1] * x[:, 2]], 1)
    fitted = MLPRegressor(epochs=20, members=2, device="cuda").fit(x, target)
    assert next(fitted.module_.parameters()).device.type == "cpu"
    assert np.mean((fitted.predict(x) - target) ** 2) < 0.1
