"""A `fit` batch turned into checked `(samples, labels)` minibatches.

`unpack_batch` accepts `samples`, `(samples,)`, `(samples, labels)` and
tensorflow-datasets-style dicts, and refuses, with the received value,
what the model cannot train on: integer images, a wrong sample shape,
missing labels. `split_batch` cuts one batch into the `d_steps` disjoint
minibatches of the discriminator steps.
"""

import tensorflow as tf

_SAMPLE_KEYS = ("image", "images", "x", "samples")
_LABEL_KEYS = ("label", "labels", "y")


def _from_dict(data):
    samples = next((data[k] for k in _SAMPLE_KEYS if k in data), None)
    labels = next((data[k] for k in _LABEL_KEYS if k in data), None)
    if samples is None:
        raise ValueError(f"A dict batch needs an 'image' (or 'x') key. Received keys: {sorted(data)}")
    return samples, labels


def unpack_batch(data, sample_shape, num_classes=None, check_finite=True, name="model"):
    """`(samples float32, labels int32 or None)` from a `fit` batch, checked."""
    labels = None
    if isinstance(data, dict):
        samples, labels = _from_dict(data)
    elif isinstance(data, (tuple, list)):
        samples = data[0]
        labels = data[1] if len(data) > 1 else None
    else:
        samples = data
    samples = tf.convert_to_tensor(samples)
    if samples.dtype.is_integer:
        raise ValueError(
            f"Samples must be floats in [-1, 1]; received dtype {samples.dtype.name}. "
            "Scale images with `tfgan_zoo.data.load` or `x / 127.5 - 1`. "
            f"Received: samples of shape {tuple(samples.shape)}"
        )
    if check_finite:  # XLA does not compile asserts.
        # On the sum: a NaN or Inf anywhere makes it NaN or Inf, at a fifth
        # of the cost of checking every value (benchmarks/throughput.py).
        total = tf.reduce_sum(tf.cast(samples, tf.float32))
        check = tf.debugging.assert_all_finite(total, "The training data has NaN or Inf values")
        with tf.control_dependencies([check]):
            samples = tf.identity(samples)
    # float32 even under a mixed policy: the layers cast their inputs, and a
    # gradient penalty needs full-precision interpolates.
    samples = tf.cast(samples, tf.float32)
    got = tuple(samples.shape[1:])
    if samples.shape.rank is not None and got != tuple(sample_shape):
        raise ValueError(
            f"{name} generates samples of shape {tuple(sample_shape)}, but the data has shape "
            f"{got}. Resize the data (`tfgan_zoo.data.load(..., image_shape={tuple(sample_shape)})`) "
            f"or build the model with sample_shape={got}. Received: batch of shape {tuple(samples.shape)}"
        )
    if num_classes is None:
        return samples, None
    if labels is None:
        raise ValueError(
            f"{name} is conditional (num_classes={num_classes}) and needs (samples, labels) "
            "batches. Received: a batch without labels"
        )
    labels = tf.convert_to_tensor(labels)
    if labels.shape.rank == 2 and labels.shape[-1] == num_classes:
        labels = tf.argmax(labels, axis=-1)  # One-hot labels.
    return samples, tf.cast(tf.reshape(labels, [-1]), tf.int32)


def split_batch(samples, labels, k):
    """`k` disjoint strided minibatches `batch[i::k]` of a batch."""
    if k == 1:
        return [(samples, labels)]
    batch = samples.shape[0]
    if batch is not None and batch < k:
        raise ValueError(
            f"d_steps={k} needs batches of at least {k} examples (ideally "
            f"batch_size * d_steps). Received: batch of {batch}"
        )
    return [(samples[i::k], None if labels is None else labels[i::k]) for i in range(k)]
