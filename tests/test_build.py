"""engine.build end to end (small), the bundle round trip, and the resumable render.
What the build and the bundle refuse is kept in tests/regression/."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine import bundle as bundle_mod
from engine.build import QUICK, Build, parse_args
from engine.dataset import render
from engine.descriptors import DEFAULT, KEY
from engine.generator import Generator


@pytest.fixture(scope="module")
def built(small_bundle):
    return small_bundle


def test_quick_sets_defaults_that_explicit_options_override():
    args = parse_args(["--out", "x.semantic", "--quick", "--samples", "300"])
    assert args.samples == 300 and args.epochs == QUICK["epochs"] and args.grid_resolution == QUICK["grid_resolution"]
    assert parse_args(["--out", "x.semantic"]).samples == 4096


def test_the_build_is_named_stages_callable_one_by_one(tmp_path):
    """sample, render, fit, check, map, write: each leaves its results in `_` attributes,
    and keyword settings are checked as the command line checks them."""
    with pytest.raises(ValueError, match="--epochs must be at least 1"):
        Build(out=str(tmp_path / "x.semantic"), epochs=0)
    with pytest.raises(TypeError, match="unknown build setting"):
        Build(out=str(tmp_path / "x.semantic"), epoch=3)
    out = tmp_path / "staged.semantic"
    b = Build(out=str(out), quick=True, samples=64, descriptors="f0,loudness", control_samples=8, checks=2,
              in_time_seconds=3, grid_resolution=4).sample()
    assert b.latents_.shape == (64, b.generator_.latent_size) and not out.exists()
    assert b.render().raw_.shape == (64, 2)
    b.fit()
    assert len(b.idx_train_) + len(b.idx_select_) + len(b.idx_test_) == 64 and b.y_.shape == (64, 2)
    assert set(b.check().metrics_["descriptors"]) == {"f0", "loudness"} and not out.exists()
    b.map().write()
    m = bundle_mod.load(out).manifest
    assert m["build"]["samples"] == 64 and m["build"]["descriptors"] == ["f0", "loudness"]
    again = Build.from_bundle(out, out=str(tmp_path / "again.semantic"))
    assert np.array_equal(again.latents_, b.latents_) and np.array_equal(again.idx_test_, b.idx_test_)
    assert again.settings.epochs == QUICK["epochs"]  # the settings it was built with


def test_metrics_shape(built):
    out, metrics = built
    on_disk = json.loads((out / "metrics.json").read_text())
    assert on_disk["samples"] == 160 and on_disk["build_seconds"] > 0
    assert list(on_disk["descriptors"]) == DEFAULT
    for m in on_disk["descriptors"].values():
        assert set(m) >= {"forward_r2", "control_r", "control_r2"}
        assert all(np.isfinite(v) for v in m.values() if isinstance(v, float))
    assert not out.with_name(out.name + ".partial").exists()  # cache removed on success
    # steering the exposed set, judged against the LP bound at the same start points
    assert set(on_disk["steer_exposed"]) == set(KEY)
    for s in on_disk["steer_exposed"].values():
        assert s["steer_bound"] > 0 and s["steer_of_bound"] > 0
    # control in time: every descriptor alone, the key ones together, and the plot
    assert set(on_disk["in_time"]["alone"]) == set(DEFAULT) and set(on_disk["in_time"]["together"]) == set(KEY)
    assert all(-1 <= v["r"] <= 1 and 0 <= v["l1"] <= 1.5 for v in on_disk["in_time"]["alone"].values())
    # ... on independent and on reachable targets, beside the generator's own ceiling
    timed = on_disk["in_time"]
    assert set(timed["together_reachable"]) == set(timed["together_reach"]) == set(KEY)
    assert all(-1 <= v["r"] <= 1 for part in ("together_reachable", "together_reach") for v in timed[part].values())
    assert "r, nearest sampled" in (out / "report" / "index.html").read_text()
    assert (out / "report" / "in_time.png").stat().st_size > 10000
    assert (out / "report" / "map.png").stat().st_size > 10000 and "map.png" in (out / "report" / "index.html").read_text()


def test_surrogate_round_trip(built):
    out, _ = built
    b = bundle_mod.load(out)
    manifest = b.manifest
    s = torch.jit.load(str(out / "surrogate.ts"))
    names = [d["name"] for d in manifest["descriptors"]]
    L, D = manifest["latent_size"], len(names)
    assert s.forward(torch.rand(1, D, 4)).shape == (1, L, 4)
    assert s.describe(torch.randn(2, L, 3)).shape == (2, D, 3)
    for method in ("forward", "control", "describe", "steer", "map", "locate"):
        stated = manifest["surrogate"]["methods"][method]
        assert getattr(s, f"{method}_params").tolist() == stated["params"]
        assert list(getattr(s, f"{method}_input_labels")) == stated["input_labels"]
        assert list(getattr(s, f"{method}_output_labels")) == stated["output_labels"]
    labels = manifest["surrogate"]["methods"]["forward"]["input_labels"]
    assert labels[DEFAULT.index("brightness")] == "(signal) brightness target"
    assert list(s.get_descriptor_names()) == names
    assert set(s.get_methods()) == {"forward", "control", "describe", "steer", "map", "locate"}
    # the sound map played: any point (clamped to 0..1) gives a latent inside the sampled
    # range, and the latent's place on the map comes back in 0..1
    low, high = (torch.tensor(manifest["latent_range"][k]) for k in ("low", "high"))
    z = s.map(torch.tensor([[[0.0, 0.5, 1.0, 2.0], [0.0, 0.5, 1.0, -1.0]]]))
    assert z.shape == (1, L, 4) and torch.isfinite(z).all()
    assert ((z[0].T >= low - 1e-5) & (z[0].T <= high + 1e-5)).all()
    at = s.locate(z)
    assert at.shape == (1, 2, 4) and (at >= 0).all() and (at <= 1).all()


def test_manifest_contents(built):
    out, _ = built
    m = json.loads((out / "manifest.json").read_text())
    assert m["schema_version"] == bundle_mod.SCHEMA_VERSION
    assert m["generator"]["sha256"] == Generator.load(out / "generator.ts").sha256
    assert (m["latent_size"], m["hop"], m["sr"]) == (8, 2048, 48000)
    f0 = next(d for d in m["descriptors"] if d["name"] == "f0")
    assert f0["unit"] == "Hz" and f0["normalisation"]["warp"] == "log"
    lo, hi = f0["raw_range"]
    assert 50 <= lo < hi <= 2000
    assert m["sampler"] == {"kind": "gaussian", "scale": 1.0, "seed": 0}
    assert m["versions"]["torch"].startswith("2.13.0")


def test_three_disjoint_splits_and_the_scaler_saw_no_test_sample(built):
    out, metrics = built
    d = np.load(out / "dataset.npz")
    y = d["descriptors"]
    assert d["latents"].shape == (160, 8) and y.shape == (160, len(DEFAULT))
    train, selection, test = d["train"], d["selection"], d["test"]
    assert sorted(np.concatenate([train, selection, test]).tolist()) == list(range(160))  # disjoint, complete
    assert (len(train), len(selection), len(test)) == (112, 24, 24)
    seen = y[np.concatenate([train, selection])]
    assert np.all(np.percentile(seen, 1, axis=0) == pytest.approx(0, abs=1e-4))
    assert np.all(np.percentile(seen, 99, axis=0) == pytest.approx(1, abs=1e-4))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["split"] == {"train": 112, "selection": 24, "test": 24, "control": 24, "seed": 0}
    assert set(metrics["selection"]) == {"rule", "targets", "tandem", "regression", "nearest"}
    assert "every number below is measured on the test split alone" in (out / "report" / "index.html").read_text()


class Noisy(torch.nn.Module):
    """A tone whose pitch follows z[0] at a level drawn at random for each clip: its level
    cannot be steered, its brightness can."""

    def __init__(self):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([2, 256, 1, 1]))
        self.sr = 48000

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        t = torch.arange(z.shape[-1] * 256, dtype=torch.float32) / 48000
        pitch = 200 * torch.exp(0.7 * z[:, :1]).repeat_interleave(256, -1)
        return 0.1 * (0.1 + torch.rand(z.shape[0], 1, 1)) * torch.sin(2 * 3.14159 * pitch * t)


def test_a_descriptor_within_its_noise_floor_is_marked_not_controllable(tmp_path):
    generator = tmp_path / "noisy.ts"
    torch.jit.script(Noisy()).save(str(generator))
    out = tmp_path / "noisy.semantic"
    result = subprocess.run([sys.executable, "-m", "engine.build", str(generator), "--out", str(out), "--quick",
                             "--descriptors", "lufs,brightness", "--checks", "24"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())["descriptors"]
    assert not metrics["lufs"]["controllable"] and metrics["brightness"]["controllable"], metrics
    assert "warning: lufs is not controllable on this generator" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["controllable"] for d in manifest["descriptors"]] == [False, True]
    assert "lufs</b>: not controllable on this generator" in (out / "report" / "index.html").read_text()


def test_render_resumes_from_cache(demo_paths, tmp_path):
    g = Generator.load(demo_paths["synth_a"])
    z = np.random.default_rng(0).standard_normal((48, 8)).astype(np.float32)
    names = ["lufs", "f0"]
    full = render(g, z, names, batch_size=8, cache=tmp_path / "cache")
    assert render.computed == 6
    for f in sorted((tmp_path / "cache").glob("batch_*.npy"))[::2]:
        f.unlink()
    again = render(g, z, names, batch_size=8, cache=tmp_path / "cache")
    assert render.computed == 3
    assert np.array_equal(full, again)
    # other settings invalidate the cache instead of mixing results
    render(g, z, names, batch_size=8, seed=1, cache=tmp_path / "cache")
    assert render.computed == 6


def test_parallel_render_matches_serial(demo_paths):
    g = Generator.load(demo_paths["synth_b"])
    z = np.random.default_rng(1).standard_normal((32, 8)).astype(np.float32)
    serial = render(g, z, ["brightness", "flatness"], batch_size=8, jobs=1)
    parallel = render(g, z, ["brightness", "flatness"], batch_size=8, jobs=2)
    assert np.allclose(serial, parallel, rtol=1e-6)


class Fading(torch.nn.Module):
    """A tone (pitch from z[0]) that fades in over 4096 samples from its first call: the
    streaming export carries its clock from call to call, the other starts afresh each
    call, as a RAVE exported without streaming does, and plays quieter buffer by buffer."""

    def __init__(self, streaming: bool):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([2, 512, 1, 1]))
        self.register_buffer("played", torch.zeros(1))
        self.sr = 48000
        self.streaming = streaming

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        n = z.shape[-1] * 512
        start = self.played if self.streaming else torch.zeros(1)
        t = (torch.arange(n) + start) / 48000.0
        pitch = 200 * torch.exp(0.5 * z[:, :1]).repeat_interleave(512, -1)
        if self.streaming:
            self.played += n
        return 0.1 * torch.clamp(t * 48000.0 / 4096, max=1.0) * torch.sin(2 * 3.14159 * pitch * t)


@pytest.mark.parametrize("streaming", [False, True])
def test_a_generator_that_plays_otherwise_buffer_by_buffer_is_told(tmp_path, streaming):
    generator = tmp_path / "fading.ts"
    torch.jit.script(Fading(streaming)).save(str(generator))
    out = tmp_path / "fading.semantic"
    result = subprocess.run([sys.executable, "-m", "engine.build", str(generator), "--out", str(out), "--quick",
                             "--descriptors", "lufs,brightness"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    playback = json.loads((out / "manifest.json").read_text())["playback"]
    assert playback["chunk_frames"] == 8 and playback["host_buffer"] == 4096
    if streaming:
        assert playback["differs"] == [] and "Export it for streaming" not in result.stdout
    else:
        assert "lufs" in playback["differs"] and "Export it for streaming" in result.stdout, result.stdout


def test_clips_are_described_after_the_generator_settles(tmp_path):
    """A generator that ramps up from silence after a reset (the Fading tone over 8
    frames; a streaming RAVE v2_small over ~11) has its clips described once it has
    settled, not from the second frame; one that starts at its level keeps the usual 2."""
    from engine import demo
    from engine.dataset import settling_frames
    torch.jit.script(Fading(True)).save(str(tmp_path / "fading.ts"))
    demo.export("synth_a", tmp_path / "synth.ts")
    assert 5 <= settling_frames(Generator.load(tmp_path / "fading.ts")) <= 8
    assert settling_frames(Generator.load(tmp_path / "synth.ts")) == 2


class Delayed(torch.nn.Module):
    """Plays the latent it was given `lag` frames earlier, as a streaming export's causal
    convolutions do: a tone whose pitch and level follow z[0] and z[1]."""

    def __init__(self, lag: int):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([2, 512, 1, 1]))
        self.register_buffer("past", torch.zeros(1, 2, lag))
        self.sr = 48000
        self.lag = lag

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if self.past.shape[0] != z.shape[0]:
            self.past = torch.zeros(z.shape[0], 2, self.lag)
        heard = torch.cat([self.past, z], -1)
        self.past = heard[..., -self.lag:]
        heard = heard[..., :z.shape[-1]].repeat_interleave(512, -1)
        t = torch.arange(heard.shape[-1]) / 48000.0
        return 0.1 * torch.exp(0.5 * heard[:, 1:2]) * torch.sin(2 * 3.14159 * 200 * torch.exp(0.3 * heard[:, :1]) * t)


def test_the_generators_own_delay_is_measured_so_control_in_time_does_not_count_it(tmp_path):
    """Control in time compares the request with what is heard once the generator has
    answered: a generator that answers 6 frames late (64 ms) is measured so, one that
    ramps to a new point within the frame (the demo synth, hop 2048) about half a frame."""
    from engine import demo
    from engine.dataset import response_delay
    torch.jit.script(Delayed(6)).save(str(tmp_path / "delayed.ts"))
    demo.export("synth_a", tmp_path / "synth.ts")
    assert response_delay(Generator.load(tmp_path / "delayed.ts")) == pytest.approx(6 * 512 / 48000, abs=512 / 48000)
    assert 0 < response_delay(Generator.load(tmp_path / "synth.ts")) < 2048 / 48000


def test_the_sampled_sounds_are_laid_out_on_a_map(built):
    """grids.json's map: one point per sampled sound in 0..1, by the layout that keeps
    neighbours best, with density and dominant descriptor on a grid."""
    out, metrics = built
    m = json.loads((out / "grids.json").read_text())["map"]
    n = len(np.load(out / "dataset.npz")["latents"])
    points = np.array(m["points"])
    assert points.shape == (n, 2) and points.min() >= 0 and points.max() <= 1
    assert m["method"] == max(m["trustworthiness"], key=m["trustworthiness"].get)
    assert m["trustworthiness"][m["method"]] >= 0.9 and metrics["map"]["method"] == m["method"]
    density, labels = np.array(m["density"]), np.array(m["labels"])
    assert density.shape == labels.shape == (m["resolution"],) * 2 and density.max() == 1
    assert ((labels >= 0) == (density > 0)).all() and labels.max() < len(DEFAULT)


def test_the_map_plays_sounds_like_its_neighbours_without_jumps(built):
    """The build's own check of the playable map (metrics.json `map`), measured on
    re-decoded audio: the numbers are there, finite, and say what they compare."""
    out, _ = built
    m = json.loads((out / "metrics.json").read_text())["map"]
    for key in ("click_distance_median", "neighbour_spread_median", "pair_distance_p10", "drag_jump_ratio"):
        assert np.isfinite(m[key]) and m[key] > 0, (key, m)
    assert m["drag_step_max"] >= m["drag_step_median"] and m["clicks"] > 0


def test_the_map_decoder_stays_among_the_sampled_sounds():
    """Sounds in one corner only: the decoder asked about the empty corners gives the
    descriptors of sounds that exist (means of neighbours), not an extrapolation."""
    from engine.maps import SoundMap
    rng = np.random.default_rng(1)
    Y = rng.uniform(0, 1, (300, 3))
    m = SoundMap(methods=("pca",), resolution=8, steps=600).fit(Y)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], dtype=np.float32)
    with torch.no_grad():
        asked = m.decoder_.module_(torch.tensor(corners)).numpy()
    assert (asked > Y.min(0) - 0.1).all() and (asked < Y.max(0) + 0.1).all(), asked
    back = m.locator_.predict(Y[:50])
    assert np.median(np.abs(back - m.points_[:50])) < 0.1


def test_a_map_keeps_what_is_near_near():
    """Ten kinds of sound, each high in its own descriptor: a flat projection (PCA) piles
    eight of them onto each other, the chosen layout keeps each with its own kind."""
    from engine.maps import SoundMap
    rng = np.random.default_rng(0)
    kind = rng.integers(0, 10, 600)
    Y = np.eye(10)[kind] * 0.8 + rng.normal(0, 0.05, (600, 10))
    m = SoundMap(resolution=8).fit(Y)
    assert m.method_ == "tsne" and m.trustworthiness_["tsne"] >= 0.95 > 0.9 > m.trustworthiness_["pca"], \
        m.trustworthiness_


def test_the_report_has_a_card_per_descriptor(built):
    """What it measures, how, against what it was checked, whether it plays here, and its
    lowest and highest sampled sounds, playable (docs/descriptors.md)."""
    from engine.descriptors import REGISTRY, checked
    out, metrics = built
    page = (out / "report" / "index.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    for d in manifest["descriptors"]:
        name = d["name"]
        card = page[page.index(f'<section class="card" id="card-{name}">'):]
        card = card[:card.index("</section>")]
        assert d["meaning"] == REGISTRY[name].meaning and d["meaning"].replace("'", "&#x27;") in card
        assert checked(name).split(":")[0] in card
        assert ("controllable here" in card) == d["controllable"]
        for end in ("low", "high"):
            for e in manifest["examples"][name][end]:
                assert f'src="../{e["file"]}"' in card
