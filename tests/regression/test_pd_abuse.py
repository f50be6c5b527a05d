"""Regression corpus: `[semantic~]` in a real Pd under abuse. Damaged bundles at creation
and loaded into a playing object, 300 random messages, objects created and cleared 60
times, a quit while a bundle loads: Pd exits cleanly, each case says what was wrong,
and a playing object keeps playing what it had."""
import hashlib
import json
import random
import shutil

import pytest

from engine import demo
from tools.pd import EXTERNAL, command, run as run_pd, symbol, write_patch


def damage(bundle, folder, name, change=None, text=None):
    """A copy of `bundle` whose manifest has `change` merged in (or is `text`)."""
    out = shutil.copytree(bundle, folder / f"{name}.semantic")
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(text(json.dumps(manifest)) if text else json.dumps({**manifest, **change}))
    return out


def foreign_generator(bundle, folder):
    """A bundle whose generator.ts is TorchScript without `decode`, its hash recorded (so
    only loading it can tell)."""
    import torch
    out = shutil.copytree(bundle, folder / "foreign.semantic")
    torch.jit.script(torch.nn.Linear(2, 2)).save(str(out / "generator.ts"))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["generator"]["sha256"] = hashlib.sha256((out / "generator.ts").read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


# name: (manifest change, or a function of the manifest text) -> what Pd must say
DAMAGED = {
    "hop0": ({"hop": 0}, '"hop" must be a whole number in 1..65536, found 0'),
    "hop1e9": ({"hop": 1e9}, '"hop" must be a whole number in 1..65536'),
    "channels-1": ({"channels": -1}, '"channels" must be a whole number in 1..64, found -1'),
    "channels1e6": ({"channels": 1000000}, '"channels" must be a whole number in 1..64, found 1000000'),
    "latent0": ({"latent_size": 0}, '"latent_size" must be a whole number in 1..256, found 0'),
    "latent-3": ({"latent_size": -3}, '"latent_size" must be a whole number in 1..256, found -3'),
    "latent200": ({"latent_size": 200}, "latent_reference has 8 values for latent_size 200"),
    "outside": ({"generator": {"path": "../other/x.ts", "sha256": "0" * 64}}, "paths must stay inside the bundle"),
    "system": ({"generator": {"path": "/etc/passwd", "sha256": "0" * 64}}, "built for another generator"),
    "corrupt": (lambda text: text[:40], "is corrupt: expected JSON"),
    "nan": (lambda text: text.replace('"lo": ', '"lo": NaN, "was": ', 1), "last read: '\"lo\": N'"),
}



@pytest.fixture(scope="module")
def bundle(pd_bundle):
    assert (EXTERNAL / "semantic~.pd_linux").is_file(), "build the Pd external first (make test does)"
    return pd_bundle


@pytest.fixture(scope="module")
def damaged(bundle, tmp_path_factory):
    """{name: (damaged bundle, what Pd must say about it)}, `foreign` included."""
    folder = tmp_path_factory.mktemp("damaged bundles")
    out = {name: (damage(bundle, folder, name, **({"text": change} if callable(change) else {"change": change})),
                  expected) for name, (change, expected) in DAMAGED.items()}
    out["foreign"] = (foreign_generator(bundle, folder), "expected a `decode` method (latent -> audio)")
    return out


def test_damaged_bundles_are_refused_at_creation_and_on_load(bundle, damaged, tmp_path):
    """Each damaged bundle: an object created on it is refused; `load` of it into an object
    playing a good bundle (one every 300 ms, in real time: the loader thread keeps only the
    latest request) is refused and the good one keeps playing."""
    step = 300
    objects = [("obj", "loadbang"), ("msg", "\\; pd dsp 1"), ("obj", f"delay {step * (len(damaged) + 2)}"),
               ("msg", "info"), ("obj", "delay 500"), ("msg", "\\; pd quit"),
               ("obj", f"semantic~ {symbol(bundle)} @descriptors brightness"), ("obj", "print out")]
    message_outlet = 1 + 8 + 1
    connections = [(0, 0, 1, 0), (0, 0, 2, 0), (2, 0, 3, 0), (3, 0, 6, 0), (2, 0, 4, 0), (4, 0, 5, 0),
                   (6, message_outlet, 7, 0)]
    for k, (b, _) in enumerate(damaged.values()):
        objects += [("obj", f"delay {step * (k + 1)}"), ("msg", f"load {symbol(b)}")]
        connections += [(0, 0, len(objects) - 2, 0), (len(objects) - 2, 0, len(objects) - 1, 0),
                        (len(objects) - 1, 0, 6, 0)]
    objects += [("obj", f"semantic~ {symbol(b)} @thread 0") for b, _ in damaged.values()]
    result = run_pd(write_patch(tmp_path / "damaged.pd", objects, connections), batch=False, timeout=120)
    err = result.stderr
    assert result.returncode == 0 and "Segmentation" not in err, err
    for name, (b, expected) in damaged.items():
        said = [line for line in err.splitlines() if f"cannot load {b}" in line]
        assert len(said) == 2 and all(expected in line for line in said), f"{name}: {said}\n{err}"
    assert err.count("couldn't create") == len(damaged), err
    assert f"out: info bundle\\ {symbol(bundle)}" in err, err  # still the good bundle


def test_300_random_messages_a_threaded_object_survives(bundle, damaged, tmp_path):
    """Seeded random selectors and arguments, damaged bundles among them, to an object that
    plays in real time on its own thread; afterwards it still answers."""
    rng = random.Random(0)
    selectors = ["load", "mode", "info", "bypass", "target", "latent", "foo", "list", "bang", "float"]
    words = ["brightness", "f0", "loudness", "nonsense", "control", "latent", "nan", "inf", "-inf", "/nonexistent",
             *(symbol(b) for b, _ in damaged.values())]
    numbers = ["0", "-1", "1", "0.5", "7", "99", "1e+30", "-1e+30", "1e-30", "262145", "-0.0001"]

    def message():
        args = [rng.choice(numbers if rng.random() < 0.6 else words) for _ in range(rng.randrange(0, 5))]
        return " ".join([rng.choice(selectors), *args])
    fuzz = " \\, ".join(message() for _ in range(300))
    # the fuzz's own loads supersede the first one (latest wins): load it again after
    objects = [("obj", "loadbang"), ("obj", "t b b b b b"), ("msg", "\\; pd dsp 1"), ("obj", "delay 3500"),
               ("msg", "\\; pd quit"), ("obj", f"semantic~ {symbol(bundle)} @descriptors brightness f0"),
               ("msg", fuzz), ("obj", "delay 2500"), ("msg", "info"), ("obj", "print out"),
               ("obj", "delay 1000"), ("msg", f"load {symbol(bundle)}")]
    message_outlet = 1 + 8 + 2  # audio, latents, two predictions
    connections = [(0, 0, 1, 0), (1, 4, 2, 0), (1, 0, 3, 0), (3, 0, 4, 0), (1, 2, 7, 0), (7, 0, 8, 0), (8, 0, 5, 0),
                   (1, 1, 6, 0), (6, 0, 5, 0), (5, message_outlet, 9, 0), (1, 3, 10, 0), (10, 0, 11, 0), (11, 0, 5, 0)]
    result = run_pd(write_patch(tmp_path / "fuzz.pd", objects, connections), batch=False, timeout=120)
    err = result.stderr
    assert result.returncode == 0 and "Segmentation" not in err, err
    assert err.count("error: semantic~:") >= 100, err  # most of them are wrong, and each is said
    assert f"out: info bundle\\ {symbol(bundle)}" in err, err


def test_objects_created_and_cleared_60_times_then_quit_while_loading(bundle, tmp_path):
    """Dynamic patching: 60 rounds of creating a threaded object (its bundle starts loading
    on the loader thread) and clearing it at once, then one more created as Pd quits."""
    rounds = " ".join(f"\\; pd-sub obj 10 10 semantic~ {symbol(bundle)} \\; pd-sub clear" for _ in range(60))
    objects = [("obj", "loadbang"), ("obj", "t b b b"), ("msg", "\\; pd dsp 1"), ("obj", "pd sub"),
               ("msg", rounds), ("obj", "delay 2000"), ("msg", f"\\; pd-sub obj 10 10 semantic~ {symbol(bundle)} \\; pd quit")]
    connections = [(0, 0, 1, 0), (1, 2, 2, 0), (1, 1, 4, 0), (1, 0, 5, 0), (5, 0, 6, 0)]
    result = run_pd(write_patch(tmp_path / "churn.pd", objects, connections), batch=False, timeout=120)
    err = result.stderr
    assert result.returncode == 0, err
    assert "error" not in err.lower() and "Segmentation" not in err, err
