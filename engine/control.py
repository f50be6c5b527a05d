"""Descriptor targets -> latent: the inverse surrogate that the musician plays.

A plain regression of latent on descriptors averages the many latents that sound alike
and lands between them. `TandemController` is trained *through* the frozen forward
surrogate instead (the loss is on the descriptors its latent produces), with

- a mask: any subset of descriptors can be given, the rest are free;
- an anchor latent the result stays near (where the musician is now, or the centre of
  the sampled region for absolute targets);
- a prior that keeps latents inside the region the generator was sampled in, where
  the forward surrogate is trustworthy (an inverse that leaves it exploits the
  surrogate's errors: predicted R² 0.999, measured 0.40 in the prototype).

Input of the network: [targets * mask, mask, (anchor - mean) / std]; output: latent.

`NearestController` answers from the data instead: the sampled latent whose measured
descriptors are nearest the given targets. Its answers are always points the generator
was sampled at, where no surrogate error can mislead it; the surrogate then refines
them (docs/architecture.md §2.3).
"""
import copy

import numpy as np
import torch
from torch import nn

from .surrogate import MLP, StackedMLP, members_of


class TandemController:
    """scikit-learn manner: settings in __init__, `fit` returns self, state ends in `_`."""

    def __init__(self, hidden: int = 256, depth: int = 3, steps: int = 4000, batch_size: int = 256,
                 lr: float = 2e-3, anchor_weight: float = 0.02, prior_weight: float = 1.0,
                 prior_radius: float = 2.0, full_mask_fraction: float = 0.5, seed: int = 0, device: str = "cpu"):
        self.hidden = hidden
        self.depth = depth
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.anchor_weight = anchor_weight
        self.prior_weight = prior_weight
        self.prior_radius = prior_radius
        self.full_mask_fraction = full_mask_fraction
        self.seed = seed
        self.device = device

    def _masks(self, n: int, d: int, g: torch.Generator) -> torch.Tensor:
        """Half full masks, half random subsets of 1..d-1 descriptors."""
        full = torch.rand(n, generator=g) < self.full_mask_fraction
        keep = torch.randint(1, max(2, d), (n, 1), generator=g)
        order = torch.rand(n, d, generator=g).argsort(-1)
        partial = (order < keep).float()
        return torch.where(full[:, None], torch.ones(n, d), partial)

    def fit(self, Y, Z, describer: nn.Module, init: MLP = None) -> "TandemController":
        """Y: normalised descriptors [n, D] of the sampled latents Z [n, L]; `describer`
        the fitted forward surrogate (frozen here); `init` a network of the right shape to
        start from (a warm start). Trains on `device`; the fitted module is on the CPU."""
        Y = torch.as_tensor(np.asarray(Y), dtype=torch.float32)
        Z = torch.as_tensor(np.asarray(Z), dtype=torch.float32)
        n, d = Y.shape
        L = Z.shape[1]
        torch.manual_seed(self.seed)
        g = torch.Generator().manual_seed(self.seed)
        z_mean, z_std = Z.mean(0), Z.std(0).clamp_min(1e-6)
        x_dim = 2 * d + L
        # inputs are already in sane units: targets 0..1, mask 0/1, anchor standardised
        self.module_ = copy.deepcopy(init) if init is not None else MLP(
            x_dim, L, self.hidden, self.depth, torch.zeros(x_dim), torch.ones(x_dim), z_mean, z_std)
        device = torch.device(self.device)
        # the ensemble's members side by side: its merged form multiplies mostly zeros
        frozen = StackedMLP(members_of(describer)).to(device).eval()
        for p in frozen.parameters():
            p.requires_grad_(False)
        describe = frozen.mean
        module = self.module_.to(device)
        Y, Z, z_mean, z_std = Y.to(device), Z.to(device), z_mean.to(device), z_std.to(device)
        opt = torch.optim.AdamW(module.parameters(), lr=self.lr, weight_decay=1e-5, fused=True)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, self.lr, total_steps=self.steps)
        self.history_ = []
        for step in range(self.steps):
            i = torch.randint(0, n, (self.batch_size,), generator=g)
            a = torch.randint(0, n, (self.batch_size,), generator=g)
            mask = self._masks(self.batch_size, d, g)
            # absolute targets (full mask) anchor at the centre half of the time
            centre = (torch.rand(self.batch_size, generator=g) < 0.5)[:, None] & (mask.sum(-1, keepdim=True) == d)
            i, a, mask, centre = i.to(device), a.to(device), mask.to(device), centre.to(device)
            y = Y[i]
            anchor = torch.where(centre, z_mean.expand(self.batch_size, L), Z[a])
            z = module(torch.cat([y * mask, mask, (anchor - z_mean) / z_std], -1))
            miss = (((describe(z) - y) ** 2) * mask).sum(-1) / mask.sum(-1)
            zs = (z - z_mean) / z_std
            stay = (((z - anchor) / z_std) ** 2).mean(-1)
            outside = torch.relu(zs.abs() - self.prior_radius).pow(2).mean(-1)
            loss = (miss + self.anchor_weight * stay + self.prior_weight * outside).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if step % 100 == 0:
                self.history_.append(float(loss.detach()))
        self.module_ = module.cpu().eval()
        self.descriptor_count_ = d
        self.latent_mean_ = z_mean.cpu()
        self.latent_std_ = z_std.cpu()
        return self

    def predict(self, targets, mask=None, anchor=None) -> np.ndarray:
        """Targets [n, D] (normalised; entries where mask is 0 are ignored), mask [n, D]
        (default all given), anchor [n, L] (default the sampled latents' mean)."""
        y = torch.as_tensor(np.asarray(targets), dtype=torch.float32)
        m = torch.ones_like(y) if mask is None else torch.as_tensor(np.asarray(mask), dtype=torch.float32)
        a = self.latent_mean_.expand(len(y), -1) if anchor is None else torch.as_tensor(np.asarray(anchor),
                                                                                        dtype=torch.float32)
        with torch.no_grad():
            return self.module_(torch.cat([y * m, m, (a - self.latent_mean_) / self.latent_std_], -1)).numpy()


