"""Quality measured on re-decoded audio (docs/architecture.md §7): control accuracy, steering, and
each descriptor's own noise floor. Predictions of the surrogates are never trusted
here: every number comes from decoding a latent and describing the audio again."""
import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import r2_score

from .dataset import render
from .explain import spearman_matrix


def score(requested: np.ndarray, measured: np.ndarray) -> tuple:
    """Pearson r and R² of requested vs measured (one descriptor)."""
    r = pearsonr(requested, measured).statistic if np.std(measured) > 0 and np.std(requested) > 0 else 0.0
    return float(r), float(r2_score(requested, measured))


def measure(generator, scaler, latents, render_kw, desc) -> np.ndarray:
    """Decode latents, describe, normalise: [n, D]."""
    return scaler.transform(render(generator, np.asarray(latents, np.float32), scaler.names, desc=desc, **render_kw))


def played(generator, scaler, method, rows, render_kw, desc) -> np.ndarray:
    """Rows of a surrogate method's inputs [n, inputs], each held one frame, played: the
    latents `method` answers, decoded, described, normalised [n, D]."""
    import torch
    with torch.no_grad():
        latents = method(torch.as_tensor(np.asarray(rows), dtype=torch.float32)[:, :, None])[:, :, 0].numpy()
    return measure(generator, scaler, latents, render_kw, desc)


def control_accuracy(generator, scaler, surrogate, targets, render_kw, desc="control check"):
    """Per descriptor {control_r, control_r2} for absolute targets (all given) played by the
    surrogate's `forward` (its controller and refinement), and the measured values [n, D]."""
    measured = played(generator, scaler, surrogate, targets, render_kw, desc)
    scores = {n: dict(zip(("control_r", "control_r2"), score(targets[:, j], measured[:, j])))
              for j, n in enumerate(scaler.names)}
    return scores, measured


def noise_floor(generator, scaler, latents, render_kw) -> tuple:
    """Two decodes of the same latents with different seeds: per descriptor, the R² between
    them (how repeatable it is; 1.0 for a deterministic generator) and the RMS difference of
    one decode from their mean, in normalised units (the sampled range is 1); and the first
    decode's measurements [n, D], for checks of the same latents to compare with."""
    a = measure(generator, scaler, latents, render_kw, "noise floor (1/2)")
    b = measure(generator, scaler, latents, {**render_kw, "seed": render_kw.get("seed", 0) + 7919}, "noise floor (2/2)")
    return ({n: float(r2_score(a[:, j], b[:, j])) for j, n in enumerate(scaler.names)},
            {n: float(np.sqrt(np.mean((a[:, j] - b[:, j]) ** 2) / 2)) for j, n in enumerate(scaler.names)}, a)


# [semantic~]'s default @buffer, in host samples at 48 kHz: how many frames a host decodes per call.
HOST_BUFFER, HOST_RATE = 4096, 48000


def playback_fidelity(generator, scaler, latents, whole, render_kw, noise: dict) -> dict:
    """`whole`, the measurements of `latents` decoded whole (as the build describes them,
    from `noise_floor`), against the same clips decoded buffer by buffer at the host's
    default buffer (as [semantic~] plays them), same seeds: per descriptor the mean
    |difference| in normalised units, and the descriptors where it exceeds what noise
    explains (3 noise sigma, at least 0.05)."""
    chunk = max(1, round(HOST_BUFFER * generator.sr / HOST_RATE / generator.hop))
    played = measure(generator, scaler, latents, {**render_kw, "chunk_frames": chunk}, "playback check")
    gap = np.abs(whole - played).mean(0)
    difference = {n: float(gap[j]) for j, n in enumerate(scaler.names)}
    return {"chunk_frames": chunk, "host_buffer": HOST_BUFFER, "difference": difference,
            "differs": [n for n, d in difference.items() if d > max(3 * noise[n], 0.05)]}


# A descriptor is controllable when its sampled range (1 in normalised units: the 1st to
# 99th percentile) spans at least this many times what the noise alone spans (the same
# percentiles of a normal spread: 4.65 sigma). Pure noise scores 1; 2 means about three
# quarters of the variance comes from the latent. Below it, a target is lost in what the
# generator does on its own.
RANGE_OVER_NOISE = 2.0
NO_NOISE = 1e6  # range over noise of a deterministic generator (it has none): the cap
NOISE_SPAN = 4.65


def controllability(noise: float) -> dict:
    """From a descriptor's noise floor (normalised units): whether it can be controlled."""
    ratio = float(min(1.0 / max(NOISE_SPAN * noise, 1e-9), NO_NOISE))
    return {"noise_normalised": noise, "range_over_noise": ratio, "controllable": ratio >= RANGE_OVER_NOISE}


def near_duplicates(y: np.ndarray, names, threshold: float = 0.9) -> dict:
    """Descriptors whose Spearman |rho| over the sampled sounds is >= threshold: no latent
    move can change one without the other."""
    rho = spearman_matrix(y)
    return {n: [m for k, m in enumerate(names) if k != j and abs(rho[j, k]) >= threshold] for j, n in enumerate(names)}


