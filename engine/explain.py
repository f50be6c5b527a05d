"""Which latent dimensions drive which percept.

- permutation importance (scikit-learn) of each latent dimension for each descriptor,
  on held-out samples, through the forward surrogate; latent dimensions that are
  correlated in the sample (a corpus sampler can make them so) are clustered and
  permuted as groups, as scikit-learn's documentation advises for correlated features;
- descriptor clusters (Spearman correlation, hierarchical): descriptors that move
  together share their importance story;
- local sensitivities: the forward surrogate's Jacobian at any latent;
- AR-VAE's interpretability score: per descriptor, the best single latent dimension's
  linear R².
"""
import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression


class _OneDescriptor(BaseEstimator, RegressorMixin):
    """The forward surrogate seen by scikit-learn as a regressor of one descriptor."""

    def __init__(self, describer=None, column: int = 0):
        self.describer = describer
        self.column = column

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.describer.predict(X)[:, self.column]


def spearman_matrix(values: np.ndarray) -> np.ndarray:
    """Spearman correlation between columns, always a matrix (scipy's is a scalar for two)."""
    return np.nan_to_num(np.atleast_2d(np.corrcoef(rankdata(values, axis=0), rowvar=False)))


def clusters(values: np.ndarray, threshold: float = 0.3) -> list:
    """Group columns whose Spearman correlation is high (1 - |rho| < threshold)."""
    if values.shape[1] < 2:
        return [[0]]
    distance = np.clip(1 - np.abs(spearman_matrix(values)), 0, None)
    np.fill_diagonal(distance, 0)
    labels = hierarchy.fcluster(hierarchy.average(squareform(distance, checks=False)), threshold, "distance")
    return [list(np.flatnonzero(labels == k)) for k in np.unique(labels)]


def permutation_importances(describer, Z, Y, names, repeats: int = 5, seed: int = 0) -> dict:
    """Importance [latent_size] per descriptor (drop of R² when a dimension, or its group
    of correlated dimensions, is permuted)."""
    groups = clusters(Z)
    out = {}
    rng = np.random.default_rng(seed)
    for j, name in enumerate(names):
        est = _OneDescriptor(describer, j)
        if all(len(g) == 1 for g in groups):
            imp = permutation_importance(est, Z, Y[:, j], scoring="r2", n_repeats=repeats, random_state=seed)
            out[name] = imp.importances_mean.tolist()
            continue
        base = est.score(Z, Y[:, j])
        imp = np.zeros(Z.shape[1])
        for g in groups:  # permute the whole group together
            drops = []
            for _ in range(repeats):
                Zp = Z.copy()
                Zp[:, g] = Z[rng.permutation(len(Z))][:, g]
                drops.append(base - est.score(Zp, Y[:, j]))
            imp[g] = np.mean(drops)
        out[name] = imp.tolist()
    return {"importance": out, "latent_groups": [[int(i) for i in g] for g in groups]}


def interpretability(Z, Y, names) -> dict:
    """AR-VAE's score: per descriptor, the best single latent dimension and its linear R²."""
    out = {}
    for j, name in enumerate(names):
        r2 = [LinearRegression().fit(Z[:, [i]], Y[:, j]).score(Z[:, [i]], Y[:, j]) for i in range(Z.shape[1])]
        out[name] = {"dimension": int(np.argmax(r2)), "r2": float(np.max(r2))}
    return out


def sensitivity(surrogate, z) -> np.ndarray:
    """d descriptors / d latent [D, L] of the forward surrogate at latent z [L]."""
    import torch
    with torch.no_grad():
        return surrogate.jacobian(torch.as_tensor(np.asarray(z, np.float32))[None])[1][0].numpy()


def explain(describer, surrogate, Z_test, Y_test, Y_all, names, reference) -> dict:
    perm = permutation_importances(describer, Z_test, Y_test, names)
    return {**perm,
            "descriptor_clusters": [[names[i] for i in g] for g in clusters(Y_all)],
            "interpretability": interpretability(Z_test, Y_test, names),
            "sensitivity_at_reference": sensitivity(surrogate, reference).tolist(),
            "reference_latent": [float(v) for v in reference]}
