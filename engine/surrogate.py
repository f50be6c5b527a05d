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
        # independent networks side by side in the hidden layers (see `merged`)
        self.members = 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.x_mean) / self.x_std) * self.y_std + self.y_mean


def merged(members: Sequence[MLP]) -> MLP:
    """One MLP computing the mean of several of the same shape: their layers side by side
    (block-diagonal), each member's scaling folded into its first and last layer. It is a
    plain MLP, so export works on it unchanged; `members` tells the surrogate's Jacobian
    that its hidden layers are k blocks, computed apart."""
    k = len(members)
    if k == 1:
        return members[0]
    first = members[0]
    x_mean, x_std = first.x_mean, first.x_std
    layers_of = [linears(member) for member in members]
    n_in, n_out, hidden = layers_of[0][0].in_features, layers_of[0][-1].out_features, layers_of[0][0].out_features
    out = MLP(n_in, n_out, hidden * k, len(layers_of[0]) - 1, x_mean, x_std, torch.zeros(n_out), torch.ones(n_out))
    layers = linears(out)
    with torch.no_grad():
        for layer in layers:
            layer.weight.zero_()
            layer.bias.zero_()
        for j, (member, lin) in enumerate(zip(members, layers_of)):
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
    out.members = k
    return out


def linears(module) -> list:
    """An MLP's linear layers, whether a Python module or a loaded TorchScript one."""
    return [m for m in module.net.children() if hasattr(m, "weight")]


def members_of(module) -> List[MLP]:
    """A merged ensemble (as `merged` made it, or as a bundle's surrogate.ts holds it, or a
    single MLP: an ensemble of one) taken apart into MLPs whose mean it computes: each
    keeps its block of the hidden layers, k times its share of the output layer and the
    whole output bias, in the ensemble's input scaling and unscaled output (y_mean 0,
    y_std 1)."""
    whole = linears(module)
    k = int(module.members)
    width = whole[0].weight.shape[0] // k
    n_in, n_out = whole[0].weight.shape[1], whole[-1].weight.shape[0]
    out = []
    with torch.no_grad():
        for j in range(k):
            rows = slice(j * width, (j + 1) * width)
            member = MLP(n_in, n_out, width, len(whole) - 1, module.x_mean, module.x_std,
                         torch.zeros(n_out), torch.ones(n_out))
            own = linears(member)
            own[0].weight.copy_(whole[0].weight[rows])
            own[0].bias.copy_(whole[0].bias[rows])
            for layer, block in zip(own[1:-1], whole[1:-1]):
                layer.weight.copy_(block.weight[rows, rows])
                layer.bias.copy_(block.bias[rows])
            # the module's output scaling folded in: a merged one has none (y_std 1), a
            # single MLP (an ensemble of one) has its own
            own[-1].weight.copy_(whole[-1].weight[:, rows] * k * module.y_std.unsqueeze(1))
            own[-1].bias.copy_(whole[-1].bias * module.y_std + module.y_mean)
            out.append(member.eval())
    return out


def resized(module, inputs: Sequence, outputs: Sequence, x_mean, x_std, y_mean, y_std) -> MLP:
    """`module` (an MLP of at least one hidden layer) with other inputs and outputs: its
    input i becomes `inputs[i]` and its output o becomes `outputs[o]` of the new one (None:
    dropped), whose scaling is given (the kept positions hold the old scaling); weights
    from and to new positions start at zero, so new outputs start at y_mean. A warm start
    for a surrogate whose descriptors changed."""
    old = linears(module)
    out = MLP(len(x_mean), len(y_mean), old[0].weight.shape[0], len(old) - 1, x_mean, x_std, y_mean, y_std)
    new = linears(out)
    kept_in = [i for i, j in enumerate(inputs) if j is not None]
    kept_out = [o for o, j in enumerate(outputs) if j is not None]
    with torch.no_grad():
        for layer, before in zip(new[1:-1], old[1:-1]):
            layer.weight.copy_(before.weight)
            layer.bias.copy_(before.bias)
        new[0].weight.zero_()
        new[0].weight[:, [inputs[i] for i in kept_in]] = old[0].weight[:, kept_in]
        new[0].bias.copy_(old[0].bias)
        new[-1].weight.zero_()
        new[-1].bias.zero_()
        new[-1].weight[[outputs[o] for o in kept_out]] = old[-1].weight[kept_out]
        new[-1].bias[[outputs[o] for o in kept_out]] = old[-1].bias[kept_out]
    return out.eval()


