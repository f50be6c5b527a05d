"""Explanations, control, steering, grids and the report, on a generator whose answer is
known (tests/known.py), and the play/transfer API."""
import json
import math
import re

import numpy as np
import pytest
import torch

from engine import bundle as bundle_mod
from engine.build import build, parse_args
from engine.descriptors import describe
from engine.play import frame_targets, play
from tests.known import KnownSine


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    folder = tmp_path_factory.mktemp("known")
    gen = folder / "sine.ts"
    torch.jit.script(KnownSine()).save(str(gen))
    out = folder / "sine.semantic"
    metrics = build(parse_args([str(gen), "--out", str(out), "--samples", "384", "--descriptors", "f0,lufs",
                                "--epochs", "150", "--tandem-steps", "1500", "--control-samples", "48",
                                "--checks", "8", "--grid-resolution", "12", "--jobs", "1"]))
    return out, metrics


def test_importance_finds_the_driving_dimensions(known):
    _, metrics = known
    imp = metrics["explain"]["importance"]
    assert int(np.argmax(imp["f0"])) == 0 and int(np.argmax(imp["lufs"])) == 1
    assert max(imp["f0"][2:]) < 0.05 * imp["f0"][0]
    assert max(imp["lufs"][2:]) < 0.05 * imp["lufs"][1]
    interp = metrics["explain"]["interpretability"]
    assert interp["f0"]["dimension"] == 0 and interp["f0"]["r2"] > 0.8
    assert interp["lufs"]["dimension"] == 1


def test_sensitivity_is_the_jacobian(known):
    _, metrics = known
    jac = np.array(metrics["explain"]["sensitivity_at_reference"])  # [D, L]
    assert jac.shape == (2, 4)
    assert abs(jac[0, 0]) > 5 * abs(jac[0, 1]) and abs(jac[1, 1]) > 5 * abs(jac[1, 0])


def test_control_lands_on_the_closed_form_answer(known):
    out, metrics = known
    assert metrics["descriptors"]["f0"]["control_r"] > 0.95
    b = bundle_mod.load(out)
    s = b.load_surrogate()
    f0 = next(d for d in b.manifest["descriptors"] if d["name"] == "f0")["normalisation"]
    z = s.forward(torch.tensor([[[0.5], [0.5]]]))[0, :, 0]
    wanted_hz = math.exp(f0["lo"] + 0.5 * (f0["hi"] - f0["lo"]))
    assert f0_from_latent(z[0].item()) == pytest.approx(wanted_hz, rel=0.05)


def f0_from_latent(z0):
    from tests.known import f0_of
    return f0_of(z0)


def test_partial_target_stays_near_the_anchor(known):
    out, _ = known
    s = bundle_mod.load(out).load_surrogate()
    anchor = torch.tensor([0.3, 1.2, -0.5, 0.4])
    x = torch.cat([torch.tensor([0.8, 0.0]), torch.tensor([1.0, 0.0]), anchor])[None, :, None]
    z = s.control(x)[0, :, 0]
    assert abs(z[1].item() - 1.2) < 0.3  # level untouched: lufs was left free
    assert f0_from_latent(z[0].item()) > f0_from_latent(0.3)  # pitch went up to 0.8


def test_the_nearest_controller_answers_with_sampled_points():
    """Given descriptors only decide which sampled point is nearest; among equals, the one
    nearest the anchor wins; every answer is a latent that was sampled."""
    from engine.control import NearestController
    Y = np.array([[0.1, 0.9], [0.1, 0.2], [0.8, 0.5], [0.82, 0.5]], np.float32)
    Z = np.array([[0.0, 0.0], [1.0, 0.0], [-3.0, 3.0], [3.0, -3.0]], np.float32)
    c = NearestController().fit(Y, Z)
    assert np.allclose(c.predict([[0.1, 0.25]]), Z[1])
    assert np.allclose(c.predict([[0.1, 0.0]], mask=[[1, 0]]), Z[0])  # both give 0.1; Z[0] is nearer the centre
    assert np.allclose(c.predict([[0.1, 0.0]], mask=[[1, 0]], anchor=[[1.0, 0.0]]), Z[1])
    assert np.allclose(c.predict([[0.81, 0.0]], mask=[[1, 0]], anchor=[[3.0, -3.0]]), Z[3])
    scripted = torch.jit.script(c.module_)
    x = torch.tensor([[0.8, 0.5, 1, 1, -1.5, 1.4]], dtype=torch.float32)  # anchored near Z[2]
    assert torch.allclose(scripted(x), torch.tensor(Z[2]))


