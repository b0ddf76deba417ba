"""Sample-quality metrics on precomputed features or logits (NumPy/SciPy).

These are pure functions: they take NumPy arrays (or anything
`np.asarray` accepts) of features or classifier logits, compute in
float64 and return Python floats (or tuples/dicts of floats). No
TensorFlow is involved, so they run anywhere and are easy to check.

- `frechet_distance_from_statistics`, `frechet_distance` (alias
  `frechet_distance_from_activations`, TF-GAN's name): the Frechet
  distance between Gaussians fitted to two feature sets (FID when the
  features come from Inception; Heusel et al. 2017).
- `kernel_distance`: the kernel inception distance, KID (Binkowski et al.
  2018): unbiased MMD^2 with a cubic polynomial kernel, averaged over
  random subsets.
- `classifier_score`: the inception score, IS (Salimans et al. 2016), from
  a classifier's logits or probabilities.
- `precision_recall`: improved precision and recall (Kynkaanniemi et al.
  2019) and density and coverage (Naeem et al. 2020) from k-NN balls.
- `mmd`: squared maximum mean discrepancy with a mixture of RBF kernels
  (Gretton et al. 2012), for vectors `[n, d]` or sequences `[n, t, f]`.

Features are arrays of shape `[num_samples, num_features]`. Every function
checks its inputs and raises `ValueError` naming the received value for
wrong ranks, mismatched feature sizes, too few samples and NaN/Inf values.

Example:

>>> import numpy as np
>>> from tfgan_zoo.metrics.functions import frechet_distance
>>> rng = np.random.default_rng(0)
>>> real = rng.normal(size=(500, 8))
>>> round(frechet_distance(real, real), 6)
0.0
>>> frechet_distance(real, real + 1.0) > 7.9  # ||mu1 - mu2||^2 = 8
True
"""

import warnings

import numpy as np
from scipy import linalg
from scipy.spatial import distance as _distance

__all__ = [
    "classifier_score",
    "frechet_distance",
    "frechet_distance_from_activations",
    "frechet_distance_from_statistics",
    "kernel_distance",
    "mmd",
    "precision_recall",
]

# Upper bound on the number of float64 entries of one block of pairwise
# distances (2**22 entries = 32 MiB), so 10k x 10k sets stay bounded.
_MAX_BLOCK_ENTRIES = 2**22


# ----------------------------------------------------------------------------
# Input checks.
# ----------------------------------------------------------------------------


def _as_float64(x, name):
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`{name}` must be a numeric array. Received: {name}={x!r}"
        ) from error
    return array


def _check_finite(array, name):
    if not np.all(np.isfinite(array)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"`{name}` must contain only finite values. Received: {name} "
            f"with {bad} NaN/Inf value(s) out of {array.size} "
            f"(shape={array.shape})"
        )


