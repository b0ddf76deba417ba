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
"""

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
