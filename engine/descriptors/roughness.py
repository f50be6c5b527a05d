"""Roughness after Daniel & Weber (1997), "Psychoacoustical roughness: implementation of
an optimized model", Acustica 83, batched on torch.

Per 200 ms frame: the spectrum passes the outer/middle-ear transfer, every audible
component excites 47 overlapping one-Bark channels (0.5 Bark apart) through Zwicker's
level-dependent slopes; each channel's rectified signal gives an envelope that is
band-pass weighted around 70 Hz (H_i), its modulation depth m_i, and its correlation
k_i with the channel two steps (one Bark) up. R = 0.25 * sum g(z_i) (m_i k_{i-2} k_i)^2.
Tables are the paper's (H, g) and Zwicker & Fastl's (ear transfer, threshold for
roughness); band-pass envelope power and correlations are taken in the frequency
domain (Parseval), which saves one inverse FFT per channel.
"""
import math

import numpy as np
import torch

from .analysis import power
from .registry import descriptor

N_CHANNELS = 47
Z_CHANNELS = torch.arange(1, N_CHANNELS + 1, dtype=torch.float64) / 2
FRAME_SECONDS = 0.2

# Outer and middle ear transfer (dB) over Bark, Zwicker & Fastl fig. 8.18.
EAR_Z = [0, 10, 12, 13, 14, 15, 16, 16.5, 17, 18, 18.5, 19, 20, 21, 21.5, 22, 22.5, 23, 23.5, 24, 25, 26]
EAR_DB = [0, 0, 1.15, 2.31, 3.85, 5.62, 6.92, 7.38, 6.92, 4.23, 2.31, 0, -1.43, -2.59, -3.57, -5.19,
          -7.41, -11.3, -20, -40, -130, -999]
# Threshold in quiet for roughness (dB SPL) over Bark.
LTQ_Z = [0, 0.01, 0.17, 0.8, 1, 1.5, 2, 3.3, 4, 5, 6, 8, 10, 12, 13.3, 15, 16, 17, 18, 19, 20, 21, 22,
         23, 24, 24.5, 25]
LTQ_DB = [130, 70, 60, 30, 25, 20, 15, 10, 8.1, 6.3, 5, 3.5, 2.5, 1.7, 0, -2.5, -4, -3.7, -1.5, 1.4,
          3.8, 5, 7.5, 15, 48, 60, 130]
# Aures' weighting of specific roughness over Bark (0..24).
GZ = [0.15, 0.26, 0.38, 0.47, 0.54, 0.65, 0.76, 0.83, 0.90, 0.98, 0.98, 0.90, 0.80, 0.70, 0.62, 0.54,
      0.49, 0.43, 0.39, 0.35, 0.30, 0.30, 0.30, 0.30, 0.30]
# Envelope weightings H_i (modulation frequency Hz -> weight), given for channels 2, 5,
# 16, 21 and 42 and shared by their neighbours as the paper prescribes.
H_TABLES = {
    2: ([0, 17, 23, 25, 32, 37, 48, 67, 90, 114, 171, 206, 247, 294, 358],
        [0, 0.8, 0.95, 0.975, 1, 0.975, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0]),
    5: ([0, 32, 43, 56, 69, 92, 120, 142, 165, 231, 277, 331, 397, 502],
        [0, 0.8, 0.95, 1, 0.975, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0]),
    16: ([0, 23.5, 34, 47, 56, 63, 79, 100, 115, 135, 159, 172, 194, 215, 244, 290, 348, 415, 500, 645],
         [0, 0.4, 0.6, 0.8, 0.9, 0.95, 1, 0.975, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]),
    21: ([0, 19, 44, 52.5, 58, 75, 101.5, 114.5, 132.5, 143.5, 165.5, 197.5, 241, 290, 348, 415, 500, 645],
         [0, 0.4, 0.8, 0.9, 0.95, 1, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]),
    42: ([0, 15, 41, 49, 53, 64, 71, 88, 94, 106, 115, 137, 180, 238, 290, 348, 415, 500, 645],
         [0, 0.4, 0.8, 0.9, 0.965, 0.99, 1, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]),
}
# channel (1-based) -> which table it uses
H_OF_CHANNEL = [2] * 4 + [5] * 11 + [16] * 5 + [21] * 21 + [42] * 6


