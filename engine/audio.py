"""Users' sound files: any format soundfile reads, any rate, any channel count, any length.

Samples are read as pascals (docs/architecture.md §6). Channels are averaged to mono and
other rates converted with soxr HQ, the converter the `[semantic~]` core uses, as a stream:
a file is read block by block, so its length costs time, never memory. What was changed
on the way (mixing, resampling, a truncated file) is said once on stderr.
"""
import re
import sys
from typing import Iterator

import numpy as np
import soundfile as sf
import soxr


def blocks(path, rate: int, seconds: float) -> Iterator[np.ndarray]:
    """Mono float32 blocks at `rate`, each `seconds` long except the last one.
    ValueError, with what was expected, when the file cannot be used."""
    try:
        f = sf.SoundFile(str(path))
    except Exception as e:  # soundfile raises LibsndfileError, RuntimeError or OSError
        raise ValueError(f"cannot read {path} as audio ({e}); expected WAV, FLAC, AIFF or OGG") from None
    with f:
        if f.channels > 1:
            print(f"note: {path} has {f.channels} channels; read as their average (mono mix)", file=sys.stderr)
        stream = None
        if f.samplerate != rate:
            print(f"note: {path} is at {f.samplerate} Hz; resampled to {rate} Hz", file=sys.stderr)
            stream = soxr.ResampleStream(f.samplerate, rate, 1, dtype="float32", quality="HQ")
        size, read = max(1, int(seconds * f.samplerate)), 0
        out_size = max(1, int(round(seconds * rate)))
        pending = np.zeros(0, np.float32)
        while True:
            chunk = f.read(size, dtype="float32", always_2d=True)
            read += len(chunk)
            last = len(chunk) < size
            x = chunk.mean(1, dtype=np.float32)
            if stream is not None:
                x = stream.resample_chunk(x, last=last)
            pending = np.concatenate([pending, x])
            while len(pending) >= out_size:
                yield pending[:out_size]
                pending = pending[out_size:]
            if last:
                break
        if len(pending):
            yield pending
        if read == 0:
            raise ValueError(f"{path} has no samples")
        # libsndfile reads what is there and only logs a header that promises more
        cut = re.search(r"^(?:data|SSND)\s*:\s*(\d+) \(should be (\d+)\)", f.extra_info, re.M)
        if cut:
            print(f"note: {path} is truncated: its header promises {cut[1]} bytes of samples, {cut[2]} are there; "
                  f"described as read ({read} frames)", file=sys.stderr)


def read(path, rate: int) -> np.ndarray:
    """The whole file, mono float32 at `rate` (for files meant to be held at once)."""
    return np.concatenate(list(blocks(path, rate, 60.0)))


def duration(path) -> float:
    """Seconds the file's header promises (0 when it cannot be read: `blocks` says why)."""
    try:
        info = sf.info(str(path))
    except Exception:
        return 0.0
    return info.frames / info.samplerate
