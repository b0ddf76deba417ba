"""`TableTransformer`: a table <-> the float rows a tabular GAN trains on.

A Keras layer, so that the `.keras` file (and the model that tracks it)
holds it: the schema (column names, kinds, dtypes, categories) is its
config, the fitted parameters its (non-trainable) weights.

Encoding, column by column, in the table's order (Xu et al. 2019, CTGAN):

- **continuous**, mode-specific normalisation: a variational Gaussian
  mixture (scikit-learn's `BayesianGaussianMixture`, at most `max_modes`
  modes, those of weight > 0.005 kept) is fitted to the column; a value
  `x` gets a mode `k` drawn from its posterior and is encoded as the
  scalar `(x - mu_k) / (4 sigma_k)` (a `tanh` head) and the one-hot of
  `k` (a `softmax` head). A value held by at least 10% of the rows is a
  mode of its own (std ~0), so generated rows reproduce it exactly.
  `mode_normalization=False` is min-max instead:
  one mode spanning the column's range, so the scalar is in [-1, 1].
  With `missing="indicator"` a missing value is one more mode (scalar 0).
- **categorical**: the one-hot of the category, plus a "missing" category
  when the column has NaN.

Decoding inverts this exactly for real rows (a mode's scalar is not
clipped, so an outlier round-trips); generated values are clipped to the
column's training range, integer columns rounded, and the original dtypes
restored. `inverse_transform(rows, seed=s)` picks each one-hot by
sampling the head's probabilities (a one-hot row gives its own category);
`seed=None` takes the most probable one.
"""

import warnings

import keras
import numpy as np

_EPS = 0.005  # CTGAN's weight below which a mixture mode is dropped.
_SCALE = 4.0  # A value is encoded as (x - mu) / (4 sigma).
_FIT_ROWS = 5_000  # The mixtures are fitted on at most this many rows.
# A value held by this share of the rows (capital-gain's 0 in Adult: 92%)
# is a mode of its own, so generated rows hit it exactly: inside a mixture
# mode (std 116 there) the generator's small scalar errors became
# small non-zero values.
_SPIKE_SHARE = 0.1


def _pandas():
    import pandas as pd

    return pd


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _missing_rows(values):
    return np.flatnonzero(_pandas().isna(values).to_numpy())


def _fit_modes(values, max_modes, seed):
    """`(means, stds, weights)` of the modes of `values`: each value that
    holds at least `_SPIKE_SHARE` of the rows is a mode of its own (std 0,
    floored by the caller), the rest a variational Gaussian mixture."""
    uniques, counts = np.unique(values, return_counts=True)
    spikes = uniques[counts >= _SPIKE_SHARE * len(values)][: max_modes - 1]
    rest = values[~np.isin(values, spikes)]
    spike_weights = counts[np.isin(uniques, spikes)] / len(values)
    if rest.size == 0:
        return spikes, np.zeros(len(spikes)), spike_weights
    means, stds, weights = _fit_mixture(rest, max_modes - len(spikes), seed)
    return (np.concatenate([spikes, means]), np.concatenate([np.zeros(len(spikes)), stds]),
            np.concatenate([spike_weights, weights * rest.size / len(values)]))


