"""Measures of synthetic tables, as the tabular-GAN literature reports them.

Pure functions of pandas DataFrames (the real training rows, held-out
real rows, generated rows) and a schema (`tfgan_zoo.data.table.table_schema`):

- `ml_efficacy`: train classifiers on one table, test on held-out real
  rows, binary F1 of the positive class (SDGym's protocol: decision tree
  of depth 20, AdaBoost, logistic regression, an MLP with one hidden
  layer of 50; Xu et al. 2019 report their mean).
- `column_distances`: per column, the Kolmogorov-Smirnov statistic
  (continuous) or the total variation distance (categorical).
- `association_difference`: the mean absolute difference of the two
  tables' pairwise association matrices: Pearson's r between continuous
  columns, Cramér's V between categorical ones (mixed pairs left out).
- `closest_distances`: the distance from each generated row to its
  closest real training row, against the same for held-out real rows,
  and the share of generated rows that copy a training row exactly.

Missing values count as a category of their own (categorical) and are
filled with the training median (continuous) where a number is needed.
"""

import numpy as np
from scipy import stats

MISSING = "<missing>"
CLASSIFIERS = ("decision_tree", "adaboost", "logistic_regression", "mlp")


def _check_columns(frame, schema, argument):
    want = schema["continuous"] + schema["categorical"]
    missing = [c for c in want if c not in frame.columns]
    if missing:
        raise ValueError(f"The table lacks the schema's column(s) {missing}. Received: {argument} columns={list(frame.columns)}")


def _categories(values):
    return values.astype(object).where(values.notna(), MISSING).astype(str)


def total_variation(real, fake):
    """`0.5 * sum |p - q|` of two columns' category frequencies (NaN a category).

    Example:

    >>> import pandas as pd
    >>> total_variation(pd.Series(["a", "a", "b", "b"]), pd.Series(["a", "b", "b", "b"]))
    0.25
    """
    p = _categories(real).value_counts(normalize=True)
    q = _categories(fake).value_counts(normalize=True)
    p, q = p.align(q, fill_value=0.0)
    return float(0.5 * np.abs(p - q).sum())


def cramers_v(a, b):
    """Cramér's V of two categorical columns (no bias correction).

    Example:

    >>> import pandas as pd
    >>> round(cramers_v(pd.Series(list("aabb")), pd.Series(list("xxyy"))), 6)
    1.0
    """
    import pandas as pd

    table = pd.crosstab(_categories(a), _categories(b)).to_numpy(dtype=np.float64)
    if min(table.shape) < 2:
        return 0.0
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    return float(np.sqrt(chi2 / table.sum() / (min(table.shape) - 1)))


def column_distances(real, fake, schema):
    """`{column: distance}`: KS statistic (continuous, NaN dropped) or total
    variation distance (categorical), each in [0, 1], 0 for equal tables."""
    _check_columns(real, schema, "real")
    _check_columns(fake, schema, "fake")
    out = {}
    for name in schema["continuous"]:
        a, b = real[name].dropna().to_numpy(float), fake[name].dropna().to_numpy(float)
        out[name] = float(stats.ks_2samp(a, b).statistic) if len(a) and len(b) else 1.0
    for name in schema["categorical"]:
        out[name] = total_variation(real[name], fake[name])
    return out


def association_matrix(frame, schema):
    """`(names, matrix)`: |Pearson r| between continuous columns and Cramér's V
    between categorical ones; mixed pairs are NaN."""
    names = schema["continuous"] + schema["categorical"]
    n = len(names)
    matrix = np.full((n, n), np.nan)
    cont = frame[schema["continuous"]].astype(float)
    if len(schema["continuous"]) > 1:
        matrix[: len(cont.columns), : len(cont.columns)] = np.abs(np.nan_to_num(cont.corr().to_numpy()))
    k = len(schema["continuous"])
    for i, a in enumerate(schema["categorical"]):
        for j, b in enumerate(schema["categorical"]):
            if j >= i:
                matrix[k + i, k + j] = matrix[k + j, k + i] = 1.0 if i == j else cramers_v(frame[a], frame[b])
    return names, matrix


def association_difference(real, fake, schema):
    """Mean |A_real - A_fake| over the pairs of distinct columns of the
    association matrices (`association_matrix`), 0 for equal tables."""
    _check_columns(real, schema, "real")
    _check_columns(fake, schema, "fake")
    _, a = association_matrix(real, schema)
    _, b = association_matrix(fake, schema)
    off = ~np.eye(len(a), dtype=bool) & ~np.isnan(a)
    return float(np.mean(np.abs(a - b)[off])) if off.any() else 0.0


class _Features:
    """Fixed features for classifiers and distances, fitted on one table:
    continuous columns median-filled and min-max scaled, categorical
    columns one-hot (unseen categories all zeros)."""

    def __init__(self, frame, columns, schema):
        from sklearn.preprocessing import OneHotEncoder

        self.continuous = [c for c in schema["continuous"] if c in columns]
        self.categorical = [c for c in schema["categorical"] if c in columns]
        values = frame[self.continuous].astype(float)
        self.fill = values.median()
        filled = values.fillna(self.fill)
        self.low, self.span = filled.min(), (filled.max() - filled.min()).replace(0, 1.0)
        self.encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        self.encoder.fit(self._cats(frame))

    def _cats(self, frame):
        return np.stack([_categories(frame[c]).to_numpy() for c in self.categorical], axis=1) if self.categorical else np.zeros((len(frame), 0))

    def __call__(self, frame):
        cont = ((frame[self.continuous].astype(float).fillna(self.fill) - self.low) / self.span).to_numpy()
        cats = self.encoder.transform(self._cats(frame)) if self.categorical else np.zeros((len(frame), 0))
        return np.concatenate([cont, cats], axis=1)


