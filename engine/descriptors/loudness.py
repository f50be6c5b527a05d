"""Loudness descriptors."""
import functools
import math

import torch

from . import zwicker
from .analysis import power
from .registry import descriptor


def _biquad_power(b, a, w: torch.Tensor) -> torch.Tensor:
    """|H(e^jw)|^2 of one biquad at angular frequencies w."""
    z1 = torch.exp(-1j * w.to(torch.float64))
    z2 = z1 * z1
    h = (b[0] + b[1] * z1 + b[2] * z2) / (a[0] + a[1] * z1 + a[2] * z2)
    return h.abs().pow(2)


@functools.lru_cache(maxsize=16)
def _k_weighting_block(block: int, sr: int) -> torch.Tensor:
    """K-weighting power response times the one-sided bin weights, for rfft of `block`."""
    h2 = k_weighting_power(torch.fft.rfftfreq(block, 1.0 / sr).to(torch.float64), sr)
    weight = torch.full_like(h2, 2.0)
    weight[0] = 1.0
    if block % 2 == 0:
        weight[-1] = 1.0
    return (h2 * weight / block ** 2).float()


def k_weighting_power(freqs: torch.Tensor, sr: int) -> torch.Tensor:
    """Power response of BS.1770's K-weighting (shelf, then RLB high-pass) at `freqs` Hz,
    redesigned for any rate from the analogue prototype as libebur128 does; at 48 kHz
    this reproduces the standard's coefficients."""
    w = 2 * math.pi * freqs / sr
    k = math.tan(math.pi * 1681.974450955533 / sr)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / sr)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    hp_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return _biquad_power(shelf_b, shelf_a, w) * _biquad_power([1.0, -2.0, 1.0], hp_a, w)


@descriptor("lufs", unit="LUFS", range=(-70.0, 0.0), silent=-70.0,
            reference="ITU-R BS.1770-4 integrated loudness: K-weighting, 400 ms blocks with "
                      "75 % overlap, absolute gate -70 LUFS, relative gate -10 LU; mono")
def lufs(a) -> torch.Tensor:
    x = a.x
    block = int(round(0.4 * a.sr))
    step = int(round(0.1 * a.sr))
    if x.shape[-1] < block:  # a clip shorter than one block is one block
        block = step = x.shape[-1]
    blocks = x.unfold(-1, block, step)  # [B, J, block]
    # Mean square of the K-weighted block by Parseval: sum |X|^2 |H|^2 over the spectrum.
    spec = power(torch.fft.rfft(blocks, dim=-1))
    z = (spec @ _k_weighting_block(block, a.sr)).double()  # [B, J]
    level = -0.691 + 10 * torch.log10(z.clamp_min(1e-30))
    gated = level > -70.0
    mean_abs = (z * gated).sum(-1) / gated.sum(-1).clamp_min(1)
    relative = -0.691 + 10 * torch.log10(mean_abs.clamp_min(1e-30)) - 10.0
    gated = gated & (level > relative[:, None])
    mean = (z * gated).sum(-1) / gated.sum(-1).clamp_min(1)
    return torch.where(gated.any(-1), -0.691 + 10 * torch.log10(mean.clamp_min(1e-30)),
                       torch.full_like(mean, -70.0))


@descriptor("loudness", unit="sone", range=(0.0, 100.0),
            reference="ISO 532-1:2017 Zwicker loudness, method for stationary sounds, free field, "
                      "per 170 ms frame (third-octave levels by FFT); mean over frames")
def loudness(a) -> torch.Tensor:
    return (a.shared(zwicker.loudness_pattern).sum(-1) * zwicker.DZ).mean(-1)
