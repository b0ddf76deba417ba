"""Per-example reduction shared by every loss."""

import tensorflow as tf

_REDUCTIONS = ("mean", "sum", "none")


def _as_float(x):
    """Float32 (float64 stays float64), so float16 logits lose no range."""
    x = tf.convert_to_tensor(x)
    return x if x.dtype == tf.float64 else tf.cast(x, tf.float32)


def _per_example(values):
    """Averages every axis but the batch axis: `[batch, ...] -> [batch]`."""
    values = _as_float(values)
    if values.shape.rank is not None and values.shape.rank <= 1:
        return tf.reshape(values, [-1])
    batch = tf.shape(values)[0]
    return tf.reduce_mean(tf.reshape(values, [batch, -1]), axis=1)


def _reduce(per_example, reduction):
    if reduction == "mean":
        return tf.reduce_mean(per_example)
    if reduction == "sum":
        return tf.reduce_sum(per_example)
    if reduction == "none":
        return per_example
    raise ValueError(
        f"`reduction` must be one of {_REDUCTIONS}. "
        f"Received: reduction={reduction!r}"
    )
