"""Where to look in a latent space: samplers that draw latent points.

Each point is held for one clip when rendered (see `engine.dataset`). Every sampler is
deterministic by seed. `scale` is the Gaussian's standard deviation, the half-width of
the box for `uniform` and `sobol`, and the kernel width (relative to Scott's rule) for
`corpus`.
"""
from pathlib import Path
from typing import Optional

import numpy as np
from scipy.stats import qmc

SAMPLERS = ("gaussian", "uniform", "sobol", "corpus")
AUDIO_SUFFIXES = (".wav", ".flac", ".aif", ".aiff", ".ogg")


class LatentSampler:
    def __init__(self, kind: str = "gaussian", scale: Optional[float] = None, seed: int = 0, corpus=None):
        self.kind = kind
        self.scale = scale
        self.seed = seed
        self.corpus = corpus

    def _scale(self) -> float:
        default = {"gaussian": 1.0, "uniform": 2.0, "sobol": 2.0, "corpus": 1.0}[self.kind]
        return default if self.scale is None else float(self.scale)

    def fit(self, generator) -> "LatentSampler":
        """Learn what the sampler needs from the generator (only `corpus` needs anything:
        the encoded frames of every audio file in the corpus folder)."""
        if self.kind not in SAMPLERS:
            raise ValueError(f"unknown sampler {self.kind!r}; expected one of {SAMPLERS}")
        self.latent_size_ = generator.latent_size
        if self.kind == "corpus":
            self.corpus_latents_ = encode_corpus(generator, self.corpus)
        return self

    def sample(self, n: int) -> np.ndarray:
        """n latent points [n, latent_size], float32."""
        d, s = self.latent_size_, self._scale()
        rng = np.random.default_rng(self.seed)
        if self.kind == "gaussian":
            z = rng.standard_normal((n, d)) * s
        elif self.kind == "uniform":
            z = rng.uniform(-s, s, (n, d))
        elif self.kind == "sobol":
            z = (qmc.Sobol(d, scramble=True, seed=self.seed).random(n) * 2 - 1) * s
        else:  # corpus: a Gaussian kernel density around the encoded frames
            zc = self.corpus_latents_
            bandwidth = s * zc.std(0) * len(zc) ** (-1.0 / (d + 4))
            z = zc[rng.integers(0, len(zc), n)] + rng.standard_normal((n, d)) * bandwidth
        return z.astype(np.float32)

    def settings(self) -> dict:
        out = {"kind": self.kind, "scale": self._scale(), "seed": self.seed}
        if self.kind == "corpus":
            out["corpus"] = str(self.corpus)
            out["corpus_frames"] = int(len(self.corpus_latents_))
        return out


def encode_corpus(generator, folder) -> np.ndarray:
    """Encode every audio file under `folder` (resampled to the generator's rate, mixed
    or duplicated to its channels) into latent frames [M, latent_size]."""
    from . import audio
    if folder is None:
        raise ValueError("the corpus sampler needs a folder of audio files (--corpus DIR)")
    files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        raise ValueError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) found under {folder}")
    frames = []
    for path in files:
        x = audio.read(path, generator.sr)
        if len(x) < generator.hop:
            continue
        x = np.repeat(x[None, None], generator.channels, 1)
        frames.append(generator.encode(x)[0].T.numpy())
    if not frames:
        raise ValueError(f"every audio file under {folder} is shorter than one latent frame ({generator.hop} samples)")
    return np.concatenate(frames).astype(np.float64)
