"""Decoding and describing on a Dask distributed cluster (`engine.build --cluster ADDRESS`,
docs/architecture.md §8): an existing scheduler (`dask scheduler`) and its workers
(`dask worker ADDRESS`) run the batches `engine.dataset.render` would run on this
machine, and each finished batch comes back to the build's resumable cache as it
arrives, so an interrupted build never redoes one.

The generator travels once: its bytes are scattered to every worker, which writes them
to its own temporary folder under their SHA-256 and loads them from there. Workers need
this project's Python environment (`engine` importable, torch 2.13.0); user descriptor
files (--plugin, --classifier) must sit at the same paths on them.
"""
import ctypes
import functools
import os
import tempfile
import time
from pathlib import Path

from .generator import sha256

GONE_SECONDS = 30.0  # no worker for this long: the build stops, its finished batches kept
CONNECT_SECONDS = 10.0
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


class ClusterError(RuntimeError):
    pass


class Cluster:
    """A client of a Dask scheduler with at least one worker (`connect`), and the
    generators this build has scattered to its workers: one build's state, gone with it."""

    def __init__(self, client):
        self.client = client
        self.shipped_ = {}  # generator SHA-256 -> future of its bytes on the workers

    @property
    def address(self) -> str:
        return self.client.scheduler.address

    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def ship(self, generator):
        """The generator's bytes on every worker, scattered once per build (render is called
        for the sampled points and again for each check); again only if the workers lost them."""
        future = self.shipped_.get(generator.sha256)
        if future is None or future.status != "finished":
            future = self.shipped_[generator.sha256] = self.client.scatter(
                Path(generator.path).read_bytes(), broadcast=True, hash=False)
        return future

    def close(self):
        self.shipped_.clear()
        self.client.close()


def connect(address: str, timeout: float = None) -> Cluster:
    """The scheduler at `address`, once it has at least one worker."""
    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask's distributed package: pip install -e '.[cluster]'") from None
    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterError(f"cannot reach a Dask scheduler at {address} ({str(e).splitlines()[0]}); start one with "
                           f"`dask scheduler` and workers with `dask worker {address}`, or build without --cluster"
                           ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise ClusterError(f"the Dask scheduler at {address} has no workers after {timeout:g} s; start some with "
                           f"`dask worker {address}`") from None
    return Cluster(client)


def _local_copy(blob: bytes, sha: str) -> str:
    """The generator's bytes as a file on this worker, written once (atomically) per SHA."""
    path = Path(tempfile.gettempdir()) / "semantic-generators" / f"{sha}.ts"
    if not path.exists() or sha256(path) != sha:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_bytes(blob)
        os.replace(part, path)
    return str(path)


@functools.cache
def _roomy_malloc():
    """Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, to hand memory back
    to the OS. In glibc that also fixes the mmap threshold, so every large tensor becomes a
    fresh mapping, page-faulted in and unmapped again: decoding a RAVE export ran 1.55x
    slower (docs/benchmarks.md). Thresholds above a batch's tensors, once per worker."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: not concerned
        return
    libc.mallopt(M_TRIM_THRESHOLD, 1 << 28)
    libc.mallopt(M_MMAP_THRESHOLD, 1 << 25)  # glibc's largest


def _remote_batch(blob: bytes, sha: str, *args):
    from .dataset import _describe_batch
    _roomy_malloc()
    return _describe_batch(_local_copy(blob, sha), sha, *args)


def run_batches(cluster: Cluster, generator, arguments: list):
    """Yields (index, values) of `_describe_batch` for each argument tuple (everything after
    the generator's path and SHA), as workers finish them. Raises ClusterError when a
    batch fails for the cluster's sake (its worker died too often) or no worker is left."""
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker
    client, address = cluster.client, cluster.address
    blob = cluster.ship(generator)
    pending = {client.submit(_remote_batch, blob, generator.sha256, *args, pure=False) for args in arguments}
    alone_since = None
    try:
        while pending:
            done = {f for f in pending if f.done()}
            pending -= done
            if not done:
                time.sleep(0.1)
            for future in done:
                try:
                    yield future.result()
                except (KilledWorker, FutureCancelledError) as e:
                    # with every worker gone, the generator's scattered bytes go too and the
                    # batches waiting on them are cancelled
                    why = "no worker is left" if not cluster.workers() else str(e).splitlines()[0]
                    raise ClusterError(f"the cluster at {address} stopped the build: {why} "
                                       f"({len(pending)} batch(es) left)") from None
            if done or cluster.workers():
                alone_since = None
            elif alone_since is None:
                alone_since = time.time()
            elif time.time() - alone_since > GONE_SECONDS:
                raise ClusterError(f"the cluster at {address} stopped the build: no worker is left "
                                   f"(none for {GONE_SECONDS:g} s; {len(pending)} batch(es) left)")
    finally:
        client.cancel(list(pending))