def test_the_surrogate_refines_what_the_controller_answers(known):
    """`forward` and `control` move the controller's latent towards the given targets
    through the forward surrogate: the predicted miss shrinks, free descriptors stay free."""
    out, _ = known
    s = bundle_mod.load(out).load_surrogate()
    targets = torch.tensor([[0.3, 0.7], [0.8, 0.2], [0.6, 0.6]])
    raw = s.absolute(torch.cat([targets, torch.ones(3, 2), torch.zeros(3, 4)], 1))
    refined = s.forward(targets[:, :, None])[:, :, 0]
    miss = lambda z: (s.describe(z[:, :, None])[:, :, 0] - targets).abs().max().item()  # noqa: E731
    assert miss(refined) < miss(raw) + 1e-6
    assert miss(refined) < 0.05
    # partial targets (only f0 given) around an anchor: f0 approaches, the anchor's lufs is free
    anchor = torch.tensor([0.0, 0.0, 0.2, -0.3]).expand(3, 4)
    given = torch.tensor([1.0, 0.0]).expand(3, 2)
    x = torch.cat([targets, given, anchor], 1)
    raw = s.controller(torch.cat([targets * given, given, (anchor - s.latent_mean) / s.latent_std], 1))
    refined = s.control(x[:, :, None])[:, :, 0]
    f0_miss = lambda z: (s.describe(z[:, :, None])[:, 0, 0] - targets[:, 0]).abs()  # noqa: E731
    assert (f0_miss(refined) < 0.85 * f0_miss(raw)).all(), (f0_miss(raw), f0_miss(refined))


def test_steer_moves_the_asked_descriptor_only(known):
    out, metrics = known
    s = bundle_mod.load(out).load_surrogate()
    z = torch.tensor([0.0, 0.0, 0.2, -0.3])
    moved = s.steer(torch.cat([z, torch.tensor([0.15, 0.0, 0.0, 0.0])])[None, :, None])[0, :, 0]
    assert moved[0].item() - z[0].item() > 0.05  # pitch dimension moved up
    assert abs(moved[1].item() - z[1].item()) < 0.2 * abs(moved[0].item() - z[0].item())
    assert metrics["descriptors"]["f0"]["steer_ratio"] >= 3
    assert metrics["descriptors"]["lufs"]["steer_ratio"] >= 3


def test_grids_follow_the_schema(known):
    out, _ = known
    g = json.loads((out / "grids.json").read_text())
    n = g["resolution"]
    assert g["schema_version"] == 1 and g["descriptors"] == ["f0", "lufs"]
    assert len(g["latent_views"]) == len(g["latent_dims"]) * (len(g["latent_dims"]) - 1) // 2
    assert set(g["dimension_labels"]) == {"0", "1", "2", "3"}
    assert g["dimension_labels"]["0"] == "f0" and g["dimension_labels"]["1"] == "lufs"
    for v in g["latent_views"]:
        assert len(v["x_values"]) == len(v["y_values"]) == n
        for name in g["descriptors"]:
            assert np.array(v["grids"][name]).shape == (n, n)
        labels = np.array(v["labels"])
        assert labels.shape == (n, n) and labels.min() >= 0 and labels.max() < len(g["label_names"])
    view01 = next(v for v in g["latent_views"] if {v["x"], v["y"]} == {0, 1})
    f0 = np.array(view01["grids"]["f0"])
    axis = 1 if view01["x"] == 0 else 0  # f0 rises along latent 0
    assert np.all(np.diff(f0.mean(axis=1 - axis)) > 0)
    for p in g["descriptor_planes"]:
        assert np.array(p["error"]).shape == (g["plane_resolution"],) * 2
    assert g["fidelity"]["cells"] > 0 and g["fidelity"]["latent_r2"]["f0"] > 0.8


def test_report_renders_and_links_existing_files(known):
    out, _ = known
    page = (out / "report" / "index.html").read_text()
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(l.endswith(".png") for l in links) and any(l.endswith(".wav") for l in links)
    for link in links:
        assert (out / "report" / link).resolve().is_file(), link


def test_examples_are_listed_and_ordered(known):
    out, _ = known
    m = bundle_mod.load(out).manifest
    ex = m["examples"]["f0"]
    assert ex["low"][0]["value"] < ex["high"][0]["value"]
    for e in ex["low"] + ex["high"]:
        assert (out / e["file"]).is_file()