class StackedMLP(nn.Module):
    """k MLPs of one shape computed side by side, their weights stacked [k, out, in]: one
    batched product per layer serves them all, where k modules or one block-diagonal
    merged MLP (k times the products, mostly zeros) cost more per training step."""

    def __init__(self, members: Sequence[MLP]):
        super().__init__()
        layers = [linears(m) for m in members]
        self.weights = nn.ParameterList(
            [nn.Parameter(torch.stack([ls[i].weight.detach() for ls in layers]).clone()) for i in range(len(layers[0]))])
        self.biases = nn.ParameterList(
            [nn.Parameter(torch.stack([ls[i].bias.detach() for ls in layers]).unsqueeze(1).clone())
             for i in range(len(layers[0]))])
        for name in ("x_mean", "x_std", "y_mean", "y_std"):
            self.register_buffer(name, torch.stack([getattr(m, name) for m in members]).unsqueeze(1).clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [k, rows, in] (each member its own rows) -> [k, rows, out]."""
        h = (x - self.x_mean) / self.x_std
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b, h, w.transpose(1, 2))
            h = nn.functional.silu(h) if i < last else h
        return h * self.y_std + self.y_mean

    def mean(self, x: torch.Tensor) -> torch.Tensor:
        """x [rows, in] -> the members' mean [rows, out], as `merged` computes it."""
        return self(x.expand(len(self.x_mean), *x.shape)).mean(0)

    def member(self, j: int) -> MLP:
        """Member j as an MLP of its own (on the CPU)."""
        hidden = [w.shape[1] for w in self.weights[:-1]]
        out = MLP(self.weights[0].shape[2], self.weights[-1].shape[1], hidden[0], len(hidden),
                  *(getattr(self, n)[j, 0].cpu() for n in ("x_mean", "x_std", "y_mean", "y_std")))
        with torch.no_grad():
            for layer, w, b in zip(linears(out), self.weights, self.biases):
                layer.weight.copy_(w[j])
                layer.bias.copy_(b[j, 0])
        return out.eval()


class MLPRegressor:
    """A small MLP regressor in scikit-learn's manner: settings in __init__, `fit`
    returns self, learned state ends in `_`. Keeps the weights of the epoch with the
    lowest loss on an internal validation split. With `members` > 1 it fits that many
    (other seeds, other validation splits) and averages them in one merged MLP; they train
    side by side (`StackedMLP`), each exactly as it would alone: Adam's updates are
    element-wise, so one summed loss moves each member by its own gradient. `device`:
    where to train (engine.device); the fitted module is on the CPU."""

    def __init__(self, hidden: int = 128, depth: int = 3, epochs: int = 300, batch_size: int = 128,
                 lr: float = 3e-3, weight_decay: float = 1e-5, validation: float = 0.1, seed: int = 0,
                 members: int = 1, device: str = "cpu"):
        self.members = members
        self.hidden = hidden
        self.depth = depth
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.validation = validation
        self.seed = seed
        self.device = device

    def fit(self, X, Y, init: Sequence[MLP] = None) -> "MLPRegressor":
        """`init`: one MLP per member of the right shape to start from (a warm start)
        instead of fresh weights and scaling."""
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        Y = torch.as_tensor(np.asarray(Y), dtype=torch.float32)
        if init is not None and len(init) != self.members:
            raise ValueError(f"a warm start needs one network per member ({self.members}), got {len(init)}")
        k = self.members
        # each member: its own seed, validation split, initial weights and batches
        gens = [torch.Generator().manual_seed(self.seed + j) for j in range(k)]
        n_val = max(1, int(len(X) * self.validation))
        orders = [torch.randperm(len(X), generator=g) for g in gens]
        val = torch.stack([o[:n_val] for o in orders])
        train = torch.stack([o[n_val:] for o in orders])
        std = lambda t: t.std(0).clamp_min(1e-6)  # noqa: E731
        starts = []
        for j in range(k):
            torch.manual_seed(self.seed + j)
            rows = train[j]
            starts.append(copy.deepcopy(init[j]) if init is not None else MLP(
                X.shape[1], Y.shape[1], self.hidden, self.depth, X[rows].mean(0), std(X[rows]), Y[rows].mean(0),
                std(Y[rows])))
        device = torch.device(self.device)
        module = StackedMLP(starts).to(device)
        X, Y, val = X.to(device), Y.to(device), val.to(device)
        opt = torch.optim.AdamW(module.parameters(), lr=self.lr, weight_decay=self.weight_decay, fused=True)
        per_epoch = max(1, train.shape[1] // self.batch_size)
        steps = self.epochs * per_epoch
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, self.lr, total_steps=steps)
        loss_of = lambda rows: (((module(X[rows]) - Y[rows]) / module.y_std) ** 2).mean((1, 2))  # noqa: E731
        best = torch.full((k,), float("inf"), device=device)
        kept = [p.detach().clone() for p in module.parameters()]
        history, step = [], 0
        for _ in range(self.epochs):
            module.train()
            perm = torch.stack([rows[torch.randperm(len(rows), generator=g)] for rows, g in zip(train, gens)])
            perm = perm.to(device)
            for b in range(per_epoch):
                loss = loss_of(perm[:, b * self.batch_size:(b + 1) * self.batch_size]).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                if step < steps - 1:
                    sched.step()
                step += 1
            module.eval()
            with torch.no_grad():
                v = loss_of(val)
                better = v < best
                best = torch.where(better, v, best)
                for keep, p in zip(kept, module.parameters()):
                    keep[better] = p[better]
            history.append(float(v[0]))
        with torch.no_grad():
            for keep, p in zip(kept, module.parameters()):
                p.copy_(keep)
        self.val_loss_ = float(best.mean())
        self.history_ = history
        self.members_ = [module.member(j) for j in range(k)]
        self.module_ = merged(self.members_).eval()
        return self

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
      both then refine their latent by a few damped Gauss-Newton steps towards the given
      targets through the forward surrogate (`refine_steps`; docs/architecture.md §2.3);
    - `describe`: latent -> D predicted descriptors;
    - `map`: a point of the bundle's sound map (x, y in 0..1) -> latent: the descriptors
      of the sounds there (`map_decoder`), played as absolute targets by the tandem
      controller (smooth under a drag) and refined;
    - `locate`: latent -> where its predicted descriptors lie on the map (`map_locator`);
    - `steer`: L latent, D deltas, D hold flags -> latent moved so the asked descriptors
      (delta != 0) change by their deltas while the held ones stay (damped, weighted
      Gauss-Newton on the forward surrogate's Jacobian, a few steps, kept inside the
      sampled region). With no hold flag set, every descriptor that is neither asked
      nor a near-duplicate of an asked one (`duplicates`) is held.
    """

    def __init__(self, describer: MLP, controller: nn.Module, absolute: nn.Module, names: Sequence[str],
                 latent_size: int, hop: int, latent_mean, latent_std, latent_low, latent_high, duplicates,
                 map_decoder: nn.Module, map_locator: nn.Module,
                 steer_steps: int = 4, damping: float = 1e-2, asked_weight: float = 100.0,
                 refine_steps: int = 4, refine_damping: float = 0.3):
        super().__init__()
        self.describer = describer
        self.controller = controller
        self.absolute = absolute
        self.map_decoder = map_decoder
        self.map_locator = map_locator
        self.descriptor_names: List[str] = list(names)
        self.latent_size = latent_size
        self.n_descriptors = len(self.descriptor_names)
        self.steer_steps = steer_steps
        self.damping = damping
        self.asked_weight = asked_weight
        self.refine_steps = refine_steps
        # 0.3 rather than 1: four steps then reach further towards targets the controller
        # missed (four at once on synth_a r +0.01-0.02, static r the same or higher; a
        # streaming RAVE's brightness alone in time 0.89 -> 0.91; docs/benchmarks.md)
        self.refine_damping = refine_damping
        # duplicates[i, k] = 1: descriptor k moves with i on this generator, never held against it
        self.register_buffer("duplicates", torch.as_tensor(duplicates, dtype=torch.float32))
        for name, v in (("latent_mean", latent_mean), ("latent_std", latent_std),
                        ("latent_low", latent_low), ("latent_high", latent_high)):
            self.register_buffer(name, torch.as_tensor(v, dtype=torch.float32))
        # the describer's layers for its closed-form Jacobian, carried as [value | d/dz]
        # columns through one product per layer (the bias only on the value), its scalings
        # folded in; a merged ensemble's hidden layers are block-diagonal, so they are kept as
        # [members, width, width] blocks: as one dense 640-wide product, four refinement
        # steps were too slow for the host's `control` (docs/benchmarks.md)
        m = describer
        weights = [layer.weight.detach() for layer in linears(m)]
        biases = [layer.bias.detach() for layer in linears(m)]
        k, width = m.members, weights[0].shape[0] // m.members

        def value_bias(b: torch.Tensor) -> torch.Tensor:  # [..., width] -> [..., width, 1 (rows), 1 + L]
            return torch.cat([b.unsqueeze(-1), torch.zeros(b.shape + (latent_size,))], -1).unsqueeze(-2)

        w_in = weights[0] / m.x_std
        self.jac_in = w_in
        self.jac_in_bias = value_bias((biases[0] - w_in @ m.x_mean).view(k, width))
        self.jac_eye = torch.eye(latent_size)
        self.jac_blocks: List[torch.Tensor] = [
            torch.stack([w[j * width:(j + 1) * width, j * width:(j + 1) * width] for j in range(k)])
            for w in weights[1:-1]]
        self.jac_block_biases: List[torch.Tensor] = [value_bias(b.view(k, width)) for b in biases[1:-1]]
        self.jac_out = (weights[-1] * m.y_std.unsqueeze(1)).view(-1, k, width).transpose(0, 1).contiguous()
        self.jac_out_bias = value_bias(biases[-1] * m.y_std + m.y_mean)
        self.jac_members = k
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
        map_labels = ["(signal) map x (0..1)", "(signal) map y (0..1)"]
        self.register_method("map", 2, hop, latent_size, hop, input_labels=map_labels, output_labels=latent_labels)
        self.register_method("locate", latent_size, hop, 2, hop, input_labels=latent_labels, output_labels=map_labels)

    def _rows(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(1, 2).reshape(-1, x.shape[1])

    def _frames(self, rows: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return rows.reshape(x.shape[0], x.shape[2], -1).transpose(1, 2)

    def _inputs(self, targets: torch.Tensor, mask: torch.Tensor, anchor: torch.Tensor) -> torch.Tensor:
        return torch.cat([targets * mask, mask, (anchor - self.latent_mean) / self.latent_std], -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._frames(self._absolute(self._rows(x), False), x)

    def _absolute(self, y: torch.Tensor, smooth: bool) -> torch.Tensor:
        """Rows of targets, all given -> rows of latents, by the absolute controller or
        (`smooth`) the tandem one, a network: the nearest-sample controller jumps."""
        anchor = self.latent_mean.expand(y.shape[0], self.latent_size)
        given = torch.ones_like(y)
        inputs = self._inputs(y, given, anchor)
        z = self.controller(inputs) if smooth else self.absolute(inputs)
        return self._solve(z, y, given, self.refine_steps, self.refine_damping)

    @torch.jit.export
    def map(self, x: torch.Tensor) -> torch.Tensor:
        return self._frames(self._absolute(self.map_decoder(self._rows(x).clamp(0, 1)), True), x)

    @torch.jit.export
    def locate(self, z: torch.Tensor) -> torch.Tensor:
        return self._frames(self.map_locator(self.describer(self._rows(z))).clamp(0, 1), z)

    @torch.jit.export
    def control(self, x: torch.Tensor) -> torch.Tensor:
        r = self._rows(x)
        d = self.n_descriptors
        targets, given = r[:, :d], r[:, d:2 * d]
        z = self.controller(self._inputs(targets, given, r[:, 2 * d:]))
        return self._frames(self._solve(z, targets, given, self.refine_steps, self.refine_damping), x)

    @torch.jit.export
    def describe(self, z: torch.Tensor) -> torch.Tensor:
        return self._frames(self.describer(self._rows(z)), z)

    @torch.jit.export
    def jacobian(self, z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Rows of latents [N, L] -> (descriptors [N, D], d descriptors / d latent [N, D, L]),
        in closed form through the MLP (no autograd: nn~ runs without it)."""
        # laid out [members, width, rows, 1 + L] so that each layer is one batched product
        # over the members, whatever the number of rows
        n, L, k = z.shape[0], self.latent_size, self.jac_members
        a = torch.cat([z.t().unsqueeze(-1), self.jac_eye.unsqueeze(1).expand(L, n, L)], -1).reshape(L, -1)
        a = (self.jac_in @ a).view(k, -1, n, L + 1) + self.jac_in_bias
        for w, b in zip(self.jac_blocks, self.jac_block_biases):
            a = torch.bmm(w, self._silu(a).view(k, w.shape[2], -1)).view(k, -1, n, L + 1) + b
        a = self._silu(a)
        out = torch.bmm(self.jac_out, a.view(k, a.shape[1], -1)).sum(0).view(-1, n, L + 1) + self.jac_out_bias
        out = out.transpose(0, 1)
        return out[:, :, 0], out[:, :, 1:]

    def _silu(self, a: torch.Tensor) -> torch.Tensor:
        """SiLU on the value column, its derivative s(h) (1 + h (1 - s(h))) on the others."""
        h = a[..., :1]
        s = torch.sigmoid(h)
        return a * torch.cat([s, (s * (1 + h * (1 - s))).expand_as(a[..., 1:])], -1)

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
