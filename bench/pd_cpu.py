"""[semantic~] in a real headless Pd: CPU cost, real-time capacity, latency, rate conversion.

    .venv/bin/python bench/pd_cpu.py [BUNDLE] [--seconds 10] [--buffer 4096] [--nn-tilde DIR]
                                     [--repeat 1] [--instances [N ...]]

All in one run, on this machine, every Pd threaded with the real-time scheduler
(-nosound) and the same buffer:
- CPU seconds per audio second of Pd running [semantic~], minus an empty Pd's own cost
  at the same rate: in a Pd at the bundle's own rate (no conversion) and, when the
  bundle's rate is not 48 kHz, in a 48 kHz Pd (the core converts with soxr, so the
  generator plays at its true pitch), with the ratio conversion / no conversion;
- the underruns and the latency added (from `info`), and the real-time factor;
- the generator's decode alone in Python on the same audio length and buffer (one thread);
- with --nn-tilde DIR (a folder holding a stock nn~.pd_linux built locally from
  acids-ircam/nn_tilde, never part of this repository): stock nn~ playing the same
  generator with the same buffer in the same Pds, and the ratios [semantic~] / nn~.
  nn~ hands the host's rate to the model and never resamples: in a 48 kHz Pd a 44.1 kHz
  generator plays 48000/44100 = 1.088 times too fast (+8.8 %, detuned);
- how many instances play on one core (taskset, 48 kHz Pd) without underruns
  (`--instances` with no values skips this);
--repeat N measures each row N times, interleaved, to show the noise.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.pd import EXTERNAL, SR, command, write_patch  # noqa: E402

from engine import bundle as bundle_mod  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    """user + system CPU of a process and all its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pd_cpu(patch: Path, seconds: float, core: str = None, path: Path = EXTERNAL, ready: str = "semantic~: loaded",
           sr: int = SR, count: int = 1):
    """CPU seconds per audio second of a real-time Pd at `sr` Hz running `patch`, measured
    over `seconds` once the patch is ready (its stderr printed `ready` `count` times:
    loading torch and the bundles is not counted; "" for no wait), and Pd's stderr."""
    cmd = command(patch, sr, path=path) + ["-send", "pd dsp 1"]
    if core is not None:
        cmd = ["taskset", "-c", core] + cmd
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()
    deadline = time.time() + 120
    while ready and sum(ready in line for line in lines) < count and time.time() < deadline and proc.poll() is None:
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


def underruns(err: str, n: int = 1):
    """each of n instances' underruns from its last `info`: since DSP went on, and since
    the first `info` after every bundle loaded (the loader runs while DSP is on)."""
    lines = [line for line in err.splitlines() if "underruns" in line or "semantic~: loaded" in line]
    loaded = [i for i, line in enumerate(lines) if "semantic~: loaded" in line][-1:]
    counts = [int(u) for u in re.findall(r"underruns (\d+)", "\n".join(lines))]
    after = [int(u) for u in re.findall(r"underruns (\d+)", "\n".join(lines[loaded[0] + 1:]))] if loaded else []
    if len(counts) < n or len(after) < n:
        return ["?"] * n, ["?"] * n
    return counts[-n:], [last - first for first, last in zip(after[:n], after[-n:])]


def info(err: str):
    """underruns (since DSP on, after loading) and latency (host samples) from the last
    `info`, and error lines."""
    latency = re.findall(r"latency (\d+) (?:host )?samples", err)
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    total, after = underruns(err)
    return f"{total[0]} since DSP on, {after[0]} after loading", (latency[-1] if latency else "?"), errors


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


def measure(rows: dict, rates, repeat: int, seconds: float, tmp: Path):
    """each row (name -> (patch, host rate, more pd_cpu arguments)) measured `repeat`
    times, interleaved, minus an empty Pd at the same rate measured just before.
    Returns name -> [CPU s per audio s], with "empty RATE" rows too, and each row's
    last stderr."""
    empty_patch = write_patch(tmp / "empty.pd", [("obj", "osc~ 0.2")], [])
    cpu = {name: [] for name in [f"empty {sr}" for sr in rates] + list(rows)}
    errs = {}
    for _ in range(repeat):
        empty = {sr: pd_cpu(empty_patch, seconds, ready="", sr=sr)[0] for sr in rates}
        for sr in rates:
            cpu[f"empty {sr}"].append(empty[sr])
        for name, (patch, sr, kw) in rows.items():
            load, errs[name] = pd_cpu(patch, seconds, sr=sr, **kw)
            cpu[name].append(load - empty[sr])
    return cpu, errs


def mean(values) -> float:
    return sum(values) / len(values)


