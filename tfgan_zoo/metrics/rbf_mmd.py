"""Squared maximum mean discrepancy with a mixture of RBF kernels (Gretton
et al. 2012), for vectors `[n, d]` or sequences `[n, t, f]`, in float64:
the checked NumPy front of `tfgan_zoo.losses.mmd.mmd_squared`, the same
computation the kernel models (`gmmn`, `mmd_gan`) train with.

Example:

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(100, 2))
>>> mmd(x, x + 3.0) > 0.5
True
"""

import numpy as np

from tfgan_zoo.losses import mmd as mmd_lib
from tfgan_zoo.metrics import checks


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
    # The one MMD of the package (`tfgan_zoo.losses.mmd`, TensorFlow), in float64.
    return float(mmd_lib.mmd_squared(a, b, mmd_lib.check_bandwidths(bandwidths), unbiased))
