"""[semantic~] in a real Pd as it is played live: generators at other rates and hops play
at their true pitch, the threaded path runs in real time (not -batch) through a swap,
DSP restarts and another object's creation, and host vectors longer than the buffer."""
import re
import shutil

import numpy as np
import pytest
import soundfile as sf
import torch

from engine import bundle as bundle_mod

from tools.pd import recording_patch, run as run_pd, symbol, write_patch

Z = [0.6, -0.4, 0.2, 0.9, -0.7, 0.1, 0.5, -0.3]  # a latent point played in latent mode
# A gap in Pd's own 10 ms clock that counts as a stall. Measured here (-nosound, 2 cores):
# an idle Pd shows gaps up to 25 ms, and up to 39 ms beside two busy workers (the
# machine's scheduling, 1 run in 4); a TorchScript load on Pd's thread costs 130-150 ms
# (the first, which also starts Python, over 2 s).
STALL_MS = 80


def peak_hz(audio: np.ndarray, sr: float, near: float = None) -> float:
    """The strongest spectral peak (within 5 % of `near` if given), to a small fraction of
    a cent: Hann window, zero-padded FFT, parabolic interpolation of the log magnitude."""
    n = 1 << 22
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio)), n))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    band = (freqs > 40) & (freqs < 5000) if near is None else np.abs(freqs - near) < 0.05 * near
    k = int(np.argmax(np.where(band, spectrum, 0)))
    a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-30)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / n


def record(tmp_path, bundle, host_sr: int, messages: str, seconds: float = 3.0, extra: str = "") -> np.ndarray:
    """Output of [semantic~ bundle] (offline, @thread 0) in a Pd running at host_sr after
    `messages`, as a float array at host_sr."""
    wav = tmp_path / f"out-{host_sr}.wav"
    patch = recording_patch(tmp_path / f"rec-{host_sr}.pd", f"{symbol(bundle)} @buffer 2048 {extra}", wav, seconds,
                            sr=host_sr, message=messages)
    result = run_pd(patch, sr=host_sr)
    assert result.returncode == 0 and "error" not in result.stderr.lower(), result.stderr
    audio, _ = sf.read(wav, dtype="float32")
    return audio


