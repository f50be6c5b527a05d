"""Labels taught by example (engine/label.py): learned on the examples' descriptors,
applied to every sampled sound, refitted into the bundle as one more descriptor, carried
to another generator's bundle, and bad examples refused with the bundle untouched."""
import json
import shutil

import numpy as np
import pytest
import soundfile as sf
import torch

from engine import bundle as bundle_mod
from engine.build import build, parse_args
from engine.bundle import BundleError
from engine.label import Label, forget, main, teach
from engine.surrogate import MLPRegressor, members_of, resized

from conftest import tone

# small checks: these tests are about the label, not about control quality
FAST = dict(epochs=8, tandem_steps=60, control_samples=12, checks=3, in_time_seconds=3, grid_resolution=6, jobs=1)


@pytest.fixture
def bundle(small_bundle, tmp_path):
    """A copy of the session's quick demo bundle, free to be rewritten."""
    out = tmp_path / "demo.semantic"
    shutil.copytree(small_bundle[0], out)
    return out


def latent_examples(path, n, rule, file):
    d = np.load(path / "dataset.npz")
    names, y = [str(v) for v in d["names"]], d["descriptors"]
    idx = np.random.default_rng(1).choice(len(y), n, replace=False)
    items = [{"latent": d["latents"][i].tolist(), "value": float(rule(dict(zip(names, y[i]))))} for i in idx]
    file.write_text(json.dumps(items))
    return file


def column(path, name):
    d = np.load(path / "dataset.npz")
    return d["descriptors"][:, [str(v) for v in d["names"]].index(name)]


def test_a_label_taught_by_latents_follows_its_rule_and_joins_the_bundle(bundle, tmp_path):
    examples = latent_examples(bundle, 16, lambda y: np.clip(y["brightness"], 0, 1), tmp_path / "airy.json")
    metrics = teach(bundle, "airy", examples, **FAST)
    b = bundle_mod.load(bundle)
    assert b.descriptor_names[-1] == "airy" and b.descriptor_names[:-1] == bundle_mod.load(
        bundle).descriptor_names[:-1]
    entry = b.manifest["descriptors"][-1]
    assert entry["taught"]["examples"] == 16 and entry["taught"]["cv_metric"] == "r2"
    assert entry["taught"]["cv_score"] > 0.8
    assert np.corrcoef(column(bundle, "airy"), column(bundle, "brightness"))[0, 1] > 0.9
    assert "airy" in metrics["descriptors"] and np.isfinite(metrics["descriptors"]["airy"]["control_r"])
    assert b.load_surrogate().get_descriptor_names()[-1] == "airy"
    assert b.manifest["build"]["epochs"] == 20  # the settings it was built with (--quick), not the refit's
    kept = json.loads((bundle / "labels" / "airy.json").read_text())
    assert len(kept["examples"]) == 16 and all("descriptors" in e for e in kept["examples"])
    # the kept examples alone give back the label: reloaded, it predicts what the bundle holds
    label = Label.load(bundle / "labels" / "airy.json")
    d = np.load(bundle / "dataset.npz")
    raw = d["descriptors_raw"][:, [b.descriptor_names.index(n) for n in label.feature_names]]
    assert np.allclose(label.predict_raw(raw), d["descriptors_raw"][:, -1])
    # taught again with other examples: the same column, no second one
    again = latent_examples(bundle, 12, lambda y: 1 - np.clip(y["brightness"], 0, 1), tmp_path / "again.json")
    teach(bundle, "airy", again, **FAST)
    assert bundle_mod.load(bundle).descriptor_names.count("airy") == 1
    assert np.corrcoef(column(bundle, "airy"), column(bundle, "brightness"))[0, 1] < -0.9
    # more examples on top of those (as the host's teach and learn do), then forgotten
    more = latent_examples(bundle, 4, lambda y: 1 - np.clip(y["brightness"], 0, 1), tmp_path / "more.json")
    teach(bundle, "airy", json.loads(more.read_text()), add=True, **FAST)
    assert json.loads((bundle / "labels" / "airy.json").read_text())["taught"]["examples"] == 16
    forget(bundle, "airy", **FAST)
    b = bundle_mod.load(bundle)
    assert "airy" not in b.descriptor_names and not (bundle / "labels" / "airy.json").exists()
    assert "airy" not in json.loads((bundle / "metrics.json").read_text())["descriptors"]
    with pytest.raises(BundleError, match="no taught label"):
        forget(bundle, "airy", **FAST)


