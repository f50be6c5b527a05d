"""[semantic~] in a real headless Pd: CPU cost, real-time capacity, latency.

    .venv/bin/python bench/pd_cpu.py [BUNDLE] [--seconds 10] [--buffer 4096] [--nn-tilde DIR]

All in one run, on this machine:
- CPU seconds per audio second of Pd running [semantic~] (threaded, real-time
  scheduler, -nosound), minus an empty Pd's own cost; and of the generator's decode
  alone in Python on the same audio length and buffer (one thread);
- real-time factor (audio seconds per CPU second);
- how many instances play on one core (taskset) without underruns;
- the latency added (from `info`);
- with --nn-tilde DIR (a folder holding a stock nn~.pd_linux built locally from
  acids-ircam/nn_tilde, never part of this repository): stock nn~ playing the same
  generator with the same buffer in the same headless Pd, and the ratio.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.pd import EXTERNAL, SR, write_patch  # noqa: E402

from engine import bundle as bundle_mod  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    """user + system CPU of a process and all its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pd_cpu(patch: Path, seconds: float, core: str = None, path: Path = EXTERNAL, ready: str = "loaded"):
    """CPU seconds per audio second of a real-time Pd running `patch`, measured over
    `seconds` once the patch is ready (its stderr printed `ready`: loading torch and the
    bundle is not counted), and Pd's stderr."""
    cmd = ["pd", "-nogui", "-nomidi", "-nosound", "-r", str(SR), "-path", str(path), "-open", str(patch),
           "-send", "pd dsp 1"]
    if core is not None:
        cmd = ["taskset", "-c", core] + cmd
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()
    deadline = time.time() + 120
    while not any(ready in line for line in lines) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)  # let every instance load and DSP settle
    t0, c0 = time.time(), _cpu_seconds(proc.pid)
    time.sleep(seconds)
    cpu = (_cpu_seconds(proc.pid) - c0) / (time.time() - t0)
    time.sleep(2.5)  # one more round of `info`
    proc.terminate()
    proc.wait(timeout=60)
    reader.join(timeout=5)
    return cpu, "".join(lines)


def instances_patch(path: Path, bundle, n: int, buffer: int):
    """n instances, each sent `info` every 2 s (underruns, latency)."""
    objs = [("obj", "osc~ 0.2"), ("obj", "*~ 0.4"), ("obj", "+~ 0.5"), ("obj", "loadbang"), ("obj", "metro 2000"),
            ("msg", "info")]
    conns = [(0, 0, 1, 0), (1, 0, 2, 0), (3, 0, 4, 0), (4, 0, 5, 0)]
    for _ in range(n):
        objs.append(("obj", f"semantic~ {bundle} @descriptors brightness @buffer {buffer}"))
        conns += [(2, 0, len(objs) - 1, 0), (5, 0, len(objs) - 1, 0)]
    return write_patch(path, objs, conns)


def nn_tilde_patch(path: Path, generator: Path, latent: int, buffer: int):
    objs = [("obj", "sig~ 0.3"), ("obj", f"nn~ {generator} decode {buffer}")]
    return write_patch(path, objs, [(0, 0, 1, k) for k in range(latent)])


def decode_alone(bundle, seconds: float, buffer: int) -> float:
    b = bundle_mod.load(bundle)
    g = b.load_generator()
    torch.set_num_threads(1)
    frames = buffer // g.hop
    z = torch.randn(1, g.latent_size, frames)
    calls = int(seconds * g.sr / buffer)
    g.module.decode(z)
    t0 = time.process_time()
    with torch.inference_mode():
        for _ in range(calls):
            g.module.decode(z)
    return (time.process_time() - t0) / (calls * buffer / g.sr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bundle", nargs="?", default=str(ROOT / "out" / "demo.semantic"))
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--buffer", type=int, default=4096)
    p.add_argument("--nn-tilde", help="folder with a locally built stock nn~.pd_linux")
    p.add_argument("--instances", type=int, nargs="*", default=[1, 2, 4, 6, 8, 12, 16])
    args = p.parse_args()
    tmp = ROOT / "out" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    empty, _ = pd_cpu(write_patch(tmp / "empty.pd", [("obj", "osc~ 0.2")], []), args.seconds, ready="")
    one, err = pd_cpu(instances_patch(tmp / "one.pd", args.bundle, 1, args.buffer), args.seconds)
    ours = one - empty
    alone = decode_alone(args.bundle, args.seconds, args.buffer)
    latency = re.findall(r"latency (\d+) samples", err)
    underruns = re.findall(r"underruns (\d+)", err)
    print(f"buffer {args.buffer}, {args.seconds:.0f} s of audio, Pd {SR} Hz")
    print(f"empty Pd: {empty:.3f} CPU s per audio s")
    print(f"[semantic~] (surrogate + generator, threaded): {ours:.3f} CPU s per audio s "
          f"(real-time factor {1 / max(ours, 1e-9):.1f}); underruns {underruns[-1] if underruns else '?'}")
    print(f"generator decode alone in Python, same buffer: {alone:.3f} CPU s per audio s")
    print(f"ratio [semantic~] / decode alone: {ours / alone:.2f}")
    print(f"latency added: {latency[-1] if latency else '?'} samples")
    if args.nn_tilde:
        b = bundle_mod.load(args.bundle)
        patch = nn_tilde_patch(tmp / "nn.pd", b.generator_path().resolve(), b.manifest["latent_size"], args.buffer)
        nn, _ = pd_cpu(patch, args.seconds, path=Path(args.nn_tilde), ready="nn~")
        nn -= empty
        print(f"stock nn~ (generator only), same buffer: {nn:.3f} CPU s per audio s")
        print(f"ratio [semantic~] / stock nn~: {ours / nn:.2f}")
    best = 0
    for n in args.instances:
        load, err = pd_cpu(instances_patch(tmp / f"n{n}.pd", args.bundle, n, args.buffer), 6.0, core="0")
        counts = [int(u) for u in re.findall(r"underruns (\d+)", err)][-n:]
        ok = len(counts) == n and max(counts) <= 1  # a first late buffer at start is allowed
        print(f"{n:>3} instances on one core: {load:.2f} CPU s per audio s, underruns {counts}")
        if not ok:
            break
        best = n
    print(f"instances playing in real time on one core: {best}")


if __name__ == "__main__":
    main()
