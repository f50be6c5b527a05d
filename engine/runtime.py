"""What the [semantic~] external asks of Python, on load only (never on the audio path):
check a bundle and its generator and hand over TorchScript handles and metadata."""
import torch

from . import bundle as bundle_mod


def load_for_host(path: str) -> dict:
    """Load and check the bundle at `path`. Raises ValueError (BundleError,
    GeneratorError) with a readable reason: among others when the generator is not the
    one the manifest describes (latent size, hop, rate, channels)."""
    # Loads run beside playing objects: one core, so the others stay with the audio.
    torch.set_num_threads(1)
    b = bundle_mod.load(path)
    surrogate = b.load_surrogate().eval()
    generator = b.load_generator()
    m = b.manifest
    found = {"latent_size": generator.latent_size, "hop": generator.hop, "sr": generator.sr,
             "channels": generator.channels}
    differ = {k: (m[k], v) for k, v in found.items() if m.get(k) != v}
    if differ:
        raise bundle_mod.BundleError(f"{path}: the manifest does not describe its generator: " + ", ".join(
            f"{k} {want!r} in the manifest, {got!r} in {b.generator_path().name}" for k, (want, got) in differ.items()))
    generator.check()
    norm = [(d["normalisation"]["warp"], d["normalisation"]["lo"], d["normalisation"]["hi"]) for d in m["descriptors"]]
    return {"surrogate": surrogate._c, "generator": generator.module._c, "names": b.descriptor_names,
            "latent": m["latent_size"], "hop": m["hop"], "sr": m["sr"], "channels": m["channels"],
            "latent_mean": [float(v) for v in surrogate.latent_mean], "normalisation": norm,
            "path": str(b.path.resolve()), "generator_name": b.generator_path().name}


def relabel_for_host(path: str, name: str, examples: list, forget: bool, progress) -> str:
    """`learn NAME` (examples: [{"latent", "value"}] the object was taught, added to those
    the label has) or `forget NAME` on the bundle at `path`, which is rewritten; returns
    the line the object posts. Raises ValueError (BundleError) with a readable reason."""
    from . import label  # the build's stages and scikit-learn: not for every load

    torch.set_num_threads(1)
    # jobs=1: joblib's worker processes would start the host's executable, not python
    if forget:
        label.forget(path, name, progress=progress, jobs=1)
        return f"forgot {name}: {path} no longer has it"
    metrics = label.teach(path, name, examples, add=True, progress=progress, jobs=1)
    taught = next(d["taught"] for d in bundle_mod.load(path).manifest["descriptors"] if d["name"] == name)
    m = metrics["descriptors"][name]
    return (f"learned {name}: {taught['model']}, cross-validated {taught['cv_metric']} {taught['cv_score']:.2f} "
            f"on {taught['examples']} examples; control r {m['control_r']:.2f} on re-decoded audio")