def test_a_yes_no_label_from_sound_files(bundle, tmp_path):
    """Audio examples at another rate and in stereo; the value is the positive word's probability."""
    items = []
    for i, f in enumerate([110, 150, 220, 330, 440, 600]):
        for bright in (True, False):
            x = tone(f, 0.8, 44100, 0.1, harmonics=24 if bright else 1).numpy()
            name = tmp_path / f"tone {i}{'b' if bright else 'd'}.wav"
            sf.write(name, np.stack([x, x], 1), 44100)
            items.append({"audio": name.name, "value": "bright" if bright else "dull"})
    (tmp_path / "bright.json").write_text(json.dumps(items))
    with pytest.raises(BundleError, match="which of"):
        teach(bundle, "shiny", tmp_path / "bright.json", **FAST)
    teach(bundle, "shiny", tmp_path / "bright.json", positive="bright", **FAST)
    label = json.loads((bundle / "labels" / "shiny.json").read_text())
    assert label["kind"] == "class" and label["classes"] == ["dull", "bright"]
    assert label["taught"]["cv_metric"] == "accuracy" and label["taught"]["cv_score"] >= 0.9
    assert np.corrcoef(column(bundle, "shiny"), column(bundle, "brightness"))[0, 1] > 0.5
    # rebuilt from scratch (--force), the bundle keeps what it was taught
    build(parse_args(["--out", str(bundle), "--quick", "--force", "--samples", "96", "--jobs", "1"]))
    assert bundle_mod.load(bundle).manifest["descriptors"][-1]["taught"]["examples"] == 12
    assert np.corrcoef(column(bundle, "shiny"), column(bundle, "brightness"))[0, 1] > 0.5


def test_a_label_carries_to_another_generators_bundle(bundle, tmp_path):
    examples = latent_examples(bundle, 16, lambda y: np.clip(y["brightness"], 0, 1), tmp_path / "airy.json")
    teach(bundle, "airy", examples, **FAST)
    other = tmp_path / "synth_b.semantic"
    build(parse_args(["--out", str(other), "--demo", "synth_b", "--quick"]))
    before = (other / "manifest.json").read_text()
    main([str(other), "airy", "--from", str(bundle), "--epochs", "8", "--tandem-steps", "60", "--jobs", "1"])
    assert (other / "manifest.json").read_text() != before
    taught = bundle_mod.load(other).manifest["descriptors"][-1]["taught"]
    assert taught["from"] == str(bundle.resolve()) and taught["examples"] == 16
    # no new examples: the same sounds mean the same on the other generator
    assert np.corrcoef(column(other, "airy"), column(other, "brightness"))[0, 1] > 0.8


@pytest.mark.parametrize("items, expected", [
    ([{"latent": [0.0] * 8, "value": v} for v in (0.1, 0.5, 0.9)], "at least 4"),
    ([{"latent": [0.0] * 8, "value": 0.5}] * 5, "different values"),
    ([{"latent": [0.0] * 8, "value": v} for v in (0.1, 0.5, 0.9)] + [{"audio": "gone.wav", "value": 1}], "gone.wav"),
    ([{"latent": [0.0] * 8, "value": v} for v in (0.1, 0.5, 0.9)] + [{"latent": [0.0] * 5, "value": 1}],
     "8 finite numbers"),
    ([{"latent": [0.0] * 8, "value": v} for v in (0.1, 0.5, 0.9, float("nan"))], "finite"),
    ([{"latent": [0.0] * 8, "value": w} for w in ("a", "b", "c", "a")], "two words"),
    ([{"latent": [0.0] * 8, "val": 1}] * 4, "latent+value"),
])
def test_bad_examples_are_refused_and_the_bundle_is_untouched(bundle, tmp_path, items, expected, capsys):
    listing = sorted(p.relative_to(bundle) for p in bundle.rglob("*"))
    manifest = (bundle / "manifest.json").read_bytes()
    (tmp_path / "bad.json").write_text(json.dumps(items))
    with pytest.raises(SystemExit) as e:
        main([str(bundle), "airy", "--examples", str(tmp_path / "bad.json")])
    assert e.value.code == 2
    assert expected in capsys.readouterr().err
    assert sorted(p.relative_to(bundle) for p in bundle.rglob("*")) == listing
    assert (bundle / "manifest.json").read_bytes() == manifest


