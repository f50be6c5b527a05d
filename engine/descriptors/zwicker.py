"""Zwicker's loudness model for stationary sounds (ISO 532-1:2017, method for stationary
sounds, free field), batched on torch.

Third-octave band levels come from the power spectrum of each analysis frame, weighted by
each band filter's power response; the core loudness
follows the standard's tables, and the upper slopes are integrated on the standard's
0.1-Bark grid. Sample values are pascals (docs/architecture.md §6).
"""
import functools

import numpy as np
import torch

from .analysis import power

P_REF = 2e-5
FRAME = 8192  # ~170 ms at 48 kHz: ~6 Hz resolution for the 25 Hz band
HOP = 4096

# Third-octave centre frequencies 25 Hz .. 12.5 kHz (28 bands).
CENTRES = torch.tensor([25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800,
                        1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500],
                       dtype=torch.float64)
# Exact base-10 band centres 10^(n/10); the nominal values above are for display.
EXACT = 10 ** (torch.arange(14, 42, dtype=torch.float64) / 10)
# Bands as 6th-order (3rd-order prototype) Butterworth band-passes, the filters the
# standard's reference program uses: their skirts are part of its calibration (a 1 kHz
# tone also excites the 800 Hz band, which brings 40 dB SPL to 1 sone).
Q_BAND = 1 / (10 ** 0.05 - 10 ** -0.05)


def band_power_response(freqs: torch.Tensor) -> torch.Tensor:
    """|H|^2 of each third-octave filter at `freqs`, [28, F]."""
    f = freqs.clamp_min(1e-3)[None]
    fc = EXACT[:, None]
    return 1 / (1 + (Q_BAND * (f / fc - fc / f)) ** 6)

# ISO 532-1 tables.
RAP = torch.tensor([45, 55, 65, 71, 80, 90, 100, 120], dtype=torch.float64)
DLL = torch.tensor([
    [-32, -24, -16, -10, -5, 0, -7, -3, 0, -2, 0],
    [-29, -22, -15, -10, -4, 0, -7, -2, 0, -2, 0],
    [-27, -19, -14, -9, -4, 0, -6, -2, 0, -2, 0],
    [-25, -17, -12, -9, -3, 0, -5, -2, 0, -2, 0],
    [-23, -16, -11, -7, -3, 0, -4, -1, 0, -1, 0],
    [-20, -14, -10, -6, -3, 0, -4, -1, 0, -1, 0],
    [-18, -12, -9, -6, -2, 0, -3, -1, 0, -1, 0],
    [-15, -10, -8, -4, -2, 0, -3, -1, 0, -1, 0]], dtype=torch.float64)
LTQ = torch.tensor([30, 18, 12, 8, 7, 6, 5, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], dtype=torch.float64)
A0 = torch.tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5, -1.6, -3.2, -5.4, -5.6, -4, -1.5, 2, 5, 12],
                  dtype=torch.float64)
DCB = torch.tensor([-0.25, -0.6, -0.8, -0.8, -0.5, 0, 0.5, 1.1, 1.5, 1.7, 1.8, 1.8, 1.7, 1.6, 1.4, 1.2,
                    0.8, 0.5, 0, -0.5], dtype=torch.float64)
ZUP = torch.tensor([0.9, 1.8, 2.8, 3.5, 4.4, 5.4, 6.6, 7.9, 9.2, 10.6, 12.3, 13.8, 15.2, 16.7, 18.1,
                    19.3, 20.6, 21.8, 22.7, 23.6, 24.0], dtype=torch.float64)
RNS = torch.tensor([21.5, 18, 15.1, 11.5, 9, 6.1, 4.4, 3.1, 2.13, 1.36, 0.82, 0.42, 0.30, 0.22, 0.15,
                    0.10, 0.035, 0], dtype=torch.float64)
USL = torch.tensor([
    [13, 8.2, 6.3, 5.5, 5.5, 5.5, 5.5, 5.5],
    [9, 7.5, 6, 5.1, 4.5, 4.5, 4.5, 4.5],
    [7.8, 6.7, 5.6, 4.9, 4.4, 3.9, 3.9, 3.9],
    [6.2, 5.4, 4.6, 4.0, 3.5, 3.2, 3.2, 3.2],
    [4.5, 3.8, 3.6, 3.2, 2.9, 2.7, 2.7, 2.7],
    [3.7, 3.0, 2.8, 2.35, 2.2, 2.2, 2.2, 2.2],
    [2.9, 2.3, 2.1, 1.9, 1.8, 1.7, 1.7, 1.7],
    [2.4, 1.7, 1.5, 1.35, 1.3, 1.3, 1.3, 1.3],
    [1.95, 1.45, 1.3, 1.15, 1.1, 1.1, 1.1, 1.1],
    [1.5, 1.2, 0.94, 0.86, 0.82, 0.82, 0.82, 0.82],
    [0.72, 0.67, 0.64, 0.63, 0.62, 0.62, 0.62, 0.62],
    [0.59, 0.53, 0.51, 0.50, 0.42, 0.42, 0.42, 0.42],
    [0.40, 0.33, 0.26, 0.24, 0.24, 0.22, 0.22, 0.22],
    [0.27, 0.21, 0.20, 0.18, 0.17, 0.17, 0.17, 0.17],
    [0.16, 0.15, 0.14, 0.12, 0.11, 0.11, 0.11, 0.11],
    [0.12, 0.11, 0.10, 0.08, 0.08, 0.08, 0.08, 0.08],
    [0.09, 0.08, 0.07, 0.06, 0.06, 0.06, 0.06, 0.05],
    [0.06, 0.05, 0.03, 0.02, 0.02, 0.02, 0.02, 0.02]], dtype=torch.float64)
