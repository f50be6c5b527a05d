"""Regression corpus: users' sound files through `engine.describe` and `engine.audio`.
Not audio, empty, one sample, truncated, NaN, samples no air can carry, and long files:
a clear refusal or JSON with a reason for every null, and memory that does not grow with
the file (it is read in blocks, resampled as a stream)."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from engine import audio
from engine.descriptors import DEFAULT, describe
from engine.describe import SEGMENT, describe_file

from conftest import tone

SR = 48000


def run_describe(*args):
    return subprocess.run([sys.executable, "-m", "engine.describe", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def strict_json(text):
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_text("not audio"), "cannot read"),
    (lambda p: sf.write(p, np.zeros(0, np.float32), SR), "has no samples"),
    (lambda p: sf.write(p, np.ones(1, np.float32), SR, subtype="FLOAT"), "describing needs at least 42.7 ms"),
    (lambda p: sf.write(p, np.r_[np.zeros(SR, np.float32), np.nan], SR, subtype="FLOAT"),
     "has NaN or Inf samples between 0.0 and 1.0 s"),
])
def test_unusable_files_are_refused_with_a_reason(tmp_path, make, expected):
    path = tmp_path / "x.wav"
    make(path)
    out = run_describe(path, "--json")
    assert out.returncode == 2 and expected in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert out.stdout == ""


def test_a_truncated_file_is_described_and_said_to_be(tmp_path):
    path = tmp_path / "cut.wav"
    sf.write(path, tone(440, 2.0).numpy(), SR, subtype="FLOAT")
    path.write_bytes(path.read_bytes()[:-4 * SR])  # the last second is gone, the header still promises it
    out = run_describe(path, "--json")
    assert out.returncode == 0, out.stderr
    assert "is truncated: its header promises 384000 bytes of samples, 192000 are there" in out.stderr
    assert strict_json(out.stdout)["f0"] == pytest.approx(440, rel=0.01)


@pytest.mark.parametrize("peak", [1e10, 1e20, 1e30])
def test_samples_no_air_can_carry_give_null_with_a_reason_not_silence(tmp_path, peak):
    """Samples are pascals: 1e20 Pa used to read as silence (-70 LUFS, f0 0)."""
    path = tmp_path / "huge.wav"
    sf.write(path, (tone(440) * peak / 0.1).numpy(), SR, subtype="FLOAT")
    out = run_describe(path, "--json")
    assert out.returncode == 0, out.stderr
    values = strict_json(out.stdout)
    assert all(values[n] is None for n in DEFAULT), values
    assert all("beyond the loudest sound air carries" in values["null_because"][n] for n in DEFAULT)
    assert out.stderr.count("beyond the loudest sound") == 1  # said once, for all of them


def test_a_long_file_is_read_in_segments_and_pooled(tmp_path):
    """A file longer than one segment: the segments' values pool to what the whole gives
    for a steady sound, --every gives each segment, and no block exceeds a segment."""
    seconds = 2 * SEGMENT + 5
    path = tmp_path / "long.wav"
    x = tone(220, seconds, harmonics=4).numpy()
    sf.write(path, x, SR, subtype="FLOAT")
    whole, odd, rows = describe_file(path, DEFAULT)
    assert not odd and [r["seconds"] for r in rows] == [SEGMENT, SEGMENT, 5.0]
    one = {n: float(v[0]) for n, v in describe(x[:int(SEGMENT * SR)], SR).items()}
    for n in ["lufs", "loudness", "f0", "brightness", "sharpness", "harmonicity", "spread"]:
        assert whole[n] == pytest.approx(one[n], rel=0.01, abs=0.05), n
    out = run_describe(path, "--json", "--every", "10")
    values = strict_json(out.stdout)
    assert out.returncode == 0 and len(values["segments"]) == 7, out.stderr
    assert values["segments"][3]["start"] == 30.0 and values["segments"][3]["f0"] == pytest.approx(220, rel=0.01)


def test_a_quiet_start_and_a_loud_end_pool_by_each_descriptors_rule(tmp_path):
    """Silence takes no part; lufs is gated as BS.1770 gates; f0 is a duration-weighted median."""
    path = tmp_path / "two.wav"
    silence = np.zeros(int(SEGMENT * SR), np.float32)
    sf.write(path, np.r_[silence, tone(330, SEGMENT).numpy(), tone(660, 10).numpy()], SR, subtype="FLOAT")
    whole, _, rows = describe_file(path, ["lufs", "f0", "brightness"])
    assert rows[0]["lufs"] == -70.0  # the silent segment
    assert whole["f0"] == pytest.approx(330, rel=0.01)  # 30 s at 330 Hz outweigh 10 s at 660 Hz
    assert whole["lufs"] == pytest.approx(rows[1]["lufs"], abs=0.1)  # silence gated out, same level
    assert 330 < whole["brightness"] < 660


def test_blocks_stream_the_resampler_without_seams(tmp_path):
    """Reading a 44.1 kHz file in short blocks gives the same samples as in long ones: the
    converter keeps its state across blocks (a fresh one per block would click)."""
    path = tmp_path / "t.wav"
    t = np.arange(5 * 44100) / 44100
    sf.write(path, np.stack([np.sin(2 * np.pi * 1000 * t)] * 2, 1).astype(np.float32), 44100, subtype="FLOAT")
    short = list(audio.blocks(path, SR, 0.25))
    assert max(len(b) for b in short) == SR // 4
    joined, whole = np.concatenate(short), audio.read(path, SR)
    assert len(joined) == len(whole) == 5 * SR
    assert np.abs(joined - whole).max() < 1e-5
    middle = whole[SR:4 * SR]
    ideal = np.sin(2 * np.pi * 1000 * np.arange(SR, 4 * SR) / SR)
    assert np.abs(middle - ideal).max() < 1e-3  # no delay, no seam
    assert not math.isnan(float(joined.sum()))
