"""Loudness descriptors."""
import functools
import math

import numpy as np
import scipy.fft
import scipy.signal
import torch

from . import zwicker
from .registry import descriptor


@functools.lru_cache(maxsize=16)
def k_weighting_sos(sr: int) -> np.ndarray:
    """BS.1770's K-weighting (shelf, then RLB high-pass) as second-order sections,
    redesigned for any rate from the analogue prototype as libebur128 does; at 48 kHz
    this reproduces the standard's coefficients."""
    k = math.tan(math.pi * 1681.974450955533 / sr)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / sr)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, high_pass])


# Zero padding for filtering by FFT: the high-pass (38 Hz, Q 0.5) decays to 1e-10 in 0.1 s.
TAIL_SECONDS = 0.1


@functools.lru_cache(maxsize=16)
def k_weighting_response(size: int, sr: int) -> torch.Tensor:
    """The K-weighting filters' complex response on the bins of a `size`-point rfft."""
    _, h = scipy.signal.sosfreqz(k_weighting_sos(sr), worN=np.fft.rfftfreq(size, 1 / sr), fs=sr)
    return torch.from_numpy(h.astype(np.complex64))


@descriptor("lufs", unit="LUFS", range=(-70.0, 0.0), silent=-70.0, pool="lufs",
            reference="ITU-R BS.1770-4 integrated loudness: K-weighting (redesigned for any rate as libebur128 "
                      "does; the two IIR sections filter the clip, as the standard specifies), 400 ms blocks "
                      "with 75 % overlap, gates at -70 LUFS and -10 LU. A clip shorter than 400 ms is one "
                      "block.",
            meaning="how loud it reads on a broadcast or streaming loudness meter")
def lufs(a) -> torch.Tensor:
    # The K-weighted signal: the standard's IIR filters applied through their frequency
    # response on a zero-padded FFT (2.5x faster than running them; the padding holds
    # their tails, so the two agree to float32 precision). Then each block's mean square.
    n = a.x.shape[-1]
    size = scipy.fft.next_fast_len(n + int(TAIL_SECONDS * a.sr), real=True)
    y = torch.fft.irfft(torch.fft.rfft(a.x, size) * k_weighting_response(size, a.sr), size)[..., :n]
    block = int(round(0.4 * a.sr))
    step = int(round(0.1 * a.sr))
    if n < block:  # a clip shorter than one block is one block
        block = step = n
    z = y.square().unfold(-1, block, step).mean(-1).double()  # [B, J]
    level = -0.691 + 10 * torch.log10(z.clamp_min(1e-30))
    gated = level > -70.0
    mean_abs = (z * gated).sum(-1) / gated.sum(-1).clamp_min(1)
    relative = -0.691 + 10 * torch.log10(mean_abs.clamp_min(1e-30)) - 10.0
    gated = gated & (level > relative[:, None])
    mean = (z * gated).sum(-1) / gated.sum(-1).clamp_min(1)
    return torch.where(gated.any(-1), -0.691 + 10 * torch.log10(mean.clamp_min(1e-30)),
                       torch.full_like(mean, -70.0))


@descriptor("loudness", unit="sone", range=(0.0, 100.0),
            reference="ISO 532-1:2017 Zwicker loudness, method for stationary sounds, free field, per 170 ms "
                      "frame; mean over frames. Third-octave levels from the frame's power spectrum weighted by "
                      "the reference program's 6th-order Butterworth band responses (their skirts are part of "
                      "the calibration).",
            meaning="how loud it sounds to a listener: twice the sones, twice as loud")
def loudness(a) -> torch.Tensor:
    return (a.shared(zwicker.loudness_pattern).sum(-1) * zwicker.DZ).mean(-1)
