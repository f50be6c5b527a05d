"""Loading and checking an nn~-compatible TorchScript generator (docs/architecture.md §2.1).

Anything that stock nn~ could not play as a decoder is refused with a `GeneratorError`
saying what was expected and what was found.
"""
import copy
import dataclasses
import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import torch


class GeneratorError(ValueError):
    pass


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _method_params(module, method: str) -> Optional[List[int]]:
    name = f"{method}_params"
    if not hasattr(module, name):
        return None
    p = getattr(module, name)
    if not isinstance(p, torch.Tensor) or p.numel() != 4:
        raise GeneratorError(f"expected {name} to be a buffer of 4 integers [in_channels, in_ratio, "
                             f"out_channels, out_ratio], found {p!r}")
    return [int(v) for v in p.tolist()]


def _sample_rate(module) -> int:
    for attr in ("sr", "sampling_rate", "sample_rate"):
        if hasattr(module, attr):
            value = getattr(module, attr)
            if isinstance(value, torch.Tensor):
                value = value.item()
            return int(value)
    if module._c._has_method("get_sample_rate"):
        return int(module.get_sample_rate())
    raise GeneratorError("expected the sample rate as an `sr` attribute or a `get_sample_rate()` method "
                         "(as RAVE exports have), found neither")


@dataclass
class Generator:
    """A loaded, checked generator. `decode` maps latents [B, latent, frames] to audio
    [B, channels, frames * hop] at `sr`."""
    path: Path
    module: torch.jit.ScriptModule = field(repr=False)
    latent_size: int
    hop: int
    channels: int
    sr: int
    has_encode: bool
    sha256: str
    input_labels: List[str]
    pristine: torch.jit.ScriptModule = field(repr=False, default=None)
    device: torch.device = torch.device("cpu")

    def __post_init__(self):
        # Streaming exports keep state between calls; a copy as loaded lets `fresh`
        # decode from that state whatever was decoded before (reproducible builds).
        if self.pristine is None:
            self.pristine = copy.deepcopy(self.module)

    @classmethod
    def load(cls, path, check: bool = True) -> "Generator":
        path = Path(path)
        if not path.is_file():
            raise GeneratorError(f"generator file not found: {path}")
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as f:
                head = f.read(16)
            raise GeneratorError(f"{path} is not TorchScript: expected a TorchScript archive (a zip written "
                                 f"by torch.jit.save, e.g. a RAVE export), found a file starting {head!r}")
        try:
            module = torch.jit.load(str(path), map_location="cpu")
        except Exception as e:  # torch raises RuntimeError or others depending on the damage
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise GeneratorError(f"{path} could not be loaded as TorchScript (expected a file written by "
                                 f"torch.jit.save): {first}") from None
        module.eval()
        if not module._c._has_method("decode"):
            methods = [m for m in module._c._method_names() if not m.startswith("_")]
            raise GeneratorError(f"{path}: expected a `decode` method (latent -> audio), "
                                 f"found methods {sorted(methods)}")
        params = _method_params(module, "decode")
        if params is None:
            raise GeneratorError(f"{path}: expected a `decode_params` buffer [latent_size, hop, channels, 1] "
                                 "as nn~ reads it, found none")
        latent, hop, channels, out_ratio = params
        if out_ratio != 1 or latent < 1 or hop < 1 or channels < 1:
            raise GeneratorError(f"{path}: expected decode_params [latent_size>0, hop>0, channels>0, 1] "
                                 f"(latent in, audio out), found {params}")
        labels = list(getattr(module, "decode_input_labels", [f"latent {i}" for i in range(latent)]))
        gen = cls(path, module, latent, hop, channels, _sample_rate(module),
                  module._c._has_method("encode"), sha256(path), labels)
        if check:
            gen.check()
        return gen

    def to(self, device) -> "Generator":
        """This generator decoding on `device` (a copy; this one stays where it is). Audio
        comes back to the CPU, where it is described."""
        device = torch.device(device)
        if device == self.device:
            return self
        module = copy.deepcopy(self.pristine).to(device)
        return dataclasses.replace(self, module=module, pristine=copy.deepcopy(module), device=device)

    def decode(self, z, fresh: bool = False, chunk_frames: int = None) -> torch.Tensor:
        """Latents [B, latent, frames] (numpy or torch) -> audio [B, channels, frames*hop].

        `fresh` decodes on a copy of the module in its as-loaded state, so the result does
        not depend on earlier calls. `chunk_frames` decodes successive chunks of that many
        frames, one call each, as a host plays: a streaming export carries its state from
        call to call, a non-streaming one starts afresh each time. Raises GeneratorError on
        a wrong output shape or non-finite samples."""
        z = torch.as_tensor(z, dtype=torch.float32).to(self.device)
        if z.dim() != 3 or z.shape[1] != self.latent_size:
            raise GeneratorError(f"decode expects latents [batch, {self.latent_size}, frames], got {tuple(z.shape)}")
        with torch.inference_mode():
            try:
                module = copy.deepcopy(self.pristine) if fresh else self.module
                y = torch.cat([module.decode(c) for c in (z.split(chunk_frames, -1) if chunk_frames else [z])], -1)
            except Exception as e:
                first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                raise GeneratorError(f"{self.path.name}: decode failed on input {tuple(z.shape)}: {first}") from None
        want = (z.shape[0], self.channels, z.shape[2] * self.hop)
        if not isinstance(y, torch.Tensor) or tuple(y.shape) != want:
            found = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
            raise GeneratorError(f"{self.path.name}: decode of {tuple(z.shape)} should return "
                                 f"[batch, channels, frames*hop] = {want}, returned {found}")
        if not torch.isfinite(y).all():
            raise GeneratorError(f"{self.path.name}: decode returned NaN or Inf samples for latents {tuple(z.shape)}")
        return y.float().cpu()

    def encode(self, audio) -> torch.Tensor:
        """Audio [B, channels, N] -> latents [B, latent, N // hop]."""
        if not self.has_encode:
            raise GeneratorError(f"{self.path.name} has no `encode` method; corpus sampling needs one")
        x = torch.as_tensor(audio, dtype=torch.float32)
        with torch.inference_mode():
            z = self.module.encode(x)
        if z.dim() != 3 or z.shape[1] != self.latent_size:
            raise GeneratorError(f"{self.path.name}: encode should return [batch, {self.latent_size}, frames], "
                                 f"returned {tuple(z.shape)}")
        return z

    def check(self, frames: int = 8, tries: int = 4):
        """Decode a few random latents: right shape, finite, and not silent everywhere."""
        g = torch.Generator().manual_seed(0)
        peak = 0.0
        for _ in range(tries):
            y = self.decode(torch.randn(1, self.latent_size, frames, generator=g))
            peak = max(peak, float(y.abs().max()))
        if peak < 1e-6:
            raise GeneratorError(f"{self.path.name}: decoded silence (peak {peak:.1e}) for {tries} random latents; "
                                 "expected audible output")

    def info(self) -> dict:
        return {"path": str(self.path), "sha256": self.sha256, "latent_size": self.latent_size,
                "hop": self.hop, "channels": self.channels, "sr": self.sr, "has_encode": self.has_encode}
