"""Build seconds per 1,000 samples on the demo generator, serial vs parallel decoding.

    .venv/bin/python bench/build_speed.py [--samples 4096]

Runs `engine.build` with --jobs 1 and --jobs <cores> in one process, one after the other,
and prints the time of each stage and the speed-up of parallel decoding.
"""
import argparse
import os
import tempfile
from pathlib import Path

from engine.build import build, parse_args


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=4096)
    args = p.parse_args()
    cores = os.cpu_count() or 1
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in sorted({1, cores}):
            out = Path(tmp) / f"jobs{jobs}.semantic"
            rows[jobs] = build(parse_args(["--out", str(out), "--samples", str(args.samples), "--jobs", str(jobs)]))
    print(f"\n{'jobs':>5}{'total s':>10}{'s/1000':>9}{'decode+describe':>17}{'fit':>8}{'checks':>9}")
    for jobs, m in rows.items():
        s = m["seconds"]
        print(f"{jobs:>5}{m['build_seconds']:>10.1f}{m['build_seconds_per_1000']:>9.1f}"
              f"{s['decode_describe']:>17.1f}{s['fit']:>8.1f}{s['checks']:>9.1f}")
    if len(rows) > 1:
        a, b = rows[1]["seconds"]["decode_describe"], rows[cores]["seconds"]["decode_describe"]
        print(f"decode+describe speed-up with {cores} jobs: {a / b:.2f}x")


if __name__ == "__main__":
    main()
