"""`seq:<path>`: the user's own sequences, a `.npy`, `.npz` or `.csv` file.

- `.npy`: one float array `[n, steps, features]` (unlabelled);
- `.npz`: the sequences under `x` (or `sequences`) and, optionally,
  integer labels `[n]` under `y` (or `labels`);
- `.csv` in long format: a header with `series_id`, `step`, one column per
  feature and, optionally, an integer `label` (the same on every row of a
  series). Rows may come in any order; every series must have the same
  steps (a ragged series is refused, naming it), once each.

Values should already lie in [-1, 1] (the models' tanh range); values
outside are refused, as are a wrong rank, NaN or Inf, labels of another
length or not integers, and an `.npz` without its array, each naming the
value received. The whole file is one `train` split (slice it to hold rows
out: `split="train[90%:]"`).

Example:

>>> import numpy as np, os, tempfile, tfgan_zoo.data
>>> path = os.path.join(tempfile.mkdtemp(), "s.npz")
>>> np.savez(path, x=np.zeros((8, 5, 2), np.float32), y=np.arange(8) % 2)
>>> x, y = next(iter(tfgan_zoo.data.load(f"seq:{path}", batch_size=4)))
>>> tuple(x.shape), tuple(y.shape)
((4, 5, 2), (4,))
"""

import os

import numpy as np
import pandas as pd

from tfgan_zoo.data import checks
from tfgan_zoo.data.sources import DataInfo, Source, register_source

SEQUENCE_KEYS = ("x", "sequences")
LABEL_KEYS = ("y", "labels")
CSV_ID, CSV_STEP, CSV_LABEL = "series_id", "step", "label"


def read_long_csv(path):
    """`(values [n, steps, features], labels [n] or None)` from a long-format CSV, series in order of appearance."""
    spec = f"seq:{path}"
    table = pd.read_csv(path)
    missing = [c for c in (CSV_ID, CSV_STEP) if c not in table.columns]
    features = [c for c in table.columns if c not in (CSV_ID, CSV_STEP, CSV_LABEL)]
    if missing or not features:
        raise ValueError(
            f"{spec} needs the columns {CSV_ID!r}, {CSV_STEP!r} and at least one value column "
            f"(optionally {CSV_LABEL!r}). Received: columns {list(table.columns)}"
        )
    for column in features + [CSV_STEP] + ([CSV_LABEL] if CSV_LABEL in table.columns else []):
        if not pd.api.types.is_numeric_dtype(table[column]):
            bad = table[column][pd.to_numeric(table[column], errors="coerce").isna() & table[column].notna()]
            raise ValueError(f"{spec}: column {column!r} must hold numbers. Received: {bad.iloc[0]!r}")
    duplicated = table.duplicated([CSV_ID, CSV_STEP])
    if duplicated.any():
        row = table[duplicated].iloc[0]
        raise ValueError(f"{spec}: each step of a series must appear once. Received: series_id={row[CSV_ID]!r} "
                         f"step={row[CSV_STEP].item()!r} twice")
    groups = table.sort_values(CSV_STEP, kind="stable").groupby(CSV_ID, sort=False)
    steps = next(iter(groups))[1][CSV_STEP].to_numpy()
    values, labels, ids = [], [], []
    for series_id, rows in groups:
        ids.append(series_id)
        if not np.array_equal(rows[CSV_STEP].to_numpy(), steps):
            raise ValueError(
                f"{spec}: every series must have the steps of the first ({len(steps)} steps, "
                f"{steps[0]}..{steps[-1]}). Received: series_id={series_id!r} with {len(rows)} steps"
            )
        values.append(rows[features].to_numpy(np.float64))
        if CSV_LABEL in table.columns:
            label = rows[CSV_LABEL].unique()
            if len(label) != 1:
                raise ValueError(f"{spec}: a series has one label. Received: series_id={series_id!r} "
                                 f"with labels {sorted(label.tolist())}")
            labels.append(label[0])
    values = np.stack(values)
    bad = ~np.isfinite(values).all(axis=(1, 2))
    if bad.any():
        first = ids[int(np.argmax(bad))]
        raise ValueError(f"{spec} has {int(bad.sum())} series with missing, NaN or Inf values. "
                         f"Received: the first is series_id={first!r}")
    return values, None if CSV_LABEL not in table.columns else np.asarray(labels)


def read(path):
    """`(sequences float32 [n, steps, features], labels int32 [n] or None)` from `path`, checked."""
    spec = f"seq:{path}"
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No sequence file at {path}. Received: spec={spec!r}")
    labels = None
    if path.endswith(".npz"):
        with np.load(path) as archive:
            key = next((k for k in SEQUENCE_KEYS if k in archive.files), None)
            if key is None:
                raise ValueError(
                    f"{path} has no sequence array: expected one of {list(SEQUENCE_KEYS)}. "
                    f"Received: arrays {sorted(archive.files)}"
                )
            values = archive[key]
            label_key = next((k for k in LABEL_KEYS if k in archive.files), None)
            labels = None if label_key is None else archive[label_key]
    elif path.endswith(".npy"):
        values = np.load(path)
    elif path.endswith(".csv"):
        values, labels = read_long_csv(path)
    else:
        raise ValueError(f"seq:<path> reads .npy, .npz or .csv files. Received: spec={spec!r}")
    if values.ndim != 3 or min(values.shape) < 1 or not np.issubdtype(values.dtype, np.number):
        raise ValueError(
            f"{spec} must hold numbers of shape [n, steps, features]. "
            f"Received: an array of shape {values.shape} and dtype {values.dtype}"
        )
    values = values.astype(np.float32)
    bad = ~np.isfinite(values).all(axis=(1, 2))
    if bad.any():
        raise ValueError(
            f"{spec} has {int(bad.sum())} sequence(s) with NaN or Inf values. "
            f"Received: the first at index {int(np.argmax(bad))}"
        )
    if np.abs(values).max() > 1.0:
        raise ValueError(f"{spec} must be scaled to [-1, 1]. Received: values in [{values.min():g}, {values.max():g}]")
    if labels is not None:
        if labels.shape != (len(values),) or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
            raise ValueError(
                f"{spec}: labels must be {len(values)} non-negative ints, one per sequence. "
                f"Received: labels of shape {labels.shape} and dtype {labels.dtype}"
            )
        labels = labels.astype(np.int32)
    return values, labels


@register_source("seq")
class SequenceFile(Source):
    specs = ("seq:<file.npy|file.npz|file.csv>",)
    takes_argument = True

    def check_shape(self, image_shape, spec):
        """The sample shape `(steps, features)` of the file, or None."""
        if image_shape is None:
            return None
        want = read(spec.split(":", 1)[1])[0].shape[1:]
        if tuple(image_shape) != want:
            raise ValueError(f"{spec} holds sequences of shape {want}. Received: image_shape={tuple(image_shape)}")
        return want

    def convert(self, values, image_shape, spec):
        return values

    def info(self, arg, split_name, data_dir=None):
        values, labels = read(arg)
        checks.only_train(split_name, f"seq:{arg}", len(values))
        classes = None if labels is None else int(labels.max()) + 1
        return DataInfo(len(values), values.shape[1:], classes, None if classes is None else [str(c) for c in range(classes)])

    def arrays(self, arg, split_name, image_shape, take):
        values, labels = read(arg)
        checks.only_train(split_name, f"seq:{arg}", len(values))
        rows = take(len(values))
        return values[rows], None if labels is None else labels[rows]