def bark(f):
    """Zwicker & Terhardt (1980) critical-band rate."""
    return 13 * torch.atan(0.00076 * f) + 3.5 * torch.atan((f / 7500) ** 2)


def _interp(x: torch.Tensor, xp, fp) -> torch.Tensor:
    return torch.from_numpy(np.interp(x.numpy(), xp, fp)).to(x.dtype)


NP = math.log(10) / 20  # dB -> nepers: gains and levels are natural logs of amplitude, exp'd once
INAUDIBLE = -1e3  # nepers: a level no gain brings above any threshold
PAD = 1024  # spectrum padding (bins), >= the widest window: every window lies inside
# Baseband width (spectrum bins) per group of channels (first, end, M): a window must
# reach from 0 Hz to 4 Bark above its channel (-108 dB down the lower slope) to hold all
# that excites it; 256 bins (1280 Hz) do that up to 6 Bark, 512 up to 10 Bark, and the
# upper channels take 1024 (5120 Hz).
GROUPS = ((0, 12, 256), (12, 20, 512), (20, N_CHANNELS, 1024))

_CACHE = {}


def _tables(n: int, sr: int):
    """Per frame length and rate: bin frequencies, ear gain, threshold (nepers), channel
    thresholds (dB), H, g in float32 for the per-frame work, then each bin's Bark in
    float64 for building the window tables."""
    key = (n, sr)
    if key not in _CACHE:
        f = torch.fft.rfftfreq(n, 1.0 / sr).to(torch.float64)
        z = bark(f)
        ear = torch.pow(10.0, _interp(z, EAR_Z, EAR_DB) / 20)
        ltq = _interp(z, LTQ_Z, LTQ_DB) * NP
        edge_thr = _interp(Z_CHANNELS, LTQ_Z, LTQ_DB)
        # H_i as weights on the envelope spectrum, from 10 Hz up (two bins at 200 ms)
        keep = int(645 / sr * n) + 2
        h = torch.zeros(N_CHANNELS, keep, dtype=torch.float64)
        for i, table in enumerate(H_OF_CHANNEL):
            h[i] = _interp(f[:keep], *H_TABLES[table])
        h[:, :2] = 0
        g = _interp(Z_CHANNELS, list(range(25)), GZ)
        _CACHE[key] = tuple(t.float() for t in (f, ear, ltq, edge_thr, h, g)) + (z,)
    return _CACHE[key]


