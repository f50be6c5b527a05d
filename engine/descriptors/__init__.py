"""Perceptual and signal descriptors of audio clips, on torch, batched.

A descriptor is one pure function of an `Analysis` (which computes and caches the
spectra that several descriptors share) plus its metadata; `@descriptor(...)` registers
it. Adding a descriptor means adding one decorated function in one of these modules.

Calibration everywhere: a sample value of 1.0 is 1 pascal (a full-scale sine is about
91 dB SPL); `lufs` is relative to full scale as ITU-R BS.1770 defines it.
"""
from .registry import REGISTRY, Descriptor, checked, describe, descriptor, get, split_names, validation
from . import loudness, pitch, roughness, sharpness, spectral, timbre  # noqa: F401  (registers the built-in descriptors)

# The default set, in docs/architecture.md §6's order: these names are a contract (inlet names, patches).
DEFAULT = ["loudness", "lufs", "sharpness", "roughness", "brightness", "spread", "flatness", "warmth",
           "boominess", "hardness", "f0", "harmonicity", "harshness"]
# Four nearly independent percepts: the descriptor planes of the heatmap and the set a
# typical patch exposes (and so holds while steering).
KEY = ["loudness", "brightness", "roughness", "f0"]

__all__ = ["REGISTRY", "DEFAULT", "KEY", "Descriptor", "describe", "descriptor", "get", "split_names"]
