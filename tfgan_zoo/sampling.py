"""The one path from a sampling request to the generator's inputs.

`generator_inputs(prior, num_classes, num_samples, seed, labels)` turns a
request into `(z, labels)` with TensorFlow ops, eagerly or inside a graph.
`GAN.generate`, the exported `sample` signature, the sample-grid callback
and `launchers.generate` all use it, so a seed gives the same images
everywhere by construction. `check_request` is the argument check that
`GAN.generate` and `ExportedGenerator.generate` share, and `grid_labels`
lays out one row per class for the grids.

Example:

>>> from tfgan_zoo import priors
>>> z, labels = generator_inputs(priors.latent_prior("normal", 4), 10, 3, seed=7)
>>> tuple(z.shape), labels.dtype.name
((3, 4), 'int32')
"""

import numpy as np
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import priors

DEFAULT_NUM_SAMPLES = 64
# The most one `generate` call returns (float32 samples); more is refused
# before any work rather than running out of memory.
MAX_OUTPUT_BYTES = 4 * 2**30


def generator_inputs(prior, num_classes, num_samples, seed, labels=None):
    """`(z, labels)` for `num_samples` samples drawn from an int `seed`.

    Args:
        prior: the latent prior (`model.prior`).
        num_classes: class count of a conditional model, or None.
        num_samples: int or int32 scalar tensor.
        seed: int or int64 scalar tensor (`priors.seed_to_stateless`), or a
            `[2]` int32 stateless seed tensor.
        labels: int32 `[num_samples]` labels, or None to draw them uniformly
            from the seed (conditional models).

    Returns:
        `z` float32 `[num_samples, latent_dim]` and int32 labels (None for
        unconditional models).
    """
    seed = tf.convert_to_tensor(seed)
    stateless = seed if seed.shape.rank == 1 else priors.seed_to_stateless(seed)
    stateless = tf.cast(stateless, tf.int32)
    z = tf.cast(prior.sample(num_samples, seed=stateless), tf.float32)
    if num_classes is None:
        return z, None
    if labels is None:
        labels = random_labels(num_classes, num_samples, stateless)
    return z, tf.cast(labels, tf.int32)


def random_labels(num_classes, num_samples, stateless):
    """Uniform int32 labels for a `[2]` stateless seed (the one `generator_inputs` uses)."""
    return tf.random.stateless_uniform(
        [num_samples], seed=stateless + 1, minval=0, maxval=num_classes, dtype=tf.int32
    )


def check_request(latent_dim, num_classes, num_samples=None, z=None, labels=None, max_samples=None):
    """Checks a `generate` request; returns `(num_samples, z, labels)` as NumPy.

    Sizes given several ways (`num_samples`, `len(z)`, `len(labels)`) must
    agree; the default is 64. `z` must be finite `[n, latent_dim]` floats,
    `labels` 1-D ints in `[0, num_classes)`.
    """
    sizes = {}
    if num_samples is not None:
        sizes["num_samples"] = checks.positive_int(num_samples, "num_samples")
    if max_samples is not None and sizes.get("num_samples", 0) > max_samples:
        raise ValueError(
            f"`num_samples` must be at most {max_samples}. Received: num_samples={num_samples!r}"
        )
    if z is not None:
        z = np.asarray(z)
        if z.ndim != 2 or z.shape[1] != latent_dim or not np.issubdtype(z.dtype, np.number):
            raise ValueError(
                f"`z` must be numbers of shape [n, {latent_dim}]. "
                f"Received: z of shape {z.shape} and dtype {z.dtype}"
            )
        if not np.all(np.isfinite(z)):
            raise ValueError(f"`z` must be finite. Received: z with {int(np.sum(~np.isfinite(z)))} NaN/Inf values")
        z = z.astype(np.float32)
        sizes["z"] = len(z)
    if labels is not None:
        if num_classes is None:
            raise ValueError(
                f"The model is unconditional and takes no labels. Received: labels={np.asarray(labels)[:10]!r}"
            )
        labels = np.asarray(labels)
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                "`labels` must be a 1-D array of ints. "
                f"Received: labels of shape {labels.shape} and dtype {labels.dtype}"
            )
        bad = labels[(labels < 0) | (labels >= num_classes)]
        if bad.size:
            raise ValueError(
                f"Labels must be in [0, {num_classes}). "
                f"Received: labels out of range {sorted(set(bad.tolist()))[:10]}"
            )
        labels = labels.astype(np.int32)
        sizes["labels"] = len(labels)
    if len(set(sizes.values())) > 1:
        raise ValueError(f"The sample counts disagree. Received: {sizes}")
    return next(iter(sizes.values()), DEFAULT_NUM_SAMPLES), z, labels


def check_output_size(num_samples, sample_shape):
    """Refuses a request whose float32 output would exceed `MAX_OUTPUT_BYTES`."""
    nbytes = int(num_samples) * int(np.prod(sample_shape)) * 4
    if nbytes > MAX_OUTPUT_BYTES:
        raise ValueError(
            f"`num_samples` asks for {nbytes / 2**30:.1f} GiB of samples, more than the "
            f"{MAX_OUTPUT_BYTES / 2**30:.0f} GiB one call returns; generate in chunks. "
            f"Received: num_samples={num_samples}"
        )


def in_batches(fn, z, labels, batch_size):
    """`fn(z, labels)` on consecutive batches of `batch_size`, as one float32 array."""
    outputs = []
    for start in range(0, len(z), batch_size):
        zb = z[start : start + batch_size]
        lb = None if labels is None else labels[start : start + batch_size]
        outputs.append(np.asarray(fn(zb, lb)))
    return np.concatenate(outputs).astype(np.float32)


def grid_labels(num_classes, num_samples, classes=None):
    """`(labels, rows)` for a grid: one row per class (all, or `classes`).

    Unconditional models (`num_classes` None) get `(None, None)`: an
    about-square grid of `num_samples`.
    """
    if num_classes is None:
        if classes:
            raise ValueError(f"The model is unconditional and takes no labels. Received: labels={classes}")
        return None, None
    classes = [int(c) for c in classes] if classes else list(range(num_classes))
    bad = [c for c in classes if not 0 <= c < num_classes]
    if bad:
        raise ValueError(f"Labels must be in [0, {num_classes}). Received: labels={bad}")
    per_row = max(1, int(num_samples) // len(classes))
    return np.repeat(np.asarray(classes, np.int32), per_row), len(classes)