def test_a_label_may_not_take_a_descriptors_name(bundle, tmp_path):
    examples = latent_examples(bundle, 6, lambda y: y["f0"], tmp_path / "e.json")
    for name, expected in (("brightness", "already"), ("f0", "already"), ("2bad name", "label name")):
        with pytest.raises(BundleError, match=expected):
            teach(bundle, name, examples, **FAST)


def test_a_damaged_dataset_is_refused_before_use(bundle):
    d = dict(np.load(bundle / "dataset.npz"))
    d["test"] = np.concatenate([d["test"], d["train"][:3]])  # overlapping splits
    np.savez(bundle / "dataset.npz", **d)
    with pytest.raises(BundleError, match="disjoint"):
        bundle_mod.load(bundle).load_dataset()


def test_a_warm_start_begins_where_the_ensemble_was():
    """Taken apart, a merged ensemble's members average to it; widened by a descriptor,
    each member predicts the old descriptors as before and the new one at its mean."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((400, 3))
    y = np.stack([np.sin(z[:, 0]), z[:, 1] * z[:, 2]], 1)
    ensemble = MLPRegressor(epochs=5, members=3).fit(z, y)
    x = torch.tensor(z[:20], dtype=torch.float32)
    members = members_of(torch.jit.script(ensemble.module_))
    with torch.no_grad():
        assert torch.allclose(torch.stack([m(x) for m in members]).mean(0), ensemble.module_(x), atol=1e-5)
        wide = [resized(m, range(3), range(2), m.x_mean, m.x_std, torch.tensor([0.0, 0.0, 0.7]),
                      torch.tensor([1.0, 1.0, 0.2])) for m in members]
        out = torch.stack([m(x) for m in wide]).mean(0)
        assert torch.allclose(out[:, :2], ensemble.module_(x), atol=1e-5) and torch.allclose(out[:, 2], torch.tensor(0.7))
    refit = MLPRegressor(epochs=3, members=3).fit(z, np.concatenate([y, y[:, :1] ** 2], 1), init=wide)
    assert refit.predict(z).shape == (400, 3)


@pytest.mark.parametrize("damage, expected", [
    (lambda d: d["examples"][0]["descriptors"].update(brightness=None), "finite example values"),
    (lambda d: d["model"].update(choice="pickle"), "known model choices"),
    (lambda d: d.update(features=[{"name": "sparkle", "normalisation": {}}]), "known descriptors"),
    (lambda d: d.update(examples=d["examples"][:2]), "at least 4"),
    (lambda d: d.update(kind="class"), "two words"),
])
def test_a_damaged_label_file_is_refused_saying_what(tmp_path, damage, expected):
    examples = [{"target": v, "value": v, "latent": [0.0],
                 "descriptors": {"brightness": 1000.0 + 500 * v, "roughness": 0.1 + v}} for v in (0.0, 0.3, 0.6, 1.0)]
    features = [{"name": n, "normalisation": {"warp": w, "lo": lo, "hi": hi, "percentiles": [1, 99]}}
                for n, w, lo, hi in (("brightness", "log", 6.9, 7.6), ("roughness", "identity", 0.1, 1.1))]
    d = Label("airy", "value", features, examples).to_json()
    path = tmp_path / "airy.json"
    path.write_text(json.dumps(d))
    assert np.isfinite(Label.load(path).predict_raw(np.array([[1200.0, 0.5]]))).all()
    damage(d)
    path.write_text(json.dumps(d))
    with pytest.raises(BundleError, match=expected):
        Label.load(path)
