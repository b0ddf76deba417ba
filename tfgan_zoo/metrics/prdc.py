"""Improved precision and recall (Kynkaanniemi et al. 2019) and density and
coverage (Naeem et al. 2020) from k-nearest-neighbour balls. NumPy/SciPy,
float64, exact distances in bounded-memory row blocks.

Example:

>>> import numpy as np
>>> real = np.random.default_rng(0).normal(size=(50, 2))
>>> precision_recall(real, real, k=3)["recall"]
1.0
"""

import numpy as np
from scipy.spatial import distance as _distance

from tfgan_zoo import checks as value_checks
from tfgan_zoo.metrics import checks

# Upper bound on the number of float64 entries of one block of pairwise
# distances (2**22 entries = 32 MiB), so 10k x 10k sets stay bounded.
_MAX_BLOCK_ENTRIES = 2**22


def _row_blocks(num_rows, num_cols):
    block = max(1, _MAX_BLOCK_ENTRIES // max(1, num_cols))
    for start in range(0, num_rows, block):
        yield start, min(num_rows, start + block)


def _knn_radii(features, k):
    """Distance of every row to its k-th nearest other row (self excluded)."""
    n = features.shape[0]
    radii = np.empty(n, dtype=np.float64)
    for start, stop in _row_blocks(n, n):
        dist = _distance.cdist(features[start:stop], features, metric="euclidean")
        rows = np.arange(stop - start)
        dist[rows, start + rows] = np.inf  # Exclude each sample itself.
        radii[start:stop] = np.partition(dist, k - 1, axis=1)[:, k - 1]
    return radii


def precision_recall(real_features, fake_features, k=3):
    """Improved precision/recall and density/coverage from k-NN balls.

    Each sample gets a ball whose radius is the Euclidean distance to its
    `k`-th nearest neighbour in its own set (itself excluded; duplicates
    count as neighbours). With closed balls `B(x, r)`:

    - precision (Kynkaanniemi et al. 2019): fraction of fake samples inside
      at least one real ball (fidelity).
    - recall: fraction of real samples inside at least one fake ball
      (diversity).
    - density (Naeem et al. 2020): `(1 / (k M)) sum_j sum_i
      1[fake_j in B(real_i, r_i)]` over the `M` fakes; about 1 when both
      sets come from the same distribution, and `(k + 1) / k` when the sets
      are identical (each real ball holds its centre and `k` neighbours).
    - coverage: fraction of real samples whose ball contains a fake sample.

    Distances are exact (`scipy.spatial.distance.cdist`), computed in row
    blocks so memory stays bounded (about 32 MiB per block) for large sets.

    Args:
        real_features: Shape `[N, d]`, with `N > k`.
        fake_features: Shape `[M, d]`, with `M > k`.
        k: Neighbour rank for the radii, an integer >= 1.

    Returns:
        A dict with float keys `"precision"`, `"recall"`, `"density"` and
        `"coverage"`.

    Raises:
        ValueError: For a rank other than 2, mismatched feature sizes, bad
            `k`, `k` not smaller than a set's size, or NaN/Inf values.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(100, 2))
    >>> result = precision_recall(real, real, k=3)
    >>> result["precision"], result["recall"], result["coverage"]
    (1.0, 1.0, 1.0)
    >>> precision_recall(real, real + 100.0, k=3)["precision"]
    0.0
    """
    k = value_checks.integer(k, "k", minimum=1)
    real, fake = checks.feature_pair(real_features, fake_features, "real_features", "fake_features")
    for name, array in (("real_features", real), ("fake_features", fake)):
        if array.shape[0] <= k:
            raise ValueError(
                f"`{name}` needs more than k={k} samples for the k-th nearest "
                f"neighbour. Received: {name}.shape={array.shape}, k={k}"
            )
    real_radii = _knn_radii(real, k)
    fake_radii = _knn_radii(fake, k)
    num_real, num_fake = real.shape[0], fake.shape[0]

    fake_in_real = np.zeros(num_fake, dtype=bool)  # precision
    real_in_fake = np.zeros(num_real, dtype=bool)  # recall
    density_count = 0
    nearest_fake = np.full(num_real, np.inf)  # coverage
    for start, stop in _row_blocks(num_fake, num_real):
        dist = _distance.cdist(fake[start:stop], real, metric="euclidean")  # [b, N]
        inside_real = dist <= real_radii[None, :]
        fake_in_real[start:stop] = inside_real.any(axis=1)
        density_count += int(np.count_nonzero(inside_real))
        real_in_fake |= (dist <= fake_radii[start:stop, None]).any(axis=0)
        np.minimum(nearest_fake, dist.min(axis=0), out=nearest_fake)
    return {
        "precision": float(fake_in_real.mean()),
        "recall": float(real_in_fake.mean()),
        "density": float(density_count / (k * num_fake)),
        "coverage": float(np.mean(nearest_fake <= real_radii)),
    }