@pytest.mark.parametrize("which, host_sr", [("44k", 48000), ("44k", 96000), ("44k", 88200), ("48k", 44100)])
def test_a_generator_plays_at_its_true_pitch_at_any_host_rate(which, host_sr, pd_bundle, pd_bundle_44k, tmp_path):
    bundle = pd_bundle_44k if which == "44k" else pd_bundle
    b = bundle_mod.load(bundle)
    generator = b.load_generator()
    z = torch.tensor(Z[:generator.latent_size]).view(1, -1, 1)
    frames = int(3.0 * generator.sr) // generator.hop
    reference = generator.decode(z.repeat(1, 1, frames), fresh=True)[0, 0].numpy()
    want = peak_hz(reference[generator.sr // 2:], generator.sr)
    latents = " ".join(f"{i} {v}" for i, v in enumerate(Z[:generator.latent_size]))
    audio = record(tmp_path, bundle, host_sr, f"mode latent \\, latent {latents}")
    played = peak_hz(audio[host_sr:], host_sr, near=want)  # after the latency and the first frame's glide
    assert abs(played / want - 1) <= 0.001, (played, want, host_sr)


def test_raw_targets_mean_the_same_hz_at_every_host_rate(pd_bundle_44k, tmp_path):
    """`target f0 220` with @units raw: the same pitch in a 44.1, 48 and 96 kHz Pd (it was
    8.8 % sharp at 48 kHz before the core converted rates)."""
    pitches = [peak_hz(record(tmp_path, pd_bundle_44k, sr, "target f0 220", extra="@units raw")[sr:], sr)
               for sr in (44100, 48000, 96000)]
    assert max(pitches) / min(pitches) - 1 <= 0.001, pitches


def lines(stderr: str, tag: str):
    """What [print tag] printed, in order."""
    return [line.split(":", 1)[1].strip() for line in stderr.splitlines() if line.startswith(tag + ":")]


def live_patch(path, a, b):
    """Real time, threaded: bundle `a` steered by message targets and by a signal of 0,
    predictions printed every 250 ms; at 3 s a second object is created; at 5.5 s two
    loads in a row (the last, `b`, has another rate, hop and descriptor order); at 6 s DSP
    is switched off and on 20 times; Pd's own stalls are timed throughout."""
    A, B = symbol(a), symbol(b)
    objects = [
        ("obj", f"semantic~ {A} @descriptors brightness f0 loudness"),                # 0
        ("obj", "loadbang"),                                                          # 1
        ("msg", "target brightness 0.9 f0 0.85 loudness 0.9"),                        # 2: loudness is overridden by its signal
        ("obj", "sig~ 0"),                                                            # 3
        ("msg", "\\; pd dsp 1"),                                                      # 4: once Pd has started
        ("obj", "metro 250"),                                                         # 5
        ("obj", "snapshot~"), ("obj", "snapshot~"), ("obj", "snapshot~"),             # 6 7 8
        ("obj", "print brightness"), ("obj", "print f0"), ("obj", "print loudness"),  # 9 10 11
        ("obj", "print said"),                                                        # 12
        ("obj", "delay 3000"), ("msg", "settled"), ("obj", "print mark"),             # 13 14 15
        ("msg", f"\\; pd-{path.name} obj 300 400 semantic~ {B}"),                     # 16
        ("obj", "delay 5500"), ("msg", f"load {A}"), ("msg", f"load {B}"),           # 17 18 19
        ("msg", "swap"),                                                              # 20
        ("obj", "delay 6000"), ("obj", "until"), ("msg", "\\; pd dsp 0 \\; pd dsp 1"),  # 21 22 23
        ("msg", "20"),                                                                # 24
        ("obj", "delay 9000"), ("msg", "settled"),                                    # 25 26
        ("obj", "delay 11500"), ("msg", "info"), ("msg", "\\; pd quit"), ("obj", "delay 12000"),  # 27 28 29 30
        ("obj", "metro 10"), ("obj", "t b b"), ("obj", "realtime"), ("obj", f"moses {STALL_MS}"),  # 31 32 33 34
        ("obj", "print stall"), ("obj", "delay 1000"),                                # 35 36: after Pd's start-up
    ]
    c = [(1, 0, 2, 0), (2, 0, 0, 0), (3, 0, 0, 2), (36, 0, 4, 0), (1, 0, 5, 0), (5, 0, 6, 0), (5, 0, 7, 0),
         (5, 0, 8, 0), (0, 9, 6, 0), (0, 10, 7, 0), (0, 11, 8, 0), (6, 0, 9, 0), (7, 0, 10, 0), (8, 0, 11, 0),
         (0, 12, 12, 0), (1, 0, 13, 0), (13, 0, 14, 0), (14, 0, 15, 0), (13, 0, 16, 0),
         (1, 0, 17, 0), (17, 0, 20, 0), (20, 0, 15, 0), (17, 0, 18, 0), (17, 0, 19, 0), (18, 0, 0, 0), (19, 0, 0, 0),
         (1, 0, 21, 0), (21, 0, 24, 0), (24, 0, 22, 0), (22, 0, 23, 0),
         (1, 0, 25, 0), (25, 0, 26, 0), (26, 0, 15, 0), (1, 0, 27, 0), (27, 0, 28, 0), (28, 0, 0, 0),
         (1, 0, 30, 0), (30, 0, 29, 0), (1, 0, 36, 0), (36, 0, 33, 0), (36, 0, 31, 0), (31, 0, 32, 0), (32, 1, 33, 1), (32, 0, 33, 0),
         (33, 0, 34, 0), (34, 1, 35, 0)]
    return write_patch(path, objects, c)


def test_threaded_in_real_time_through_a_swap_restarts_and_a_new_object(pd_bundle, pd_bundle_44k, tmp_path):
    result = run_pd(live_patch(tmp_path / "live.pd", pd_bundle, pd_bundle_44k), batch=False, timeout=120)
    err = result.stderr
    assert result.returncode == 0, err
    assert "error" not in err.lower() and "couldn't create" not in err, err
    # the swap: the latest load wins, the targets and the inlet stay on their descriptors by name
    said = [s.replace("\\", "") for s in lines(err, "said")]  # Pd's print escapes spaces in symbols
    loaded = [s for s in said if s.startswith("loaded")]
    assert loaded[0] == f"loaded {pd_bundle}" and loaded[-1] == f"loaded {pd_bundle_44k}", said
    marks = [i for i, line in enumerate(err.splitlines()) if line.startswith("mark:")]
    assert len(marks) == 3, err
    text = err.splitlines()
    for start, end in ((marks[0], marks[1]), (marks[2], len(text))):
        window = "\n".join(text[start:end])
        b, f, l = (np.mean([float(v) for v in lines(window, tag)]) for tag in ("brightness", "f0", "loudness"))
        # f0 and brightness follow their message targets; loudness follows its signal of 0
        assert b > 0.6 and f > 0.6 and l < 0.4, (b, f, l, window)
    # the threaded path kept up in real time: no underruns from start to end
    underruns = [s for s in said if s.startswith("underruns")]
    assert not underruns, said
    info = said[-1]
    assert "resampled to and from the host's 48000 Hz" in info and "underruns 0" in info, info
    # Pd's own thread never stalled: not on creating an object, not on two loads in a row
    stalls = [float(v) for v in lines(err, "stall")]
    assert not stalls, stalls


def test_host_vectors_longer_and_shorter_than_the_buffer(pd_bundle, tmp_path):
    """Host vectors of 64, 1024 and 8192 ([block~] in an abstraction) against @buffer 2048
    and 4096, threaded, in real time: each object plays (at most one underrun), a vector
    longer than the buffer rounds the buffer up and `info` says so. DSP starts once the six
    have loaded: six loads at once on two cores would cost the first ones underruns."""
    (tmp_path / "vec.pd").write_text("\n".join([
        "#N canvas 0 0 400 300 12;",
        "#X obj 10 10 block~ $1;",
        "#X obj 10 40 osc~ 0.5;",
        f"#X obj 10 70 semantic~ {symbol(pd_bundle)} @descriptors brightness @buffer $2;",
        "#X obj 10 100 r info;",
        "#X msg 10 130 info;",
        "#X obj 10 160 print v$1-b$2;",
        "#X obj 10 190 env~ $1;",
        "#X obj 10 220 print level-v$1-b$2;",
        "#X obj 10 250 r level;",
        "#X obj 10 280 f;",
        "#X connect 1 0 2 0;", "#X connect 3 0 4 0;", "#X connect 4 0 2 0;", "#X connect 2 10 5 0;",
        "#X connect 2 0 6 0;", "#X connect 6 0 9 1;", "#X connect 8 0 9 0;", "#X connect 9 0 7 0;"]
                                          ).replace("$", "\\$") + "\n")  # a patch file escapes its $
    pairs = [(v, b) for v in (64, 1024, 8192) for b in (2048, 4096)]
    objects = [("obj", f"vec {v} {b}") for v, b in pairs] + [
        ("obj", "loadbang"), ("obj", "delay 6000"), ("msg", "\\; pd dsp 1"), ("obj", "delay 11000"),
        ("msg", "\\; level bang \\; info bang"), ("obj", "delay 11500"), ("msg", "\\; pd quit")]
    k = len(pairs)
    connections = [(k, 0, k + 1, 0), (k + 1, 0, k + 2, 0), (k, 0, k + 3, 0), (k + 3, 0, k + 4, 0),
                   (k, 0, k + 5, 0), (k + 5, 0, k + 6, 0)]
    result = run_pd(write_patch(tmp_path / "vectors.pd", objects, connections), batch=False, timeout=120)
    err = result.stderr.replace("\\", "")
    assert result.returncode == 0 and "error" not in err.lower(), err
    for v, b in pairs:
        said = lines(err, f"v{v}-b{b}")
        info = [s for s in said if s.startswith("info")]
        # a shared 2-core CI machine may preempt one of six worker threads once in 5 s of
        # playing (bench/pd_stalls.py measures stalls properly); a vector the object
        # mishandles underruns every buffer
        assert len(info) == 1 and int(info[0].rsplit("underruns ", 1)[1]) <= 1, (v, b, said)
        assert f"buffer {max(v, b)} samples" in info[0], (v, b, info)
        assert ("rounded up" in info[0]) == (v > b), info
        assert all(s in ("underruns 0", "underruns 1") for s in said if s.startswith("underruns")), (v, b, said)
        level = lines(err, f"level-v{v}-b{b}")
        assert level and float(level[-1]) > 20, (v, b, level)  # dB: it plays


def test_a_label_taught_while_playing(pd_bundle, tmp_path):
    """In real time, threaded: once the bundle has loaded, `teach airy V` at eight f0
    targets (airy = the f0 target), `learn airy` while it keeps playing; once the relearned bundle is adopted (`loaded`
    again), a new object exposes airy by name and `target airy` moves f0 as taught."""
    bundle = tmp_path / "taught.semantic"
    shutil.copytree(pd_bundle, bundle)
    A = symbol(bundle)
    values = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8, 0.6]
    objects = [("obj", f"semantic~ {A} @descriptors f0 brightness"),                     # 0
               ("obj", "loadbang"), ("obj", "delay 500"), ("msg", "\\; pd dsp 1"),    # 1 2 3
               ("obj", "route loaded"), ("obj", "f"), ("obj", "+ 1"), ("obj", "sel 1 2"),  # 4 5 6 7
               ("msg", ""),                                                              # 8: creates it (below)
               ("obj", "r second"), ("obj", "snapshot~"), ("obj", "snapshot~"),          # 9 10 11
               ("obj", "print airy"), ("obj", "print f0"), ("obj", "metro 200"),         # 12 13 14
               ("obj", "delay 4000"), ("msg", "\\; second target airy 0.9"),            # 15 16
               ("obj", "delay 6500"), ("msg", "\\; second target airy 0.1"), ("msg", "high"),  # 17 18 19
               ("obj", "delay 9000"), ("msg", "low"), ("obj", "print mark"),            # 20 21 22
               ("obj", "delay 9100"), ("msg", "\\; pd quit"),                          # 23 24
               ("obj", "print said"), ("msg", "learn airy"), ("obj", "t b")]               # 25 26 27
    # the first `loaded` starts the teaching, the second (the relearned bundle) the new object
    c = [(1, 0, 2, 0), (2, 0, 3, 0), (0, 11, 4, 0), (4, 0, 27, 0), (27, 0, 5, 0), (5, 0, 6, 0), (6, 0, 5, 1), (6, 0, 7, 0),
         (7, 1, 8, 0), (7, 1, 14, 0), (14, 0, 10, 0), (14, 0, 11, 0), (10, 0, 12, 0), (11, 0, 13, 0),
         (7, 1, 15, 0), (15, 0, 16, 0), (7, 1, 17, 0), (17, 0, 18, 0), (17, 0, 19, 0), (19, 0, 22, 0),
         (7, 1, 20, 0), (20, 0, 21, 0), (21, 0, 22, 0), (7, 1, 23, 0), (23, 0, 24, 0), (0, 11, 25, 0),
         (26, 0, 0, 0)]
    for k, v in enumerate(values):
        at = 500 + 700 * k
        base = len(objects)
        objects += [("obj", f"delay {at}"), ("msg", f"target f0 {v}"), ("obj", f"delay {at + 500}"),
                    ("msg", f"teach airy {v}")]
        c += [(7, 0, base, 0), (base, 0, base + 1, 0), (base + 1, 0, 0, 0),
              (7, 0, base + 2, 0), (base + 2, 0, base + 3, 0), (base + 3, 0, 0, 0)]
    base = len(objects)
    objects += [("obj", f"delay {500 + 700 * len(values) + 300}")]
    c += [(7, 0, base, 0), (base, 0, 26, 0)]
    new = len(objects)  # the object message box 8 creates, connected to [r second] and the snapshots
    objects[8] = ("msg", f"\\; pd-learn.pd obj 300 400 semantic~ {A} @descriptors airy f0 \\; "
                         f"pd-learn.pd connect 9 0 {new} 0 \\; pd-learn.pd connect {new} 9 10 0 \\; "
                         f"pd-learn.pd connect {new} 10 11 0")
    result = run_pd(write_patch(tmp_path / "learn.pd", objects, c), batch=False, timeout=400)
    err = result.stderr.replace("\\", "")
    assert result.returncode == 0 and "error" not in err.lower(), err
    assert "taught airy: example 8" in err and "learned airy" in err, err
    assert [s for s in lines(err, "said") if s.startswith("loaded")] == [f"loaded {bundle}"] * 2, err
    taught = bundle_mod.load(bundle).manifest["descriptors"][-1]
    assert taught["name"] == "airy" and taught["taught"]["examples"] == 8
    text = err.splitlines()
    marks = [i for i, line in enumerate(text) if line.startswith("mark:")]
    assert len(marks) == 2, err
    high, low = "\n".join(text[marks[0] - 8:marks[0]]), "\n".join(text[marks[1] - 8:marks[1]])
    for tag in ("airy", "f0"):
        h, lo = (np.mean([float(v) for v in lines(window, tag)][-4:]) for window in (high, low))
        assert h > lo + 0.4, (tag, h, lo, err)
