"""Builds on a real Dask distributed cluster: a local `dask scheduler` and `dask worker`
processes, started here as a user would start them (engine/cluster.py)."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from engine import cluster as cluster_mod
from engine.build import main as build_main
from engine.dataset import render
from engine.generator import Generator

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))
NAMES = ["loudness", "brightness", "roughness", "f0"]


class LocalCluster:
    """A scheduler and a group of workers as separate processes; the workers can be killed."""

    def __init__(self, folder: Path, workers: int):
        self.file = folder / "scheduler.json"
        self.log = open(folder / "dask.log", "w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.scheduler = subprocess.Popen([DASK, "scheduler", "--scheduler-file", str(self.file), "--port", "0",
                                           "--dashboard-address", ":0", "--no-show"], stdout=self.log,
                                          stderr=subprocess.STDOUT, env=env, start_new_session=True)
        for _ in range(300):
            if self.file.exists() and json.loads(self.file.read_text() or "{}").get("address"):
                break
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = None
        self.start_workers(workers)

    def start_workers(self, n: int):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.workers = subprocess.Popen([DASK, "worker", self.address, "--nworkers", str(n), "--nthreads", "1",
                                         "--no-dashboard", "--memory-limit", "4GB"], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
        cluster = cluster_mod.connect(self.address, timeout=60)
        cluster.client.wait_for_workers(n, timeout=60)
        cluster.close()

    def kill_workers(self):
        os.killpg(self.workers.pid, signal.SIGKILL)
        self.workers.wait()

    def close(self):
        for p in (self.workers, self.scheduler):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self.log.close()


@pytest.fixture
def local_cluster(tmp_path):
    c = LocalCluster(tmp_path, workers=2)
    yield c
    c.close()


@pytest.fixture(scope="module")
def generator(tmp_path_factory):
    from engine.demo import export
    path = tmp_path_factory.mktemp("generator") / "synth.ts"
    export("synth_a", path)
    return Generator.load(path)


def test_a_two_worker_cluster_gives_the_dataset_one_machine_gives(local_cluster, generator, tmp_path):
    """The same seed on the cluster and on this machine: the same described clips, every
    batch computed once and cached as it arrived."""
    latents = np.random.default_rng(0).standard_normal((80, generator.latent_size)).astype(np.float32)
    client = cluster_mod.connect(local_cluster.address)
    try:
        here = render(generator, latents, NAMES, batch_size=8, seed=3)
        there = render(generator, latents, NAMES, batch_size=8, seed=3, cluster=client, cache=tmp_path / "cache")
        assert render.computed == 10 and len(list((tmp_path / "cache").glob("batch_*.npy"))) == 10
        np.testing.assert_allclose(there, here, rtol=1e-4, atol=1e-5)
        again = render(generator, latents, NAMES, batch_size=8, seed=3, cluster=client, cache=tmp_path / "cache")
        assert render.computed == 0 and np.array_equal(again, there)
        # the generator travelled as bytes: each worker loaded its own copy
        copies = client.client.run(lambda: sorted(p.name for p in (Path(__import__("tempfile").gettempdir())
                                                            / "semantic-generators").glob("*.ts")))
        assert all(f"{generator.sha256}.ts" in names for names in copies.values()) and len(copies) == 2
    finally:
        client.close()


def test_engine_build_on_a_cluster(local_cluster, tmp_path, capsys):
    out = tmp_path / "on cluster.semantic"
    build_main(["--out", str(out), "--quick", "--samples", "50", "--cluster", local_cluster.address])
    data = np.load(out / "dataset.npz")
    assert data["latents"].shape[0] == 50 and np.isfinite(data["descriptors_raw"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "cluster" not in manifest["build"]  # where it ran is not a setting of the bundle


def test_an_unreachable_cluster_is_a_clear_error_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster_mod, "CONNECT_SECONDS", 2.0)
    out = tmp_path / "x.semantic"
    with pytest.raises(SystemExit) as e:
        build_main(["--out", str(out), "--quick", "--cluster", "tcp://127.0.0.1:9"])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert "cannot reach a Dask scheduler at tcp://127.0.0.1:9" in err and "dask scheduler" in err, err
    assert not out.exists() and not out.with_name("x.semantic.partial").exists()


def test_workers_that_die_mid_build_stop_it_and_keep_the_finished_batches(tmp_path, generator, monkeypatch):
    monkeypatch.setattr(cluster_mod, "GONE_SECONDS", 3.0)
    c = LocalCluster(tmp_path, workers=1)
    cache = tmp_path / "cache"
    latents = np.random.default_rng(1).standard_normal((320, generator.latent_size)).astype(np.float32)
    client = cluster_mod.connect(c.address)
    failure = []

    def build():
        try:
            render(generator, latents, NAMES, batch_size=8, seed=0, cluster=client, cache=cache)
        except cluster_mod.ClusterError as e:
            failure.append(str(e))

    try:
        worker = threading.Thread(target=build)
        worker.start()
        while len(list(cache.glob("batch_*.npy"))) < 3 and worker.is_alive():
            time.sleep(0.05)
        c.kill_workers()
        worker.join(120)
        kept = len(list(cache.glob("batch_*.npy")))
        assert failure and "stopped the build: no worker is left" in failure[0], failure
        assert 3 <= kept < 40
        # workers back: the build resumes where it stopped
        c.start_workers(1)
        render(generator, latents, NAMES, batch_size=8, seed=0, cluster=client, cache=cache)
        assert render.computed == 40 - kept
    finally:
        client.close()
        c.close()
