"""Pitch descriptors from one shared YIN track (de Cheveigné & Kawahara 2002)."""
import torch

from .registry import descriptor

FMIN, FMAX = 50.0, 2000.0
WINDOW = 1024  # integration window, samples at 48 kHz (scaled with the rate)
THRESHOLD = 0.15
# A dip at a whole fraction of the chosen lag, this deep, is the pitch period; the chosen
# lag was a multiple of it (docs/descriptors.md: amplitude modulation and YIN)
SUBHARMONIC = 0.5


def _yin(a):
    """Per-frame (f0 Hz, aperiodicity in [0, 1]) [B, frames] each."""
    sr = a.sr
    w = max(64, int(round(WINDOW * sr / 48000)))
    # one lag short of FMAX's period, so that a period at FMAX is an interior minimum a dip
    # can be found at (a 2 kHz tone read 1 kHz: docs/benchmarks.md, torchcrepe)
    tau_min = max(2, int(sr / FMAX) - 1)
    tau_max = int(sr / FMIN)
    length = w + tau_max + 1
    x = a.x
    if x.shape[-1] < length:
        x = torch.nn.functional.pad(x, (0, length - x.shape[-1]))
    # every window (~47 a second): periodicity that drifts within a sound (beating partials,
    # slow amplitude modulation) read from a sparser set of frames jumped with the slightest
    # change of the sound, which no surrogate can follow (docs/benchmarks.md, harmonicity)
    frames = x.unfold(-1, length, w)  # [B, J, length]
    frames = frames - frames.mean(-1, keepdim=True)  # DC would read as a long period
    # r(tau) = sum_j x_j x_{j+tau} over the window, for every lag, by FFT: j + tau stays
    # below the frame's length, so a transform as long as the frame never wraps
    n = 1 << (length - 1).bit_length()
    r = torch.fft.irfft(torch.fft.rfft(frames, n) * torch.fft.rfft(frames[..., :w], n).conj(), n)[..., : tau_max + 1]
    cs = torch.nn.functional.pad(frames.pow(2).cumsum(-1), (1, 0))
    e_tau = cs[..., w: w + tau_max + 1] - cs[..., : tau_max + 1]
    d = (e_tau[..., :1] + e_tau - 2 * r).clamp_min(0)  # difference function
    tau = torch.arange(tau_max + 1, dtype=d.dtype)
    running = torch.nn.functional.pad(d[..., 1:].cumsum(-1), (1, 0), value=1.0).clamp_min(1e-20)
    cmnd = d * tau / running
    cmnd[..., 0] = 1.0
    c = cmnd[..., tau_min: tau_max]
    local_min = (c[..., 1:-1] <= c[..., :-2]) & (c[..., 1:-1] <= c[..., 2:])
    # YIN's absolute threshold, relaxed towards the global minimum (as pYIN's threshold
    # distribution does): in noisy frames the true period's dip is shallow but still the
    # first deep one, while the global minimum drifts to long lags (sub-octave errors).
    floor = c.amin(-1, keepdim=True)
    candidates = local_min & (c[..., 1:-1] < torch.clamp(floor + 0.1, min=THRESHOLD))
    first = candidates.float().argmax(-1) + 1  # index into c
    best = torch.where(candidates.any(-1), first, c.argmin(-1).clamp(1, c.shape[-1] - 2))
    best = _shortest_period(c, best, tau_min)
    # parabolic interpolation around the chosen lag
    y0 = c.gather(-1, (best - 1)[..., None])[..., 0]
    y1 = c.gather(-1, best[..., None])[..., 0]
    y2 = c.gather(-1, (best + 1)[..., None])[..., 0]
    denom = y0 - 2 * y1 + y2
    shift = torch.where(denom.abs() > 1e-12, 0.5 * (y0 - y2) / denom, torch.zeros_like(denom)).clamp(-1, 1)
    lag = best.to(c.dtype) + tau_min + shift
    energy = frames[..., :w].pow(2).mean(-1)
    # the dip's depth at the parabola's vertex, not at the whole lag beside it: a 667 Hz
    # tone's period (72 samples) read 0.04 or 0.10 as its pitch moved by 0.3 %
    return sr / lag, (y1 - 0.25 * (y0 - y2) * shift).clamp(0, 1), energy


