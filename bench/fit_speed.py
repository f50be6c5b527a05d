"""Seconds of the build's fit stage, network by network, on a bundle's own dataset.

    .venv/bin/python bench/fit_speed.py BUNDLE.semantic

It uses only what every engine since the sound maps has (`Build.from_bundle`,
`MLPRegressor`, `TandemController`, `SoundMap`, at the build's default settings), so an
older checkout times the same work: before and after a change, in one run,

    git worktree add /tmp/before REV
    PYTHONPATH=/tmp/before .venv/bin/python bench/fit_speed.py B.semantic
    PYTHONPATH=. .venv/bin/python bench/fit_speed.py B.semantic
"""
import json
import sys
import tempfile
import time
from pathlib import Path

import engine
from engine.build import Build
from engine.control import TandemController
from engine.maps import SoundMap
from engine.surrogate import MLPRegressor


def main():
    bundle = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        b = Build.from_bundle(bundle, out=str(Path(tmp) / "x.semantic"))
    a = b.settings
    b.fit()  # the splits and the scaler, and the whole stage once as the build runs it
    y, z, train = b.y_, b.latents_, b.idx_train_
    parts = {
        "describer": lambda: MLPRegressor(epochs=a.epochs, seed=a.seed, members=a.ensemble).fit(z[train], y[train]),
        "regression": lambda: MLPRegressor(epochs=a.epochs, seed=a.seed).fit(y[train], z[train]),
        "tandem": lambda: TandemController(steps=a.tandem_steps, seed=a.seed).fit(y[train], z[train],
                                                                                 b.describer_.module_),
        "sound map": lambda: SoundMap(resolution=a.grid_resolution, steps=max(300, 5 * a.epochs), seed=a.seed).fit(
            y, train),
    }
    seconds = {}
    for name, fit in parts.items():
        t = time.perf_counter()
        fit()
        seconds[name] = round(time.perf_counter() - t, 1)
    print(json.dumps({"engine": str(Path(engine.__file__).parent), "samples": len(z), "fit stage": b.timings["fit"],
                      **seconds}))


if __name__ == "__main__":
    main()
