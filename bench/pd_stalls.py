"""Does anything [semantic~] does stall Pd's own thread (which computes the audio)?

    .venv/bin/python bench/pd_stalls.py BUNDLE_A BUNDLE_B [--external DIR ...] [--runs 3]

In a real-time headless Pd (-nosound) at 48 kHz, one threaded [semantic~ BUNDLE_A] plays
from 1 s; at 3 s a second [semantic~ BUNDLE_B] is created; at 5.5 s the first object is
sent `load BUNDLE_A` and at once `load BUNDLE_B` (a load while another runs); at 8 s it
quits. A [metro 5] timed by [realtime] measures how late Pd's thread runs: the longest
gap between ticks in each phase (5 ms when nothing stalls) is the stall. Underruns of the
playing object come from `info` at the end. With several --external folders (e.g. one
built from an older commit, with PYTHONPATH pointing at its engine), each is measured in
turn, `--runs` times, for a before/after in one run.
"""
import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.pd import EXTERNAL, command, symbol, write_patch  # noqa: E402

PHASES = ("playing", "creating a second object", "two loads in a row", "after")


def stall_patch(path: Path, a: Path, b: Path) -> Path:
    A, B = symbol(a), symbol(b)
    objects = [("obj", f"semantic~ {A} @descriptors brightness"), ("obj", "loadbang"),          # 0 1
               ("obj", "delay 1000"), ("msg", "\\; pd dsp 1"), ("obj", "t b b"),             # 2 3 4
               ("obj", "metro 5"), ("obj", "t b b"), ("obj", "realtime"), ("obj", "print gap"),  # 5 6 7 8
               ("obj", "delay 3000"), ("msg", f"\\; pd-{path.name} obj 10 400 semantic~ {B}"),  # 9 10
               ("obj", "delay 5500"), ("msg", f"load {A}"), ("msg", f"load {B}"),            # 11 12 13
               ("obj", "delay 7500"), ("msg", "info"), ("obj", "print said"),                # 14 15 16
               ("obj", "delay 8000"), ("msg", "\\; pd quit"), ("obj", "print phase"),        # 17 18 19
               ("msg", "1"), ("msg", "2"), ("msg", "3")]                                     # 20 21 22
    c = [(1, 0, 2, 0), (2, 0, 3, 0), (2, 0, 4, 0), (4, 1, 7, 0), (4, 0, 5, 0), (5, 0, 6, 0), (6, 1, 7, 1),
         (6, 0, 7, 0), (7, 0, 8, 0), (1, 0, 9, 0), (9, 0, 20, 0), (20, 0, 19, 0), (9, 0, 10, 0),
         (1, 0, 11, 0), (11, 0, 21, 0), (21, 0, 19, 0), (11, 0, 12, 0), (11, 0, 13, 0), (12, 0, 0, 0),
         (13, 0, 0, 0), (1, 0, 14, 0), (14, 0, 22, 0), (22, 0, 19, 0), (14, 0, 15, 0), (15, 0, 0, 0),
         (0, 10, 16, 0), (1, 0, 17, 0), (17, 0, 18, 0)]
    return write_patch(path, objects, c)


def measure(external: Path, a: Path, b: Path, tmp: Path):
    """(longest gap in ms per phase, underruns of the playing object) of one Pd run."""
    cmd = command(stall_patch(tmp / "stalls.pd", a, b), path=external)
    err = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stderr
    worst, phase = [0.0] * len(PHASES), 0
    for line in err.splitlines():
        if line.startswith("phase:"):
            phase = int(float(line.split(":")[1]))
        elif line.startswith("gap:"):
            worst[phase] = max(worst[phase], float(line.split(":")[1]))
    underruns = re.findall(r"underruns\\? (\d+)", err)
    return worst, (underruns[-1] if underruns else "?")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--external", action="append", help="a folder with semantic~.pd_linux (default: dist/pd/semantic~)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    tmp = ROOT / "out" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    externals = [Path(e) for e in args.external or [EXTERNAL]]
    print("longest gap of Pd's thread in ms (5 = no stall) per phase: " + " | ".join(PHASES) + "; underruns")
    for run in range(args.runs):
        for external in externals:
            worst, underruns = measure(external, Path(args.a).absolute(), Path(args.b).absolute(), tmp)
            print(f"{external} ({os.environ.get('PYTHONPATH', 'engine of this checkout')}), run {run + 1}: "
                  + " | ".join(f"{w:.0f}" for w in worst) + f"; underruns {underruns}")


if __name__ == "__main__":
    main()
