"""Signal descriptors of the magnitude spectrum."""
import torch

from .registry import descriptor


@descriptor("brightness", unit="Hz", range=(50.0, 12000.0), scale="log", pool="energy",
            reference="spectral centroid of the magnitude spectrum up to 20 kHz (2048-point Hann frames, hop "
                      "512), energy-weighted mean over frames (Peeters 2004, CUIDADO)",
            meaning="how bright or dull it sounds: where the balance point of its spectrum lies")
def brightness(a) -> torch.Tensor:
    w = a.frame_energy
    return (a.centroid * w).sum(-1) / w.sum(-1).clamp_min(1e-12)


@descriptor("flatness", unit="ratio", range=(1e-6, 1.0), scale="log", pool="energy",
            reference="geometric / arithmetic mean of the clip's mean power spectrum (Gray & Markel 1974; DC "
                      "excluded, up to 20 kHz): about 1 for white noise, near 0 for a tone. Normalised on a log "
                      "axis.",
            meaning="how noise-like rather than tone-like it is")
def flatness(a) -> torch.Tensor:
    p = a.power[..., 1:int(a.audible.sum())].mean(1)  # averaging frames first keeps noise near 1, not e^-gamma
    p = p + 1e-10 * p.amax(-1, keepdim=True) + 1e-20
    return torch.exp(torch.log(p).mean(-1)) / p.mean(-1)


@descriptor("spread", unit="Hz", range=(10.0, 10000.0), scale="log", pool="energy",
            reference="spectral spread: the standard deviation of frequency around the centroid under the "
                      "magnitude spectrum, same frames and weighting as brightness (Peeters 2004)",
            meaning="how wide its spectrum spreads around that balance point: thin or full")
def spread(a) -> torch.Tensor:
    total, _, second = a.moments
    var = (second / total.clamp_min(1e-12) - a.centroid ** 2).clamp_min(0)
    w = a.frame_energy
    return (var.sqrt() * w).sum(-1) / w.sum(-1).clamp_min(1e-12)
