"""The built-in demo generators: nn~ interface, and seamless streaming."""
import pytest
import torch

from engine import demo


@pytest.mark.parametrize("name", sorted(demo.DEMOS))
def test_interface(demo_paths, name):
    m = torch.jit.load(str(demo_paths[name]))
    assert m.decode_params.tolist() == [8, 2048, 1, 1]
    assert m.get_sample_rate() == 48000
    assert "decode" in m.get_methods()
    assert len(m.decode_input_labels) == 8
    y = m.decode(torch.randn(3, 8, 5))
    assert y.shape == (3, 1, 5 * 2048) and y.dtype == torch.float32
    assert torch.isfinite(y).all() and y.abs().max() > 1e-4


@pytest.mark.parametrize("name", sorted(demo.DEMOS))
def test_streaming_equals_one_call(demo_paths, name):
    """Two consecutive decode calls give the same samples as one call over both: the
    state (phases, filters, caches) carries, so there is no click at the boundary."""
    z = torch.randn(2, 8, 1).repeat(1, 1, 8) + 0.3 * torch.randn(2, 8, 8)
    whole = torch.jit.load(str(demo_paths[name])).decode(z)
    streamed = torch.jit.load(str(demo_paths[name]))
    parts = torch.cat([streamed.decode(z[..., :3]), streamed.decode(z[..., 3:])], -1)
    assert torch.allclose(whole, parts, atol=1e-3 * whole.abs().max().item())  # float32 phase rounding
    # and the step across the boundary is no larger than the steps around it
    b = 3 * 2048
    step = (parts[..., b] - parts[..., b - 1]).abs()
    around = (parts[..., b - 64: b + 64].diff(dim=-1)).abs().amax(-1)
    assert (step <= around + 1e-7).all()


def test_latent_axes_are_entangled(demo_paths):
    """Moving one latent dimension moves several synthesis parameters (no clean axis)."""
    synth = demo.DEMOS["synth_a"]()
    z = torch.zeros(1, 8, 1)
    base = synth.mix(z)[0, :, 0]
    for i in range(8):
        dz = z.clone()
        dz[0, i] = 1.0
        moved = (synth.mix(dz)[0, :, 0] - base).abs()
        assert (moved > 0.02).sum() >= 3, f"latent {i} moves only {moved.tolist()}"


def test_the_two_synths_mix_differently():
    z = torch.randn(1, 8, 16)
    a, b = demo.DEMOS["synth_a"]().mix(z), demo.DEMOS["synth_b"]().mix(z)
    assert (a - b).abs().mean() > 0.05
