"""python -m engine.play BUNDLE TARGETS.json --out FILE.wav: play a timed sequence of
normalised descriptor targets through a bundle's surrogate and generator.

TARGETS.json: {"points": [{"time": 0.0, "targets": {"brightness": 0.2, "loudness": 0.6}},
                          {"time": 4.0, "targets": {"brightness": 0.9}}],
               "duration": 6.0}
Each descriptor's targets are interpolated linearly between the points that name it
and held after its last one; descriptors named by no point are free. The latent is
decoded in one stream, so the generator's state carries as it would in real time.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from . import bundle as bundle_mod


def frame_targets(sequence: dict, names, frames: int, frame_seconds: float):
    """-> targets [frames, D], mask [frames, D] at each latent frame's centre time."""
    points = sorted(sequence.get("points", []), key=lambda p: p["time"])
    unknown = {k for p in points for k in p.get("targets", {})} - set(names)
    if unknown:
        raise ValueError(f"targets name descriptors this bundle does not have: {sorted(unknown)}; it has {names}")
    t = (np.arange(frames) + 0.5) * frame_seconds
    targets = np.zeros((frames, len(names)), np.float32)
    mask = np.zeros_like(targets)
    for j, name in enumerate(names):
        times = [p["time"] for p in points if name in p["targets"]]
        values = [p["targets"][name] for p in points if name in p["targets"]]
        if times:
            targets[:, j] = np.interp(t, times, values)
            mask[:, j] = 1
    return targets, mask


def play(bundle_path, sequence: dict, seconds: float = None, chunk_frames: int = 8):
    """Audio [channels, samples] at the generator's rate, and the latent frames [T, L]."""
    b = bundle_mod.load(bundle_path)
    return play_models(b.load_surrogate(), b.load_generator(), b.descriptor_names, sequence, seconds, chunk_frames)


def play_models(surrogate, generator, names, sequence: dict, seconds: float = None, chunk_frames: int = 8):
    """`play` with a surrogate and generator in hand (the build's, before its bundle exists)."""
    seconds = seconds or sequence.get("duration") or max([p["time"] for p in sequence["points"]] + [1.0])
    frame_seconds = generator.hop / generator.sr
    frames = int(np.ceil(seconds / frame_seconds))
    targets, mask = frame_targets(sequence, names, frames, frame_seconds)
    anchor = np.tile(surrogate.latent_mean.numpy(), (frames, 1))
    x = torch.as_tensor(np.concatenate([targets, mask, anchor], 1).T[None])
    with torch.no_grad():
        z = surrogate.control(x)
    audio = torch.cat([generator.decode(z[..., k:k + chunk_frames]) for k in range(0, frames, chunk_frames)], -1)
    return audio[0].numpy(), z[0].T.numpy(), generator.sr


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m engine.play", description=__doc__.splitlines()[0])
    p.add_argument("bundle")
    p.add_argument("targets", help="JSON file of timed targets")
    p.add_argument("--out", required=True, help="WAV file to write (float, generator's rate)")
    p.add_argument("--seconds", type=float)
    args = p.parse_args(argv)
    try:
        sequence = json.loads(Path(args.targets).read_text())
        audio, _, sr = play(args.bundle, sequence, args.seconds)
    except (ValueError, KeyError, json.JSONDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    sf.write(args.out, audio.T, sr, subtype="FLOAT")
    print(f"{audio.shape[-1] / sr:.1f} s at {sr} Hz written to {args.out}")


if __name__ == "__main__":
    main()
