"""RAVE v2_small trained by RAVE's own training step (rave.RAVE under pytorch-lightning, as
`rave train` runs it) on a corpus held in memory instead of RAVE's LMDB, briefly, on the
CPU; one validation pass at the end lets RAVE compute the latent PCA and fidelity that
`rave export` needs. Leaves RUN/config.gin and RUN/last.ckpt as `rave train` would.
Runs in the venv bench/rave_fixture.py makes (acids-rave is not in the project's).

    python bench/rave_fixture_train.py CORPUS.npy RUN [--steps 1200]
"""
import argparse
import os
from pathlib import Path

import gin
import numpy as np
import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, Dataset

import rave

N_SIGNAL = 32768  # samples per example (RAVE's default is 131072: a quarter keeps CPU steps short)
BATCH = 8


class Crops(Dataset):
    """Random N_SIGNAL crops of the corpus, `count` per epoch, the same ones on every run."""

    def __init__(self, audio: np.ndarray, count: int, seed: int):
        self.audio = audio
        self.starts = np.random.default_rng(seed).integers(0, len(audio) - N_SIGNAL, count)

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, i):
        return torch.from_numpy(self.audio[self.starts[i]:self.starts[i] + N_SIGNAL].copy())[None]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("run", type=Path)
    p.add_argument("--steps", type=int, default=1200)
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count())
    gin.add_config_file_search_path(os.path.join(os.path.dirname(rave.__file__), "configs"))
    gin.parse_config_files_and_bindings(["v2_small.gin"], [])
    model = rave.RAVE(n_channels=1)
    audio = np.load(args.corpus)
    train = DataLoader(Crops(audio, args.steps * BATCH, seed=0), BATCH, shuffle=False, drop_last=True)
    valid = DataLoader(Crops(audio, 8 * BATCH, seed=1), BATCH)
    args.run.mkdir(parents=True, exist_ok=True)
    trainer = pl.Trainer(
        accelerator="cpu", max_epochs=1, max_steps=args.steps,
        # RAVE's on_fit_start writes its config to the logger's TensorBoard experiment
        logger=pl.loggers.TensorBoardLogger(str(args.run), name="logs"),
        enable_checkpointing=False, log_every_n_steps=50, num_sanity_val_steps=0)
    trainer.fit(model, train, valid)
    (args.run / "config.gin").write_text(gin.operative_config_str())
    trainer.save_checkpoint(str(args.run / "last.ckpt.partial"))
    os.replace(args.run / "last.ckpt.partial", args.run / "last.ckpt")
    print("fidelity", [round(float(f), 3) for f in model.fidelity[:16]])


if __name__ == "__main__":
    main()
