"""Shared analysis of a batch of mono clips: the spectra several descriptors need,
computed once on first use."""
from functools import cached_property

import torch

# -100 dBFS RMS (about -9 dB SPL): below hearing, treated as silence.
SILENCE_RMS = 1e-5


def power(spec: torch.Tensor) -> torch.Tensor:
    """|spec|^2 of a complex tensor; five times faster than torch's complex abs (a hypot)."""
    return spec.real.square() + spec.imag.square()


class Analysis:
    n_fft = 2048
    hop = 512

    def __init__(self, x: torch.Tensor, sr: int):
        self.x = x  # [B, N]
        self.sr = int(sr)
        self._shared = {}

    def shared(self, fn):
        """fn(self), computed once per analysis: for intermediate results that several
        descriptors in different modules share (a pitch track, a loudness pattern)."""
        if fn not in self._shared:
            self._shared[fn] = fn(self)
        return self._shared[fn]

    @cached_property
    def silent(self) -> torch.Tensor:
        return self.x.pow(2).mean(-1).sqrt() < SILENCE_RMS

    @cached_property
    def power(self) -> torch.Tensor:
        """|STFT|^2 [B, F, frames], Hann window; clips shorter than a window are zero-padded."""
        x = self.x
        if x.shape[-1] < self.n_fft:
            x = torch.nn.functional.pad(x, (0, self.n_fft - x.shape[-1]))
        window = torch.hann_window(self.n_fft, device=x.device)
        return power(torch.stft(x, self.n_fft, self.hop, window=window, center=False, return_complex=True))

    @cached_property
    def magnitude(self) -> torch.Tensor:
        return self.power.sqrt()

    @cached_property
    def freqs(self) -> torch.Tensor:
        return torch.fft.rfftfreq(self.n_fft, 1.0 / self.sr)

    @cached_property
    def moments(self) -> torch.Tensor:
        """Sum, first and second moment over frequency of the magnitude spectrum per
        frame [3, B, frames], by one matrix product (float64: spread subtracts two)."""
        f = self.freqs.to(torch.float64)
        return torch.matmul(torch.stack([torch.ones_like(f), f, f * f]), self.magnitude.to(torch.float64)).transpose(0, 1)

    @cached_property
    def centroid(self) -> torch.Tensor:
        """Spectral centroid of the magnitude spectrum per frame [B, frames] (Hz)."""
        total, first, _ = self.moments
        return first / total.clamp_min(1e-12)

    @cached_property
    def frame_energy(self) -> torch.Tensor:
        """Per-frame power [B, frames], for weighting frame values into a clip value."""
        return self.power.sum(1)
