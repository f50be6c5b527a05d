"""[semantic~] in a real Pure Data (headless, -batch): a descriptor sweep that the
output follows, no discontinuities at buffer boundaries, and bad input that gives
clear errors while Pd keeps running."""
import json
import os
import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf
import torch
from scipy.stats import spearmanr

from engine import demo
from engine.descriptors import describe

from tools.pd import EXTERNAL, ROOT, SR, run as run_pd, sweep_patch, symbol, write_patch

BUFFER, HOP = 4096, 2048  # two of the demo generator's hops per buffer


@pytest.fixture(scope="module")
def bundle(pd_bundle):
    assert (EXTERNAL / "semantic~.pd_linux").is_file(), "build the Pd external first (make test does)"
    assert shutil.which("pd"), "Pure Data is not installed (make test installs puredata-core)"
    return pd_bundle


def test_sweep_is_followed(bundle, tmp_path):
    seconds = 8.0
    wav = tmp_path / "sweep.wav"
    result = run_pd(sweep_patch(tmp_path / "sweep.pd", bundle, wav, seconds, buffer=BUFFER))
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    audio, sr = sf.read(wav, dtype="float32")
    assert sr == SR and len(audio) >= int((seconds - 0.1) * SR)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 1e-4
    latency = BUFFER  # unthreaded: one buffer
    window = SR // 2
    starts = np.arange(latency + SR // 4, len(audio) - window, window)
    clips = torch.tensor(np.stack([audio[s:s + window] for s in starts]))
    measured = describe(clips, SR, ["brightness"])["brightness"].numpy()
    requested = 0.05 + 0.9 * np.clip((starts - latency + window / 2) / (seconds * SR), 0, 1)
    rho = spearmanr(requested, measured).statistic
    assert rho >= 0.8, (rho, measured)
    # no discontinuity at buffer boundaries: the jumps there look like the jumps at the hop
    # boundaries inside buffers (where the synth's own frame steps are, with no buffering)
    jumps = np.abs(np.diff(audio))
    at_buffers = np.arange(latency + BUFFER - 1, len(jumps) - HOP, BUFFER)  # after the silent first buffer
    assert jumps[at_buffers].mean() <= 1.5 * jumps[at_buffers + HOP].mean() + 1e-6
    assert jumps[at_buffers].max() <= 3 * jumps[at_buffers + HOP].max() + 1e-6


def test_bad_input_gives_errors_and_pd_keeps_running(bundle, tmp_path):
    other = tmp_path / "other.semantic"
    shutil.copytree(bundle, other)
    demo.export("synth_b", other / "generator.ts")  # a bundle now pointing at another generator
    absurd = {}  # bundles whose numbers would divide by zero or allocate without end
    for key, value in (("hop", 0), ("channels", 1000000)):
        absurd[key] = tmp_path / f"{key}.semantic"
        shutil.copytree(bundle, absurd[key])
        manifest = json.loads((absurd[key] / "manifest.json").read_text())
        (absurd[key] / "manifest.json").write_text(json.dumps({**manifest, key: value}))
    objects = [("obj", "semantic~ /nonexistent/missing.semantic"),
               ("obj", "semantic~ 42"),
               ("obj", f"semantic~ {other}"),
               ("obj", f"semantic~ {bundle} @descriptors sparkle"),
               ("obj", f"semantic~ {bundle} @buffer lots"),
               ("obj", f"semantic~ {bundle} @descriptors brightness"),
               ("obj", "loadbang"),
               ("msg", "foo 1 2"), ("msg", "target nonsense 0.5"), ("msg", "latent x 1"), ("msg", "latent 99 1"),
               ("msg", "mode banana"), ("msg", "target brightness"), ("msg", "info"),
               ("obj", "print after"), ("msg", "alive"), ("msg", "\\; pd quit"), ("obj", "delay 4000"),
               ("obj", f"semantic~ {absurd['hop']}"), ("msg", f"load {absurd['channels']}")]
    connections = [(6, 0, k, 0) for k in range(7, 14)] + [(k, 0, 5, 0) for k in range(7, 14)] + \
        [(6, 0, 17, 0), (17, 0, 15, 0), (15, 0, 14, 0), (17, 0, 16, 0), (6, 0, 19, 0), (19, 0, 5, 0)]
    # loadbang fires messages right-to-left in creation order of connections; quit goes last,
    # in real time: bundles load in the background and say what went wrong when they are done
    result = run_pd(write_patch(tmp_path / "bad.pd", objects, connections), batch=False)
    err = result.stderr
    assert result.returncode == 0, err
    for expected in ["not a semantic~ bundle", "expected a bundle folder (a symbol) as first argument, got 42",
                     "built for another generator", "has no descriptor(s) sparkle",
                     "@buffer expects a number of samples in 1..262144, got lots",
                     "unknown message 'foo'", "unknown descriptor 'nonsense'", "latent expects an index then a number",
                     "latent index 99 out of range", "mode expects control, latent or map, got 'banana'",
                     "target expects <descriptor> <value> pairs", "after: alive",
                     '"hop" must be a whole number in 1..65536, found 0',
                     '"channels" must be a whole number in 1..64, found 1000000']:
        assert expected in err, f"missing {expected!r} in:\n{err}"
    assert "Segmentation" not in err


def test_message_outlet_says_what_is_loaded_and_info(bundle, tmp_path):
    """The rightmost outlet: `loaded PATH` once the bundle plays (and after each swap),
    `info ...` and `info NAME` when asked. Logical time runs in -batch, so the poll clock fires. The
    bundle's folder name holds a space, a semicolon and a comma, typed escaped."""
    bundle = shutil.copytree(bundle, tmp_path / "my songs; pad,2.semantic")
    outlets = 1 + 8 + 1  # audio, latents, brightness prediction: the message outlet is next
    objects = [("obj", f"semantic~ {symbol(bundle)} @descriptors brightness @thread 0"), ("obj", "print out"),
               ("obj", "loadbang"), ("obj", "delay 600"), ("msg", "info \\, info brightness"), ("obj", "delay 1200"),
               ("msg", "\\; pd quit"), ("msg", "\\; pd dsp 1")]
    connections = [(0, outlets, 1, 0), (2, 0, 3, 0), (3, 0, 4, 0), (4, 0, 0, 0), (2, 0, 5, 0), (5, 0, 6, 0),
                   (2, 0, 7, 0)]
    result = run_pd(write_patch(tmp_path / "out.pd", objects, connections))
    assert result.returncode == 0, result.stderr
    assert f"out: loaded {symbol(bundle)}" in result.stderr, result.stderr  # as [print] escapes it
    assert "out: info bundle" in result.stderr, result.stderr
    # `info NAME`: the descriptor's unit and meaning, written once in its metadata
    # (one symbol: [print] escapes its spaces)
    assert r"out: info brightness\ (Hz):\ how\ bright\ or\ dull\ it\ sounds" in result.stderr, result.stderr


def test_the_sound_map_plays_and_says_where(bundle, tmp_path):
    """`mode map` and `map X Y` through Pd's message parsing: the object plays the map and
    its message outlet says where the sound playing lies (`map X Y`), also in 0..1."""
    outlets = 1 + 8 + 1
    objects = [("obj", f"semantic~ {symbol(bundle)} @descriptors brightness @thread 0"), ("obj", "print out"),
               ("obj", "loadbang"), ("msg", "mode map \\, map 0.9 0.1 \\, map 2 0"), ("obj", "delay 1200"),
               ("msg", "\\; pd quit"), ("msg", "\\; pd dsp 1")]
    connections = [(0, outlets, 1, 0), (2, 0, 3, 0), (3, 0, 0, 0), (2, 0, 4, 0), (4, 0, 5, 0), (2, 0, 6, 0)]
    result = run_pd(write_patch(tmp_path / "map.pd", objects, connections))
    assert result.returncode == 0, result.stderr
    assert "map expects x and y in 0..1 (the sound map's corners), got 2" in result.stderr, result.stderr
    said = [line.split()[-2:] for line in result.stderr.splitlines() if line.startswith("out: map ")]
    assert said, result.stderr
    assert all(0 <= float(v) <= 1 for point in said for v in point), said
    x, y = map(float, said[-1])
    assert x - y > 0.2, f"played (0.9, 0.1), located at {said[-1]}"


def test_core_with_a_real_bundle(bundle):
    """The C++ core's own tests, with this bundle: load, swap under load, messages."""
    binary = ROOT / "build" / "test_core"
    assert binary.is_file(), "build the C++ tests first (make test does)"
    result = subprocess.run([str(binary)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "SEMANTIC_TEST_BUNDLE": str(bundle)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "real bundle: underruns" in result.stdout


def test_help_patch_opens_without_errors(bundle, tmp_path):
    help_patch = (ROOT / "patches" / "pd" / "semantic~-help.pd").read_text()
    assert "../../../out/demo.semantic" in help_patch  # the help points at `make demo`'s bundle
    patch = tmp_path / "semantic~-help.pd"
    patch.write_text(help_patch.replace("../../../out/demo.semantic", str(bundle)))
    opener = write_patch(tmp_path / "open.pd", [("obj", "loadbang"), ("msg", f"\\; pd open {patch.name} {tmp_path}"),
                                                ("obj", "delay 4000"), ("msg", "\\; pd quit")],
                         [(0, 0, 1, 0), (0, 0, 2, 0), (2, 0, 3, 0)])
    result = run_pd(opener, batch=False)  # real time: the bundle loads in the background
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stderr
    assert "error" not in result.stderr.lower() and "couldn't create" not in result.stderr, result.stderr
