"""The conditional vector's draws (Xu et al. 2019, CTGAN).

A condition is one slot of one categorical column (`column == value`),
numbered as in `TableTransformer.condition_index`; the generator and the
critic see its one-hot over all the slots.

- **Training-by-sampling** (`training_draws`): pick a categorical column
  uniformly, a value with probability proportional to the log of its
  frequency (`log(1 + count)`, so rare categories are seen), then a real
  row holding that value: the critic compares rows of that condition.
- **Sampling** (`tfgan_zoo.models.tabular.serving.drawn_conditions`, TF
  ops, so that an export draws them too): a column uniformly, a value by
  its frequency, so that generated rows follow the table's distribution.
"""

import numpy as np


def _slot_starts(sizes):
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def log_frequency_probabilities(counts):
    """Per column, `log(1 + count)` normalised: the training-by-sampling law.

    Example:

    >>> [p.round(3).tolist() for p in log_frequency_probabilities([np.array([99.0, 0.0, 9.0])])]
    [[0.667, 0.0, 0.333]]
    """
    out = []
    for c in counts:
        weights = np.log1p(np.asarray(c, np.float64))
        out.append(weights / weights.sum())
    return out


def draw_conditions(probabilities, n, rng):
    """`(column, slot within the column, condition index)` int arrays for `n` draws:
    a column uniformly, then a slot from that column's `probabilities`."""
    sizes = [len(p) for p in probabilities]
    columns = rng.integers(0, len(probabilities), n)
    slots = np.zeros(n, np.int64)
    for j, p in enumerate(probabilities):
        chosen = columns == j
        slots[chosen] = rng.choice(len(p), int(chosen.sum()), p=p)
    return columns, slots, _slot_starts(sizes)[columns] + slots


def training_draws(codes, sizes, n, rng):
    """Training-by-sampling: `(row indices, condition indices)`, `n` of each.

    Args:
        codes: int `[rows, categorical columns]`, each row's slot per column
            (`TableTransformer.category_codes`).
        sizes: the slot count of each categorical column.
        n: how many draws.
        rng: a NumPy `Generator`.
    """
    codes = np.asarray(codes)
    counts = [np.bincount(codes[:, j], minlength=size) for j, size in enumerate(sizes)]
    columns, slots, conditions = draw_conditions(log_frequency_probabilities(counts), n, rng)
    rows = np.zeros(n, np.int64)
    for j in range(codes.shape[1]):
        order = np.argsort(codes[:, j], kind="stable")  # Rows grouped by slot.
        bounds = np.searchsorted(codes[order, j], np.arange(sizes[j] + 1))
        chosen = np.flatnonzero(columns == j)
        lo, hi = bounds[slots[chosen]], bounds[slots[chosen] + 1]
        rows[chosen] = order[lo + (rng.random(chosen.size) * (hi - lo)).astype(np.int64)]
    return rows, conditions
