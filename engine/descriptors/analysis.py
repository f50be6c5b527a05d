"""Shared analysis of a batch of mono clips: the spectra several descriptors need,
computed once on first use."""
from functools import cached_property

import torch

# -100 dBFS RMS (about -9 dB SPL): below hearing, treated as silence.
SILENCE_RMS = 1e-5
# The spectral descriptors look no higher than hearing does. Above it a 44.1 kHz model
# played in a 48 kHz host loses its 20-22 kHz band to the resampler's anti-aliasing:
# counted, that inaudible band moved flatness by a third and warmth by 15 % between the
# build and the host (docs/architecture.md §6).
AUDIBLE_HZ = 20000.0


def power(spec: torch.Tensor) -> torch.Tensor:
    """|spec|^2 of a complex tensor; four times faster than torch's complex abs (a hypot),
    and addcmul halves the time of re^2 + im^2."""
    return torch.addcmul(spec.real.square(), spec.imag, spec.imag)


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
        """|STFT|^2 [B, frames, F], Hann window; clips shorter than a window are zero-padded.
        (Frames by unfold and rfft: half the time of torch.stft, which copies twice.)"""
        x = self.x
        if x.shape[-1] < self.n_fft:
            x = torch.nn.functional.pad(x, (0, self.n_fft - x.shape[-1]))
        window = torch.hann_window(self.n_fft, device=x.device)
        return power(torch.fft.rfft(x.unfold(-1, self.n_fft, self.hop) * window, dim=-1))

    @cached_property
    def magnitude(self) -> torch.Tensor:
        return self.power.sqrt()

    @cached_property
    def freqs(self) -> torch.Tensor:
        return torch.fft.rfftfreq(self.n_fft, 1.0 / self.sr)

    @cached_property
    def audible(self) -> torch.Tensor:
        """Bins up to AUDIBLE_HZ [F] (all of them below a 40 kHz rate)."""
        return self.freqs <= AUDIBLE_HZ

    @cached_property
    def moments(self) -> torch.Tensor:
        """Sum, first and second moment over audible frequencies of the magnitude spectrum
        per frame [3, B, frames], by one matrix product (float64: spread subtracts two)."""
        f = self.freqs.to(torch.float64)
        weights = torch.stack([torch.ones_like(f), f, f * f], 1) * self.audible[:, None]
        return torch.matmul(self.magnitude.to(torch.float64), weights).permute(2, 0, 1)

    @cached_property
    def centroid(self) -> torch.Tensor:
        """Spectral centroid of the magnitude spectrum per frame [B, frames] (Hz)."""
        total, first, _ = self.moments
        return first / total.clamp_min(1e-12)

    @cached_property
    def frame_energy(self) -> torch.Tensor:
        """Per-frame power [B, frames], for weighting frame values into a clip value."""
        return self.power.sum(-1)