def _classifier(name, seed):
    from sklearn import ensemble, linear_model, neural_network, tree

    return {
        "decision_tree": lambda: tree.DecisionTreeClassifier(max_depth=20, random_state=seed),
        "adaboost": lambda: ensemble.AdaBoostClassifier(random_state=seed),
        "logistic_regression": lambda: linear_model.LogisticRegression(max_iter=50, class_weight="balanced"),
        "mlp": lambda: neural_network.MLPClassifier(hidden_layer_sizes=(50,), max_iter=50, random_state=seed),
    }[name]()


def ml_efficacy(train, test, schema, positive, classifiers=CLASSIFIERS, seed=0):
    """Binary F1 of `positive` on the real `test` rows for classifiers trained on `train`.

    Args:
        train: the table to learn from (generated rows, or the real
            training rows for the ceiling).
        test: held-out real rows.
        schema: with a `"label"` column.
        positive: the label value whose F1 is reported (Adult: `">50K"`).
        classifiers: names from `CLASSIFIERS`.
        seed: seeds the classifiers.

    Returns:
        `{classifier: f1, ..., "mean": mean f1}`.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import f1_score

    label = schema.get("label")
    if label is None:
        raise ValueError(f"Machine-learning efficacy needs a label column in the schema. Received: schema={schema!r}")
    unknown = [c for c in classifiers if c not in CLASSIFIERS]
    if unknown:
        raise ValueError(f"Unknown classifier(s) {unknown}. Valid: {list(CLASSIFIERS)}. Received: classifiers={list(classifiers)}")
    _check_columns(train, schema, "train")
    _check_columns(test, schema, "test")
    if positive not in set(test[label]):
        raise ValueError(f"The positive class is not among the test labels {sorted(set(test[label].dropna()))}. Received: positive={positive!r}")
    features = _Features(train, [c for c in train.columns if c != label], schema)
    y_train = (train[label] == positive).to_numpy()
    y_test = (test[label] == positive).to_numpy()
    x_train, x_test = features(train), features(test)
    scores = {}
    for name in classifiers:
        if y_train.all() or not y_train.any():  # One class: every prediction is that class.
            predicted = np.full(len(y_test), bool(y_train.any()))
        else:
            with warnings.catch_warnings():  # The 50-iteration budgets are SDGym's.
                warnings.simplefilter("ignore", ConvergenceWarning)
                predicted = _classifier(name, seed).fit(x_train, y_train).predict(x_test)
        scores[name] = float(f1_score(y_test, predicted, zero_division=0.0))
    scores["mean"] = float(np.mean([scores[n] for n in classifiers]))
    return scores


def _row_keys(frame, columns):
    return frame[columns].astype(object).where(frame[columns].notna(), MISSING).astype(str).agg("\x1f".join, axis=1)


def closest_distances(train, holdout, fake, schema, max_rows=2000, seed=0):
    """Distance to the closest real training row (DCR), generated vs held out.

    Rows are compared in `_Features` space (min-max continuous, one-hot
    categorical; fitted on `train`), Euclidean. At most `max_rows` rows of
    `holdout` and `fake` (a seeded subset) are measured.

    Returns:
        `{"fake_dcr_median", "holdout_dcr_median", "fake_dcr_p5",
        "holdout_dcr_p5", "exact_copies"}`: medians and 5th percentiles of
        the distances, and the share of generated rows equal to a training
        row in every column. Generated rows much closer to the training
        rows than held-out rows are suggest memorisation.
    """
    from sklearn.neighbors import NearestNeighbors

    for frame, argument in ((train, "train"), (holdout, "holdout"), (fake, "fake")):
        _check_columns(frame, schema, argument)
    columns = schema["continuous"] + schema["categorical"]
    features = _Features(train, columns, schema)
    rng = np.random.default_rng(seed)

    def subset(frame):
        return frame.iloc[np.sort(rng.permutation(len(frame))[:max_rows])]

    holdout, fake = subset(holdout), subset(fake)
    neighbours = NearestNeighbors(n_neighbors=1).fit(features(train))
    fake_d = neighbours.kneighbors(features(fake))[0][:, 0]
    hold_d = neighbours.kneighbors(features(holdout))[0][:, 0]
    copies = _row_keys(fake, columns).isin(set(_row_keys(train, columns)))
    return {
        "fake_dcr_median": float(np.median(fake_d)),
        "holdout_dcr_median": float(np.median(hold_d)),
        "fake_dcr_p5": float(np.percentile(fake_d, 5)),
        "holdout_dcr_p5": float(np.percentile(hold_d, 5)),
        "exact_copies": float(copies.mean()),
    }
