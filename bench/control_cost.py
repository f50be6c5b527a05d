"""What one `control` call costs the host, with and without refinement, with the forward
ensemble's Jacobian computed as one dense merged network or as its members' blocks, in
one run (TorchScript, one thread, as the host's worker runs it).

    .venv/bin/python bench/control_cost.py [--frames 1 4] [--calls 2000]

The networks have the demo bundle's shapes (latent 8, 13 descriptors, 5 members of three
128-wide layers) and random weights: the cost does not depend on what they learned.
"""
import argparse
import copy
import time

import torch

from engine.surrogate import MLP, SemanticSurrogate, merged


def surrogate(describer, latent, names, steps):
    d = len(names)
    torch.manual_seed(1)  # the same controller in every variant
    controller = MLP(2 * d + latent, latent, 128, 3, torch.zeros(2 * d + latent), torch.ones(2 * d + latent),
                     torch.zeros(latent), torch.ones(latent))
    zeros, ones = torch.zeros(latent), torch.ones(latent)
    s = SemanticSurrogate(describer, controller, controller, names, latent, 2048, zeros, ones, -3 * ones, 3 * ones,
                          torch.zeros(d, d), torch.nn.Linear(2, d), torch.nn.Linear(d, 2), refine_steps=steps)
    return torch.jit.script(s.eval())


def per_call(module, x, calls):
    with torch.no_grad():
        for _ in range(50):
            module.control(x)
        t = time.perf_counter()
        for _ in range(calls):
            module.control(x)
    return (time.perf_counter() - t) / calls * 1e3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, nargs="+", default=[1, 4])
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--latent", type=int, default=8)
    p.add_argument("--descriptors", type=int, default=13)
    p.add_argument("--members", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    L, d = args.latent, args.descriptors
    names = [f"d{i}" for i in range(d)]
    ensemble = merged([MLP(L, d, 128, 3, torch.zeros(L), torch.ones(L), torch.zeros(d), torch.ones(d))
                       for _ in range(args.members)])
    dense = copy.deepcopy(ensemble)
    dense.members = 1  # the same network seen as one wide MLP: what the Jacobian was before
    variants = {"none": surrogate(ensemble, L, names, 0),
                "4 steps, dense": surrogate(dense, L, names, 4),
                "4 steps, blocks": surrogate(ensemble, L, names, 4)}
    print(f"control, ms per call (one thread; latent {L}, {d} descriptors, {args.members} members)")
    print(f"{'frames':>8}" + "".join(f"{v:>18}" for v in variants) + f"{'dense / blocks':>16}")
    for frames in args.frames:
        x = torch.cat([torch.rand(1, d, frames), torch.ones(1, d, frames), torch.randn(1, L, frames)], 1)
        ref = variants["4 steps, dense"].control(x)
        assert torch.allclose(variants["4 steps, blocks"].control(x), ref, atol=1e-4), "the two Jacobians disagree"
        ms = {v: per_call(m, x, args.calls) for v, m in variants.items()}
        print(f"{frames:>8}" + "".join(f"{t:>18.3f}" for t in ms.values())
              + f"{ms['4 steps, dense'] / ms['4 steps, blocks']:>16.2f}")


if __name__ == "__main__":
    main()
