"""Peak memory of `python -m engine.describe` against the length of the file.

Writes a stereo 44.1 kHz noise-and-tone file of each length (so mixing and resampling
are in the path), runs the command in a fresh process and reads its peak RSS, and the
same for an import-only process (torch's baseline). `--python`/`--root` run another
checkout's describe for a before/after in one run.

    .venv/bin/python bench/describe_memory.py --minutes 1 10 60
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]


def peak_mb(cmd, cwd):
    """Peak RSS of one child process in MB, and its wall time."""
    t = time.perf_counter()
    pid = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    if status:
        raise SystemExit(f"{cmd} failed with status {status}")
    return usage.ru_maxrss / 1024, time.perf_counter() - t


def write(path, minutes, sr=44100):
    rng = np.random.default_rng(0)
    with sf.SoundFile(str(path), "w", sr, 2, "PCM_16") as f:
        for k in range(int(minutes * 60)):
            t = (np.arange(sr) + k * sr) / sr
            tone = 0.2 * np.sin(2 * np.pi * (220 + 20 * (k % 10)) * t)
            f.write(np.stack([tone + 0.02 * rng.standard_normal(sr), tone], 1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, nargs="+", default=[1, 10, 60])
    p.add_argument("--root", type=Path, action="append", default=[],
                   help="also run the describe of this checkout (e.g. a git worktree of an older commit)")
    args = p.parse_args()
    roots = [ROOT, *args.root]
    base, _ = peak_mb([sys.executable, "-c", "import torch, engine.descriptors, soundfile, scipy.signal"], ROOT)
    print(f"import only: {base:.0f} MB peak RSS")
    print(f"{'minutes':>8} {'checkout':<30} {'peak MB':>8} {'over import':>12} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in args.minutes:
            path = Path(tmp) / f"{minutes:g}min.wav"
            write(path, minutes)
            for root in roots:
                mb, seconds = peak_mb([sys.executable, "-m", "engine.describe", str(path), "--json"], root)
                print(f"{minutes:>8g} {str(root):<30} {mb:>8.0f} {mb - base:>12.0f} {seconds:>8.1f}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
