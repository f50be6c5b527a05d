"""A RAVE-architecture generator for the benchmarks: acids-rave 2.3.1's v2_small trained
briefly here by RAVE's own training step on a synthetic corpus, exported with `rave
export` both streaming and not. Nothing of it is committed; it lives in a cache folder.

    .venv/bin/python bench/rave_fixture.py [--cache bench/.cache/rave] [--steps 1200]

prints the two exports' paths (CACHE/export/rave_streaming.ts, CACHE/export/rave.ts).
Each stage is skipped when its output is there: the venv, the corpus, the run, the exports.

acids-rave pins an old scipy, pytorch-lightning 1.9 and a CUDA torchaudio, so it gets a
venv of its own beside torch 2.13.0 (see `venv`). The training itself is
bench/rave_fixture_train.py, run in that venv.
"""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from engine.demo.synth import HarmonicNoiseSynth  # noqa: E402

SR = 44100  # v2_small's rate (v1.gin)
TORCH = "torch==2.13.0"
# Installed with --no-deps: each would replace torch (or pull a CUDA build) through its pins.
NO_DEPS = ["acids-rave==2.3.1", "cached-conv==2.5.0", "nn-tilde==1.5.6", "pytorch-lightning==1.9.0",
           "torchaudio==2.11.1", "torchmetrics==1.9.0", "lightning-utilities==0.15.3"]
# What those need, none of which asks for torch. scipy 1.10 is acids-rave's own pin (its
# PQMF calls APIs later releases removed), hence numpy < 2; setuptools < 81 still has the
# pkg_resources that lightning-fabric imports.
FIRST = ["numpy<2", "scipy==1.10.0"]  # installed with torch, first, so numpy 2 never enters this venv
DEPS = [*FIRST, "gin-config", "einops", "absl-py", "GPUtil", "udls", "lmdb", "fsspec",
        "pyyaml", "tqdm", "scikit-learn", "librosa", "tensorboard", "packaging", "setuptools<81", "soundfile"]


def run(*command, **kw):
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(c) for c in command], check=True, **kw)


def venv(folder: Path) -> Path:
    """RAVE's venv. torchaudio's compiled extension is built against another torch and fails
    to load beside 2.13.0; RAVE uses only its pure-Python spectrogram transforms, which
    torchaudio serves without the extension, so the extension files are removed."""
    python = folder / "bin" / "python"
    stamp = folder / ".installed"
    if stamp.exists():
        return python
    run("python3.11", "-m", "venv", folder)
    pip = [python, "-m", "pip", "install", "-q"]
    run(*pip, TORCH, *FIRST)
    run(*pip, "--no-deps", *NO_DEPS)
    run(*pip, *DEPS, TORCH)  # torch named again so that nothing can move it
    for extension in (folder / "lib").glob("python3*/site-packages/torchaudio/lib/*.so"):
        extension.unlink()
    run(python, "-c", "import torch, rave; assert torch.__version__.startswith('2.13.0'), torch.__version__")
    stamp.touch()
    return python


def corpus(path: Path, minutes: float = 6.0, seconds: float = 8.0, seed: int = 0) -> Path:
    """Synthetic training audio at 44.1 kHz: the demo generator (harmonic + noise) played along
    smooth random latent paths (a new point every 0.5 s, interpolated), so that pitch,
    brightness, noisiness and level all move, in clips of `seconds`."""
    if path.exists():
        return path
    synth = HarmonicNoiseSynth(seed=3, sr=SR, hop=512)
    g = torch.Generator().manual_seed(seed)
    frames = int(seconds * SR) // synth.hop
    step = int(0.5 * SR) // synth.hop
    clips = []
    for _ in tqdm(range(int(minutes * 60 / seconds)), desc="corpus", unit="clip"):
        points = torch.randn(synth.latent_size, frames // step + 2, generator=g)
        z = torch.nn.functional.interpolate(points[None], size=frames, mode="linear", align_corners=False)
        with torch.inference_mode():
            clips.append(synth.decode(z)[0, 0].numpy())
    audio = np.concatenate(clips).astype(np.float32)
    np.save(path.with_suffix(".partial.npy"), audio)
    path.with_suffix(".partial.npy").rename(path)
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache" / "rave")
    p.add_argument("--steps", type=int, default=1200, help="training steps (batches of 8 x 32768 samples)")
    p.add_argument("--minutes", type=float, default=6.0, help="length of the synthetic corpus")
    p.add_argument("--fidelity", type=float, default=0.999,
                   help="share of the latent variance the export keeps: rave export's own 0.95 keeps one "
                        "dimension of this briefly trained model (its first PCA axis holds 0.989), 0.999 keeps 8")
    args = p.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    python = venv(args.cache / "venv")
    data = corpus(args.cache / "corpus.npy", args.minutes)
    run_folder = args.cache / "run"
    if not (run_folder / "last.ckpt").exists():
        run(python, ROOT / "bench" / "rave_fixture_train.py", data, run_folder, "--steps", args.steps)
    exports = args.cache / "export"
    for streaming, name in ((True, "rave_streaming.ts"), (False, "rave.ts")):
        if not (exports / name).exists():  # `rave export` appends _streaming itself
            run(python.parent / "rave", "export", "--run", run_folder, "--output", exports, "--name", "rave",
                "--fidelity", args.fidelity, *(["--streaming"] if streaming else []), cwd=args.cache)
    for name in ("rave_streaming.ts", "rave.ts"):
        print(exports / name)


if __name__ == "__main__":
    main()
