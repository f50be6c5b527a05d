"""Loading a generator, and refusing what nn~ could not play, with readable errors."""
import zipfile

import pytest
import torch

from engine.generator import Generator, GeneratorError


def test_loads_demo_generator(demo_paths):
    g = Generator.load(demo_paths["synth_a"])
    assert (g.latent_size, g.hop, g.channels, g.sr) == (8, 2048, 1, 48000)
    assert not g.has_encode and len(g.sha256) == 64
    y = g.decode(torch.zeros(2, 8, 3))
    assert y.shape == (2, 1, 3 * 2048)


def test_reads_encode(demo_paths):
    g = Generator.load(demo_paths["neural"])
    assert g.has_encode
    assert g.encode(torch.randn(1, 1, 4 * 2048) * 0.1).shape == (1, 8, 4)


class Fake(torch.nn.Module):
    """A decoder with an nn~ interface whose output can be made wrong in one way."""

    def __init__(self, fault: str = "", params=(4, 256, 1, 1)):
        super().__init__()
        self.fault = fault
        self.register_buffer("decode_params", torch.tensor(list(params)))
        self.sr = 44100

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        n = z.shape[-1] * 256
        y = torch.sin(torch.arange(n, dtype=torch.float32) * 0.05).expand(z.shape[0], 1, n) * 0.1
        if self.fault == "nan":
            y = y * float("nan")
        elif self.fault == "silent":
            y = y * 0
        elif self.fault == "short":
            y = y[..., :-7]
        elif self.fault == "channels":
            y = torch.cat([y, y], 1)
        return y


class NoDecode(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class NoRate(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("decode_params", torch.tensor([4, 256, 1, 1]))

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.ones(z.shape[0], 1, z.shape[-1] * 256)


def save(module, path):
    torch.jit.script(module).save(str(path))
    return path


def test_accepts_a_foreign_but_valid_generator(tmp_path):
    g = Generator.load(save(Fake(), tmp_path / "ok.ts"))
    assert (g.latent_size, g.hop, g.sr) == (4, 256, 44100)


@pytest.mark.parametrize("fault, message", [
    ("nan", "NaN or Inf"),
    ("silent", "silence"),
    ("short", "should return"),
    ("channels", "should return"),
])
def test_refuses_bad_output(tmp_path, fault, message):
    with pytest.raises(GeneratorError, match=message):
        Generator.load(save(Fake(fault), tmp_path / f"{fault}.ts"))


def test_refuses_missing_file(tmp_path):
    with pytest.raises(GeneratorError, match="not found"):
        Generator.load(tmp_path / "nope.ts")


def test_refuses_non_torchscript(tmp_path):
    p = tmp_path / "model.ts"
    p.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt not a model")
    with pytest.raises(GeneratorError, match="not TorchScript.*RIFF"):
        Generator.load(p)


def test_refuses_corrupt_archive(tmp_path):
    p = tmp_path / "model.ts"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("model/data.pkl", b"garbage")
    with pytest.raises(GeneratorError, match="could not be loaded as TorchScript"):
        Generator.load(p)


def test_refuses_truncated_file(demo_paths, tmp_path):
    data = demo_paths["synth_a"].read_bytes()
    p = tmp_path / "truncated.ts"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(GeneratorError, match="TorchScript"):
        Generator.load(p)


def test_refuses_module_without_decode(tmp_path):
    with pytest.raises(GeneratorError, match="expected a `decode` method.*forward"):
        Generator.load(save(NoDecode(), tmp_path / "nodecode.ts"))


def test_refuses_missing_decode_params(tmp_path):
    class Bare(torch.nn.Module):
        @torch.jit.export
        def decode(self, z: torch.Tensor) -> torch.Tensor:
            return z

    with pytest.raises(GeneratorError, match="decode_params"):
        Generator.load(save(Bare(), tmp_path / "bare.ts"))


def test_refuses_bad_decode_params(tmp_path):
    with pytest.raises(GeneratorError, match=r"decode_params .*found \[4, 256, 1, 2\]"):
        Generator.load(save(Fake(params=(4, 256, 1, 2)), tmp_path / "ratio.ts"))


def test_refuses_missing_sample_rate(tmp_path):
    with pytest.raises(GeneratorError, match="sample rate"):
        Generator.load(save(NoRate(), tmp_path / "norate.ts"))


def test_refuses_wrong_latent_shape(demo_paths):
    g = Generator.load(demo_paths["synth_a"])
    with pytest.raises(GeneratorError, match=r"\[batch, 8, frames\]"):
        g.decode(torch.zeros(1, 5, 2))
