"""Surrogate networks between latent space and descriptor space, and their export.

`MLPRegressor` fits a small MLP with the input and output scaling baked into the module;
`SemanticSurrogate` puts a forward model (latent -> descriptors) and an inverse model
(descriptors -> latent) into one nn~-compatible TorchScript file (DESIGN §4.3).
"""
import copy
from typing import List, Sequence

import nn_tilde
import numpy as np
import torch
from torch import nn


class MLP(nn.Module):
    """y = unscale(net(scale(x))); the scaling is part of the module."""

    def __init__(self, n_in: int, n_out: int, hidden: int, depth: int, x_mean, x_std, y_mean, y_std):
        super().__init__()
        layers: List[nn.Module] = []
        width = n_in
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.SiLU()]
            width = hidden
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)
        for name, v in (("x_mean", x_mean), ("x_std", x_std), ("y_mean", y_mean), ("y_std", y_std)):
            self.register_buffer(name, torch.as_tensor(v, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.x_mean) / self.x_std) * self.y_std + self.y_mean


class MLPRegressor:
    """A small MLP regressor in scikit-learn's manner: settings in __init__, `fit`
    returns self, learned state ends in `_`. Keeps the weights of the epoch with the
    lowest loss on an internal validation split."""

    def __init__(self, hidden: int = 128, depth: int = 3, epochs: int = 300, batch_size: int = 128,
                 lr: float = 3e-3, weight_decay: float = 1e-5, validation: float = 0.1, seed: int = 0):
        self.hidden = hidden
        self.depth = depth
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.validation = validation
        self.seed = seed

    def fit(self, X, Y) -> "MLPRegressor":
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        Y = torch.as_tensor(np.asarray(Y), dtype=torch.float32)
        g = torch.Generator().manual_seed(self.seed)
        torch.manual_seed(self.seed)
        order = torch.randperm(len(X), generator=g)
        n_val = max(1, int(len(X) * self.validation))
        val, train = order[:n_val], order[n_val:]
        std = lambda t: t.std(0).clamp_min(1e-6)  # noqa: E731
        self.module_ = MLP(X.shape[1], Y.shape[1], self.hidden, self.depth,
                           X[train].mean(0), std(X[train]), Y[train].mean(0), std(Y[train]))
        opt = torch.optim.AdamW(self.module_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        steps = self.epochs * max(1, len(train) // self.batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, self.lr, total_steps=steps)
        y_std = self.module_.y_std
        best, self.history_ = float("inf"), []
        step = 0
        for _ in range(self.epochs):
            self.module_.train()
            perm = train[torch.randperm(len(train), generator=g)]
            for k in range(max(1, len(train) // self.batch_size)):
                idx = perm[k * self.batch_size:(k + 1) * self.batch_size]
                loss = (((self.module_(X[idx]) - Y[idx]) / y_std) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                if step < steps - 1:
                    sched.step()
                step += 1
            self.module_.eval()
            with torch.no_grad():
                v = float((((self.module_(X[val]) - Y[val]) / y_std) ** 2).mean())
            self.history_.append(v)
            if v < best:
                best, state = v, copy.deepcopy(self.module_.state_dict())
        self.module_.load_state_dict(state)
        self.module_.eval()
        self.val_loss_ = best
        return self

    def predict(self, X) -> np.ndarray:
        with torch.no_grad():
            return self.module_(torch.as_tensor(np.asarray(X), dtype=torch.float32)).numpy()


class SemanticSurrogate(nn_tilde.Module):
    """nn~-compatible surrogate: `forward` descriptor targets -> latent and `describe`
    latent -> descriptors, both at latent rate ([batch, channels, frames]), in the
    bundle's normalised descriptor units."""

    def __init__(self, describer: nn.Module, controller: nn.Module, names: Sequence[str],
                 latent_size: int, hop: int):
        super().__init__()
        self.describer = describer  # latent -> descriptors
        self.controller = controller  # descriptors -> latent
        self.descriptor_names: List[str] = list(names)
        self.latent_size = latent_size
        d = len(self.descriptor_names)
        latent_labels = [f"(signal) latent {i}" for i in range(latent_size)]
        self.register_method("forward", d, hop, latent_size, hop,
                             input_labels=[f"(signal) {n} target" for n in names], output_labels=latent_labels)
        self.register_method("describe", latent_size, hop, d, hop,
                             input_labels=latent_labels, output_labels=[f"(signal) {n}" for n in names])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.controller(x.transpose(1, 2)).transpose(1, 2)

    @torch.jit.export
    def describe(self, z: torch.Tensor) -> torch.Tensor:
        return self.describer(z.transpose(1, 2)).transpose(1, 2)

    @torch.jit.export
    def get_descriptor_names(self) -> List[str]:
        return self.descriptor_names


def method_labels(module, method: str) -> dict:
    """What nn~ reads of a method: its params and labels."""
    params = [int(v) for v in getattr(module, f"{method}_params").tolist()]
    return {"params": params, "input_labels": list(getattr(module, f"{method}_input_labels")),
            "output_labels": list(getattr(module, f"{method}_output_labels"))}
