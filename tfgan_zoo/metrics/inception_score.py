"""The classifier score: the inception score, IS (Salimans et al. 2016), of
any classifier's logits or probabilities. NumPy, float64.

Example:

>>> import numpy as np
>>> round(classifier_score(50.0 * np.eye(3), splits=1)[0], 6)  # 3 confident classes
3.0
"""

import numpy as np

from tfgan_zoo.metrics import checks


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
    values = checks.features(logits, "logits", min_samples=1)
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
