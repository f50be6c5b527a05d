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


def command(patch: Path, sr: int = SR, batch: bool = False, path: Path = EXTERNAL) -> list:
    """A headless Pd on `patch` with the external at `path`: `batch` as fast as it computes
    (offline), otherwise paced by the clock as if a sound card were there (-nosound), so
    that threads, loads and underruns happen as they would live."""
    return ["pd", "-nogui", "-nomidi", "-nosound", *(["-batch"] if batch else []), "-r", str(sr),
            "-path", str(path), "-open", str(patch)]


def run(patch: Path, timeout: float = 300, sr: int = SR, batch: bool = True) -> subprocess.CompletedProcess:
    """Pd on `patch` until it sends `pd quit` (see `command`)."""
    return subprocess.run(command(patch, sr, batch), capture_output=True, text=True, timeout=timeout)


def recording_patch(path: Path, arguments: str, wav, seconds: float, sr: int = SR, message: str = None,
                    ramp: str = None) -> Path:
    """loadbang: `message` to [semantic~ ARGUMENTS @thread 0], DSP on, a line~ `ramp` (if
    any) into its left inlet, and its first outlet recorded into an array (synchronous,
    unlike writesf~, whose disk thread lags behind -batch); after `seconds` the array is
    written as a float WAV and Pd quits. @thread 0: -batch runs faster than real time, so
    the audio callback loads the bundle and computes each buffer itself."""
    objects = [("obj", "loadbang"), ("obj", "t b b b"), ("obj", f"table rec {int(seconds * sr)}"),
               ("obj", f"semantic~ {arguments} @thread 0"), ("obj", "tabwrite~ rec"),
               ("obj", f"delay {int(seconds * 1000)}"), ("obj", "t b b"), ("msg", f"write -bytes 4 {symbol(wav)} rec"),
               ("obj", "soundfiler"), ("msg", "\\; pd quit"), ("msg", "\\; pd dsp 1")]
    connections = [(0, 0, 1, 0), (1, 1, 10, 0), (1, 1, 4, 0), (3, 0, 4, 0), (1, 0, 5, 0), (5, 0, 6, 0),
                   (6, 1, 7, 0), (7, 0, 8, 0), (6, 0, 9, 0)]
    if message:
        objects.append(("msg", message))
        connections += [(1, 2, len(objects) - 1, 0), (len(objects) - 1, 0, 3, 0)]
    if ramp:
        objects += [("msg", ramp), ("obj", "line~")]
        connections += [(1, 0, len(objects) - 2, 0), (len(objects) - 2, 0, len(objects) - 1, 0),
                        (len(objects) - 1, 0, 3, 0)]
    return write_patch(path, objects, connections)


def sweep_patch(path: Path, bundle, wav, seconds: float, descriptor: str = "brightness", buffer: int = 2048):
    """A sweep of one descriptor's target from 0.05 to 0.95 over `seconds`, recorded."""
    return recording_patch(path, f"{symbol(bundle)} @descriptors {descriptor} @buffer {buffer}", wav, seconds,
                           ramp=f"0.05 \\, 0.95 {int(seconds * 1000)}")


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
