"""Squared maximum mean discrepancy with a mixture of RBF kernels (Gretton
et al. 2012), for vectors `[n, d]` or sequences `[n, t, f]`. NumPy/SciPy,
float64.

Example:

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(100, 2))
>>> mmd(x, x + 3.0) > 0.5
True
"""

import numpy as np
from scipy.spatial import distance as _distance

from tfgan_zoo.metrics import checks


def _median_bandwidth(pooled):
    distances = _distance.pdist(pooled, metric="euclidean")
    distances = distances[distances > 0]
    if distances.size == 0:  # All samples equal: any bandwidth gives 0.
        return 1.0
    return float(np.median(distances))


def mmd(x, y, bandwidths=None, unbiased=True):
    """Squared maximum mean discrepancy with a mixture of RBF kernels.

    `k(a, b) = sum_s exp(-||a - b||^2 / (2 s^2))` over the bandwidths `s`.
    Sequences `[n, t, f]` (or any rank >= 2) are flattened to `[n, t * f]`.
    With `bandwidths=None`, a single bandwidth is chosen by the median
    heuristic: the median of the non-zero pairwise Euclidean distances of
    the pooled sample `concat(x, y)` (each pair counted once).

    Unbiased (U-statistic, default; can be slightly negative):
    `sum_{i != j} Kxx / (n (n - 1)) + sum_{i != j} Kyy / (m (m - 1))
    - 2 mean(Kxy)`. Biased (V-statistic, `unbiased=False`; always >= 0):
    `mean(Kxx) + mean(Kyy) - 2 mean(Kxy)`.

    Memory is O((n + m)^2): the full kernel matrices are built.

    Args:
        x: Samples, shape `[n, ...]`.
        y: Samples, shape `[m, ...]`, with as many values per sample as `x`.
        bandwidths: None (median heuristic), a positive float, or a sequence
            of positive floats.
        unbiased: Whether to use the unbiased estimate (needs `n, m >= 2`).

    Returns:
        MMD^2 as a Python float.

    Raises:
        ValueError: For rank < 2, mismatched sizes per sample, too few
            samples, NaN/Inf values or non-positive bandwidths.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 3))
    >>> abs(mmd(x, rng.normal(size=(200, 3)))) < 0.02
    True
    >>> mmd(x, rng.normal(loc=2.0, size=(200, 3))) > 0.3
    True
    >>> round(mmd(x, x, bandwidths=[0.5, 1.0, 2.0], unbiased=False), 6)
    0.0
    """
    min_samples = 2 if unbiased else 1
    a = checks.flat_samples(x, "x", min_samples)
    b = checks.flat_samples(y, "y", min_samples)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            "`x` and `y` must have the same number of values per sample. "
            f"Received: x.shape={np.shape(x)}, y.shape={np.shape(y)}"
        )
    if bandwidths is None:
        scales = np.array([_median_bandwidth(np.concatenate([a, b], axis=0))])
    else:
        try:
            scales = np.atleast_1d(np.asarray(bandwidths, dtype=np.float64))
        except (TypeError, ValueError) as error:
            raise ValueError(
                "`bandwidths` must be None or positive floats. "
                f"Received: bandwidths={bandwidths!r}"
            ) from error
        valid = scales.ndim == 1 and scales.size > 0 and np.all(np.isfinite(scales))
        if not valid or np.any(scales <= 0):
            raise ValueError(
                "`bandwidths` must be None or a non-empty list of finite "
                f"positive floats. Received: bandwidths={bandwidths!r}"
            )

    def kernel(u, v):
        sq = _distance.cdist(u, v, metric="sqeuclidean")
        total = np.zeros_like(sq)
        for s in scales:
            total += np.exp(-sq / (2.0 * s * s))
        return total

    k_xx, k_yy, k_xy = kernel(a, a), kernel(b, b), kernel(a, b)
    n, m = a.shape[0], b.shape[0]
    if unbiased:
        term_x = (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1))
        term_y = (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    else:
        term_x, term_y = k_xx.mean(), k_yy.mean()
    return float(term_x + term_y - 2.0 * k_xy.mean())
