"""What the [semantic~] external asks of Python, on load only (never on the audio path):
check a bundle and its generator and hand over TorchScript handles and metadata."""
from . import bundle as bundle_mod


def load_for_host(path: str, exposed) -> dict:
    """Load and check the bundle at `path` for an object exposing the descriptors
    `exposed` (its inlets). Raises ValueError (BundleError, GeneratorError) with a
    readable reason."""
    b = bundle_mod.load(path)
    names = b.descriptor_names
    missing = [n for n in exposed if n not in names]
    if missing:
        raise ValueError(f"bundle {path} has no descriptor(s) {missing}; it has {names}")
    surrogate = b.load_surrogate().eval()
    generator = b.load_generator()
    generator.check()
    norm = [(d["normalisation"]["warp"], d["normalisation"]["lo"], d["normalisation"]["hi"])
            for d in b.manifest["descriptors"]]
    return {"surrogate": surrogate._c, "generator": generator.module._c, "names": names,
            "latent": b.manifest["latent_size"], "hop": b.manifest["hop"], "sr": b.manifest["sr"],
            "channels": b.manifest["channels"], "latent_mean": [float(v) for v in surrogate.latent_mean],
            "normalisation": norm, "path": str(b.path.resolve()),
            "generator_name": b.generator_path().name}
