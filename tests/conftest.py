import math

import pytest
import torch

from engine import demo
from engine.build import build, parse_args


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory):
    """Every built-in demo generator exported once to TorchScript."""
    folder = tmp_path_factory.mktemp("generators")
    return {name: demo.export(name, folder / f"{name}.ts") for name in demo.DEMOS}


@pytest.fixture(scope="session")
def small_bundle(tmp_path_factory):
    """(folder, metrics) of a demo bundle from `engine.build --quick`, built once per session."""
    out = tmp_path_factory.mktemp("bundles") / "demo.semantic"
    return out, build(parse_args(["--out", str(out), "--quick"]))


def tone(freq, seconds=1.0, sr=48000, amp=0.1, harmonics=1):
    t = torch.arange(int(seconds * sr), dtype=torch.float64) / sr
    x = sum(torch.sin(2 * math.pi * freq * k * t) / k for k in range(1, harmonics + 1))
    return (amp * x).float()
