"""f0 against the demo synths' own pitch: the synth knows the f0 it plays (its first
parameter), so every random sound is a labelled test case, beating and noise included.
Plain YIN (the subharmonic check off) and the shipped f0, in one run.

    .venv/bin/python bench/f0_against_synth.py [--samples 2048]
"""
import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch

from engine import demo
from engine.dataset import render
from engine.descriptors import pitch
from engine.generator import Generator
from engine.sampling import LatentSampler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=2048)
    args = p.parse_args()
    shipped = pitch.SUBHARMONIC
    print(f"{'synth':<9}{'f0':<22}{'octave errors':>14}{'r(log f0)':>11}{'median cents':>14}")
    for name in ("synth_a", "synth_b"):
        with tempfile.TemporaryDirectory() as tmp:
            gen = Generator.load(demo.export(name, Path(tmp) / f"{name}.ts"))
            z = LatentSampler(seed=0).fit(gen).sample(args.samples)
            with torch.no_grad():
                params = demo.DEMOS[name]().mix(torch.as_tensor(z, dtype=torch.float32)[:, :, None])[:, :, 0].numpy()
            true = 55.0 * 2 ** (4 * params[:, 0])  # HarmonicNoiseSynth._harmonic_freqs
            for label, threshold in (("plain YIN", 0.0), ("shipped", shipped)):
                pitch.SUBHARMONIC = threshold  # 0: no dip is deep enough, the check never fires
                measured = render(gen, z, ["f0"], seed=0, jobs=1)[:, 0]  # one process: the setting holds
                octaves = np.log2(measured / true)
                print(f"{name:<9}{label:<22}{int((np.abs(octaves) > 0.5).sum()):>8} of {len(z):<5}"
                      f"{np.corrcoef(np.log(measured), np.log(true))[0, 1]:>10.4f}"
                      f"{np.median(np.abs(octaves)) * 1200:>14.1f}")
    pitch.SUBHARMONIC = shipped


if __name__ == "__main__":
    main()
