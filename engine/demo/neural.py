"""A small random-weight convolutional decoder (and encoder), so a real network is covered.

Causal convolutions keep their left context and transposed convolutions their overlap
tail between calls (as cached_conv does for RAVE), so streamed decoding equals decoding
at once. The encoder (log band energies per frame through a random projection) gives
the corpus sampler something to encode with.
"""
import math
from typing import List

import nn_tilde
import torch
import torch.nn.functional as F


class ConvDecoder(nn_tilde.Module):
    def __init__(self, seed: int = 2, latent_size: int = 8, hop: int = 2048, sr: int = 48000,
                 ratios: List[int] = [8, 8, 8, 4], widths: List[int] = [64, 32, 16, 8], bands: int = 16):
        super().__init__()
        assert math.prod(ratios) == hop
        self.latent_size = latent_size
        self.hop = hop
        self.sr = sr
        self.ratios = ratios
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("w_in", torch.randn(widths[0], latent_size, 3, generator=g) / math.sqrt(3 * latent_size))
        self.register_buffer("b_in", torch.randn(widths[0], generator=g) * 0.1)
        chans = widths + [1]
        self.weights = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        for i, r in enumerate(ratios):
            # ConvTranspose1d weight layout [in, out, kernel]; kernel 2r overlaps neighbours.
            w = torch.randn(chans[i], chans[i + 1], 2 * r, generator=g) * 1.4 / math.sqrt(chans[i] * 2)
            self.weights.append(torch.nn.Parameter(w * torch.hann_window(2 * r, periodic=False), requires_grad=False))
            self.biases.append(torch.nn.Parameter(torch.randn(chans[i + 1], generator=g) * 0.05, requires_grad=False))
        self.chans = chans
        # Encoder: log energies in log-spaced bands of each frame, randomly projected.
        edges = torch.logspace(math.log10(40), math.log10(20000), bands + 1)
        freqs = torch.fft.rfftfreq(hop, 1 / sr)
        self.register_buffer("band_matrix", ((freqs[None] >= edges[:-1, None]) & (freqs[None] < edges[1:, None])).float())
        self.register_buffer("w_enc", torch.randn(latent_size, bands, generator=g) / math.sqrt(bands))

        self.register_buffer("in_cache", torch.zeros(0, latent_size, 2))
        self.tails: List[torch.Tensor] = [torch.zeros(0, c, r) for c, r in zip(chans[1:], ratios)]

        self.register_method("decode", latent_size, hop, 1, 1,
                             input_labels=[f"(signal) latent {i}" for i in range(latent_size)],
                             output_labels=["(signal) audio"])
        self.register_method("encode", 1, 1, latent_size, hop,
                             input_labels=["(signal) audio"],
                             output_labels=[f"(signal) latent {i}" for i in range(latent_size)])
        self.reset(0)

    @torch.jit.export
    def reset(self, batch: int):
        on = self.w_in.device  # wherever the module was moved (engine.build --device)
        self.in_cache = torch.zeros(batch, self.latent_size, 2, device=on)
        self.tails = [torch.zeros(batch, c, r, device=on) for c, r in zip(self.chans[1:], self.ratios)]

    @torch.jit.export
    def get_sample_rate(self) -> int:
        return self.sr

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if self.in_cache.shape[0] != z.shape[0]:
            self.reset(z.shape[0])
        x = torch.cat([self.in_cache, z], -1)
        self.in_cache = x[..., -2:]
        x = F.leaky_relu(F.conv1d(x, self.w_in, self.b_in), 0.2)
        i = 0
        for w, b in zip(self.weights, self.biases):
            r = self.ratios[i]
            y = F.conv_transpose1d(x, w, stride=r)  # length (T + 1) * r
            y[..., :r] += self.tails[i]
            self.tails[i] = y[..., -r:].clone()
            y = y[..., :-r] + b.view(1, -1, 1)
            x = torch.sin(y) if i == len(self.ratios) - 1 else F.leaky_relu(y, 0.2)
            i += 1
        return 0.3 * x

    @torch.jit.export
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        frames = x[:, 0, : x.shape[-1] // self.hop * self.hop].reshape(x.shape[0], -1, self.hop)
        power = torch.fft.rfft(frames * torch.hann_window(self.hop), dim=-1).abs() ** 2
        bands = torch.log10(power @ self.band_matrix.t() + 1e-10)
        return torch.tanh(((bands - bands.mean(-1, keepdim=True)) @ self.w_enc.t()) / 4.0).transpose(1, 2) * 2.5
