"""Built-in demo generators: nn~-compatible TorchScript models defined in code.

Nothing is downloaded; `export(name, path)` scripts one through nn_tilde and saves it.
"""
from pathlib import Path
from typing import Callable, Dict

import torch

from .neural import ConvDecoder
from .synth import HarmonicNoiseSynth

DEMOS: Dict[str, Callable[[], torch.nn.Module]] = {
    "synth_a": lambda: HarmonicNoiseSynth(seed=11, mixing="mlp"),
    "synth_b": lambda: HarmonicNoiseSynth(seed=23, mixing="fourier"),
    "neural": lambda: ConvDecoder(seed=5),
}
DEFAULT = "synth_a"


def export(name: str, path) -> Path:
    """Script the demo generator `name` and save it to `path` (atomically)."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo generator {name!r}; expected one of {sorted(DEMOS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    DEMOS[name]().export_to_ts(str(tmp))
    tmp.replace(path)
    return path
