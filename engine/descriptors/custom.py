"""User descriptors: a Python file that registers functions with `@descriptor`, or a
TorchScript classifier whose output becomes a descriptor.

Both are named by a *spec* string, so they can be given on the command line and
re-loaded in every worker process: `plugin:PATH.py`, `classifier:NAME=PATH.ts[:INDEX]`,
or `label:PATH.json` (a label taught by example, engine/label.py).
"""
import importlib.util
import sys
from pathlib import Path

import torch

from .registry import REGISTRY, descriptor

_LOADED = set()
LABELS = {}  # taught labels registered in this process: name -> their JSON (engine/label.py)


def load(spec: str):
    """Load one spec (idempotent)."""
    if spec in _LOADED:
        return
    kind, _, value = spec.partition(":")
    if kind == "plugin":
        load_plugin(value)
    elif kind == "classifier":
        name, _, rest = value.partition("=")
        path, _, index = rest.rpartition(":") if rest.rpartition(":")[2].isdigit() else (rest, "", "")
        register_classifier(name, path, int(index) if index else 0)
    elif kind == "label":
        from ..label import Label  # the label's model needs scikit-learn, which describing otherwise does not
        Label.load(value).register()
    else:
        raise ValueError(f"descriptor spec {spec!r}: expected 'plugin:FILE.py', 'classifier:NAME=FILE.ts[:INDEX]' "
                         "or 'label:FILE.json'")
    _LOADED.add(spec)


def load_plugin(path):
    """Import a Python file whose `@descriptor` functions register themselves."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"descriptor plugin {path} not found")
    name = f"semantic_plugin_{path.stem}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)


def register_classifier(name: str, path, index: int = 0, unit: str = "score"):
    """A TorchScript model taking audio [B, 1, N] (pascals, at the clip's rate) and
    returning [B] or [B, C]; column `index` becomes descriptor `name`."""
    if name in REGISTRY:
        raise ValueError(f"descriptor {name!r} is already registered")
    try:
        model = torch.jit.load(str(path), map_location="cpu").eval()
    except Exception as e:
        raise ValueError(f"classifier {path} could not be loaded as TorchScript: {str(e).strip().splitlines()[0]}") from None

    @descriptor(name, unit=unit, range=(0.0, 1.0), reference=f"TorchScript classifier {Path(path).name}, output {index}")
    def classify(a) -> torch.Tensor:
        with torch.inference_mode():
            y = model(a.x[:, None])
        if y.dim() == 1:
            y = y[:, None]
        if y.dim() != 2 or y.shape[0] != a.x.shape[0] or index >= y.shape[1]:
            raise ValueError(f"classifier {Path(path).name} returned {tuple(y.shape)}; expected [batch] or "
                             f"[batch, classes > {index}] for a batch of {a.x.shape[0]}")
        return y[:, index].float()
    return classify
