"""Turning latent points into described clips: decode in batches, describe, cache.

Each latent point is held for `warmup` + `frames` latent frames; the warm-up is decoded
and discarded so the clip is described free of whatever state the generator carried
from its previous call. Batches run in parallel (joblib), each seeded by its index so a
generator that draws noise gives the same result whichever worker decodes it, and each
finished batch is written to the cache at once: an interrupted run resumes where it
stopped.
"""
import hashlib
import json
import math
import os
import shutil
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch
from joblib import Parallel, delayed
from tqdm.auto import tqdm

from . import descriptors
from .descriptors import custom
from .generator import Generator, GeneratorError
from .cluster import run_batches
from .device import resolve
from .schema import MAX_BATCH

_LOADED = {}  # generator per (path, sha256, device), per process
WARMUP_FRAMES = 2  # frames dropped before a clip when the generator needs no more (see settling_frames)


def clip_frames(generator: Generator, seconds: float) -> int:
    return max(1, math.ceil(seconds * generator.sr / generator.hop))


def settling_frames(generator: Generator, points: int = 16, probe: int = 64, seed: int = 0,
                    tolerance_db: float = 3.0) -> int:
    """Latent frames a freshly loaded generator takes to reach its steady level: the clip's
    warm-up. A streaming export (cached convolutions) starts from silent buffers and ramps
    up over its receptive field (a RAVE v2_small: ~11 frames); described from its second
    frame, a clip's attack is that ramp. Measured on random points held still: the first
    frame after which the level, averaged over the points, stays within `tolerance_db` of
    its second half's; at least WARMUP_FRAMES, at most half the probe."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(points, generator.latent_size, 1, generator=g).expand(-1, -1, probe)
    torch.manual_seed(seed)
    audio = generator.decode(z.contiguous(), fresh=True)
    frames = audio.reshape(audio.shape[0], -1, probe, generator.hop)
    level = 10 * torch.log10(frames.square().mean((0, 1, 3)) + 1e-20)
    off = (level - level[probe // 2:].mean()).abs() > tolerance_db
    late = torch.nonzero(off[:probe // 2]).flatten()
    settled = int(late[-1]) + 1 if len(late) else 0
    return min(max(WARMUP_FRAMES, settled), probe // 2)


def response_delay(generator: Generator, points: int = 32, hold: int = 48, seed: int = 0) -> float:
    """Seconds from a change of latent to the change of the sound: a streaming export's
    causal convolutions answer late (the RAVE v2_small trained here by ~10 frames, 0.11 s),
    which control in time must not count as a miss. Random pairs of points, each decoded
    held `hold` frames then switched to the other. Per frame, the level (dB) and the
    spectral centroid, each as the share of the way from the old point's steady value to
    the new one's; the median of that share over the pairs that clearly differ is the
    step response, and the delay is where it crosses one half (between frame centres: a
    pure delay of n frames gives n, a generator that ramps to the new point within the
    frame half a frame). The mean of the two."""
    g = torch.Generator().manual_seed(seed)
    ends = torch.randn(2, points, generator.latent_size, 1, generator=g)
    z = torch.cat([ends[0].expand(-1, -1, hold), ends[1].expand(-1, -1, hold)], -1)
    torch.manual_seed(seed)
    audio = generator.decode(z.contiguous(), fresh=True).mean(1)
    power = torch.fft.rfft(audio.reshape(points, 2 * hold, generator.hop) * torch.hann_window(generator.hop)).abs().square()
    hz = torch.fft.rfftfreq(generator.hop, 1 / generator.sr)
    total = power.sum(-1) + 1e-20
    delays = []
    for track in (10 * torch.log10(total), (power * hz).sum(-1) / total):
        old, new = track[:, hold // 2:hold].mean(1, keepdim=True), track[:, -(hold // 2):].mean(1, keepdim=True)
        change = (new - old)[:, 0]
        clear = change.abs() > 0.2 * change.abs().median()
        # from the last frame before the switch: share[i]'s frame centre is i - 0.5 frames after it
        share = ((track - old) / (new - old))[clear][:, hold - 1:].median(0).values
        past = torch.nonzero(share[1:] >= 0.5).flatten()
        k = int(past[0]) + 1 if len(past) else hold
        was, now = float(share[k - 1]), float(share[k])
        delays.append(k - 1.5 + (0.5 - was) / max(now - was, 1e-9))
    return max(0.0, float(np.mean(delays))) * generator.hop / generator.sr


def _generator(path: str, sha: str, device: str = "cpu") -> Generator:
    key = (path, sha, device)
    if key not in _LOADED:
        _LOADED[key] = Generator.load(path, check=False).to(resolve(device))
    return _LOADED[key]


def decode_clips(generator: Generator, z: np.ndarray, frames: int, warmup: int, seed: int,
                 chunk_frames: int = None) -> torch.Tensor:
    """Hold each latent point [B, latent] for warmup+frames frames, decoded from the
    generator's as-loaded state (in calls of `chunk_frames`, if given); audio after warm-up."""
    torch.manual_seed(seed)
    zt = torch.as_tensor(z, dtype=torch.float32)[:, :, None].expand(-1, -1, warmup + frames).contiguous()
    return generator.decode(zt, fresh=True, chunk_frames=chunk_frames)[..., warmup * generator.hop:]


def _describe_batch(path, sha, index, z, frames, warmup, names, seed, threads, specs=(), chunk_frames=None,
                    device="cpu"):
    torch.set_num_threads(threads)
    for spec in specs:  # user descriptors, registered again in each worker process
        custom.load(spec)
    gen = _generator(path, sha, device)
    try:
        return index, describe_clips(gen, z, frames, warmup, names, seed + index, chunk_frames)
    except ValueError as e:  # GeneratorError included: say which batch, the others are kept
        raise GeneratorError(f"batch {index} (latent points {index * len(z)}..{(index + 1) * len(z) - 1}): {e}") from None