def _fit_mixture(values, max_modes, seed):
    """`(means, stds, weights)` of a variational Gaussian mixture on `values`."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import BayesianGaussianMixture

    rng = np.random.default_rng(seed)
    if len(values) > _FIT_ROWS:
        values = rng.choice(values, _FIT_ROWS, replace=False)
    if np.ptp(values) == 0:
        return np.array([values[0]]), np.array([1.0]), np.array([1.0])
    gmm = BayesianGaussianMixture(
        n_components=max_modes,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001,
        max_iter=100,
        n_init=1,
        random_state=seed,
    )
    with warnings.catch_warnings():  # 100 iterations are CTGAN's; they often stop short.
        warnings.simplefilter("ignore", ConvergenceWarning)
        gmm.fit(values.reshape(-1, 1))
    keep = gmm.weights_ > _EPS
    means = gmm.means_.reshape(-1)[keep]
    stds = np.sqrt(gmm.covariances_.reshape(-1))[keep]
    weights = gmm.weights_[keep] / gmm.weights_[keep].sum()
    return means, stds, weights


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class TableTransformer(keras.layers.Layer):
    """The reversible encoding of a table; build it with `TableTransformer.fit`.

    Args:
        columns: one dict per column, in order: `{"name", "kind":
            "continuous", "dtype", "modes", "missing"}` or `{"name", "kind":
            "categorical", "dtype", "categories", "missing"}`.
        label: the label column's name, or None.
    """

    def __init__(self, columns, label=None, **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.columns = [dict(c) for c in columns]
        self.label = label
        names = [c["name"] for c in self.columns]
        if label is not None and label not in names:
            raise ValueError(f"The label must be one of the columns {names}. Received: label={label!r}")
        self.params = []
        for i, column in enumerate(self.columns):
            if column["kind"] == "continuous":
                k = int(column["modes"])
                shapes = {"means": (k,), "stds": (k,), "weights": (k,), "range": (2,)}
            elif column["kind"] == "categorical":
                shapes = {"counts": (self.slots(column),)}
            else:
                raise ValueError(f"A column's kind is 'continuous' or 'categorical'. Received: kind={column['kind']!r}")
            self.params.append(
                {key: self.add_weight(shape=s, initializer="ones", trainable=False, name=f"c{i}_{key}") for key, s in shapes.items()}
            )
        self.built = True

    def get_config(self):
        return {**super().get_config(), "columns": self.columns, "label": self.label}

    @staticmethod
    def slots(column):
        """Width of a column's one-hot: its modes or categories, plus missing."""
        n = column["modes"] if column["kind"] == "continuous" else len(column["categories"])
        return int(n) + int(bool(column["missing"]))

    # ------------------------------------------------------------------
    # Fitting.

    @classmethod
    def fit(cls, frame, schema=None, mode_normalization=True, max_modes=10, missing="indicator", seed=0):
        """A transformer fitted to `frame` (a DataFrame).

        Args:
            frame: the training table.
            schema: from `tfgan_zoo.data.table.table_schema` (default: inferred).
            mode_normalization: variational Gaussian mixtures for the
                continuous columns (CTGAN); False is min-max.
            max_modes: mixture components per column.
            missing: `"indicator"` (a missing mode for NaN in a continuous
                column) or `"error"` (NaN there is an error).
            seed: seeds the mixtures.
        """
        from tfgan_zoo.data import table

        declared = {k: (schema or {}).get(k) for k in ("continuous", "categorical", "label")}
        schema = table.table_schema(frame, **declared)
        if missing not in ("indicator", "error"):
            raise ValueError(f"`missing` is 'indicator' or 'error'. Received: missing={missing!r}")
        columns, fitted = [], []
        for name in frame.columns:
            values = frame[name]
            holes = _missing_rows(values)
            if name in schema["continuous"]:
                if holes.size and missing == "error":
                    raise ValueError(
                        f"Continuous column {name!r} has {holes.size} missing value(s) (first at row "
                        f"{int(holes[0])}) and missing='error'; pass missing='indicator'. "
                        f"Received: {name}=nan at row {int(holes[0])}"
                    )
                present = values.dropna().to_numpy(dtype=np.float64)
                if present.size == 0:
                    raise ValueError(f"Continuous column {name!r} has no values. Received: {name} all missing")
                if mode_normalization:
                    means, stds, weights = _fit_modes(present, int(max_modes), seed)
                else:
                    lo, hi = present.min(), present.max()
                    means, stds, weights = np.array([(lo + hi) / 2]), np.array([(hi - lo) / 2 / _SCALE]), np.ones(1)
                stds = np.maximum(stds, 1e-6 * max(1.0, np.ptp(present)))
                columns.append({"name": str(name), "kind": "continuous", "dtype": str(values.dtype), "modes": len(means), "missing": bool(holes.size)})
                fitted.append({"means": means, "stds": stds, "weights": weights, "range": [present.min(), present.max()]})
            else:
                present = values.dropna()
                categories = sorted(present.unique().tolist(), key=str)
                if len(categories) + bool(holes.size) < 2:
                    raise ValueError(
                        f"Categorical column {name!r} has a single value; drop it or declare it otherwise. "
                        f"Received: {name} values={categories}"
                    )
                column = {"name": str(name), "kind": "categorical", "dtype": str(values.dtype), "categories": [_plain(c) for c in categories], "missing": bool(holes.size)}
                counts = present.value_counts().reindex(categories).to_numpy(dtype=np.float64)
                columns.append(column)
                fitted.append({"counts": np.append(counts, holes.size) if holes.size else counts})
        transformer = cls(columns, label=schema["label"])
        for params, values in zip(transformer.params, fitted):
            for key, value in values.items():
                params[key].assign(np.asarray(value, np.float32))
        return transformer

    # ------------------------------------------------------------------
    # Layout.

    @property
    def layout(self):
        """`[(start, width, activation)]`: the heads of an encoded row,
        `"tanh"` for a scalar and `"softmax"` for a one-hot."""
        spans, start = [], 0
        for column in self.columns:
            if column["kind"] == "continuous":
                spans.append((start, 1, "tanh"))
                start += 1
                if self.slots(column) > 1:
                    spans.append((start, self.slots(column), "softmax"))
                    start += self.slots(column)
            else:
                spans.append((start, self.slots(column), "softmax"))
                start += self.slots(column)
        return spans

    @property
    def output_dim(self):
        """The width of an encoded row."""
        start, width, _ = self.layout[-1]
        return start + width

    def _offsets(self):
        """The encoded offset of each column's one-hot (after its scalar)."""
        offsets, start = [], 0
        for column in self.columns:
            scalar = column["kind"] == "continuous"
            offsets.append(start + scalar)
            start += scalar + (self.slots(column) if not scalar or self.slots(column) > 1 else 0)
        return offsets

    @property
    def categorical(self):
        """The indices of the categorical columns (the conditional vector's)."""
        return [i for i, c in enumerate(self.columns) if c["kind"] == "categorical"]

    @property
    def condition_size(self):
        """The conditional vector's width: every categorical column's slots."""
        return sum(self.slots(self.columns[i]) for i in self.categorical)

    @property
    def condition_positions(self):
        """int32 `[condition_size]`: the encoded index of each condition slot."""
        offsets = self._offsets()
        return np.array(
            [offsets[i] + j for i in self.categorical for j in range(self.slots(self.columns[i]))], np.int32
        )

    def condition_index(self, column, value):
        """The condition slot of `column == value` (`value` NaN: missing)."""
        names = [c["name"] for c in self.columns]
        if column not in names or self.columns[names.index(column)]["kind"] != "categorical":
            valid = [self.columns[i]["name"] for i in self.categorical]
            raise ValueError(f"Conditions take a categorical column, one of {valid}. Received: column={column!r}")
        i = names.index(column)
        categories = self.columns[i]["categories"]
        start = sum(self.slots(self.columns[j]) for j in self.categorical if j < i)
        if _pandas().isna(value) and self.columns[i]["missing"]:
            return start + len(categories)
        if value not in categories:
            raise ValueError(f"Unknown category of {column!r}; valid: {categories}. Received: {column}={value!r}")
        return start + categories.index(value)

    # ------------------------------------------------------------------
    # Encoding and decoding.

    def _check_columns(self, frame):
        want = [c["name"] for c in self.columns]
        got = [str(c) for c in frame.columns]
        if got != want:
            raise ValueError(f"The table's columns must be {want}. Received: columns={got}")

    def category_codes(self, frame):
        """int32 `[rows, categorical columns]`: each row's slot in each
        categorical column (for training-by-sampling)."""
        self._check_columns(frame)
        codes = []
        for i in self.categorical:
            column = self.columns[i]
            values = frame[column["name"]]
            lookup = {c: j for j, c in enumerate(column["categories"])}
            missing = len(column["categories"]) if column["missing"] else -1
            code = np.array([missing if _pandas().isna(v) else lookup.get(v, -2) for v in values.tolist()])
            bad = np.flatnonzero(code < 0)
            if bad.size:
                value = values.iloc[int(bad[0])]
                raise ValueError(
                    f"Row {int(bad[0])} of {column['name']!r} holds a category not seen in training; valid: "
                    f"{column['categories']}. Received: {column['name']}={value!r}"
                )
            codes.append(code)
        return np.stack(codes, axis=1).astype(np.int32) if codes else np.zeros((len(frame), 0), np.int32)

    def transform(self, frame, seed=0):
        """float32 `[rows, output_dim]`: the encoded table (modes drawn from `seed`)."""
        self._check_columns(frame)
        rng = np.random.default_rng(seed)
        codes = self.category_codes(frame)
        parts = []
        for i, column in enumerate(self.columns):
            if column["kind"] == "categorical":
                parts.append(np.eye(self.slots(column))[codes[:, self.categorical.index(i)]])
                continue
            values = frame[column["name"]].to_numpy(dtype=np.float64)
            holes = np.isnan(values)
            if holes.any() and not column["missing"]:
                row = int(np.flatnonzero(holes)[0])
                raise ValueError(
                    f"Continuous column {column['name']!r} had no missing values in training, so it has no "
                    f"missing mode. Received: {column['name']}=nan at row {row}"
                )
            p = {k: v.numpy().astype(np.float64) for k, v in self.params[i].items()}
            x = np.where(holes, p["means"][0], values)[:, None]
            z = (x - p["means"]) / p["stds"]
            logits = np.log(p["weights"]) - np.log(p["stds"]) - 0.5 * z**2
            mode = np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)  # A posterior draw.
            scalar = np.where(holes, 0.0, z[np.arange(len(x)), mode] / _SCALE)
            parts.append(scalar[:, None])
            if self.slots(column) > 1:
                parts.append(np.eye(self.slots(column))[np.where(holes, column["modes"], mode)])
        return np.concatenate(parts, axis=1).astype(np.float32)

    def inverse_transform(self, rows, seed=None):
        """A DataFrame with the original column names, dtypes and categories.

        Args:
            rows: `[n, output_dim]` encoded rows (real or generated).
            seed: picks each one-hot by sampling its probabilities (Gumbel
                max, from this seed); None takes the most probable slot.
        """
        pd = _pandas()
        rows = np.asarray(rows, np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.output_dim:
            raise ValueError(f"Encoded rows are [n, {self.output_dim}]. Received: rows of shape {rows.shape}")
        rng = None if seed is None else np.random.default_rng(seed)
        offsets = self._offsets()

        def pick(start, width):
            probs = rows[:, start : start + width]
            if rng is None:
                return np.argmax(probs, axis=1)
            with np.errstate(divide="ignore"):
                return np.argmax(np.log(np.clip(probs, 0, None)) + rng.gumbel(size=probs.shape), axis=1)

        out = {}
        for i, column in enumerate(self.columns):
            width = self.slots(column)
            if column["kind"] == "categorical":
                slot = pick(offsets[i], width)
                values = np.array(list(column["categories"]) + [np.nan], dtype=object)[slot]
                out[column["name"]] = pd.Series(values, dtype=object).astype(column["dtype"])
                continue
            p = {k: v.numpy().astype(np.float64) for k, v in self.params[i].items()}
            mode = pick(offsets[i], width) if width > 1 else np.zeros(len(rows), int)
            missing = mode == column["modes"]
            mode = np.minimum(mode, column["modes"] - 1)
            x = rows[:, offsets[i] - 1] * _SCALE * p["stds"][mode] + p["means"][mode]
            x = np.clip(x, *p["range"])
            if np.dtype(column["dtype"]).kind in "iu":
                x = np.round(x)
            out[column["name"]] = pd.Series(np.where(missing, np.nan, x)).astype(column["dtype"])
        return pd.DataFrame(out)

    def call(self, rows):
        return rows  # The transformer is data, not a step of the network.