def best_ratio(jac: np.ndarray, asked: int, held: list) -> float:
    """The LP bound on steering at one latent: max jac[asked] . d subject to |jac[held] d| <= 1
    (d boxed so the LP stays bounded), through the forward surrogate's Jacobian [D, L]: the
    best ratio "asked change / largest held change" any small latent move reaches there."""
    from scipy.optimize import linprog
    a = jac[held]
    res = linprog(-jac[asked], A_ub=np.vstack([a, -a]), b_ub=np.ones(2 * len(held)),
                  bounds=[(-10, 10)] * jac.shape[1], method="highs")
    return float(-res.fun)


def steer_selectivity(generator, scaler, surrogate, starts, duplicates, render_kw, delta: float = 0.4,
                      exposed=None) -> dict:
    """For each descriptor: steer every start latent by delta on it alone (towards the
    middle of the range: up below 0.5, down above), decode before and after, and compare
    the measured change of the asked descriptor with the largest change among the held
    ones. Held: every other descriptor but near-duplicates, or with `exposed`, the other
    exposed descriptors (what a patch with those inlets holds). Per descriptor: median
    ratio and median measured change (signed towards the request)."""
    import torch
    names = scaler.names
    d, n = len(names), len(starts)
    asked_names = exposed or names
    z = torch.as_tensor(np.asarray(starts, np.float32))
    with torch.no_grad():
        now, jac = surrogate.jacobian(z)
    jac = jac.numpy()
    moved, signs = [], []
    for name in asked_names:
        j = names.index(name)
        sign = torch.where(now[:, j] < 0.5, 1.0, -1.0)
        deltas = torch.zeros(n, d)
        deltas[:, j] = delta * sign
        hold = torch.zeros(n, d)
        if exposed:
            hold[:, [names.index(m) for m in exposed if m != name]] = 1
        with torch.no_grad():
            moved.append(surrogate.steer(torch.cat([z, deltas, hold], 1)[:, :, None])[:, :, 0].numpy())
        signs.append(sign.numpy())
    before = measure(generator, scaler, z.numpy(), render_kw, "steer check (start)")
    after = measure(generator, scaler, np.concatenate(moved), render_kw, "steer check").reshape(len(asked_names), n, d)
    out = {}
    for a, name in enumerate(asked_names):
        j = names.index(name)
        change = np.abs(after[a] - before)  # [n, D]
        held = [names.index(m) for m in exposed if m != name] if exposed else \
            [k for k, m in enumerate(names) if k != j and m not in duplicates[name]]
        # nothing to hold (every other descriptor is a near-duplicate): selectivity is undefined
        ratio = change[:, j] / np.maximum(change[:, held].max(1), 1e-6) if held else None
        out[name] = {"steer_ratio": None if ratio is None else float(np.median(ratio)),
                     "steer_change": float(np.median((after[a][:, j] - before[:, j]) * signs[a])),
                     "steer_held": [names[k] for k in held]}
        if exposed and held:
            # as decided for the exposed set: judged against what any small move could reach here
            bound = np.array([best_ratio(jac[i], j, held) for i in range(n)])
            out[name].update(steer_bound=float(np.median(bound)),
                             steer_of_bound=float(np.median(ratio / np.maximum(bound, 1e-6))))
    return out


DIAGONAL = ((0.05, 0.05), (0.95, 0.95))


def map_fidelity(generator, scaler, surrogate, points, y, clicked, render_kw, neighbours: int = 10,
                 drag_steps: int = 64, drag=DIAGONAL) -> dict:
    """The sound map played (docs/architecture.md §7), on re-decoded audio, in normalised
    descriptor space:

    - a click on each `clicked` sample's map point, through `map`, should sound like the
      sounds around it: the distance of what is heard from the centroid of its `neighbours`
      nearest map points, against the 10th percentile of distances between sampled sounds;
    - a straight drag across the map (`drag`: from, to; corner to corner by default) should
      change the sound without jumps: its largest step against its median step."""
    from scipy.spatial.distance import pdist
    from sklearn.neighbors import NearestNeighbors

    near = NearestNeighbors(n_neighbors=neighbours).fit(points).kneighbors(points[clicked], return_distance=False)
    centroids = y[near].mean(1)
    heard = np.linalg.norm(played(generator, scaler, surrogate.map, points[clicked], render_kw, "map check (clicks)")
                           - centroids, axis=1)
    spread = np.linalg.norm(y[near] - centroids[:, None], axis=2).mean(1)
    pairs = pdist(y[np.random.default_rng(0).permutation(len(y))[:2000]])
    heard_along = played(generator, scaler, surrogate.map, np.linspace(*drag, drag_steps), render_kw,
                         "map check (drag)")
    steps = np.linalg.norm(np.diff(heard_along, axis=0), axis=1)
    return {"clicks": len(clicked), "neighbours": neighbours,
            "click_distance_median": float(np.median(heard)),
            "neighbour_spread_median": float(np.median(spread)),
            "pair_distance_p10": float(np.percentile(pairs, 10)),
            "drag_steps": drag_steps, "drag_step_median": float(np.median(steps)),
            "drag_step_max": float(steps.max()),
            "drag_jump_ratio": float(steps.max() / max(np.median(steps), 1e-9))}