def describe_clips(generator: Generator, z: np.ndarray, frames: int, warmup: int, names: Sequence[str], seed: int,
                   chunk_frames: int = None) -> np.ndarray:
    """One batch's work: its clips decoded (`decode_clips`), then described on the CPU,
    [B, len(names)]."""
    values = descriptors.describe(decode_clips(generator, z, frames, warmup, seed, chunk_frames), generator.sr, names)
    return np.stack([values[n].numpy() for n in names], 1)


class RenderCache:
    """One .npy per finished batch under `folder`, valid only for the `key` it was made with."""

    def __init__(self, folder, key: dict):
        self.folder = Path(folder)
        self.key = key
        key_file = self.folder / "key.json"
        if self.folder.exists() and (not key_file.exists() or json.loads(key_file.read_text()) != key):
            tqdm.write(f"cache {self.folder} was made for other settings; starting afresh")
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        key_file.write_text(json.dumps(key, indent=1))

    def _file(self, index: int) -> Path:
        return self.folder / f"batch_{index:06d}.npy"

    @staticmethod
    def batch_size(folder, generator: Generator, latents: np.ndarray) -> Optional[int]:
        """The batch size an interrupted render of these latents through this generator left
        its batches in `folder` with (checked: a file is not trusted), or None."""
        try:
            key = json.loads((Path(folder) / "key.json").read_text())
            size = key["batch_size"]
            same = (key["generator_sha256"], key["latents_sha1"]) == (generator.sha256, digest(latents))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return size if same and isinstance(size, int) and 1 <= size <= MAX_BATCH else None

    def get(self, index: int) -> Optional[np.ndarray]:
        f = self._file(index)
        return np.load(f) if f.exists() else None

    def put(self, index: int, values: np.ndarray):
        tmp = self.folder / f".batch_{index:06d}.tmp.npy"
        np.save(tmp, values)
        os.replace(tmp, self._file(index))  # atomic: a batch file is whole or absent


def render(generator: Generator, latents: np.ndarray, names: Sequence[str], seconds: float = 1.0,
           warmup: int = WARMUP_FRAMES, batch_size: int = 16, jobs: int = 1, seed: int = 0, cache=None,
           specs=(), desc: str = "decode+describe", chunk_frames: int = None, cluster=None,
           device: str = "cpu") -> np.ndarray:
    """Describe the clip of every latent point: [n, len(names)] raw descriptor values.

    With `cache` (a folder), finished batches are kept there and reused on the next call
    with the same generator, latents and settings. `render.computed` tells how many
    batches this call decoded (the rest came from the cache). `specs` name user
    descriptors (see engine.descriptors.custom) for the worker processes to load.
    `chunk_frames` decodes in calls of that many frames, as a host plays (Generator.decode).
    `cluster` (engine.cluster.connect's Cluster) runs the batches on its workers
    instead of `jobs` processes here. `device` (a --device name, engine.device) decodes there:
    in one process, whatever `jobs` says, since the device does the parallel work."""
    names = list(names)
    descriptors.get(names)
    n = len(latents)
    frames = clip_frames(generator, seconds)
    n_batches = math.ceil(n / batch_size)
    store = None
    if cache is not None:
        key = {"generator_sha256": generator.sha256, "latents_sha1": digest(latents), "names": names,
               "specs": list(specs), "frames": frames, "warmup": warmup, "batch_size": batch_size, "seed": seed,
               "chunk_frames": chunk_frames}
        store = RenderCache(cache, key)
    results = {}
    todo = []
    for i in range(n_batches):
        cached = store.get(i) if store else None
        if cached is not None:
            results[i] = cached
        else:
            todo.append(i)

    def batch(i):  # pad the last batch so every decode sees the same batch size
        z = latents[i * batch_size:(i + 1) * batch_size]
        pad = batch_size - len(z)
        return np.concatenate([z, np.repeat(z[-1:], pad, 0)]) if pad else z

    if results and todo:
        tqdm.write(f"resuming: {len(results)} of {n_batches} batches found in {store.folder}")
    # a cluster's workers each take `device` as their own machine has it ("auto": a GPU where there is one)
    device = str(device) if cluster is not None else str(resolve(str(device)))
    jobs = 1 if device != "cpu" else max(1, min(jobs, len(todo) or 1))
    threads = 1 if jobs > 1 or cluster is not None else torch.get_num_threads()  # a Dask worker: its own threads
    arguments = ((i, batch(i), frames, warmup, names, seed, threads, tuple(specs), chunk_frames, device)
                 for i in todo)
    where = (str(generator.path), generator.sha256, device)
    with tqdm(total=n_batches, initial=n_batches - len(todo), desc=desc, unit="batch") as bar:
        if cluster is not None:
            stream = run_batches(cluster, generator, list(arguments))
        elif jobs == 1:
            _LOADED[where] = generator.to(device)
            stream = (_describe_batch(*where[:2], *a) for a in arguments)
        else:
            stream = Parallel(n_jobs=jobs, return_as="generator_unordered")(
                delayed(_describe_batch)(*where[:2], *a) for a in arguments)
        for i, values in stream:
            if store:
                store.put(i, values)
            results[i] = values
            bar.update()
    render.computed = len(todo)
    return np.concatenate([results[i] for i in range(n_batches)])[:n]


def digest(a: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest()