def test_frame_targets_interpolate_and_leave_free():
    seq = {"points": [{"time": 0.0, "targets": {"a": 0.0}}, {"time": 1.0, "targets": {"a": 1.0}}]}
    t, m = frame_targets(seq, ["a", "b"], frames=4, frame_seconds=0.5)
    assert np.allclose(t[:, 0], [0.25, 0.75, 1.0, 1.0]) and m[:, 0].all() and not m[:, 1].any()
    with pytest.raises(ValueError, match="does not have"):
        frame_targets({"points": [{"time": 0, "targets": {"zzz": 1}}]}, ["a"], 2, 0.5)


def test_play_follows_a_sweep(known):
    out, _ = known
    seq = {"points": [{"time": 0.0, "targets": {"f0": 0.1}}, {"time": 2.0, "targets": {"f0": 0.9}}], "duration": 2.0}
    audio, z, sr = play(out, seq)
    assert sr == 48000 and audio.shape[0] == 1 and audio.shape[1] >= 2 * 48000
    halves = torch.tensor(audio[0, : 2 * 48000]).view(2, -1)
    f0 = describe(halves, sr, ["f0"])["f0"]
    assert f0[1] > 1.3 * f0[0]


def test_an_ensemble_is_one_mlp_computing_its_members_mean():
    """The merged ensemble predicts the members' mean, and the surrogate's closed-form
    Jacobian through it equals autograd's."""
    from engine.surrogate import MLPRegressor, SemanticSurrogate
    rng = np.random.default_rng(0)
    z = rng.standard_normal((600, 4))
    y = np.stack([np.sin(z[:, 0]) + z[:, 1] ** 2, 3 * z[:, 2] + 10], 1)
    ensemble = MLPRegressor(epochs=15, members=3).fit(z, y)
    members = [MLPRegressor(epochs=15, seed=s).fit(z, y).predict(z) for s in range(3)]
    assert np.abs(ensemble.predict(z) - np.mean(members, 0)).max() < 1e-4
    controller = torch.nn.Linear(2 + 2 + 4, 4)  # targets, mask, anchor -> latent
    s = SemanticSurrogate(ensemble.module_, controller, controller, ["a", "b"], 4, 64,
                          z.mean(0), z.std(0), z.min(0), z.max(0), [[0, 0], [0, 0]],
                          torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))
    x = torch.tensor(z[:5], dtype=torch.float32)
    _, jac = s.jacobian(x)
    auto = torch.stack([torch.autograd.functional.jacobian(ensemble.module_, row) for row in x])
    assert torch.allclose(jac, auto, atol=1e-4)


def test_members_side_by_side_compute_what_the_ensemble_computes():
    """StackedMLP over `members_of` (how the tandem controller trains through the
    describer) predicts what the merged ensemble does, and what a single MLP with its own
    output scaling does (an ensemble of one: a --quick build's describer)."""
    from engine.surrogate import MLPRegressor, StackedMLP, members_of
    rng = np.random.default_rng(2)
    z = rng.standard_normal((400, 3))
    y = np.stack([100 * np.sin(z[:, 0]) + 50, z[:, 1] * z[:, 2]], 1)  # far from unit scale
    x = torch.tensor(z, dtype=torch.float32)
    for k in (1, 3):
        module = MLPRegressor(epochs=5, members=k).fit(z, y).module_
        with torch.no_grad():
            assert torch.allclose(StackedMLP(members_of(module)).mean(x), module(x), atol=1e-3), k


def test_the_members_disagree_most_away_from_their_data():
    """Query by committee: the ensemble's members agree where they were trained and
    disagree far from it, so the build can tell where more samples would help without
    decoding anything."""
    from engine.surrogate import MLPRegressor
    rng = np.random.default_rng(1)
    z = rng.uniform(-1, 1, (600, 3))
    y = np.stack([np.sin(2 * z[:, 0]) + z[:, 1], z[:, 2] ** 2], 1)
    ensemble = MLPRegressor(epochs=20, members=4).fit(z, y)
    inside = ensemble.disagreement(rng.uniform(-1, 1, (200, 3))).sum(1)
    outside = ensemble.disagreement(rng.uniform(3, 4, (200, 3))).sum(1)
    assert np.median(outside) > 5 * np.median(inside), (np.median(outside), np.median(inside))
    with pytest.raises(ValueError, match="members"):
        MLPRegressor(epochs=1).fit(z, y).disagreement(z)
