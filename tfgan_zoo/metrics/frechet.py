"""The Frechet distance (FID with Inception features; Heusel et al. 2017).

`frechet_distance_from_statistics` compares two Gaussians; `frechet_distance`
(alias `frechet_distance_from_activations`, TF-GAN's name) fits them to two
feature sets first. NumPy/SciPy, float64.

Example:

>>> import numpy as np
>>> features = np.random.default_rng(1).normal(size=(400, 3))
>>> 2.9 < frechet_distance(features, features - 1.0) < 3.1  # ||mu1 - mu2||^2 = 3
True
"""

import warnings

import numpy as np
from scipy import linalg

from tfgan_zoo.metrics import checks


def _sqrtm(matrix):
    """`scipy.linalg.sqrtm` without its warnings or (deprecated) error estimate.

    SciPy >= 1.16 returns only the square root when `disp` is not passed
    (passing `disp=False` is deprecated and adds an error estimate); older
    versions print a warning instead. Singular inputs raise a
    `LinAlgWarning`, which is silenced here: the caller checks the result.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            result = linalg.sqrtm(matrix)
    if isinstance(result, tuple):  # Older API: (sqrtm, errest).
        result = result[0]
    return np.asarray(result)


def _imag_is_negligible(root):
    if not np.iscomplexobj(root):
        return True, 0.0
    magnitude = float(np.max(np.abs(root.imag))) if root.size else 0.0
    scale = max(1.0, abs(float(np.trace(root.real))))
    return magnitude <= 1e-3 * scale, magnitude


def frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Frechet distance between two Gaussians `N(mu1, sigma1)`, `N(mu2, sigma2)`.

    `d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 sqrtm(sigma1 sigma2))`,
    computed in float64 with `scipy.linalg.sqrtm`. This is FID when the
    statistics are those of Inception pool features.

    Numerical handling: if the matrix square root of the product is not
    finite (near-singular covariances), it is recomputed with `eps * I` added
    to both covariances. A square root with an imaginary part (rounding of
    eigenvalues that are ~0) keeps its real part when the largest imaginary
    entry is at most `1e-3 * max(1, |trace|)` of the root; otherwise (after
    the `eps` retry) a `ValueError` is raised. Tiny negative results from
    rounding are clipped to 0.

    Args:
        mu1: Mean of the first distribution, shape `[d]`.
        sigma1: Covariance of the first distribution, shape `[d, d]`.
        mu2: Mean of the second distribution, shape `[d]`.
        sigma2: Covariance of the second distribution, shape `[d, d]`.
        eps: Non-negative diagonal offset used on the retry.

    Returns:
        The squared Frechet distance, a non-negative Python float.

    Raises:
        ValueError: For bad shapes, NaN/Inf values, a negative `eps` or a
            square root with a large imaginary part.

    Example:

    >>> import numpy as np
    >>> mu1, mu2 = np.zeros(2), np.array([3.0, 4.0])
    >>> sigma1, sigma2 = np.diag([1.0, 4.0]), np.diag([4.0, 9.0])
    >>> # 3^2 + 4^2 + (1 - 2)^2 + (2 - 3)^2 = 27
    >>> round(frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2), 6)
    27.0
    """
    mu1 = checks.as_float64(mu1, "mu1")
    mu2 = checks.as_float64(mu2, "mu2")
    sigma1 = checks.as_float64(sigma1, "sigma1")
    sigma2 = checks.as_float64(sigma2, "sigma2")
    for name, mu in (("mu1", mu1), ("mu2", mu2)):
        if mu.ndim != 1 or mu.shape[0] < 1:
            raise ValueError(
                f"`{name}` must be a non-empty vector of shape [d]. "
                f"Received: {name}.shape={mu.shape}"
            )
    if mu1.shape != mu2.shape:
        raise ValueError(
            "`mu1` and `mu2` must have the same shape. "
            f"Received: mu1.shape={mu1.shape}, mu2.shape={mu2.shape}"
        )
    d = mu1.shape[0]
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != (d, d):
            raise ValueError(
                f"`{name}` must have shape [d, d] = ({d}, {d}) to match the "
                f"means. Received: {name}.shape={sigma.shape}"
            )
    for name, value in (("mu1", mu1), ("sigma1", sigma1), ("mu2", mu2), ("sigma2", sigma2)):
        checks.check_finite(value, name)
    try:
        eps = float(eps)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`eps` must be a float >= 0. Received: eps={eps!r}") from error
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"`eps` must be a float >= 0. Received: eps={eps!r}")

    root = _sqrtm(sigma1 @ sigma2)
    ok = np.all(np.isfinite(root)) and _imag_is_negligible(root)[0]
    if not ok:
        offset = eps * np.eye(d)
        root = _sqrtm((sigma1 + offset) @ (sigma2 + offset))
        if not np.all(np.isfinite(root)):
            raise ValueError(
                "The matrix square root of sigma1 @ sigma2 is not finite, even "
                f"with an offset of eps * I. Received: eps={eps}"
            )
    negligible, magnitude = _imag_is_negligible(root)
    if not negligible:
        raise ValueError(
            "The matrix square root of sigma1 @ sigma2 has a large imaginary "
            f"part (max |imag| = {magnitude:.3g}); the covariances may not be "
            f"positive semi-definite. Received: eps={eps}"
        )
    diff = mu1 - mu2
    value = (
        float(diff @ diff)
        + float(np.trace(sigma1))
        + float(np.trace(sigma2))
        - 2.0 * float(np.trace(root.real))
    )
    return max(value, 0.0)


def frechet_distance(features_a, features_b, eps=1e-6):
    """Frechet distance between Gaussians fitted to two feature sets.

    The mean and the (unbiased, `np.cov(rowvar=False)`) covariance of each
    set are passed to `frechet_distance_from_statistics`. With Inception
    pool features this is FID. Fewer samples than features (rank-deficient
    covariances) are allowed and give a finite value, but the estimate is
    then strongly biased; use many more samples than features.

    Args:
        features_a: Features of the first set, shape `[n_a, d]`, `n_a >= 2`.
        features_b: Features of the second set, shape `[n_b, d]`, `n_b >= 2`.
        eps: Diagonal offset for near-singular covariances (see
            `frechet_distance_from_statistics`).

    Returns:
        The squared Frechet distance, a non-negative Python float.

    Raises:
        ValueError: For a rank other than 2, mismatched feature sizes, fewer
            than 2 samples or NaN/Inf values.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(2000, 4))
    >>> b = rng.normal(loc=2.0, size=(2000, 4))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> 15.0 < frechet_distance(a, b) < 17.0  # about 4 * 2^2 = 16
    True
    """
    a, b = checks.feature_pair(features_a, features_b, "features_a", "features_b", min_samples=2)
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    sigma_a = np.atleast_2d(np.cov(a, rowvar=False))
    sigma_b = np.atleast_2d(np.cov(b, rowvar=False))
    return frechet_distance_from_statistics(mu_a, sigma_a, mu_b, sigma_b, eps=eps)


frechet_distance_from_activations = frechet_distance