def _windows(n: int, sr: int, m: int):
    """Each channel's window of m contiguous spectrum bins around its centre (as the first
    bin's index in the padded spectrum) and, on those bins, the level-independent parts
    of the gains into the channel: the fixed lower-slope gain (nepers), the distance the
    level-dependent upper slope spans (Bark), and the component level (nepers) below
    which the excitation stays under the threshold at the channel's edge."""
    key = ("windows", n, sr, m)
    if key not in _CACHE:
        f, _, _, edge_thr, _, _, z = _tables(n, sr)
        f_fine = torch.linspace(0, sr / 2, 50001, dtype=torch.float64)
        centre = torch.from_numpy(np.interp(Z_CHANNELS.numpy(), bark(f_fine).numpy(), f_fine.numpy()))
        start = torch.round(centre * n / sr).long() - m // 2
        idx = start[:, None] + torch.arange(m)
        valid = (idx >= 0) & (idx <= n // 2)
        idx = idx.clamp(0, n // 2)
        zk, fk = z[idx], f[idx].double().clamp_min(1.0)
        zi = Z_CHANNELS[:, None]
        chan = torch.arange(N_CHANNELS, dtype=torch.float64)[:, None]
        below = chan < torch.floor(2 * zk) - 1  # the channel lies below the component
        above = chan > torch.ceil(2 * zk) - 1
        fixed_db = torch.where(below, -27.0 * (zk - (zi + 0.5)), torch.zeros(()))
        distance = torch.where(above, (zi - 0.5) - zk, torch.zeros(()))
        edge = torch.where(below, edge_thr.double().roll(-1)[:, None], edge_thr.double().roll(1)[:, None])
        # Audible where level + gain > edge. Above, the gain is slope * distance with
        # Zwicker's slope -24 - 230/f + 0.2 L, so that is L > (edge + (24 + 230/f) d) / (1 + 0.2 d).
        need = torch.where(above, (edge + (24 + 230 / fk) * distance) / (1 + 0.2 * distance), edge - fixed_db)
        need = torch.where(below | above, need, torch.full_like(need, -1e9))  # its own band: always
        need = torch.where(valid, need * NP, torch.full_like(need, 1e9))  # beyond the spectrum: never
        _CACHE[key] = (start + PAD, (fixed_db * NP).float(), distance.float(), need.float())
    return _CACHE[key]


def roughness_frames(x: torch.Tensor, sr: int, chunk: int = 16) -> torch.Tensor:
    """x [B, N] pascals -> roughness [B, frames] in asper.

    Each channel's envelope is the magnitude of its analytic signal, computed in
    baseband from the 256 to 1024 spectrum bins around the channel's centre (GROUPS: the
    slopes attenuate anything farther by well over 20 dB); modulation depth and
    correlation are ratios, so this equals the paper's rectify-and-filter up to the
    factor 2/pi that cancels."""
    n = int(round(FRAME_SECONDS * sr))
    x = x.to(torch.float32)
    if x.shape[-1] < n:
        x = torch.nn.functional.pad(x, (0, n - x.shape[-1]))
    frames = x.unfold(-1, n, n)  # [B, J, n]
    shape = frames.shape[:-1]
    frames = frames.reshape(-1, n)
    out = torch.cat([_roughness(frames[i:i + chunk], n, sr) for i in range(0, len(frames), chunk)])
    return out.view(shape)


def _roughness(frames: torch.Tensor, n: int, sr: int) -> torch.Tensor:
    f, ear, ltq, _, _, g, _ = _tables(n, sr)
    window = torch.blackman_window(n, periodic=False)
    # Complex spectrum scaled so |spec| is each component's RMS in pascals.
    spec = torch.fft.rfft(frames * window, dim=-1) * (math.sqrt(2) / window.sum()) * ear
    level = 0.5 * torch.log(power(spec).clamp_min(1e-30) / 4e-10)  # nepers re 20 uPa
    level = torch.where(level > ltq, level, torch.full_like(level, INAUDIBLE))  # inaudible: no excitation
    # Zwicker's upper slope (dB/Bark) depends on the component only: per bin, not per channel.
    slope = torch.clamp(-24 - 230 / f.clamp_min(1.0) + (0.2 / NP) * level, max=0.0) * NP
    pad = (PAD, PAD)
    spec = torch.nn.functional.pad(spec, pad)
    level = torch.nn.functional.pad(level, pad, value=INAUDIBLE)
    slope = torch.nn.functional.pad(slope, pad)
    parts = [_envelopes(spec, level, slope, n, sr, *group) for group in GROUPS]
    depth, env, band_power = (torch.cat(p, 1) for p in zip(*parts))
    cross = (env[..., :-2, :] * env[..., 2:, :].conj()).real.sum(-1)
    both = (band_power[..., :-2] > 0) & (band_power[..., 2:] > 0)
    k = torch.where(both, cross / (band_power[..., :-2] * band_power[..., 2:]).sqrt().clamp_min(1e-30),
                    torch.zeros_like(cross))
    zero2 = torch.zeros_like(k[..., :2])
    k_up = torch.cat([k, zero2], -1)  # k_i (with channel i+2), 0 for the top two
    k_down = torch.cat([zero2, k], -1)  # k_{i-2}
    # Edge channels have one neighbour only: use it alone, as the paper does.
    kk = torch.cat([k_up[..., :2], k_up[..., 2:45] * k_down[..., 2:45], k_down[..., 45:]], -1)
    return 0.25 * (g * (depth * kk) ** 2).sum(-1).double()


def _envelopes(spec, level, slope, n: int, sr: int, first: int, end: int, m: int):
    """For channels first..end-1: modulation depth [F, C], H-weighted envelope spectra
    [F, C, K] and their power [F, C], from baseband windows of m bins (the padded
    spectrum, its levels and upper slopes, all in nepers)."""
    _, _, _, edge_thr, h, _, _ = _tables(n, sr)
    start, fixed, distance, need = (t[first:end] for t in _windows(n, sr, m))
    # Gain from each component into the channel (0 in the two channels that hold it,
    # Zwicker's slopes beyond, the upper one level-dependent), where its excitation is
    # above threshold. A steep ramp instead of a `where`, and no exp of huge negatives:
    # both are an order of magnitude slower on the CPU.
    gain = torch.addcmul(fixed, slope.unfold(-1, m, 1)[:, start], distance)  # [F, C, m]
    audible = level.unfold(-1, m, 1)[:, start].sub_(need).mul_(1e4).clamp_(0, 1)
    gain = gain.clamp_min_(-30).exp_().mul_(audible)
    excitation = spec.unfold(-1, m, 1)[:, start].mul_(gain)
    # Any window position gives the same envelope: a shift in frequency is a phase in time.
    envelope_power = power(torch.fft.ifft(excitation, dim=-1))  # [F, C, m], baseband analytic
    envelope = envelope_power.sqrt()
    h0 = envelope.mean(-1)
    # A channel whose total excitation stays below threshold holds only scraps of distant
    # components, whose spectral truncation reads as deep modulation: it is silent.
    # (total excitation power by Parseval: sum |X|^2 = m * sum |ifft X|^2)
    channel_db = 10 * torch.log10((m * envelope_power.sum(-1)).clamp_min(1e-30) / 4e-10)
    h0 = torch.where(channel_db > edge_thr[first:end], h0, torch.zeros_like(h0))
    # H_i on the envelope spectrum; bins are sr/n apart whatever m, as the frame length is n.
    keep = h.shape[-1]
    env = torch.fft.rfft(envelope, dim=-1)[..., :keep]
    env = torch.nn.functional.pad(env, (0, keep - env.shape[-1])) * h[first:end]
    band_power = power(env).sum(-1)
    # Parseval: the band-passed envelope's RMS is sqrt(2 * sum |E H|^2) / m (H has no DC).
    rms = (2 * band_power).sqrt() / m
    depth = torch.where(h0 > 0, rms / h0.clamp_min(1e-30), torch.zeros_like(h0)).clamp(max=1.0)
    return depth, env, band_power


@descriptor("roughness", unit="asper", range=(0.0, 5.0),
            reference="Daniel & Weber (1997): 47 one-Bark channels 0.5 Bark apart excited through Zwicker's "
                      "slopes, envelope band-pass H_i, modulation depth, correlation with the channel one Bark "
                      "up, Aures' g(z); 200 ms frames, mean over frames. Envelopes are computed in baseband "
                      "from the 256, 512 or 1024 bins (1.3, 2.6, 5.1 kHz) around each channel, wide enough to "
                      "hold all that excites it at 108 dB down; channels whose excitation is below threshold "
                      "are silent.",
            meaning="how rough, buzzing or grating it sounds: fast beating and modulation, about 15-300 Hz")
def roughness(a) -> torch.Tensor:
    return a.shared(_track).mean(-1)


def _track(a):
    return roughness_frames(a.x, a.sr)
