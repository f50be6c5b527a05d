"""Sharpness from Zwicker's specific loudness."""
import torch

from . import zwicker
from .registry import descriptor
from .roughness import roughness

# DIN 45692 weighting: 1 up to 15.8 Bark, rising exponentially above.
_G = torch.where(zwicker.Z <= 15.8, torch.ones_like(zwicker.Z), 0.15 * torch.exp(0.42 * (zwicker.Z - 15.8)) + 0.85)


@descriptor("sharpness", unit="acum", range=(0.0, 6.0), pool="loudness",
            reference="DIN 45692:2009 on the Zwicker specific loudness (ISO 532-1): S = 0.11 sum N'(z) g(z) z "
                      "dz / N; loudness-weighted mean over frames",
            meaning="how sharp or shrill it sounds: its loudness weighted towards high frequencies")
def sharpness(a) -> torch.Tensor:
    pattern = a.shared(zwicker.loudness_pattern)  # [B, frames, 240]
    n = pattern.sum(-1) * zwicker.DZ
    s = 0.11 * (pattern * _G * zwicker.Z).sum(-1) * zwicker.DZ / n.clamp_min(1e-12)
    return (s * n).sum(-1) / n.sum(-1).clamp_min(1e-12)


@descriptor("harshness", unit="acum+asper", range=(0.0, 10.0),
            reference="NOT a validated model: the documented composite sharpness (DIN 45692, acum) + roughness "
                      "(Daniel & Weber, asper)",
            meaning="sharp and rough at once: a composite offered because musicians ask for 'harsh'")
def harshness(a) -> torch.Tensor:
    return sharpness(a) + roughness(a)
