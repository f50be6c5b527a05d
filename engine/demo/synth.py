"""Harmonic-plus-noise synthesizer behind a fixed, seeded, nonlinear latent mixing.

It has the interface of a RAVE v2 export (latent 8, hop 2048, 48 kHz, mono) so the whole
chain can be exercised without downloading a model, while staying *unlabelled*: every
synthesis parameter depends on every latent dimension through the mixing, so no latent
axis has a clean meaning. All state (oscillator phases, the AM phase, the last frame's
parameters, the noise read position) carries across `decode` calls: streaming a latent
sequence call by call gives the same samples as decoding it at once.
"""
import math
from typing import Tuple

import nn_tilde
import torch

# Synthesis parameters, each reached from a mixing output u in [0, 1].
PARAMS = ["f0", "tilt", "even", "inharmonicity", "noise", "colour", "am_rate", "am_depth", "gain"]


def _lowpass_kernel(cutoff: float, sr: int, taps: int) -> torch.Tensor:
    """Windowed-sinc FIR, linear phase, unit DC gain."""
    n = torch.arange(taps, dtype=torch.float64) - (taps - 1) / 2
    h = torch.special.sinc(2 * cutoff / sr * n) * torch.hann_window(taps, periodic=False, dtype=torch.float64)
    return (h / h.sum()).float()


