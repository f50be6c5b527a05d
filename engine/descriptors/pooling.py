"""One value from the values of a long file's segments.

A file longer than one segment is described segment by segment (memory stays flat in its
length), then each descriptor's segment values are pooled the way the descriptor itself
pools frames (its `pool`): a mean over frames becomes a mean over segments weighted by
their duration, an energy-weighted mean weights by energy, and so on. Frame means pool
exactly (up to the frames that straddle a boundary); medians and gated loudness are
approximated at segment granularity. Silent segments take no part.
"""
import numpy as np

POOLS = {
    "mean": "duration-weighted mean",
    "energy": "energy-weighted mean",
    "loudness": "loudness-weighted mean (weights: loudness in sone x duration)",
    "median": "duration-weighted median",
    "lufs": "ITU-R BS.1770 gating over segments: power mean of segments above -70 LUFS, "
            "then of those within 10 LU of it",
}


def _weighted_median(values, weights):
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _lufs(values, seconds):
    def power_mean(keep):
        return 10 * np.log10(np.average(10 ** (values[keep] / 10), weights=seconds[keep]))
    keep = values > -70.0
    if not keep.any():
        return -70.0
    return float(power_mean(keep & (values >= power_mean(keep) - 10.0)))


def pool(descriptor, values, seconds, energy, loudness, sounding) -> float:
    """Pool one descriptor's segment values [S] given each segment's duration, energy
    (sum of squared samples), loudness (sone) and whether it sounds at all."""
    values, seconds, energy, loudness = (np.asarray(a, np.float64)[sounding]
                                         for a in (values, seconds, energy, loudness))
    if not len(values):
        return descriptor.silent
    if descriptor.pool == "lufs":
        return _lufs(values, seconds)
    if descriptor.pool == "median":
        return _weighted_median(values, seconds)
    weights = {"mean": seconds, "energy": energy, "loudness": loudness * seconds}[descriptor.pool]
    if not weights.sum() > 0:
        weights = seconds
    return float(np.average(values, weights=weights))
