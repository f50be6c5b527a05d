"""Standard reference signals for the perceptual descriptors (docs/architecture.md §6), robustness,
the describe command and user descriptors."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
import torch

from engine.descriptors import DEFAULT, REGISTRY, custom, describe
from tests.conftest import tone

SR = 48000


def spl(db):
    """RMS in pascals of a level in dB SPL."""
    return 2e-5 * 10 ** (db / 20)


def sine_at(freq, db):
    return tone(freq, amp=spl(db) * math.sqrt(2))


def critical_band_noise(centre_lo=920.0, centre_hi=1080.0, db=60.0, seed=0):
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.standard_normal(SR))
    f = np.fft.rfftfreq(SR, 1 / SR)
    spec[(f < centre_lo) | (f > centre_hi)] = 0
    x = np.fft.irfft(spec, SR)
    return torch.tensor(x / np.sqrt(np.mean(x ** 2)) * spl(db), dtype=torch.float32)


def am_tone(fc=1000.0, fm=70.0, depth=1.0, db=60.0):
    t = torch.arange(SR, dtype=torch.float64) / SR
    x = (1 + depth * torch.sin(2 * math.pi * fm * t)) * torch.sin(2 * math.pi * fc * t)
    return (x / x.pow(2).mean().sqrt() * spl(db)).float()


def one(x, name):
    return describe(x, SR, [name])[name].item()


def test_one_sone():
    assert one(sine_at(1000, 40), "loudness") == pytest.approx(1.0, rel=0.05)


def test_loudness_doubles_every_10_phon():
    assert one(sine_at(1000, 50), "loudness") / one(sine_at(1000, 40), "loudness") == pytest.approx(2.0, rel=0.1)


def test_one_acum():
    assert one(critical_band_noise(), "sharpness") == pytest.approx(1.0, rel=0.10)


def test_sharpness_rises_with_frequency():
    assert one(critical_band_noise(3700, 4400), "sharpness") > 1.5 * one(critical_band_noise(), "sharpness")


def test_one_asper():
    assert one(am_tone(), "roughness") == pytest.approx(1.0, rel=0.15)


def test_roughness_needs_modulation_near_70_hz():
    assert one(am_tone(fm=70), "roughness") > 3 * one(am_tone(fm=4), "roughness")
    assert one(sine_at(1000, 60), "roughness") < 0.05


def test_harshness_is_the_documented_composite():
    x = am_tone()
    v = describe(x, SR, ["sharpness", "roughness", "harshness"])
    assert v["harshness"].item() == pytest.approx(v["sharpness"].item() + v["roughness"].item())
    assert "composite" in REGISTRY["harshness"].reference


def test_spread_of_tone_vs_noise():
    noise = 0.05 * torch.randn(SR, generator=torch.Generator().manual_seed(1))
    v = describe(torch.stack([sine_at(1000, 60), noise]), SR, ["spread"])["spread"]
    assert v[0] < 100 and v[1] > 5000


def test_harmonicity_tone_vs_noise():
    noise = 0.05 * torch.randn(SR, generator=torch.Generator().manual_seed(2))
    v = describe(torch.stack([tone(220, harmonics=10), noise]), SR, ["harmonicity"])["harmonicity"]
    assert v[0] > 0.95 and v[1] < 0.5


def _partials(f0, n=10, tilt=1.0, am=0.0, rate=3.0):
    """A harmonic tone (partials below 20 kHz, amplitudes k^-tilt) under slow amplitude
    modulation, over a little noise, 1 s."""
    t = torch.arange(SR, dtype=torch.float64) / SR
    x = sum(torch.sin(2 * math.pi * f0 * k * t) / k ** tilt for k in range(1, n + 1) if f0 * k < 20000)
    noise = 0.01 * torch.randn(SR, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    return (0.1 * x * (1 + am * torch.sin(2 * math.pi * rate * t)) + noise).float()


def test_harmonicity_changes_smoothly_with_the_sound():
    """Tiny changes of a sound must not jump its harmonicity, or no surrogate can follow it
    (docs/benchmarks.md, harmonicity). Before reading the dip at its vertex, a bright tone
    swept 600-700 Hz read a 0.10 sawtooth in the lag's fraction; before reading every frame
    and pooling by the mean, slow modulation 3-6 Hz stepped by up to 0.026 per 0.03 Hz."""
    swept = describe(torch.stack([_partials(f, n=40, tilt=0.5) for f in np.arange(600, 700, 0.5)]), SR,
                     ["harmonicity"])["harmonicity"].numpy()
    assert np.ptp(swept) < 0.075
    modulated = describe(torch.stack([_partials(100, am=0.9, rate=r) for r in np.arange(3, 6, 0.03)]), SR,
                         ["harmonicity"])["harmonicity"].numpy()
    assert np.abs(np.diff(modulated)).max() < 0.01


def test_boominess_higher_for_low_sounds():
    v = describe(torch.stack([sine_at(60, 80), sine_at(2000, 80)]), SR, ["boominess"])["boominess"]
    assert v[0] > v[1]


def test_warmth_higher_for_low_dark_sounds():
    dark = tone(110, amp=0.05, harmonics=3)
    bright = 0.05 * torch.randn(SR, generator=torch.Generator().manual_seed(3))
    v = describe(torch.stack([dark, bright]), SR, ["warmth"])["warmth"]
    assert v[0] > v[1]


@pytest.mark.parametrize("name", ["dc", "clipped", "short", "impulse", "loud_noise"])
def test_edge_signals_give_finite_values(name):
    rng = torch.Generator().manual_seed(0)
    x = {"dc": torch.full((SR,), 0.3),
         "clipped": (tone(200, amp=10.0)).clamp(-1, 1),
         "short": tone(440)[:300],
         "impulse": torch.nn.functional.pad(torch.ones(1), (SR // 2, SR // 2 - 1)),
         "loud_noise": 20 * torch.randn(SR, generator=rng)}[name]
    v = describe(x, SR)
    assert set(v) == set(DEFAULT)
    bad = [n for n, t in v.items() if not torch.isfinite(t).all()]
    assert not bad, f"{name}: non-finite {bad}"


def test_batch_equals_one_by_one():
    xs = [sine_at(440, 60), critical_band_noise(), am_tone()]
    batch = describe(torch.stack(xs), SR)
    for i, x in enumerate(xs):
        single = describe(x, SR)
        for n in DEFAULT:
            assert batch[n][i].item() == pytest.approx(single[n].item(), rel=1e-4, abs=1e-6), n


def run_describe(*args):
    return subprocess.run([sys.executable, "-m", "engine.describe", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_describe_command_json(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([tone(440).numpy()] * 2, 1), 44100, subtype="FLOAT")
    out = run_describe(path, "--json")
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout)
    assert set(values) == set(DEFAULT)
    assert values["f0"] == pytest.approx(440 * 44100 / 48000, rel=0.01)  # the file plays at 44.1 kHz
    assert "2 channels" in out.stderr and "resampled" in out.stderr


def test_plugin_descriptor(tmp_path):
    plugin = tmp_path / "mine.py"
    plugin.write_text(
        "from engine.descriptors import descriptor\n"
        "@descriptor('peak_test', unit='Pa', range=(0, 10))\n"
        "def peak_test(a):\n"
        "    return a.x.abs().amax(-1)\n")
    custom.load(f"plugin:{plugin}")
    assert describe(tone(440, amp=0.25), SR, ["peak_test"])["peak_test"].item() == pytest.approx(0.25, rel=1e-3)


class Classifier(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rms = x.pow(2).mean(-1).sqrt()[:, 0]
        return torch.stack([rms, 1 - rms], 1)


def test_torchscript_classifier_descriptor(tmp_path):
    path = tmp_path / "clf.ts"
    torch.jit.script(Classifier()).save(str(path))
    custom.load(f"classifier:quietness_test={path}:1")
    v = describe(tone(440, amp=0.1), SR, ["quietness_test"])["quietness_test"].item()
    assert v == pytest.approx(1 - 0.1 / math.sqrt(2), rel=1e-3)


def test_bad_classifier_is_refused(tmp_path):
    path = tmp_path / "junk.ts"
    path.write_bytes(b"junk")
    with pytest.raises(ValueError, match="could not be loaded as TorchScript"):
        custom.load(f"classifier:junk_test={path}")