def _features(x, name, min_samples=1):
    """Float64 `[n, d]` features with `n >= min_samples`, all finite."""
    array = _as_float64(x, name)
    if array.ndim != 2:
        raise ValueError(
            f"`{name}` must have rank 2, shape [num_samples, num_features]. "
            f"Received: {name}.shape={array.shape}"
        )
    if array.shape[1] < 1:
        raise ValueError(
            f"`{name}` must have at least 1 feature. "
            f"Received: {name}.shape={array.shape}"
        )
    if array.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` must have at least {min_samples} sample(s). "
            f"Received: {name}.shape={array.shape}"
        )
    _check_finite(array, name)
    return array


def _check_same_features(a, b, name_a, name_b):
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same number of "
            f"features. Received: {name_a}.shape={a.shape}, "
            f"{name_b}.shape={b.shape}"
        )


def _positive_int(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    if value < minimum:
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    return int(value)


# ----------------------------------------------------------------------------
# Frechet distance.
# ----------------------------------------------------------------------------


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
    mu1 = _as_float64(mu1, "mu1")
    mu2 = _as_float64(mu2, "mu2")
    sigma1 = _as_float64(sigma1, "sigma1")
    sigma2 = _as_float64(sigma2, "sigma2")
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
        _check_finite(value, name)
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
    a = _features(features_a, "features_a", min_samples=2)
    b = _features(features_b, "features_b", min_samples=2)
    _check_same_features(a, b, "features_a", "features_b")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    sigma_a = np.atleast_2d(np.cov(a, rowvar=False))
    sigma_b = np.atleast_2d(np.cov(b, rowvar=False))
    return frechet_distance_from_statistics(mu_a, sigma_a, mu_b, sigma_b, eps=eps)


frechet_distance_from_activations = frechet_distance


# ----------------------------------------------------------------------------
# Kernel (inception) distance.
# ----------------------------------------------------------------------------


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
    a = _features(features_a, "features_a", min_samples=2)
    b = _features(features_b, "features_b", min_samples=2)
    _check_same_features(a, b, "features_a", "features_b")
    num_subsets = _positive_int(num_subsets, "num_subsets", minimum=1)
    subset_size = _positive_int(subset_size, "subset_size", minimum=2)
    m = min(subset_size, a.shape[0], b.shape[0])
    rng = np.random.default_rng(seed)
    estimates = np.empty(num_subsets, dtype=np.float64)
    for s in range(num_subsets):
        index_a = rng.choice(a.shape[0], m, replace=False)
        index_b = rng.choice(b.shape[0], m, replace=False)
        estimates[s] = _polynomial_mmd2_unbiased(a[index_a], b[index_b])
    return float(estimates.mean()), float(estimates.std())


# ----------------------------------------------------------------------------
# Classifier (inception) score.
# ----------------------------------------------------------------------------


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def classifier_score(logits, splits=10, from_logits=True):
    """Classifier score (inception score, IS) of a classifier's outputs.

    The rows are cut into `splits` contiguous parts (`np.array_split`, so
    parts differ by at most one row when `splits` does not divide `n`). For
    each part, `exp(mean_x KL(p(y|x) || p(y)))` is computed, where `p(y)` is
    the part's mean of `p(y|x)`. The score is between 1 (every sample gets
    the same distribution) and the number of classes (confident predictions
    spread evenly over the classes).

    Args:
        logits: Shape `[n, num_classes]`: unnormalised logits (softmax is
            applied stably), or probabilities if `from_logits=False`.
        splits: Number of parts, an integer between 1 and `n`.
        from_logits: If False, `logits` are probabilities: non-negative rows
            that sum to 1 (within 1e-3; they are then renormalised).

    Returns:
        A tuple `(mean, std)` of Python floats over the parts (`ddof=0`).

    Raises:
        ValueError: For a rank other than 2, NaN/Inf values, `splits` outside
            `[1, n]`, or (with `from_logits=False`) negative probabilities or
            rows that do not sum to 1.

    Example:

    >>> import numpy as np
    >>> logits = 50.0 * np.tile(np.eye(4), (5, 1))  # confident, 4 classes
    >>> mean, std = classifier_score(logits, splits=1)
    >>> round(mean, 6), round(std, 6)
    (4.0, 0.0)
    >>> round(classifier_score(np.zeros((20, 4)), splits=2)[0], 6)  # uniform
    1.0
    """
    values = _features(logits, "logits", min_samples=1)
    n = values.shape[0]
    is_int = isinstance(splits, (int, np.integer)) and not isinstance(splits, (bool, np.bool_))
    if not is_int or not 1 <= splits <= n:
        raise ValueError(
            "`splits` must be an integer between 1 and the number of samples "
            f"({n}). Received: splits={splits!r}"
        )
    if from_logits:
        log_p = _log_softmax(values)
        p = np.exp(log_p)
    else:
        if np.any(values < 0):
            raise ValueError(
                "With `from_logits=False`, `logits` must be probabilities >= 0. "
                f"Received: logits with min value {float(values.min())!r}"
            )
        row_sums = values.sum(axis=1)
        worst = float(np.max(np.abs(row_sums - 1.0)))
        if worst > 1e-3:
            raise ValueError(
                "With `from_logits=False`, every row of `logits` must sum to 1. "
                f"Received: logits with a row summing to "
                f"{float(row_sums[np.argmax(np.abs(row_sums - 1.0))])!r}"
            )
        p = values / row_sums[:, None]
        with np.errstate(divide="ignore"):
            log_p = np.log(p)
    scores = []
    for part_p, part_log_p in zip(np.array_split(p, splits), np.array_split(log_p, splits)):
        marginal = part_p.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part_p > 0, part_p * (part_log_p - np.log(marginal)), 0.0)
        kl = terms.sum(axis=1)
        scores.append(np.exp(kl.mean()))
    scores = np.asarray(scores)
    return float(scores.mean()), float(scores.std())


# ----------------------------------------------------------------------------
# Precision / recall / density / coverage.
# ----------------------------------------------------------------------------


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
    k = _positive_int(k, "k", minimum=1)
    real = _features(real_features, "real_features")
    fake = _features(fake_features, "fake_features")
    _check_same_features(real, fake, "real_features", "fake_features")
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


# ----------------------------------------------------------------------------
# MMD with RBF kernels.
# ----------------------------------------------------------------------------


def _flat_samples(x, name, min_samples):
    array = _as_float64(x, name)
    if array.ndim < 2:
        raise ValueError(
            f"`{name}` must have rank >= 2, shape [n, d] or [n, t, f]. "
            f"Received: {name}.shape={array.shape}"
        )
    if array.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` must have at least {min_samples} sample(s). "
            f"Received: {name}.shape={array.shape}"
        )
    flat = array.reshape(array.shape[0], -1)
    if flat.shape[1] < 1:
        raise ValueError(
            f"`{name}` must have at least 1 value per sample. "
            f"Received: {name}.shape={array.shape}"
        )
    _check_finite(flat, name)
    return flat


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
    a = _flat_samples(x, "x", min_samples)
    b = _flat_samples(y, "y", min_samples)
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
