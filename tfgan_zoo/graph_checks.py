"""In-graph checks of request tensors, for the exported signatures and the models' endpoints.

Each function takes the signature's input tensors and returns a list of
assert ops; `checked(checks, *tensors)` returns the tensors behind them, so
that nothing downstream runs before the checks pass. A failed check raises
`InvalidArgumentError` (TF Serving answers `INVALID_ARGUMENT`) with a
message that names the input and the value received, never garbage images
or an out-of-memory. Eagerly, a failed check raises at once, which is how
the unit tests exercise them.

One function per check, so that every signature (`serving_default`,
`sample`, `encode`, `reconstruct`, ...) states its checks as a list:

    def serve(z, labels):
        z, labels = checked(
            latent_width(z, latent_dim) + finite(z, "z") + labels_in_range(labels, 10)
            + same_batch(labels, z, "labels", "z"),
            z, labels)
        ...

What the graph cannot see: a client that converts its request to the
signature's dtypes before sending it. `saved_model_cli run` (a Session feed)
and a NumPy array passed to a loaded signature cast `labels=[1.7]` to 1 and
`2**32 + 1` to 1 on the client; a tensor or a `TensorProto` of the wrong
dtype (TF Serving's gRPC API, `tf.constant`) is refused with
`INVALID_ARGUMENT ... expected to be a int32 tensor but is a float tensor`.
`ExportedGenerator.generate` checks its arguments before sending them.
"""

import tensorflow as tf

# How many offending values a message lists.
SUMMARIZE = 10


def checked(checks, *tensors):
    """`tensors` (one, or a tuple) that depend on the assert ops `checks`."""
    with tf.control_dependencies(checks):
        out = tuple(None if t is None else tf.identity(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def require(condition, template, *values):
    """`[assert op]`: fails unless `condition`, with `template` formatted with `values`.

    `template` has a `{}` per value (`tf.strings.format`: tensors print like
    NumPy arrays, at most `SUMMARIZE` entries per axis).
    """
    message = tf.strings.format(template, values, summarize=SUMMARIZE)
    return [tf.debugging.Assert(condition, [message])]


def latent_width(z, latent_dim, name="z"):
    """`z` is `[batch, latent_dim]`."""
    return require(
        tf.equal(tf.shape(z)[1], latent_dim),
        f"{name} must have shape [batch, {latent_dim}]. Received: {name} of shape {{}}",
        tf.shape(z),
    )


def finite(x, name):
    """No NaN or Inf in the float tensor `x`; names their count, the first index and the values."""
    bad = tf.logical_not(tf.math.is_finite(x))
    return require(
        tf.logical_not(tf.reduce_any(bad)),
        f"{name} must be finite (no NaN or Inf). Received: {name} with {{}} NaN/Inf values, "
        "the first at index {}: {}",
        tf.math.count_nonzero(bad),
        tf.reshape(tf.where(bad)[:1], [-1]),
        tf.boolean_mask(x, bad)[:SUMMARIZE],
    )


def in_range(x, low, high, name):
    """`low <= x <= high` everywhere (e.g. images in [-1, 1]); names the observed range."""
    return require(
        tf.logical_and(tf.reduce_all(x >= low), tf.reduce_all(x <= high)),
        f"{name} must be in [{low}, {high}]. Received: {name} with min {{}} and max {{}}",
        tf.reduce_min(x),
        tf.reduce_max(x),
    )


def labels_in_range(labels, num_classes, name="labels"):
    """Every label is in `[0, num_classes)`; names the offending labels."""
    bad = tf.logical_or(labels < 0, labels >= num_classes)
    return require(
        tf.logical_not(tf.reduce_any(bad)),
        f"{name} must be in [0, {num_classes}). Received: {name} out of range {{}}",
        tf.boolean_mask(labels, bad)[:SUMMARIZE],
    )


def same_batch(a, b, a_name, b_name):
    """`a` and `b` have the same leading (batch) size."""
    return require(
        tf.equal(tf.shape(a)[0], tf.shape(b)[0]),
        f"{a_name} and {b_name} must have the same batch size. Received: {a_name} of batch {{}} "
        f"and {b_name} of batch {{}}",
        tf.shape(a)[0],
        tf.shape(b)[0],
    )


def sample_count(num_samples, max_samples, name="num_samples"):
    """`num_samples` is in `[1, max_samples]` (`max_samples` is set at export)."""
    return require(
        tf.logical_and(num_samples >= 1, num_samples <= max_samples),
        f"{name} must be in [1, {max_samples}] (max_samples is set at export). Received: {name}={{}}",
        num_samples,
    )


def labels_for_count(labels, num_samples, name="labels"):
    """`labels` is empty (random labels) or has `num_samples` entries."""
    return require(
        tf.logical_or(tf.equal(tf.shape(labels)[0], 0), tf.equal(tf.shape(labels)[0], num_samples)),
        f"{name} must be empty (random labels) or have num_samples entries. "
        f"Received: {{}} {name} for num_samples={{}}",
        tf.shape(labels)[0],
        num_samples,
    )
