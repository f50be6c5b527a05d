"""Build speed: where the demo build's time goes, and how decoding a real generator scales.

    .venv/bin/python bench/build_speed.py                 # the demo build, --jobs 1 and --jobs <cores>
    .venv/bin/python bench/build_speed.py --rave GEN.ts   # decode + describe of a RAVE export

The demo rows run `engine.build` twice in one process and print each stage's time.

The RAVE rows decode and describe `--samples` latent points of a RAVE export
(bench/rave_fixture.py makes a v2_small one; the weights do not change the cost) with the
build's own `engine.dataset.render`: on one worker (one process, one thread), on two
local workers (`--jobs 2`), on a two-worker local Dask cluster (`--cluster`), and on the
GPU where torch sees one. From the one-worker rate it says how many workers a
16,384-sample build of a full RAVE v2 (`--v2-cost` times v2_small's decode) needs to
finish decoding in 10 minutes, at one worker's rate alone and at a cluster worker's.
"""
import argparse
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from engine import descriptors
from engine.build import build, parse_args
from engine.cluster import Cluster
from engine.dataset import WARMUP_FRAMES, render, settling_frames
from engine.generator import Generator

CLUSTER = "2-worker local Dask cluster (--cluster)"


def demo_rows(samples: int):
    cores = os.cpu_count() or 1
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in sorted({1, cores}):
            out = Path(tmp) / f"jobs{jobs}.semantic"
            rows[jobs] = build(parse_args(["--out", str(out), "--samples", str(samples), "--jobs", str(jobs)]))
    stages = list(next(iter(rows.values()))["seconds"])
    print(f"\n{'jobs':>5}{'total s':>10}{'s/1000':>9}" + "".join(f"{s:>17}" for s in stages))
    for jobs, m in rows.items():
        print(f"{jobs:>5}{m['build_seconds']:>10.1f}{m['build_seconds_per_1000']:>9.1f}"
              + "".join(f"{m['seconds'][s]:>17.1f}" for s in stages))


def rave_rows(path: str, samples: int, batch_size: int, v2_cost: float):
    g = Generator.load(path)
    warmup = max(WARMUP_FRAMES, settling_frames(g))
    z = np.random.default_rng(0).standard_normal((samples, g.latent_size)).astype(np.float32)
    kw = dict(names=descriptors.DEFAULT, warmup=warmup, batch_size=batch_size)
    print(f"{Path(path).name}: latent {g.latent_size}, hop {g.hop}, {g.sr} Hz, warm-up {warmup} frames; "
          f"{samples} samples, batches of {batch_size}")

    def rate(**more) -> float:
        render(g, z[:2 * batch_size], **kw, **more)  # untimed: worker start-up, TorchScript's optimisation
        t = time.perf_counter()
        render(g, z, **kw, **more)
        return samples / (time.perf_counter() - t)

    rows = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rows["1 worker (1 process, 1 thread)"] = rate(jobs=1)
    torch.set_num_threads(threads)
    rows[f"1 process, {threads} threads"] = rate(jobs=1)
    rows["2 local workers (--jobs 2)"] = rate(jobs=2)
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        rows[CLUSTER] = rate(cluster=Cluster(client))
    if torch.cuda.is_available():
        rows[f"GPU ({torch.cuda.get_device_name()})"] = rate(device="cuda")
    else:
        print("no GPU on this machine: no device row")
    one = rows["1 worker (1 process, 1 thread)"]
    print(f"\n{'where':<42}{'samples/s':>10}{'s/1000':>9}{'vs 1 worker':>13}")
    for where, r in rows.items():
        print(f"{where:<42}{r:>10.2f}{1000 / r:>9.1f}{r / one:>12.2f}x")
    print(f"\nA full RAVE v2 decoder at {v2_cost:g}x v2_small's cost; 16,384 samples decoded and described in 10 "
          "minutes need:")
    for where, per_worker in (("alone, one process", one), ("on the cluster", rows[CLUSTER] / 2)):
        rate = per_worker / v2_cost
        print(f"  at a worker's rate {where} ({rate:.2f} samples/s): {math.ceil(16384 / (600 * rate))} workers")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, help="latent points (default: 4096 for the demo, 256 for --rave)")
    p.add_argument("--rave", metavar="GEN.ts", help="a RAVE export to time instead of the demo build")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--v2-cost", type=float, default=4.0,
                   help="a full RAVE v2 decoder's cost per second of audio against v2_small's (measured here: ~4)")
    args = p.parse_args()
    if args.rave:
        rave_rows(args.rave, args.samples or 256, args.batch_size, args.v2_cost)
    else:
        demo_rows(args.samples or 4096)


if __name__ == "__main__":
    main()
