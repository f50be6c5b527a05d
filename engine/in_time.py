"""Control in time, as Fader-RAVE measures it (Devis et al. 2023; docs/architecture.md §7).

Smooth random target curves (a new target every second, reached by a short ramp) are
played; the output is described in half-second windows with the bundle's own
descriptors, and each window's measured value (normalised as the bundle normalises) is
compared with the mean requested over the same window: Pearson r and mean |error| (L1)
per descriptor. The same curves can be played offline (`engine.play`) or through
`[semantic~]` in a host (bench/control_in_time.py); only the audio's origin differs.
"""
import numpy as np
import torch

from .descriptors import describe
from .play import play_models

# Fader-RAVE's published figures (Devis et al. 2023): mean r over single attributes, r
# with 1-4 attributes changed at once, and L1 in normalised units.
FADER_RAVE = {"r_single": 0.73, "r_by_count": {1: 0.83, 2: 0.78, 3: 0.75, 4: 0.75}, "l1": 0.25}


def random_curves(names, seconds: float, seed: int = 0, step: float = 1.0, ramp: float = 0.25,
                  lo: float = 0.1, hi: float = 0.9, reachable: np.ndarray = None) -> dict:
    """{name: breakpoints [(time, value), ...]}: a new target in lo..hi every `step` seconds,
    each reached from the last by a linear ramp of `ramp` seconds. The targets are drawn
    uniformly for each name on its own (Fader-RAVE's curves), or with `reachable` (sounds'
    normalised values [n, len(names)]) as one sound's values for all names at once: a
    combination the generator is known to make."""
    rng = np.random.default_rng(seed)
    steps = int(np.ceil(seconds / step)) + 1
    if reachable is None:
        values = rng.uniform(lo, hi, (steps, len(names)))
    else:
        inside = reachable[np.all((reachable >= lo) & (reachable <= hi), 1)]
        if len(inside) < 2:
            raise ValueError(f"fewer than 2 sounds have {names} all within {lo}..{hi}")
        values = inside[rng.integers(0, len(inside), steps)]
    curves = {}
    for j, name in enumerate(names):
        v = values[:, j]
        points = [(0.0, float(v[0]))]
        for k in range(1, steps):
            points += [(k * step, float(v[k - 1])), (k * step + ramp, float(v[k]))]
        curves[name] = points
    return curves


def reach(results: dict, sampled: np.ndarray) -> dict:
    """What the generator can make of a run's requests at all: per window, the sampled sound
    nearest the requested values (Euclidean over the run's descriptors; `sampled`
    [n, len(results)] in the same order) stands in for a perfect controller limited to
    sounds like those sampled. Per descriptor, its r and L1 against the requests: the
    ceiling when independent targets ask for combinations the generator does not make."""
    requested = np.stack([v["requested"] for v in results.values()], 1)
    nearest = sampled[((requested[:, None] - sampled[None]) ** 2).sum(2).argmin(1)]
    return {n: {"r": _r(requested[:, j], nearest[:, j]), "l1": float(np.mean(np.abs(requested[:, j] - nearest[:, j])))}
            for j, n in enumerate(results)}


def sequence(curves: dict, seconds: float) -> dict:
    """The curves as an `engine.play` target sequence."""
    times = sorted({t for points in curves.values() for t, _ in points})
    return {"duration": seconds,
            "points": [{"time": t, "targets": {n: float(value_at(p, t)) for n, p in curves.items()}} for t in times]}


def value_at(points, t):
    times, values = zip(*points)
    return np.interp(t, times, values)


def measure(audio, sr: int, curves: dict, scaler, latency: float = 0.0, window: float = 0.5,
            settle: float = 1.0) -> dict:
    """Per curve's descriptor: r, L1 and the requested and measured values per window.
    `audio` [samples] (or [channels, samples]) starts `latency` seconds after the curves."""
    x = np.asarray(audio, np.float32)
    x = x.mean(0) if x.ndim == 2 else x
    size = int(window * sr)
    starts = np.arange(int((settle + latency) * sr), len(x) - size + 1, size)
    if len(starts) < 3:
        raise ValueError(f"{len(x) / sr:.1f} s of audio hold fewer than 3 windows of {window} s after "
                         f"{settle + latency:.2f} s; play longer curves")
    raw = describe(torch.as_tensor(np.stack([x[s:s + size] for s in starts])), sr, scaler.names)
    measured = scaler.transform(np.stack([raw[n].numpy() for n in scaler.names], 1))
    out = {}
    for name, points in curves.items():
        # the request over each window, as heard `latency` later
        inside = np.array([value_at(points, np.linspace(s / sr - latency, (s + size) / sr - latency, 16))
                           for s in starts])
        requested = inside.mean(1)
        got = measured[:, scaler.names.index(name)]
        # windows the request does not move in: what control reaches once a change is over,
        # apart from what the change itself sounds like (an onset measure hears a ramp)
        steady = np.ptp(inside, 1) < 1e-6
        out[name] = {"r": _r(requested, got), "l1": float(np.mean(np.abs(requested - got))),
                     "r_steady": _r(requested[steady], got[steady]) if steady.sum() > 2 else None,
                     "requested": requested.tolist(), "measured": got.tolist(), "window": window,
                     "start": float(starts[0] / sr - latency)}
    return out


def _r(requested, got) -> float:
    return float(np.corrcoef(requested, got)[0, 1]) if np.std(got) > 0 and np.std(requested) > 0 else 0.0


def offline(surrogate, generator, scaler, together, seconds: float, seed: int = 0, sounds: np.ndarray = None,
            held_out=None, latency: float = 0.0) -> dict:
    """The protocol played offline (`engine.play`'s path) by the build: every descriptor
    alone, then the `together` set at once, twice: on independent targets (Fader-RAVE's),
    with `reach`'s ceiling from `sounds` (every sampled sound, normalised [n, D]), and on
    targets drawn from the held-out sounds `sounds[held_out]` (combinations the generator
    makes). `latency`: the generator's own delay (`dataset.response_delay`), removed as the
    host's is. {"alone", "together", "together_reachable": {name: `measure`'s result},
    "together_reach": {name: {"r", "l1"}}}; the curves are kept for the report's plots."""
    names = scaler.names

    def run(chosen, k, reachable=None):
        curves = random_curves(chosen, seconds, seed=seed + k, reachable=reachable)
        audio, _, sr = play_models(surrogate, generator, names, sequence(curves, seconds))
        return measure(audio, sr, curves, scaler, latency=latency)
    alone = {}
    for k, name in enumerate(names):
        alone.update(run([name], k))
    out = {"seconds": seconds, "alone": alone, "together": {}, "together_reachable": {}, "together_reach": {}}
    if len(together) > 1:
        columns = [names.index(n) for n in together]
        out["together"] = run(together, len(names))
        out["together_reach"] = reach(out["together"], sounds[:, columns])
        try:
            out["together_reachable"] = run(together, len(names) + 1, sounds[held_out][:, columns])
        except ValueError as e:  # too few held-out sounds inside the targets' range: nothing to draw from
            print(f"control in time: no reachable targets ({e})")
    return out
