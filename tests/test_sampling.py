"""Samplers are deterministic by seed and cover what they promise."""
import numpy as np
import pytest
import soundfile as sf

from engine.generator import Generator
from engine.sampling import SAMPLERS, LatentSampler


@pytest.fixture(scope="module")
def neural(demo_paths):
    return Generator.load(demo_paths["neural"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    rng = np.random.default_rng(1)
    t = np.arange(44100) / 44100
    sf.write(folder / "tone.wav", 0.2 * np.sin(2 * np.pi * 330 * t), 44100)  # resampled to 48 kHz
    sf.write(folder / "noise.flac", 0.1 * rng.standard_normal((48000, 2)), 48000)  # stereo, mixed
    return folder


@pytest.mark.parametrize("kind", SAMPLERS)
def test_deterministic_by_seed(neural, corpus, kind):
    a = LatentSampler(kind, seed=3, corpus=corpus).fit(neural).sample(64)
    b = LatentSampler(kind, seed=3, corpus=corpus).fit(neural).sample(64)
    c = LatentSampler(kind, seed=4, corpus=corpus).fit(neural).sample(64)
    assert a.shape == (64, 8) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_box_samplers_stay_in_the_box(neural):
    for kind in ("uniform", "sobol"):
        z = LatentSampler(kind, scale=1.5).fit(neural).sample(256)
        assert np.abs(z).max() <= 1.5 and np.abs(z).max() > 1.2


def test_gaussian_scale(neural):
    z = LatentSampler("gaussian", scale=2.0).fit(neural).sample(4000)
    assert abs(z.std() - 2.0) < 0.1


def test_corpus_samples_around_the_encoded_frames(neural, corpus):
    s = LatentSampler("corpus", corpus=corpus).fit(neural)
    frames = s.corpus_latents_
    assert len(frames) == 23 + 23  # one file at each rate, 1 s each, hop 2048 at 48 kHz
    z = s.sample(2000)
    assert np.allclose(z.mean(0), frames.mean(0), atol=0.15)


def test_corpus_needs_encode(demo_paths, corpus):
    with pytest.raises(Exception, match="no `encode` method"):
        LatentSampler("corpus", corpus=corpus).fit(Generator.load(demo_paths["synth_a"]))


def test_corpus_needs_audio(neural, tmp_path):
    with pytest.raises(ValueError, match="no audio files"):
        LatentSampler("corpus", corpus=tmp_path).fit(neural)