class RegressionController:
    """The plain regression inverse behind the same interface (mask and anchor ignored:
    it cannot use them), kept to report beside the tandem one."""

    def __init__(self, regressor, descriptor_count: int):
        self.regressor = regressor
        self.module_ = _TargetsOnly(regressor.module_, descriptor_count)

    def predict(self, targets, mask=None, anchor=None) -> np.ndarray:
        return self.regressor.predict(targets)


class _TargetsOnly(nn.Module):
    """[targets * mask, mask, anchor] -> latent through a targets-only regressor."""

    def __init__(self, regressor: nn.Module, d: int):
        super().__init__()
        self.regressor = regressor
        self.d = d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.regressor(x[:, :self.d])


class NearestController:
    """The sampled point nearest the targets (given descriptors only, ties broken towards
    the anchor), behind the same interface; `fit` keeps the points."""

    def __init__(self, anchor_weight: float = 0.02):
        self.anchor_weight = anchor_weight

    def fit(self, Y, Z) -> "NearestController":
        self.module_ = _Nearest(np.asarray(Y), np.asarray(Z), self.anchor_weight)
        return self

    def predict(self, targets, mask=None, anchor=None) -> np.ndarray:
        y = torch.as_tensor(np.asarray(targets), dtype=torch.float32)
        m = torch.ones_like(y) if mask is None else torch.as_tensor(np.asarray(mask), dtype=torch.float32)
        a = self.module_.z_mean.expand(len(y), -1) if anchor is None else torch.as_tensor(np.asarray(anchor),
                                                                                          dtype=torch.float32)
        with torch.no_grad():
            return self.module_(torch.cat([y * m, m, (a - self.module_.z_mean) / self.module_.z_std], -1)).numpy()


class _Nearest(nn.Module):
    """[targets * mask, mask, standardised anchor] -> the nearest sampled latent."""

    def __init__(self, Y: np.ndarray, Z: np.ndarray, anchor_weight: float):
        super().__init__()
        self.d = Y.shape[1]
        self.anchor_weight = anchor_weight
        z_mean, z_std = Z.mean(0), Z.std(0).clip(1e-6)
        zs = (Z - z_mean) / z_std
        for name, v in (("y", Y), ("z", Z), ("z_mean", z_mean), ("z_std", z_std), ("zs", zs),
                        ("y_squared", Y * Y), ("zs_norms", (zs * zs).sum(-1))):
            self.register_buffer(name, torch.as_tensor(v, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d = self.d
        t, m, anchor = x[:, :d], x[:, d:2 * d], x[:, 2 * d:]
        # sum_j m_j (y_ij - t_j)^2 expanded, so no [rows, points, D] tensor is ever made
        miss = (m * t * t).sum(-1, keepdim=True) - 2 * (m * t) @ self.y.t() + m @ self.y_squared.t()
        miss = miss / m.sum(-1, keepdim=True).clamp_min(1.0)
        away = ((anchor * anchor).sum(-1, keepdim=True) - 2 * anchor @ self.zs.t()
                + self.zs_norms) / self.zs.shape[1]
        return self.z[(miss + self.anchor_weight * away).argmin(-1)]
