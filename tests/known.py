"""A generator whose descriptor map is known in closed form: a sine whose pitch is set
by latent 0 alone and whose level by latent 1 alone; latents 2 and 3 do nothing."""
import math

import torch


class KnownSine(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([4, 512, 1, 1]))
        self.sr = 48000

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        f0 = 200.0 * torch.pow(2.0, 1.5 * torch.tanh(z[:, 0] / 2))  # 70 .. 566 Hz
        amp = 0.02 * torch.pow(10.0, torch.tanh(z[:, 1] / 2))  # +-20 dB
        f0 = torch.repeat_interleave(f0, 512, -1)
        amp = torch.repeat_interleave(amp, 512, -1)
        phase = torch.cumsum(2 * math.pi * f0 / self.sr, -1)
        return (amp * torch.sin(phase)).unsqueeze(1)


def f0_of(z0):
    return 200.0 * 2 ** (1.5 * math.tanh(z0 / 2))
