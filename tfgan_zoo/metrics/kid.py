"""The kernel distance, KID (Binkowski et al. 2018): unbiased MMD^2 with a
cubic polynomial kernel, averaged over random subsets. NumPy, float64.

Example:

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> a = rng.normal(size=(300, 4))
>>> kernel_distance(a, a + 2.0, num_subsets=5, subset_size=100)[0] > 1.0
True
"""

import numpy as np

from tfgan_zoo import checks as value_checks
from tfgan_zoo.metrics import checks


def _polynomial_mmd2_unbiased(a, b):
    """Unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3; equal sizes `m >= 2`."""
    m, d = a.shape
    k_aa = (a @ a.T / d + 1.0) ** 3
    k_bb = (b @ b.T / d + 1.0) ** 3
    k_ab = (a @ b.T / d + 1.0) ** 3
    off_aa = k_aa.sum() - np.trace(k_aa)
    off_bb = k_bb.sum() - np.trace(k_bb)
    return (off_aa + off_bb) / (m * (m - 1)) - 2.0 * k_ab.mean()


def kernel_distance(features_a, features_b, num_subsets=100, subset_size=1000, seed=0):
    """Kernel distance (KID): unbiased MMD^2 with a cubic polynomial kernel.

    The kernel is `k(x, y) = (x . y / d + 1)^3`. For each of `num_subsets`
    subsets, `m = min(subset_size, n_a, n_b)` rows of `features_a` and then
    `m` rows of `features_b` are drawn without replacement with
    `rng.choice(n, m, replace=False)` from `rng = np.random.default_rng(seed)`,
    and the unbiased estimate

        sum_{i != j} K_aa[i, j] / (m (m - 1))
        + sum_{i != j} K_bb[i, j] / (m (m - 1)) - 2 mean(K_ab)

    is computed. The estimate is unbiased, so it can be slightly negative
    when both sets come from the same distribution.

    Args:
        features_a: Features of the first set, shape `[n_a, d]`, `n_a >= 2`.
        features_b: Features of the second set, shape `[n_b, d]`, `n_b >= 2`.
        num_subsets: Number of random subsets, an integer >= 1.
        subset_size: Subset size, an integer >= 2; clipped to the set sizes.
        seed: Seed of `np.random.default_rng`.

    Returns:
        A tuple `(mean, std)` of Python floats: the mean and the (population,
        `ddof=0`) standard deviation of the estimates over the subsets.

    Raises:
        ValueError: For a rank other than 2, mismatched feature sizes, fewer
            than 2 samples, NaN/Inf values or bad `num_subsets`/`subset_size`.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(200, 8)), rng.normal(size=(200, 8))
    >>> mean, std = kernel_distance(a, b, num_subsets=10, subset_size=100)
    >>> abs(mean) < 3 * std + 1e-3, std >= 0.0
    (True, True)
    >>> kernel_distance(a, b + 1.0, num_subsets=10, subset_size=100)[0] > 0.5
    True
    """
    a, b = checks.feature_pair(features_a, features_b, "features_a", "features_b", min_samples=2)
    num_subsets = value_checks.integer(num_subsets, "num_subsets", minimum=1)
    subset_size = value_checks.integer(subset_size, "subset_size", minimum=2)
    m = min(subset_size, a.shape[0], b.shape[0])
    rng = np.random.default_rng(seed)
    estimates = np.empty(num_subsets, dtype=np.float64)
    for s in range(num_subsets):
        index_a = rng.choice(a.shape[0], m, replace=False)
        index_b = rng.choice(b.shape[0], m, replace=False)
        estimates[s] = _polynomial_mmd2_unbiased(a[index_a], b[index_b])
    return float(estimates.mean()), float(estimates.std())
