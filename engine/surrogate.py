"""Surrogate networks between latent space and descriptor space, and their export.

`MLPRegressor` fits a small MLP with the input and output scaling baked into the module;
`SemanticSurrogate` puts a forward model (latent -> descriptors) and an inverse model
(descriptors -> latent) into one nn~-compatible TorchScript file (docs/architecture.md §2.3).
"""
import copy
from typing import List, Sequence, Tuple

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


def merged(members: Sequence[MLP]) -> MLP:
    """One MLP computing the mean of several of the same shape: their layers side by side
    (block-diagonal), each member's scaling folded into its first and last layer. It is a
    plain MLP, so the surrogate's closed-form Jacobian and export work on it unchanged."""
    k = len(members)
    if k == 1:
        return members[0]
    first = members[0]
    x_mean, x_std = first.x_mean, first.x_std
    linears = [[m for m in member.net if isinstance(m, nn.Linear)] for member in members]
    n_in, n_out, hidden = linears[0][0].in_features, linears[0][-1].out_features, linears[0][0].out_features
    out = MLP(n_in, n_out, hidden * k, len(linears[0]) - 1, x_mean, x_std, torch.zeros(n_out), torch.ones(n_out))
    layers = [m for m in out.net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for layer in layers:
            layer.weight.zero_()
            layer.bias.zero_()
        for j, (member, lin) in enumerate(zip(members, linears)):
            rows = slice(j * hidden, (j + 1) * hidden)
            # the member sees (x - its mean) / its std = (x - x_mean) / x_std * a + c
            a, c = x_std / member.x_std, (x_mean - member.x_mean) / member.x_std
            layers[0].weight[rows] = lin[0].weight * a
            layers[0].bias[rows] = lin[0].bias + lin[0].weight @ c
            for layer, own in zip(layers[1:-1], lin[1:-1]):
                layer.weight[rows, rows] = own.weight
                layer.bias[rows] = own.bias
            # its output, unscaled and averaged
            layers[-1].weight[:, rows] = lin[-1].weight * (member.y_std / k).unsqueeze(1)
            layers[-1].bias += (lin[-1].bias * member.y_std + member.y_mean) / k
    return out


class MLPRegressor:
    """A small MLP regressor in scikit-learn's manner: settings in __init__, `fit`
    returns self, learned state ends in `_`. Keeps the weights of the epoch with the
    lowest loss on an internal validation split. With `members` > 1 it fits that many
    (other seeds, other validation splits) and averages them in one merged MLP."""

    def __init__(self, hidden: int = 128, depth: int = 3, epochs: int = 300, batch_size: int = 128,
                 lr: float = 3e-3, weight_decay: float = 1e-5, validation: float = 0.1, seed: int = 0,
                 members: int = 1):
        self.members = members
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
        fitted = [self._fit_one(X, Y, self.seed + k) for k in range(self.members)]
        self.val_loss_ = float(np.mean([loss for _, loss, _ in fitted]))
        self.history_ = fitted[0][2]
        self.members_ = [module for module, _, _ in fitted]
        self.module_ = merged(self.members_).eval()
        return self

    def _fit_one(self, X, Y, seed: int):
        g = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        order = torch.randperm(len(X), generator=g)
        n_val = max(1, int(len(X) * self.validation))
        val, train = order[:n_val], order[n_val:]
        std = lambda t: t.std(0).clamp_min(1e-6)  # noqa: E731
        module = MLP(X.shape[1], Y.shape[1], self.hidden, self.depth,
                     X[train].mean(0), std(X[train]), Y[train].mean(0), std(Y[train]))
        opt = torch.optim.AdamW(module.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        steps = self.epochs * max(1, len(train) // self.batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, self.lr, total_steps=steps)
        y_std = module.y_std
        best, history = float("inf"), []
        step = 0
        for _ in range(self.epochs):
            module.train()
            perm = train[torch.randperm(len(train), generator=g)]
            for k in range(max(1, len(train) // self.batch_size)):
                idx = perm[k * self.batch_size:(k + 1) * self.batch_size]
                loss = (((module(X[idx]) - Y[idx]) / y_std) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                if step < steps - 1:
                    sched.step()
                step += 1
            module.eval()
            with torch.no_grad():
                v = float((((module(X[val]) - Y[val]) / y_std) ** 2).mean())
            history.append(v)
            if v < best:
                best, state = v, copy.deepcopy(module.state_dict())
        module.load_state_dict(state)
        return module.eval(), best, history

    def predict(self, X) -> np.ndarray:
        with torch.no_grad():
            return self.module_(torch.as_tensor(np.asarray(X), dtype=torch.float32)).numpy()

    def disagreement(self, X) -> np.ndarray:
        """The members' standard deviation per output [n, outputs]: where they disagree the
        fit is unsure, which needs no decoding to find (query by committee)."""
        if len(self.members_) < 2:
            raise ValueError("disagreement needs members >= 2")
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        with torch.no_grad():
            return torch.stack([m(X) for m in self.members_]).std(0).numpy()


class SemanticSurrogate(nn_tilde.Module):
    """nn~-compatible surrogate, at latent rate ([batch, channels, frames]), descriptors in
    the bundle's normalised units:

    - `forward`: D descriptor targets -> latent (absolute control, by whichever
      controller measured best on re-decoded audio, anchored at the sampled centre);
    - `control`: D targets, D mask (1 = given, 0 = free), L anchor latent -> latent
      (partial targets that stay near the anchor; the tandem controller);
      `forward` then refines its latent by a few damped Gauss-Newton steps towards the
      targets through the forward surrogate (`refine_steps`; `control_refine_steps` for
      `control`, 0 by default: its real-time cost; docs/architecture.md §2.3);
    - `describe`: latent -> D predicted descriptors;
    - `steer`: L latent, D deltas, D hold flags -> latent moved so the asked descriptors
      (delta != 0) change by their deltas while the held ones stay (damped, weighted
      Gauss-Newton on the forward surrogate's Jacobian, a few steps, kept inside the
      sampled region). With no hold flag set, every descriptor that is neither asked
      nor a near-duplicate of an asked one (`duplicates`) is held.
    """

    def __init__(self, describer: MLP, controller: nn.Module, absolute: nn.Module, names: Sequence[str],
                 latent_size: int, hop: int, latent_mean, latent_std, latent_low, latent_high, duplicates,
                 steer_steps: int = 4, damping: float = 1e-2, asked_weight: float = 100.0,
                 refine_steps: int = 4, refine_damping: float = 1.0, control_refine_steps: int = 0):
        super().__init__()
        self.describer = describer
        self.controller = controller
        self.absolute = absolute
        self.descriptor_names: List[str] = list(names)
        self.latent_size = latent_size
        self.n_descriptors = len(self.descriptor_names)
        self.steer_steps = steer_steps
        self.damping = damping
        self.asked_weight = asked_weight
        self.refine_steps = refine_steps
        self.refine_damping = refine_damping
        # `control` runs on the host's worker every buffer: four steps through the merged
        # ensemble cost 4.5 ms a call against 0.12 ms without, and six objects on two cores
        # then underran in Pd (docs/benchmarks.md); so it is not refined by default
        self.control_refine_steps = control_refine_steps
        # duplicates[i, k] = 1: descriptor k moves with i on this generator, never held against it
        self.register_buffer("duplicates", torch.as_tensor(duplicates, dtype=torch.float32))
        for name, v in (("latent_mean", latent_mean), ("latent_std", latent_std),
                        ("latent_low", latent_low), ("latent_high", latent_high)):
            self.register_buffer(name, torch.as_tensor(v, dtype=torch.float32))
        linears = [m for m in describer.net if isinstance(m, nn.Linear)]
        self.jac_weights: List[torch.Tensor] = [m.weight.detach() for m in linears]
        self.jac_biases: List[torch.Tensor] = [m.bias.detach() for m in linears]
        d = self.n_descriptors
        latent_labels = [f"(signal) latent {i}" for i in range(latent_size)]
        self.register_method("forward", d, hop, latent_size, hop,
                             input_labels=[f"(signal) {n} target" for n in names], output_labels=latent_labels)
        self.register_method("control", 2 * d + latent_size, hop, latent_size, hop,
                             input_labels=[f"(signal) {n} target" for n in names]
                             + [f"(signal) {n} given (0/1)" for n in names]
                             + [f"(signal) anchor latent {i}" for i in range(latent_size)],
                             output_labels=latent_labels)
        self.register_method("describe", latent_size, hop, d, hop,
                             input_labels=latent_labels, output_labels=[f"(signal) {n}" for n in names])
        self.register_method("steer", latent_size + 2 * d, hop, latent_size, hop,
                             input_labels=latent_labels + [f"(signal) {n} delta" for n in names]
                             + [f"(signal) hold {n} (0/1)" for n in names],
                             output_labels=latent_labels)

    def _rows(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(1, 2).reshape(-1, x.shape[1])

    def _frames(self, rows: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return rows.reshape(x.shape[0], x.shape[2], -1).transpose(1, 2)

    def _inputs(self, targets: torch.Tensor, mask: torch.Tensor, anchor: torch.Tensor) -> torch.Tensor:
        return torch.cat([targets * mask, mask, (anchor - self.latent_mean) / self.latent_std], -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self._rows(x)
        anchor = self.latent_mean.expand(y.shape[0], self.latent_size)
        given = torch.ones_like(y)
        z = self.absolute(self._inputs(y, given, anchor))
        return self._frames(self._solve(z, y, given, self.refine_steps, self.refine_damping), x)

    @torch.jit.export
    def control(self, x: torch.Tensor) -> torch.Tensor:
        r = self._rows(x)
        d = self.n_descriptors
        targets, given = r[:, :d], r[:, d:2 * d]
        z = self.controller(self._inputs(targets, given, r[:, 2 * d:]))
        return self._frames(self._solve(z, targets, given, self.control_refine_steps, self.refine_damping), x)

    @torch.jit.export
    def describe(self, z: torch.Tensor) -> torch.Tensor:
        return self._frames(self.describer(self._rows(z)), z)

    @torch.jit.export
    def jacobian(self, z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Rows of latents [N, L] -> (descriptors [N, D], d descriptors / d latent [N, D, L]),
        in closed form through the MLP (no autograd: nn~ runs without it)."""
        m = self.describer
        h = (z - m.x_mean) / m.x_std
        jac = torch.diag(1.0 / m.x_std).expand(z.shape[0], self.latent_size, self.latent_size)
        last = len(self.jac_weights) - 1
        for i, (w, b) in enumerate(zip(self.jac_weights, self.jac_biases)):
            h = h @ w.t() + b
            jac = torch.matmul(w, jac)
            if i < last:  # SiLU and its derivative s(h) (1 + h (1 - s(h)))
                s = torch.sigmoid(h)
                jac = jac * (s * (1 + h * (1 - s))).unsqueeze(-1)
                h = h * s
        return h * m.y_std + m.y_mean, jac * m.y_std.view(1, -1, 1)

    @torch.jit.export
    def steer(self, x: torch.Tensor) -> torch.Tensor:
        r = self._rows(x)
        L, d = self.latent_size, self.n_descriptors
        z = r[:, :L]
        delta = r[:, L:L + d]
        hold = r[:, L + d:L + 2 * d]
        asked = (delta != 0).float()
        default_hold = (1 - asked) * (1 - ((asked @ self.duplicates) > 0).float())
        hold = torch.where(hold.sum(-1, keepdim=True) > 0, hold * (1 - asked), default_hold)
        weight = self.asked_weight * asked + hold
        goal = self.jacobian(z)[0] + delta
        return self._frames(self._solve(z, goal, weight, self.steer_steps, self.damping), x)

    def _solve(self, z: torch.Tensor, goal: torch.Tensor, weight: torch.Tensor, steps: int,
               damping: float) -> torch.Tensor:
        """Damped, weighted Gauss-Newton on the forward surrogate: z moved so its predicted
        descriptors approach `goal` where `weight` > 0, kept inside the sampled region. The
        damping keeps each step small, where the surrogate's Jacobian still holds."""
        eye = torch.eye(self.latent_size).unsqueeze(0)
        for _ in range(steps):
            y, jac = self.jacobian(z)
            jtw = jac.transpose(1, 2) * weight.unsqueeze(1)
            step = torch.linalg.solve(jtw @ jac + damping * eye, (jtw @ (goal - y).unsqueeze(-1))).squeeze(-1)
            z = torch.maximum(torch.minimum(z + step, self.latent_high), self.latent_low)
        return z

    @torch.jit.export
    def get_descriptor_names(self) -> List[str]:
        return self.descriptor_names


def method_labels(module, method: str) -> dict:
    """What nn~ reads of a method: its params and labels."""
    params = [int(v) for v in getattr(module, f"{method}_params").tolist()]
    return {"params": params, "input_labels": list(getattr(module, f"{method}_input_labels")),
            "output_labels": list(getattr(module, f"{method}_output_labels"))}
