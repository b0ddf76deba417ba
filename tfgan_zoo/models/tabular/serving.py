"""A `TableTransformer`'s decode and condition lookup as TensorFlow ops, for
a SavedModel whose `sample` signature answers with table rows.

- `decode_tensors(transformer, rows, seed)`: `{column: tensor}`, strings for
  categorical columns (a missing category as `""`), float32 for continuous
  ones (NaN where missing), the same values as
  `TableTransformer.inverse_transform` for `seed=None` (the most probable
  slot); with a `[2]` int32 stateless seed each one-hot is sampled
  (Gumbel max), like `inverse_transform(rows, seed=...)` in law.
- `condition_index(transformer, column, value)`: the condition slot of
  string tensors `column`, `value` (an int32 scalar), or InvalidArgument
  naming them when the column is not categorical or the category unknown.
- `drawn_conditions(transformer, n, seed)`: condition slots drawn as the
  table's frequencies (a categorical column uniformly, then one of its
  slots by its training frequency), from a `[2]` stateless seed.
- `output_keys(names)`: the signature output key of each column.
- `rows_frame(transformer, columns)`: a DataFrame (the table's dtypes and
  categories) from `{column: array}` of `decode_tensors`' values.
- `chunked_rows(draw, n, seed, limit)`: rows drawn in requests of at most
  `limit`, each with its own seed, so that a `.keras` model and its
  export give the same rows for a seed.
"""

import re

import numpy as np
import tensorflow as tf

_SEP = "\x1f"


def _pick(probs, seed, salt):
    if seed is None:
        return tf.argmax(probs, axis=1, output_type=tf.int32)
    noise = -tf.math.log(-tf.math.log(tf.random.stateless_uniform(tf.shape(probs), seed + [0, salt], 1e-10, 1.0)))
    return tf.argmax(tf.math.log(tf.maximum(probs, 1e-30)) + noise, axis=1, output_type=tf.int32)


def decode_tensors(transformer, rows, seed=None):
    """`{column name: [n] tensor}` decoded from encoded `rows` `[n, output_dim]`."""
    rows = tf.cast(rows, tf.float32)
    seed = None if seed is None else tf.cast(seed, tf.int32)
    offsets = transformer._offsets()
    out = {}
    for i, column in enumerate(transformer.columns):
        width = transformer.slots(column)
        start = offsets[i]
        if column["kind"] == "categorical":
            slot = _pick(rows[:, start : start + width], seed, i)
            names = tf.constant([str(c) for c in column["categories"]] + [""])
            out[column["name"]] = tf.gather(names, slot)
            continue
        p = {k: tf.convert_to_tensor(v) for k, v in transformer.params[i].items()}
        mode = _pick(rows[:, start : start + width], seed, i) if width > 1 else tf.zeros(tf.shape(rows)[:1], tf.int32)
        missing = tf.equal(mode, column["modes"])
        mode = tf.minimum(mode, column["modes"] - 1)
        x = rows[:, start - 1] * 4.0 * tf.gather(p["stds"], mode) + tf.gather(p["means"], mode)
        x = tf.clip_by_value(x, p["range"][0], p["range"][1])
        if np.dtype(column["dtype"]).kind in "iu":
            x = tf.round(x)
        out[column["name"]] = tf.where(missing, tf.constant(np.nan, tf.float32), x)
    return out


def condition_keys(transformer):
    """`"column<US>value"` for every condition slot, in slot order."""
    keys = []
    for i in transformer.categorical:
        column = transformer.columns[i]
        keys += [f"{column['name']}{_SEP}{c}" for c in column["categories"]]
        if column["missing"]:
            keys.append(f"{column['name']}{_SEP}")
    return keys


def condition_index(transformer, column, value):
    """The int32 condition slot of `column == value` (string scalars), checked in-graph."""
    keys = tf.constant(condition_keys(transformer))
    match = tf.equal(keys, tf.strings.join([column, value], separator=_SEP))
    check = tf.debugging.Assert(
        tf.reduce_any(match),
        ["Unknown condition: not a categorical column and one of its categories. Received: column=", column, "value=", value],
    )
    with tf.control_dependencies([check]):
        return tf.argmax(tf.cast(match, tf.int32), output_type=tf.int32)


def drawn_conditions(transformer, num_samples, seed):
    """int32 `[num_samples]` condition slots: a categorical column uniformly,
    then a slot by its training frequency (the `counts` weights)."""
    counts = [transformer.params[i]["counts"] for i in transformer.categorical]
    sizes = [int(c.shape[0]) for c in counts]
    width = max(sizes)
    logits = tf.stack(
        [tf.pad(tf.math.log(c / tf.reduce_sum(c)), [[0, width - s]], constant_values=-np.inf) for c, s in zip(counts, sizes)]
    )
    column_seed, slot_seed = tf.unstack(tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 2))
    column = tf.random.stateless_uniform([num_samples], column_seed, 0, len(sizes), dtype=tf.int32)
    slot = tf.random.stateless_categorical(tf.gather(logits, column), 1, slot_seed, dtype=tf.int32)[:, 0]
    starts = tf.constant(np.concatenate([[0], np.cumsum(sizes)[:-1]]), tf.int32)
    return tf.gather(starts, column) + slot


def output_keys(names):
    """`{output key: column name}`, in column order: a column's name, with
    every character other than `A-Za-z0-9_.-` replaced by `_` (a name that
    is a safe file name too: `saved_model_cli run --outdir` writes
    `<key>.npy`); a key already taken gets `_2`, `_3`, ...

    >>> output_keys(["age", "marital status", "marital_status", "a/b"])
    {'age': 'age', 'marital_status': 'marital status', 'marital_status_2': 'marital_status', 'a_b': 'a/b'}
    """
    keys = {}
    for name in names:
        key = base = re.sub(r"[^A-Za-z0-9_.-]", "_", str(name)) or "_"
        suffix = 2
        while key in keys:
            key, suffix = f"{base}_{suffix}", suffix + 1
        keys[key] = name
    return keys


def rows_frame(transformer, columns):
    """A DataFrame of `{column name: array}` (`decode_tensors`' values as
    NumPy: bytes for categorical columns, `b""` missing), with the table's
    column order, dtypes and category values (as `inverse_transform`)."""
    import pandas as pd

    out = {}
    for column in transformer.columns:
        values = np.asarray(columns[column["name"]])
        if column["kind"] == "categorical":
            lookup = {str(c): c for c in column["categories"]}
            texts = (v.decode() if isinstance(v, bytes) else str(v) for v in values.tolist())
            values = np.array([lookup.get(t, np.nan) for t in texts], dtype=object)
            out[column["name"]] = pd.Series(values, dtype=object).astype(column["dtype"])
        else:
            out[column["name"]] = pd.Series(values.astype(np.float64)).astype(column["dtype"])
    return pd.DataFrame(out)


def chunked_rows(draw, num_samples, seed, limit):
    """`{column: array}` of `num_samples` rows from `draw(count, seed)`, in
    requests of at most `limit` rows: request `j` is seeded `seed + j * 2**32`
    (so the first is `seed` itself, and no request repeats another seed's
    first for seeds below 2**31)."""
    parts = [draw(min(limit, num_samples - start), int(seed) + j * 2**32) for j, start in enumerate(range(0, num_samples, limit))]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
