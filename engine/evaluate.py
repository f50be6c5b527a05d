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


def control_accuracy(generator, scaler, controller, targets, render_kw, desc="control check"):
    """Per descriptor {control_r, control_r2} for absolute targets (all given), and the
    measured values [n, D]."""
    measured = measure(generator, scaler, controller.predict(targets), render_kw, desc)
    scores = {n: dict(zip(("control_r", "control_r2"), score(targets[:, j], measured[:, j])))
              for j, n in enumerate(scaler.names)}
    return scores, measured


def noise_floor(generator, scaler, latents, render_kw) -> tuple:
    """Two decodes of the same latents with different seeds: per descriptor, the R² between
    them (how repeatable it is; 1.0 for a deterministic generator) and the RMS difference of
    one decode from their mean, in normalised units (the sampled range is 1)."""
    a = measure(generator, scaler, latents, render_kw, "noise floor (1/2)")
    b = measure(generator, scaler, latents, {**render_kw, "seed": render_kw.get("seed", 0) + 7919}, "noise floor (2/2)")
    return ({n: float(r2_score(a[:, j], b[:, j])) for j, n in enumerate(scaler.names)},
            {n: float(np.sqrt(np.mean((a[:, j] - b[:, j]) ** 2) / 2)) for j, n in enumerate(scaler.names)})


# A descriptor is controllable when its sampled range (1 in normalised units: the 1st to
# 99th percentile) spans at least this many times what the noise alone spans (the same
# percentiles of a normal spread: 4.65 sigma). Pure noise scores 1; 2 means about three
# quarters of the variance comes from the latent. Below it, a target is lost in what the
# generator does on its own.
RANGE_OVER_NOISE = 2.0
NOISE_SPAN = 4.65


def controllability(noise: float) -> dict:
    """From a descriptor's noise floor (normalised units): whether it can be controlled."""
    ratio = float(min(1.0 / max(NOISE_SPAN * noise, 1e-9), 1e6))
    return {"noise_normalised": noise, "range_over_noise": ratio, "controllable": ratio >= RANGE_OVER_NOISE}


def near_duplicates(y: np.ndarray, names, threshold: float = 0.9) -> dict:
    """Descriptors whose Spearman |rho| over the sampled sounds is >= threshold: no latent
    move can change one without the other."""
    rho = spearman_matrix(y)
    return {n: [m for k, m in enumerate(names) if k != j and abs(rho[j, k]) >= threshold] for j, n in enumerate(names)}


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
        now = surrogate.describe(z[:, :, None])[:, :, 0]
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
        ratio = change[:, j] / np.maximum(change[:, held].max(1), 1e-6)
        out[name] = {"steer_ratio": float(np.median(ratio)),
                     "steer_change": float(np.median((after[a][:, j] - before[:, j]) * signs[a])),
                     "steer_held": [names[k] for k in held]}
    return out