class HarmonicNoiseSynth(nn_tilde.Module):
    def __init__(self, seed: int = 0, mixing: str = "mlp", latent_size: int = 8, hop: int = 2048,
                 sr: int = 48000, n_harmonics: int = 32, hidden: int = 32, taps: int = 255,
                 noise_seconds: float = 5.0):
        super().__init__()
        self.latent_size = latent_size
        self.hop = hop
        self.sr = sr
        self.n_harmonics = n_harmonics
        self.taps = taps
        self.mixing = mixing
        g = torch.Generator().manual_seed(seed)
        n_params = len(PARAMS)
        self.n_params = n_params
        if mixing == "mlp":  # two tanh layers
            w1 = torch.randn(hidden, latent_size, generator=g) / math.sqrt(latent_size) * 1.5
            b1 = torch.randn(hidden, generator=g) * 0.5
            w2 = torch.randn(n_params, hidden, generator=g) / math.sqrt(hidden)
        elif mixing == "fourier":  # sums of sinusoids of random projections
            w1 = torch.randn(hidden, latent_size, generator=g) / math.sqrt(latent_size) * 1.2
            b1 = torch.rand(hidden, generator=g) * 2 * math.pi
            w2 = torch.randn(n_params, hidden, generator=g) / math.sqrt(hidden)
        else:
            raise ValueError(f"mixing must be 'mlp' or 'fourier', got {mixing!r}")
        self.register_buffer("w1", w1)
        self.register_buffer("b1", b1)
        self.register_buffer("w2", w2)
        # Calibrate the output layer so that each parameter spans its range for z ~ N(0, 1).
        self.register_buffer("b2", torch.zeros(n_params))
        self.register_buffer("s2", torch.ones(n_params))
        pre = self._pre(torch.randn(4096, latent_size, generator=g))
        self.b2 = -pre.mean(0)
        self.s2 = 1.6 / pre.std(0)

        self.register_buffer("lp_low", _lowpass_kernel(800.0, sr, taps).view(1, 1, -1))
        self.register_buffer("lp_mid", _lowpass_kernel(4000.0, sr, taps).view(1, 1, -1))
        # A fixed noise table read cyclically makes the synth deterministic and streamable.
        self.register_buffer("noise_table", torch.randn(int(noise_seconds * sr), generator=g))
        n = torch.arange(hop, dtype=torch.float32)
        self.register_buffer("ramp_basis", torch.stack([torch.ones(hop), n / hop]))
        self.register_buffer("phase_basis", torch.stack([torch.ones(hop), n, n * n / (2 * hop)]))
        self.register_buffer("harmonic_numbers", torch.arange(1, n_harmonics + 1, dtype=torch.float32))

        # Streaming state, one row per batch element; reset when the batch size changes.
        self.register_buffer("prev_params", torch.zeros(0, n_params))
        self.register_buffer("phases", torch.zeros(0, n_harmonics, dtype=torch.float64))
        self.register_buffer("am_phase", torch.zeros(0, 1, dtype=torch.float64))
        self.register_buffer("noise_tail", torch.zeros(1, 1, taps - 1))
        self.register_buffer("noise_pos", torch.zeros(1, dtype=torch.long))

        self.register_method("decode", latent_size, hop, 1, 1,
                             input_labels=[f"(signal) latent {i}" for i in range(latent_size)],
                             output_labels=["(signal) audio"])
        self.reset(0)

    def _pre(self, z: torch.Tensor) -> torch.Tensor:
        """z [..., latent] -> pre-activations [..., params]."""
        h = z @ self.w1.t() + self.b1
        h = torch.tanh(h) if self.mixing == "mlp" else torch.sin(h)
        return h @ self.w2.t()

    def mix(self, z: torch.Tensor) -> torch.Tensor:
        """z [B, latent, T] -> parameters in [0, 1], [B, params, T]."""
        pre = self._pre(z.transpose(1, 2))
        return torch.sigmoid((pre + self.b2) * self.s2).transpose(1, 2)

    @torch.jit.export
    def reset(self, batch: int):
        on = self.noise_table.device  # wherever the module was moved (engine.build --device)
        self.prev_params = torch.zeros(batch, self.n_params, device=on)
        self.phases = torch.zeros(batch, self.n_harmonics, dtype=torch.float64, device=on)
        self.am_phase = torch.zeros(batch, 1, dtype=torch.float64, device=on)
        self.noise_tail = torch.zeros(1, 1, self.taps - 1, device=on)
        self.noise_pos = torch.zeros(1, dtype=torch.long, device=on)

    @torch.jit.export
    def get_sample_rate(self) -> int:
        return self.sr

    def _ramp(self, start: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """Per-frame values [B, C, T] -> per-sample linear ramps from the previous frame's
        value, [B, C, T*hop]; `start` [B, C] is the value before the first frame."""
        knots = torch.cat([start.unsqueeze(-1), frames], -1)
        a = knots[..., :-1]
        coeffs = torch.stack([a, knots[..., 1:] - a], -1)
        return (coeffs @ self.ramp_basis).flatten(-2)

    def _partials(self, start: torch.Tensor, amps: torch.Tensor, sines: torch.Tensor) -> torch.Tensor:
        """The partials summed, [B, 1, T*hop]: sines [B, K, T*hop] weighted by amplitudes
        ramping linearly within each frame from the previous frame's (`start` [B, K], per
        frame `amps` [B, K, T]). A ramp a + d n/hop splits the sum into two weighted sums
        over the partials, one product per frame, instead of a ramp per partial and sample
        (decoding 1.3x faster, docs/benchmarks.md)."""
        batch, k, frames = amps.shape
        knots = torch.cat([start.unsqueeze(-1), amps], -1)
        a = knots[..., :-1]
        weights = torch.stack([a, knots[..., 1:] - a], 1).permute(0, 3, 1, 2)  # [B, T, 2, K]
        sums = weights @ sines.view(batch, k, frames, self.hop).transpose(1, 2)  # [B, T, 2, hop]
        return (sums[:, :, 0] + sums[:, :, 1] * self.ramp_basis[1]).reshape(batch, 1, frames * self.hop)

    def _phase(self, start: torch.Tensor, freq0: torch.Tensor, freqs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Oscillator phases for frequencies ramping linearly within each frame.

        freq0 [B, C] is the frequency before the first frame, freqs [B, C, T] per frame;
        the phase is integrated in closed form per frame (float64 at frame rate, so no
        drift), returned per sample [B, C, T*hop] and the phase carried out [B, C]."""
        knots = torch.cat([freq0.unsqueeze(-1), freqs], -1).double()
        w = 2 * math.pi / self.sr
        per_frame = w * self.hop * 0.5 * (knots[..., :-1] + knots[..., 1:])
        starts = start.unsqueeze(-1) + torch.cumsum(per_frame, -1) - per_frame
        starts = torch.remainder(starts, 2 * math.pi).float()
        # Within a frame float32 suffices (phase error well below 1e-3 rad); one matmul
        # against the basis [1, n, n^2/2hop] evaluates all ramps at once.
        a = knots[..., :-1].float()
        b = knots[..., 1:].float()
        coeffs = torch.stack([starts.float(), w * a, w * (b - a)], -1)
        phase = (coeffs @ self.phase_basis).flatten(-2)
        end = torch.remainder(start + per_frame.sum(-1), 2 * math.pi)
        return phase, end

    def _harmonic_freqs(self, p: torch.Tensor) -> torch.Tensor:
        """Parameters [B, P, T] -> partial frequencies [B, K, T]."""
        f0 = 55.0 * torch.pow(2.0, 4.0 * p[:, 0])
        inharm = 2e-3 * p[:, 3] ** 2
        k = self.harmonic_numbers.view(1, -1, 1)
        return k * f0.unsqueeze(1) * torch.sqrt(1 + inharm.unsqueeze(1) * k * k)

    def _harmonic_amps(self, p: torch.Tensor, freqs: torch.Tensor) -> torch.Tensor:
        """Spectral tilt, odd/even balance and a fade below Nyquist, unit total power."""
        k = self.harmonic_numbers.view(1, -1, 1)
        tilt = 0.3 + 2.2 * p[:, 1].unsqueeze(1)
        amps = torch.pow(k, -tilt)
        even = 0.05 + 0.95 * p[:, 2].unsqueeze(1)
        is_even = (torch.remainder(k, 2.0) == 0).float()
        amps = amps * (1 - is_even + is_even * even)
        amps = amps * torch.clamp((0.45 * self.sr - freqs) / (0.05 * self.sr), 0.0, 1.0)
        return amps / torch.sqrt((amps * amps).sum(1, keepdim=True) + 1e-12) * math.sqrt(2.0)

    def _noise(self, n: int) -> torch.Tensor:
        """The next n samples of the noise table, continuing the last call, [1, 1, n]
        (every batch row reads the same noise, so it is filtered once)."""
        size = self.noise_table.shape[0]
        idx = torch.remainder(torch.arange(n, device=self.noise_table.device) + self.noise_pos, size)
        self.noise_pos = torch.remainder(self.noise_pos + n, size)
        return self.noise_table[idx].view(1, 1, n)

    def _coloured(self, white: torch.Tensor, colour: torch.Tensor) -> torch.Tensor:
        """Three unit-power bands (<800 Hz, 800-4000 Hz, >4 kHz) blended by `colour`
        (0 dark, 1 bright); FIR state carries across calls."""
        ext = torch.cat([self.noise_tail, white], -1)
        self.noise_tail = ext[..., -(self.taps - 1):]
        low = torch.nn.functional.conv1d(ext, self.lp_low)
        below4k = torch.nn.functional.conv1d(ext, self.lp_mid)
        delayed = ext[..., (self.taps - 1) // 2: (self.taps - 1) // 2 + white.shape[-1]]
        nyq = self.sr / 2
        bands = [low / math.sqrt(800 / nyq), (below4k - low) / math.sqrt(3200 / nyq),
                 (delayed - below4k) / math.sqrt(1 - 4000 / nyq)]
        c = colour
        weights = [(1 - c) ** 2, 2 * c * (1 - c), c ** 2]
        norm = torch.sqrt(weights[0] ** 2 + weights[1] ** 2 + weights[2] ** 2)
        return (weights[0] * bands[0] + weights[1] * bands[1] + weights[2] * bands[2]) / norm

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        batch, frames = z.shape[0], z.shape[2]
        n = frames * self.hop
        p = self.mix(z)
        if self.prev_params.shape[0] != batch:
            self.reset(batch)
            self.prev_params = p[:, :, 0]
        prev = self.prev_params
        self.prev_params = p[:, :, -1]

        freqs = self._harmonic_freqs(p)
        prev_freqs = self._harmonic_freqs(prev.unsqueeze(-1)).squeeze(-1)
        phase, self.phases = self._phase(self.phases, prev_freqs, freqs)
        harmonic = self._partials(self._harmonic_amps(prev.unsqueeze(-1), prev_freqs.unsqueeze(-1)).squeeze(-1),
                                  self._harmonic_amps(p, freqs), torch.sin(phase))

        ramped = self._ramp(prev, p)  # [B, P, n]
        noise_level = torch.pow(10.0, (-40.0 + 34.0 * ramped[:, 4:5]) / 20)  # -40..-6 dB
        noise = self._coloured(self._noise(n), ramped[:, 5:6])

        am_rate = 2.0 + 78.0 * p[:, 6:7]
        am, self.am_phase = self._phase(self.am_phase, 2.0 + 78.0 * prev[:, 6:7], am_rate)
        depth = ramped[:, 7:8] ** 1.5
        envelope = 1 - depth * (0.5 - 0.5 * torch.cos(am))

        gain = torch.pow(10.0, (-40.0 + 34.0 * ramped[:, 8:9]) / 20)
        return gain * envelope * (harmonic + noise_level * noise) / math.sqrt(2.0)