DZ = 0.1
Z = torch.arange(1, 241, dtype=torch.float64) * DZ  # upper end of each 0.1-Bark step
# For each grid step: its critical band and that band's column in USL.
BAND_OF_Z = torch.searchsorted(ZUP, Z - 1e-9)
USL_COLUMN = (BAND_OF_Z - 1).clamp(0, 7).tolist()
# For the scan in numpy: RNS ascending (for searchsorted), USL by column.
RNS_ASCENDING = RNS.flip(0).numpy()
USL_BY_COLUMN = USL.t().contiguous().numpy()


def third_octave_levels(x: torch.Tensor, sr: int) -> torch.Tensor:
    """Band levels [B, frames, 28] in dB SPL of the clips x [B, N] (pascals)."""
    x = x.to(torch.float32)  # float32 FFT: its ~1e-7 relative error is far below 0.01 dB
    frame = min(FRAME, max(x.shape[-1], 256))
    if x.shape[-1] < frame:
        x = torch.nn.functional.pad(x, (0, frame - x.shape[-1]))
    frames = x.unfold(-1, frame, HOP if x.shape[-1] > frame else frame)
    window = torch.hann_window(frame, periodic=True)
    # float32 product: band powers are sums of positives, good to 1e-6 (4e-6 dB)
    band = power(torch.fft.rfft(frames * window, dim=-1)) @ _band_weights(frame, sr)
    return 10 * torch.log10(band.double().clamp_min(1e-30) / P_REF ** 2)


@functools.lru_cache(maxsize=16)
def _band_weights(frame: int, sr: int) -> torch.Tensor:
    """[F, 28]: each band's power response, times the one-sided scaling that makes the
    bins of a Hann-windowed frame sum to its mean square."""
    window = torch.hann_window(frame, periodic=True, dtype=torch.float64)
    freqs = torch.fft.rfftfreq(frame, 1.0 / sr).to(torch.float64)
    weights = band_power_response(freqs).t()
    # Skirts below -150 dB are zero: in float32 they would be denormals, 10x slower to multiply.
    weights = torch.where(weights > 1e-15, weights, torch.zeros(()))
    return (weights * 2 / (window.pow(2).sum() * frame)).float()


def core_loudness(levels: torch.Tensor) -> torch.Tensor:
    """Third-octave levels [..., 28] -> core loudness per critical band [..., 21] (sone/Bark)."""
    low = levels[..., :11]
    # Level-dependent corrections of the 11 lowest bands: the first range whose upper
    # limit the level does not exceed (the last range above all).
    above = low[..., None, :] > (RAP[:, None] - DLL)  # [..., 8, 11]
    rng = above.sum(-2).clamp(max=7)
    corr = DLL.t().expand(*low.shape, 8).gather(-1, rng[..., None])[..., 0]
    ti = torch.pow(10.0, (low + corr) / 10)
    gi = torch.stack([ti[..., :6].sum(-1), ti[..., 6:9].sum(-1), ti[..., 9:11].sum(-1)], -1)
    lcb = 10 * torch.log10(gi.clamp_min(1e-30))
    le = torch.cat([lcb, levels[..., 11:]], -1) - A0  # 20 critical bands, free field
    audible = le > LTQ
    le = torch.where(audible, le - DCB, le)
    s = 0.25
    nm = 0.0635 * torch.pow(10.0, 0.025 * LTQ) * (torch.pow(1 - s + s * torch.pow(10.0, 0.1 * (le - LTQ)), 0.25) - 1)
    nm = torch.where(audible, nm, torch.zeros_like(nm)).clamp_min(0)
    korry = 0.4 + 0.32 * nm[..., :1].clamp_min(0) ** 0.2
    nm = torch.cat([torch.where(korry <= 1, nm[..., :1] * korry, nm[..., :1]), nm[..., 1:],
                    torch.zeros_like(nm[..., :1])], -1)
    return nm


def specific_loudness(levels: torch.Tensor) -> torch.Tensor:
    """Third-octave levels [..., 28] -> specific loudness N'(z) [..., 240] on the 0.1-Bark
    grid: each band's core loudness as a plateau, with the level-dependent upper slopes
    (masking towards high frequencies) stepped along z."""
    nm = core_loudness(levels)
    # A scan along z, each step depending on the last: in numpy, whose per-call cost is
    # a fraction of torch's (240 steps of a few small operations).
    plateau = nm[..., BAND_OF_Z].numpy()
    out = np.empty_like(plateau)
    prev = np.zeros_like(plateau[..., 0])
    for j in range(plateau.shape[-1]):
        # k: the first RNS below prev (RNS descends), counted as len - RNS entries below prev
        k = np.minimum(len(RNS) - np.searchsorted(RNS_ASCENDING, prev), len(RNS) - 1)
        np.maximum(plateau[..., j], np.maximum(prev - USL_BY_COLUMN[USL_COLUMN[j]][k] * DZ, 0), out=prev)
        out[..., j] = prev
    return torch.from_numpy(out)


def loudness_pattern(a):
    """Per-frame specific loudness [B, frames, 240] of an Analysis (shared)."""
    return specific_loudness(third_octave_levels(a.x, a.sr))