def show(values) -> str:
    spread = f" ({', '.join(f'{v:.3f}' for v in values)})" if len(values) > 1 else ""
    return f"{mean(values):.3f} CPU s per audio s{spread}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bundle", nargs="?", default=str(ROOT / "out" / "demo.semantic"))
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--buffer", type=int, default=4096)
    p.add_argument("--nn-tilde", help="folder with a locally built stock nn~.pd_linux")
    p.add_argument("--repeat", type=int, default=1, help="measure each row this many times, interleaved")
    p.add_argument("--instances", type=int, nargs="*", default=[1, 2, 4, 6, 8, 12, 16])
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="pd_cpu_") as tmp:
        run(args, Path(tmp))


def run(args, tmp: Path):
    b = bundle_mod.load(args.bundle)
    own = int(b.manifest["sr"])
    rates = [own] if own == SR else [own, SR]
    one = instances_patch(tmp / "one.pd", args.bundle, 1, args.buffer)
    nn = nn_tilde_patch(tmp / "nn.pd", b.generator_path().resolve(), b.manifest["latent_size"], args.buffer)
    rows = {}
    for sr in rates:  # each [semantic~] row next to its nn~ row
        rows[f"ours {sr}"] = (one, sr, {})
        if args.nn_tilde:  # nn~ posts "dimensions changed" once its model is loaded
            rows[f"nn {sr}"] = (nn, sr, {"path": Path(args.nn_tilde), "ready": "nn~: dimensions"})
    got, errs = measure(rows, rates, args.repeat, args.seconds, tmp)
    cpu = {name: mean(values) for name, values in got.items()}

    print(f"bundle {args.bundle}: generator at {own} Hz; buffer {args.buffer}, {args.seconds:.0f} s of audio "
          f"per measurement, {args.repeat} repeat(s), all rows from this run")
    for sr in rates:
        print(f"empty Pd at {sr} Hz: {show(got[f'empty {sr}'])}")
    if own == SR:
        print(f"the bundle's rate is the host's {SR} Hz: no conversion")
    for sr in rates:
        under, latency, errors = info(errs[f"ours {sr}"])
        what = "no conversion" if sr == own else f"soxr conversion {own} <-> {sr} Hz"
        print(f"[semantic~] (surrogate + generator, threaded) in a {sr} Hz Pd, {what}: {show(got[f'ours {sr}'])} "
              f"(real-time factor {1 / max(cpu[f'ours {sr}'], 1e-9):.1f}); underruns {under}; "
              f"latency added {latency} host samples")
        for line in errors:
            print(f"  Pd stderr: {line}")
    if own != SR:
        print(f"ratio conversion / no conversion: {cpu[f'ours {SR}'] / cpu[f'ours {own}']:.2f}")
    alone = decode_alone(args.bundle, args.seconds, args.buffer)
    print(f"generator decode alone in Python, same buffer, {own} Hz: {alone:.3f} CPU s per audio s")
    print(f"ratio [semantic~] ({own} Hz Pd) / decode alone: {cpu[f'ours {own}'] / alone:.2f}")
    if args.nn_tilde:
        for sr in rates:
            tune = "in tune" if sr == own else f"plays at {sr / own:.3f}x, detuned"
            print(f"stock nn~ (generator only) in a {sr} Hz Pd ({tune}), same buffer: {show(got[f'nn {sr}'])}")
            for line in info(errs[f"nn {sr}"])[2]:
                print(f"  Pd stderr: {line}")
        for sr in rates:
            what = "no conversion" if sr == own else "[semantic~] converting"
            print(f"ratio [semantic~] / stock nn~, {sr} Hz Pd ({what}): {cpu[f'ours {sr}'] / cpu[f'nn {sr}']:.2f}")
    if own != SR:
        ratio = SR / own
        print(f"stock nn~ passes the host rate to the model and never resamples: in a {SR} Hz Pd it plays this "
              f"{own} Hz generator at {SR}/{own} = {ratio:.3f} (+{100 * (ratio - 1):.1f} %, "
              f"{12 * math.log2(ratio):+.2f} semitones, detuned), while [semantic~] converts and plays it at its "
              f"true pitch")
    if not args.instances:
        return
    best = 0
    for n in args.instances:
        load, err = pd_cpu(instances_patch(tmp / f"n{n}.pd", args.bundle, n, args.buffer), 6.0, core="0", count=n)
        total, after = underruns(err, n)
        ok = "?" not in after and max(after) <= 1  # a first late buffer once loaded is allowed
        print(f"{n:>3} instances on one core, {SR} Hz Pd: {load:.2f} CPU s per audio s, underruns after loading "
              f"{after} (since DSP on, loading included: {total})")
        if not ok:
            break
        best = n
    print(f"instances playing in real time on one core: {best}")


if __name__ == "__main__":
    main()
