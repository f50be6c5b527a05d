"""Control in time's targets and the generator's ceiling (engine/in_time.py)."""
import numpy as np
import pytest

from engine import in_time


def held_values(curves):
    """The value each curve holds after each ramp, one row per step."""
    return np.array([[v for t, v in points[::2]] for points in curves.values()]).T


def test_reachable_targets_are_sounds_the_generator_made():
    rng = np.random.default_rng(0)
    sounds = rng.uniform(0, 1, (200, 3))
    curves = in_time.random_curves(["a", "b", "c"], 10, seed=3, reachable=sounds)
    inside = sounds[np.all((sounds >= 0.1) & (sounds <= 0.9), 1)]
    for row in held_values(curves):  # every step is one sound's combination, never a mix of sounds
        assert np.abs(inside - row).max(1).min() < 1e-6
    independent = held_values(in_time.random_curves(["a", "b", "c"], 10, seed=3))
    assert all(np.abs(sounds - row).max(1).min() > 1e-6 for row in independent)
    with pytest.raises(ValueError, match="fewer than 2 sounds"):
        in_time.random_curves(["a"], 5, reachable=np.full((10, 1), 0.95))


def test_the_ceiling_is_what_the_nearest_sampled_sound_scores():
    rng = np.random.default_rng(1)
    requested = rng.uniform(0.1, 0.9, (60, 2))
    results = {n: {"requested": requested[:, j].tolist()} for j, n in enumerate(("loudness", "f0"))}
    # every requested combination was sampled: nothing stands in the way
    exact = in_time.reach(results, np.concatenate([requested, rng.uniform(0, 1, (500, 2))]))
    assert all(v["r"] == pytest.approx(1) and v["l1"] == pytest.approx(0, abs=1e-12) for v in exact.values())
    # the generator only makes loudness = f0: independent requests can be met only halfway
    line = np.repeat(np.linspace(0, 1, 1001)[:, None], 2, 1)
    ceiling = in_time.reach(results, line)
    assert all(0.5 < v["r"] < 0.85 and v["l1"] > 0.1 for v in ceiling.values())
