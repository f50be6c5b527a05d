"""Soak: does [semantic~] hold up, memory flat, over many swaps in a live Pd?

    .venv/bin/python bench/pd_soak.py BUNDLE_A BUNDLE_B [--minutes 10] [--every 2]

A real-time headless Pd (-nosound, 48 kHz) plays two threaded objects; every `--every`
seconds each is sent `load` of the other bundle than it plays (A and B alternate; give
two bundles with different rates or hops to exercise conversion on every swap). Each
second the Pd process's resident memory (RSS) is sampled from /proc; the objects'
`underruns` and `loaded` messages are counted. Prints RSS at the start (after the first
minute, once every allocation has happened once), its range after that and the growth,
the loads done, the underruns and whether Pd was still alive at the end.
"""
import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.pd import command, symbol, write_patch  # noqa: E402


def soak_patch(path: Path, a: Path, b: Path, every_ms: int) -> Path:
    A, B = symbol(a), symbol(b)
    objects = [("obj", f"semantic~ {A} @descriptors brightness"), ("obj", f"semantic~ {B} @descriptors brightness"),
               ("obj", "loadbang"), ("msg", "\\; pd dsp 1"), ("obj", f"metro {every_ms}"), ("obj", "f"),
               ("obj", "+ 1"), ("obj", "mod 2"), ("obj", "sel 0 1"), ("msg", f"load {B}"), ("msg", f"load {A}"),
               ("msg", f"load {A}"), ("msg", f"load {B}"), ("obj", "print a"), ("obj", "print b"),
               ("obj", "osc~ 0.3"), ("obj", "delay 2000")]
    c = [(2, 0, 3, 0), (2, 0, 16, 0), (16, 0, 4, 0), (4, 0, 5, 0), (5, 0, 6, 0), (6, 0, 5, 1), (6, 0, 7, 0),
         (7, 0, 8, 0), (8, 0, 9, 0), (8, 0, 11, 0), (8, 1, 10, 0), (8, 1, 12, 0), (9, 0, 0, 0), (10, 0, 0, 0),
         (11, 0, 1, 0), (12, 0, 1, 0), (0, 10, 13, 0), (1, 10, 14, 0), (15, 0, 0, 0), (15, 0, 1, 0)]
    return write_patch(path, objects, c)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--every", type=float, default=2, help="seconds between loads")
    args = p.parse_args()
    tmp = ROOT / "out" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    patch = soak_patch(tmp / "soak.pd", Path(args.a).absolute(), Path(args.b).absolute(), int(args.every * 1000))
    proc = subprocess.Popen(command(patch), stderr=subprocess.PIPE, text=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True).start()
    samples, t0 = [], time.time()
    while time.time() - t0 < args.minutes * 60 and proc.poll() is None:
        samples.append((time.time() - t0, rss_mb(proc.pid)))
        time.sleep(1)
    alive = proc.poll() is None
    proc.terminate()
    proc.wait(timeout=60)
    err = "".join(lines)
    after = [m for t, m in samples if t >= 60]
    start = after[0] if after else float("nan")
    loads = len(re.findall(r"^[ab]: loaded", err, re.M))
    underruns = {tag: max([int(u) for u in re.findall(rf"^{tag}: underruns (\d+)", err, re.M)] or [0]) for tag in "ab"}
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    print(f"{args.minutes:g} min, a load every {args.every:g} s per object, 2 objects: {loads} loads done; "
          f"Pd {'alive' if alive else 'DIED'} at the end")
    print(f"RSS: {samples[0][1]:.0f} MB at start, {start:.0f} MB after 1 min, {min(after):.0f}-{max(after):.0f} MB "
          f"after that, last {after[-1]:.0f} MB: growth {100 * (after[-1] / start - 1):+.1f} % since 1 min")
    print(f"underruns: a {underruns['a']}, b {underruns['b']} (over {loads} loads); errors: {len(errors)}")
    for line in errors[:5]:
        print("  " + line)


if __name__ == "__main__":
    main()
