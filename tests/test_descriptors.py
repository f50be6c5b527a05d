"""The first descriptor set on analytic signals, and its defined edge cases."""
import math

import numpy as np
import pytest
import torch

from engine.descriptors import DEFAULT, REGISTRY, describe
from tests.conftest import tone

SR = 48000


def test_bs1770_reference_tone():
    assert describe(tone(997, amp=0.1), SR, ["lufs"])["lufs"].item() == pytest.approx(-23.0, abs=0.1)


def test_lufs_at_44100():
    assert describe(tone(997, sr=44100, amp=0.1), 44100, ["lufs"])["lufs"].item() == pytest.approx(-23.0, abs=0.1)


def test_lufs_filters_as_the_standard_runs_them():
    # K-weighting is applied through its frequency response on a padded FFT; running the
    # standard's IIR sections over the same clips must give the same gated loudness.
    import numpy as np
    import scipy.signal
    from engine.descriptors.loudness import k_weighting_sos
    x = 0.05 * torch.randn(2, SR // 2, generator=torch.Generator().manual_seed(1))
    x[1, : SR // 8] *= 20  # a loud start: the gate sees the tail of whatever wraps
    y = scipy.signal.sosfilt(k_weighting_sos(SR), x.double().numpy(), axis=-1)
    block = int(0.4 * SR)
    z = np.stack([np.mean(y[:, i:i + block] ** 2, -1) for i in range(0, y.shape[-1] - block + 1, SR // 10)], -1)
    level = -0.691 + 10 * np.log10(z)
    ours = describe(x, SR, ["lufs"])["lufs"].numpy()
    for i in range(2):  # gating: absolute -70, then relative -10 LU
        keep = level[i] > -70
        keep &= level[i] > -0.691 + 10 * np.log10(z[i][keep].mean()) - 10
        assert ours[i] == pytest.approx(-0.691 + 10 * np.log10(z[i][keep].mean()), abs=1e-3)


def test_lufs_follows_level():
    x = torch.stack([tone(997, amp=0.1), tone(997, amp=0.01)])
    v = describe(x, SR, ["lufs"])["lufs"]
    assert (v[0] - v[1]).item() == pytest.approx(20.0, abs=0.05)


@pytest.mark.parametrize("freq", [250.0, 1000.0, 4000.0])
def test_centroid_of_a_tone_is_its_frequency(freq):
    assert describe(tone(freq), SR, ["brightness"])["brightness"].item() == pytest.approx(freq, rel=0.01)


def test_flatness_noise_vs_tone():
    noise = 0.1 * torch.randn(SR, generator=torch.Generator().manual_seed(0))
    v = describe(torch.stack([noise, tone(440)]), SR, ["flatness"])["flatness"]
    assert v[0] > 0.9 and v[1] < 0.01


@pytest.mark.parametrize("freq", [55.0, 110.0, 261.6, 440.0, 987.8, 1760.0])
def test_f0_of_harmonic_tones(freq):
    x = tone(freq, harmonics=max(1, int(20000 / freq) // 2))
    assert describe(x, SR, ["f0"])["f0"].item() == pytest.approx(freq, rel=0.01)


@pytest.mark.parametrize("freq", [180.0, 250.0, 330.0])
def test_f0_reads_the_pitch_not_the_beating_of_a_deeply_modulated_tone(freq):
    """A tone beating at 55 Hz repeats best every few periods, where envelope and carrier
    both line up; YIN alone read 60-62 Hz here. The pitch is still the carrier's."""
    t = torch.arange(SR) / SR
    envelope = 1 - 0.85 * (0.5 - 0.5 * torch.cos(2 * math.pi * 55 * t))
    x = tone(freq, harmonics=32) * envelope
    assert describe(x, SR, ["f0"])["f0"].item() == pytest.approx(freq, rel=0.02)


@pytest.mark.parametrize("freq", [55.0, 65.0, 82.0])
def test_f0_keeps_low_pitches_of_odd_harmonic_tones(freq):
    """Odd harmonics only: no dip at half the period, so the pitch is not raised."""
    t = torch.arange(SR) / SR
    x = sum(torch.sin(2 * math.pi * k * freq * t) / k for k in range(1, 64, 2))
    assert describe(x, SR, ["f0"])["f0"].item() == pytest.approx(freq, rel=0.01)


def test_silence_gets_documented_values():
    v = describe(torch.zeros(2, SR), SR, DEFAULT)
    for name in DEFAULT:
        assert (v[name] == REGISTRY[name].silent).all()


def test_non_finite_input_is_refused():
    x = tone(440).clone()
    x[100] = float("nan")
    with pytest.raises(ValueError, match="NaN or Inf"):
        describe(torch.stack([tone(440), x]), SR)


def test_huge_finite_samples_are_not_refused():
    # the NaN/Inf check sums each clip first; an overflowing sum alone is not an error
    x = tone(440).clone()
    x[:2] = 3e38
    describe(torch.stack([tone(440), x]), SR, ["brightness"])


def test_a_batch_is_described_as_its_clips_alone():
    # describe analyses a few clips at a time; values must not depend on the batching
    g = torch.Generator().manual_seed(2)
    x = torch.stack([tone(110 * (1 + i % 7), harmonics=3) * (0.5 + torch.rand(1, generator=g))
                     + 0.01 * torch.randn(SR, generator=g) for i in range(20)])
    together = describe(x, SR)
    for i in (0, 15, 16, 19):  # both sides of a chunk boundary
        alone = describe(x[i], SR)
        for name in DEFAULT:
            assert together[name][i].item() == pytest.approx(alone[name].item(), rel=1e-4, abs=1e-6), name


def test_short_and_multichannel_clips():
    short = describe(tone(440, seconds=0.05), SR)
    assert all(math.isfinite(v.item()) for v in short.values())
    stereo = torch.stack([tone(440), tone(440)])[None]  # [1, 2, N], averaged
    assert describe(stereo, SR, ["f0"])["f0"].item() == pytest.approx(440, rel=0.01)


def test_unknown_descriptor():
    with pytest.raises(ValueError, match="unknown descriptor"):
        describe(tone(440), SR, ["sparkle"])


def test_spectral_descriptors_survive_the_hosts_resampling():
    """A 44.1 kHz generator in a 48 kHz host passes through the core's resampler, which
    drops the inaudible band above about 20 kHz: the descriptors that the build measured
    at 44.1 kHz must still hold for what the host plays (flatness moved by a third,
    warmth by 15 %, before they stopped at 20 kHz)."""
    import soxr
    sr = 44100
    t = torch.arange(sr) / sr
    g = torch.Generator().manual_seed(0)
    noise = torch.randn(sr, generator=g)
    harmonic = sum(torch.sin(2 * math.pi * 220 * k * t) / k for k in range(1, 40))
    x = torch.stack([noise, 0.5 * harmonic + 0.05 * noise, harmonic])
    back = torch.tensor(np.stack([soxr.resample(soxr.resample(c, sr, 48000, quality="HQ"), 48000, sr, quality="HQ")
                                  for c in x.numpy()]))[:, :sr]
    names = ["flatness", "warmth", "brightness", "spread"]
    before, after = describe(x, sr, names), describe(back, sr, names)
    for n in names:
        low, high = REGISTRY[n].range
        assert torch.allclose(after[n], before[n], rtol=0.01, atol=0.002 * (high - low)), (n, before[n], after[n])


def test_every_descriptor_says_what_it_means_and_the_docs_table_is_written_from_that():
    from engine.descriptors import docs
    for name in DEFAULT:
        d = REGISTRY[name]
        assert d.meaning and "\n" not in d.meaning and len(d.meaning) < 120, name
        assert d.reference and d.meta()["meaning"] == d.meaning
    text = docs.DOC.read_text()
    assert docs.written(text) == text, "docs/descriptors.md is out of date: run python -m engine.descriptors.docs"
    for name in DEFAULT:
        assert f"| `{name}` | {REGISTRY[name].unit} | {REGISTRY[name].meaning} |" in text
    with pytest.raises(ValueError, match="lost its table markers"):
        docs.written(text.replace(docs.END, ""))
