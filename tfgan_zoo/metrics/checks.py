"""Input checks shared by the metric functions.

Each check converts its input to float64 NumPy and raises `ValueError`
naming the argument and the received value (shape, count of NaN/Inf
values) for wrong ranks, mismatched feature sizes, too few samples and
non-finite values.

Example:

>>> features([[0.0, 1.0], [2.0, 3.0]], "features_a", min_samples=2).dtype
dtype('float64')
>>> features([1.0, 2.0], "features_a")
Traceback (most recent call last):
...
ValueError: `features_a` must have rank 2, shape [num_samples, num_features]. Received: features_a.shape=(2,)
"""

import numpy as np


def as_float64(x, name):
    """`x` as a float64 array; a non-numeric input is a `ValueError`."""
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`{name}` must be a numeric array. Received: {name}={x!r}"
        ) from error
    return array


def check_finite(array, name):
    """Raises when `array` holds NaN or Inf values, saying how many."""
    if not np.all(np.isfinite(array)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"`{name}` must contain only finite values. Received: {name} "
            f"with {bad} NaN/Inf value(s) out of {array.size} "
            f"(shape={array.shape})"
        )


def _check_min_samples(array, name, min_samples):
    if array.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` must have at least {min_samples} sample(s). "
            f"Received: {name}.shape={array.shape}"
        )


def features(x, name, min_samples=1):
    """Float64 `[n, d]` features with `n >= min_samples`, all finite."""
    array = as_float64(x, name)
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
    _check_min_samples(array, name, min_samples)
    check_finite(array, name)
    return array


def flat_samples(x, name, min_samples):
    """Float64 samples of any rank >= 2, flattened to `[n, values]`, all finite."""
    array = as_float64(x, name)
    if array.ndim < 2:
        raise ValueError(
            f"`{name}` must have rank >= 2, shape [n, d] or [n, t, f]. "
            f"Received: {name}.shape={array.shape}"
        )
    _check_min_samples(array, name, min_samples)
    flat = array.reshape(array.shape[0], -1)
    if flat.shape[1] < 1:
        raise ValueError(
            f"`{name}` must have at least 1 value per sample. "
            f"Received: {name}.shape={array.shape}"
        )
    check_finite(flat, name)
    return flat


def check_same_features(a, b, name_a, name_b):
    """Raises unless `[n, d]` arrays `a` and `b` have the same `d`."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same number of "
            f"features. Received: {name_a}.shape={a.shape}, "
            f"{name_b}.shape={b.shape}"
        )


def feature_pair(a, b, name_a, name_b, min_samples=1):
    """Two checked feature sets with the same number of features."""
    a = features(a, name_a, min_samples=min_samples)
    b = features(b, name_b, min_samples=min_samples)
    check_same_features(a, b, name_a, name_b)
    return a, b
