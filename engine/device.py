"""Where a build computes (`engine.build --device`, docs/architecture.md §8): the torch
device that decodes the generator and fits the networks, checked before any work, and the
decode batch size that keeps it busy, found by a short measured probe.

Describing stays on the CPU whatever the device: the descriptors are cheap beside a real
decoder (about 1 % of a RAVE v2 decode, docs/benchmarks.md) and hold their tables there.
"""
import contextlib
import time

import torch

DEVICES = ("auto", "cpu", "cuda", "mps")
PROBE_SIZES = (4, 8, 16, 32, 64, 128, 256, 512)
PROBE_SECONDS = 1.0  # a probe call slower than this ends the probe: larger batches gain little
GAIN = 1.1  # a larger batch must decode this much faster per clip to be chosen


class DeviceError(ValueError):
    pass


def problem(name: str):
    """What is wrong with a --device value as written, or None (whether this machine has
    it is `resolve`'s question)."""
    kind, _, index = name.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        return f"--device must be one of {', '.join(DEVICES)} (or cuda:N), got {name!r}"
    return None


def resolve(name: str) -> torch.device:
    """The device `name` stands for on this machine; DeviceError when it has none such."""
    wrong = problem(name)
    if wrong:
        raise DeviceError(wrong)
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps() else "cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"--device {name}: this machine has no CUDA device torch can use (torch "
                              f"{torch.__version__}, CUDA {torch.version.cuda or 'not built in'}); "
                              "use --device cpu, or auto to take a GPU only where there is one")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise DeviceError(f"--device {name}: this machine has {count} CUDA device(s), cuda:0..cuda:{count - 1}")
    if device.type == "mps" and not _mps():
        raise DeviceError(f"--device {name}: this machine has no Apple GPU torch can use (MPS); "
                          "use --device cpu, or auto")
    return device


@contextlib.contextmanager
def threads(n: int = None):
    """torch's intra-op threads set to `n` (None: left as they are) for the block, then
    restored."""
    before = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _mps() -> bool:
    return hasattr(torch.backends, "mps") and torch.backends.mps.is_available()


def probe_batch_size(work, device: torch.device, sizes=PROBE_SIZES, seconds: float = PROBE_SECONDS,
                     report=print) -> int:
    """The batch size for `device`: `work(n)` (a batch of n clips decoded and described, as
    the build does it) timed at growing n, after one untimed warm-up call; the largest n
    whose clips per second come within GAIN of the best: each call also costs the build a
    fixed overhead the probe does not see (sending a batch to a worker process, caching
    it). Growing stops when two sizes in a row gain less than GAIN, a call takes longer
    than `seconds`, or the device runs out of memory."""
    def timed(n):
        _sync(device)
        t = time.perf_counter()
        work(n)
        _sync(device)
        return n / (time.perf_counter() - t)

    work(sizes[0])  # first calls pay for TorchScript's optimisation and the device's start-up
    rates = {}
    for n in sizes:
        try:
            rates[n] = timed(n)
        except torch.OutOfMemoryError:
            if not rates:
                raise DeviceError(f"{device} ran out of memory decoding a batch of {n} clips; "
                                  "give a smaller --batch-size or --device cpu") from None
            if device.type == "cuda":
                torch.cuda.empty_cache()
            break
        flat = [m for m in rates if m > min(rates) and rates[m] < GAIN * max(r for k, r in rates.items() if k < m)]
        if n / rates[n] > seconds or flat[-2:] == list(rates)[-2:]:
            break
    best = max(rates.values())
    chosen = max(n for n, r in rates.items() if r * GAIN >= best)
    report(f"batch probe on {device}: " + ", ".join(f"{n}: {r:.0f}" for n, r in rates.items())
           + f" clips/s -> batch size {chosen}")
    return chosen


def _sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()

