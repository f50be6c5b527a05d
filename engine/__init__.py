"""semantic~ engine: sample a generator's latent space, describe, fit surrogates, bundle."""
__version__ = "0.1.0"
