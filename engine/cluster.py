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
import os
import tempfile
import time
from pathlib import Path

from .generator import sha256

GONE_SECONDS = 30.0  # no worker for this long: the build stops, its finished batches kept
CONNECT_SECONDS = 10.0
_SHIPPED = {}  # (client id, generator SHA-256) -> future of the generator's bytes on the workers


class ClusterError(RuntimeError):
    pass


def connect(address: str, timeout: float = None):
    """A client of the scheduler at `address` that has at least one worker."""
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
    return client


def workers(client) -> int:
    return len(client.scheduler_info(n_workers=-1)["workers"])


def _shipped(client, generator):
    """The generator's bytes on every worker, scattered once per build (render is called
    for the sampled points and again for each check); again only if the workers lost them."""
    key = (client.id, generator.sha256)
    if key not in _SHIPPED or _SHIPPED[key].status != "finished":
        _SHIPPED[key] = client.scatter(Path(generator.path).read_bytes(), broadcast=True, hash=False)
    return _SHIPPED[key]


def _local_copy(blob: bytes, sha: str) -> str:
    """The generator's bytes as a file on this worker, written once (atomically) per SHA."""
    path = Path(tempfile.gettempdir()) / "semantic-generators" / f"{sha}.ts"
    if not path.exists() or sha256(path) != sha:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_bytes(blob)
        os.replace(part, path)
    return str(path)


def _remote_batch(blob: bytes, sha: str, *args):
    from .dataset import _describe_batch
    return _describe_batch(_local_copy(blob, sha), sha, *args)


def run_batches(client, generator, arguments: list):
    """Yields (index, values) of `_describe_batch` for each argument tuple (everything after
    the generator's path and SHA), as workers finish them. Raises ClusterError when a
    batch fails for the cluster's sake (its worker died too often) or no worker is left."""
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker
    address = client.scheduler.address
    blob = _shipped(client, generator)
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
                    why = "no worker is left" if not workers(client) else str(e).splitlines()[0]
                    raise ClusterError(f"the cluster at {address} stopped the build: {why} "
                                       f"({len(pending)} batch(es) left)") from None
            if done or workers(client):
                alone_since = None
            elif alone_since is None:
                alone_since = time.time()
            elif time.time() - alone_since > GONE_SECONDS:
                raise ClusterError(f"the cluster at {address} stopped the build: no worker is left "
                                   f"(none for {GONE_SECONDS:g} s; {len(pending)} batch(es) left)")
    finally:
        client.cancel(list(pending))