def _shortest_period(c, best, tau_min: int, divisors=(2, 3, 4, 5, 6)):
    """Deep amplitude modulation (a tone at 250 Hz beating at 55 Hz) repeats best at a
    multiple of the pitch period, where envelope and carrier both line up: YIN then reads
    the modulation, two octaves low. If the chosen lag is m periods of a shorter one that
    has a dip of its own (a local minimum below SUBHARMONIC, within 3 % of lag / m), the
    shortest such lag is taken. A complex tone's real period has no such dip at its
    fractions (odd harmonics cancel there), so true low pitches are kept."""
    lag = best + tau_min  # in samples
    out = best
    for m in divisors:  # ascending: the largest valid divisor is the last to win
        centre = torch.div(lag, m, rounding_mode="floor")
        width = (centre * 3 // 100).clamp_min(2)
        offsets = torch.arange(-int(width.max()), int(width.max()) + 1)
        idx = (centre - tau_min)[..., None] + offsets  # indices into c
        inside = (offsets.abs() <= width[..., None]) & (idx >= 1) & (idx <= c.shape[-1] - 2)
        idx = idx.clamp(1, c.shape[-1] - 2)
        values = torch.where(inside, c.gather(-1, idx), torch.full(idx.shape, float("inf"), dtype=c.dtype))
        k = values.argmin(-1, keepdim=True)
        at = idx.gather(-1, k)[..., 0]
        around = c.gather(-1, at[..., None] + torch.tensor([-1, 0, 1]))  # [before, at, after]
        dip = (around[..., 1] <= around[..., 0]) & (around[..., 1] <= around[..., 2])
        ok = dip & (around[..., 1] < SUBHARMONIC) & (centre - tau_min >= 1)
        out = torch.where(ok, at, out)
    return out


def _voiced_median(values, aperiodicity, energy):
    """Median over voiced, audible frames; over audible frames if none is voiced."""
    audible = energy > energy.amax(-1, keepdim=True) * 1e-3
    voiced = audible & (aperiodicity < THRESHOLD)
    use = torch.where(voiced.any(-1, keepdim=True), voiced, audible)
    masked = torch.where(use, values, torch.full_like(values, float("nan")))
    return masked.nanmedian(-1).values.nan_to_num(0.0)  # no audible frame (e.g. pure DC): 0 Hz


@descriptor("f0", unit="Hz", range=(FMIN, FMAX), scale="log", pool="median",
            reference="YIN (de Cheveigné & Kawahara 2002), 50-2000 Hz, 21 ms windows, each in turn, "
                      "threshold 0.15 relaxed to 0.1 above the frame's minimum; a lag that is 2-6 periods of a "
                      "shorter one with its own dip (below 0.5) gives way to it (deep amplitude modulation, "
                      "docs/descriptors.md); parabolic interpolation; median over voiced, audible frames",
            meaning="its pitch: the fundamental frequency of a pitched sound")
def f0(a) -> torch.Tensor:
    hz, aperiodicity, energy = a.shared(_yin)
    return _voiced_median(hz, aperiodicity, energy)


@descriptor("harmonicity", unit="ratio", range=(0.0, 1.0), pool="median",
            reference="pitch salience: 1 - YIN's cumulative mean normalised difference at the chosen lag, "
                      "interpolated to the dip's vertex (1 periodic, 0 noise); mean over audible frames",
            meaning="how clearly pitched it is: periodic rather than noisy")
def harmonicity(a) -> torch.Tensor:
    _, aperiodicity, energy = a.shared(_yin)
    audible = energy > energy.amax(-1, keepdim=True) * 1e-3
    values = torch.where(audible, 1 - aperiodicity, torch.full_like(aperiodicity, float("nan")))
    # the mean: periodicity that swings within a sound (slow beating) has a median that
    # jumps from one side of the swing to the other
    return values.nanmean(-1).nan_to_num(0.0)
