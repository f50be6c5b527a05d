import math

import pytest
import torch

from engine import demo
from engine.build import build, parse_args
from engine.demo.synth import HarmonicNoiseSynth

# small but playable bundles for the Pd tests: enough samples that control follows targets
PD_BUILD = ["--samples", "768", "--epochs", "120", "--tandem-steps", "2000", "--control-samples", "32",
            "--checks", "4", "--grid-resolution", "8", "--jobs", "2"]


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


@pytest.fixture(scope="session")
def pd_bundle(tmp_path_factory):
    """The demo generator (48 kHz, hop 2048) with brightness, loudness and f0."""
    out = tmp_path_factory.mktemp("pd") / "demo.semantic"
    build(parse_args(["--out", str(out), "--descriptors", "brightness,loudness,f0", *PD_BUILD]))
    return out


@pytest.fixture(scope="session")
def pd_bundle_44k(tmp_path_factory):
    """Another generator to swap to, as most RAVE exports differ: 44.1 kHz, hop 512, the
    same descriptors in another order, in a folder whose name holds a space."""
    folder = tmp_path_factory.mktemp("pd 44k")
    generator = folder / "synth44k.ts"
    HarmonicNoiseSynth(seed=11, mixing="mlp", sr=44100, hop=512).export_to_ts(str(generator))
    out = folder / "synth 44k.semantic"
    build(parse_args([str(generator), "--out", str(out), "--descriptors", "f0,loudness,brightness", *PD_BUILD]))
    return out
