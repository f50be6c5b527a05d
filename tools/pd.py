"""Headless Pure Data runs of [semantic~]: write a patch, run `pd -batch`, read the result.

    python -m tools.pd sweep BUNDLE OUT.wav [--descriptor brightness] [--seconds 8]

renders a sweep of one descriptor target from 0.05 to 0.95 through [semantic~] in a
real Pd (the same path the tests check) and writes the output as a float WAV.
"""
import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT / "dist" / "pd" / "semantic~"
SR = 48000


def symbol(text) -> str:
    """`text` as one Pd symbol in a patch file (a path may hold spaces, commas, semicolons)."""
    return "".join("\\" + c if c in " ,;" else c for c in str(text))


def write_patch(path: Path, objects, connections) -> Path:
    lines = ["#N canvas 0 0 600 400 12;"]
    lines += [f"#X {kind} 10 {20 + 25 * i} {text};" for i, (kind, text) in enumerate(objects)]
    lines += [f"#X connect {a} {b} {c} {d};" for a, b, c, d in connections]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(patch: Path, timeout: float = 300, sr: int = SR, batch: bool = True) -> subprocess.CompletedProcess:
    """Pd on `patch` until it sends `pd quit`: `batch` as fast as it computes (offline),
    otherwise paced by the clock as if a sound card were there (-nosound), so that
    threads, loads and underruns happen as they would live."""
    cmd = ["pd", "-nogui", "-nomidi", "-nosound", *(["-batch"] if batch else []), "-r", str(sr),
           "-path", str(EXTERNAL), "-open", str(patch)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def sweep_patch(path: Path, bundle, wav, seconds: float, descriptor: str = "brightness", buffer: int = 2048):
    """loadbang: dsp on, start a line~ sweep into [semantic~] and record its output into an
    array (synchronous, unlike writesf~, whose disk thread lags behind -batch); at the
    end write the array as a float WAV and quit. @thread 0: -batch runs faster than real
    time, so the audio callback computes each buffer itself."""
    n = int(seconds * SR)
    objects = [("obj", "loadbang"), ("obj", "t b b b"), ("obj", f"table sweep {n}"),
               ("msg", f"0.05 \\, 0.95 {int(seconds * 1000)}"), ("obj", "line~"),
               ("obj", f"semantic~ {symbol(bundle)} @descriptors {descriptor} @buffer {buffer} @thread 0"),
               ("obj", "tabwrite~ sweep"), ("obj", f"delay {int(seconds * 1000)}"),
               ("msg", f"write -bytes 4 {symbol(wav)} sweep"), ("obj", "soundfiler"), ("msg", "\\; pd quit"),
               ("msg", "\\; pd dsp 1"), ("obj", "t b b")]
    connections = [(0, 0, 1, 0), (1, 2, 11, 0), (1, 1, 6, 0), (1, 0, 3, 0), (3, 0, 4, 0), (4, 0, 5, 0),
                   (5, 0, 6, 0), (1, 0, 7, 0), (7, 0, 12, 0), (12, 1, 8, 0), (8, 0, 9, 0), (12, 0, 10, 0)]
    return write_patch(path, objects, connections)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.pd")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="render a descriptor sweep through [semantic~] in Pd")
    s.add_argument("bundle")
    s.add_argument("out")
    s.add_argument("--descriptor", default="brightness")
    s.add_argument("--seconds", type=float, default=8.0)
    args = p.parse_args(argv)
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    patch = sweep_patch(out.with_suffix(".pd"), Path(args.bundle).resolve(), out, args.seconds, args.descriptor)
    result = run(patch)
    patch.unlink()
    if result.returncode != 0 or not out.exists():
        print(result.stderr, file=sys.stderr)
        sys.exit(f"Pd failed to render the sweep (exit {result.returncode})")
    print(f"{args.descriptor} sweep through [semantic~] in Pd written to {out}")


if __name__ == "__main__":
    main()
