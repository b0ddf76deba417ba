"""A `fit` batch turned into checked `(samples, labels)` minibatches.

`unpack_batch` accepts `samples`, `(samples,)`, `(samples, labels)` and
tensorflow-datasets-style dicts, and refuses, with the received value,
what the model cannot train on: integer images, a wrong sample shape,
missing labels. `split_batch` cuts one batch into the `d_steps` disjoint
minibatches of the discriminator steps.

Each `train_step` receives one batch, splits it into `d_steps` strided
minibatches (`batch[i::d_steps]`), makes one discriminator update on each,
then one generator update, so every discriminator step sees fresh real
data (Algorithm 1 of Goodfellow et al. 2014). Updating the generator inside
a `tf.cond` every k-th step instead is not possible: `MirroredStrategy`
rejects optimizer updates inside control flow.
"""

import numpy as np
import tensorflow as tf

_SAMPLE_KEYS = ("image", "images", "x", "samples")
_LABEL_KEYS = ("label", "labels", "y")


def _from_dict(data):
    samples = next((data[k] for k in _SAMPLE_KEYS if k in data), None)
    labels = next((data[k] for k in _LABEL_KEYS if k in data), None)
    if samples is None:
        raise ValueError(f"A dict batch needs an 'image' (or 'x') key. Received keys: {sorted(data)}")
    return samples, labels


# Samples may exceed the model's range by this much (resizing overshoots).
RANGE_TOLERANCE = 0.01


def unpack_batch(data, sample_shape, num_classes=None, sample_range=(-1.0, 1.0), check_values=True, name="model"):
    """`(samples float32, labels int32 or None)` from a `fit` batch, checked.

    Statically: float samples of `sample_shape`, integer (or one-hot)
    labels where the model is conditional, the same batch size for both.
    With `check_values` (`check_batch_values`), in the graph too.
    """
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
    got = tuple(samples.shape[1:])
    if samples.shape.rank is not None and got != tuple(sample_shape):
        raise ValueError(
            f"{name} generates samples of shape {tuple(sample_shape)}, but the data has shape "
            f"{got}. Resize the data (`tfgan_zoo.data.load(..., image_shape={tuple(sample_shape)})`) "
            f"or build the model with sample_shape={got}. Received: batch of shape {tuple(samples.shape)}"
        )
    labels = None if num_classes is None else _labels(labels, num_classes, samples, name)
    if check_values:
        samples, labels = check_batch_values(samples, labels, sample_range, num_classes)
    # float32 even under a mixed policy: the layers cast their inputs, and a
    # gradient penalty needs full-precision interpolates.
    return tf.cast(samples, tf.float32), None if labels is None else tf.cast(labels, tf.int32)


def _labels(labels, num_classes, samples, name):
    if labels is None:
        raise ValueError(
            f"{name} is conditional (num_classes={num_classes}) and needs (samples, labels) "
            "batches. Received: a batch without labels"
        )
    labels = tf.convert_to_tensor(labels)
    if labels.shape.rank == 2 and labels.shape[-1] == num_classes:
        labels = tf.argmax(labels, axis=-1)  # One-hot labels.
    elif not labels.dtype.is_integer:
        raise ValueError(
            "Labels must be integer class ids in [0, num_classes) (or one-hot); float labels "
            f"would be truncated. Received: labels of dtype {labels.dtype.name} and shape {tuple(labels.shape)}"
        )
    labels = tf.reshape(labels, [-1])
    n_samples, n_labels = samples.shape[0], labels.shape[0]
    if n_samples is not None and n_labels is not None and n_samples != n_labels:
        raise ValueError(
            f"Each sample needs one label. Received: {n_samples} samples and {n_labels} labels"
        )
    return labels


def check_batch_values(samples, labels=None, sample_range=(-1.0, 1.0), num_classes=None):
    """Graph asserts that `samples` are finite and in `sample_range` (within
    `RANGE_TOLERANCE`) and that `labels` match them in number and lie in
    `[0, num_classes)`. XLA does not compile asserts: under
    `jit_compile=True` the model runs this in the input pipeline instead
    (`GAN.fit`)."""
    flat = tf.reshape(tf.cast(samples, tf.float32), [-1])
    # On the sum: a NaN or Inf anywhere makes it NaN or Inf, at a fifth
    # of the cost of checking every value (benchmarks/throughput.py).
    checks = [tf.debugging.assert_all_finite(tf.reduce_sum(flat), "The training data has NaN or Inf values")]
    if sample_range is not None:
        lo, hi = sample_range
        low, high = tf.reduce_min(flat), tf.reduce_max(flat)
        checks.append(
            tf.debugging.Assert(
                tf.logical_and(low >= lo - RANGE_TOLERANCE, high <= hi + RANGE_TOLERANCE),
                [f"Samples must be in the model's sample_range [{lo}, {hi}] (images: x / 127.5 - 1). Received: values in", low, high],
            )
        )
    if labels is not None:
        checks.append(
            tf.debugging.assert_equal(
                tf.shape(labels)[0], tf.shape(samples)[0], message="Each sample needs one label (samples, labels)"
            )
        )
        checks.append(
            tf.debugging.Assert(
                tf.logical_and(tf.reduce_min(labels) >= 0, tf.reduce_max(labels) < num_classes),
                [f"Labels must be in [0, {num_classes}). Received: labels in", tf.reduce_min(labels), tf.reduce_max(labels)],
            )
        )
    with tf.control_dependencies(checks):
        samples = tf.identity(samples)
        labels = None if labels is None else tf.cast(tf.identity(labels), tf.int32)
    return samples, labels


def fit_inputs(model, x, kwargs):
    """`(x, kwargs)` for `keras.Model.fit`: arrays are checked whole before
    any step trains; a dataset is not reshuffled (it is shuffled already;
    Keras would warn), and under `jit_compile=True` its batches are checked
    in the input pipeline, outside XLA. Other inputs are checked per batch
    in the step, and refused under XLA."""
    def check(data):
        samples, labels = unpack_batch(data, model.sample_shape, model.num_classes, model.sample_range, True, model.name)
        samples = check_divisible(samples, model.d_steps)
        return samples if labels is None else (samples, labels)

    first = next(iter(x.values())) if isinstance(x, dict) else x[0] if isinstance(x, (tuple, list)) and x else x
    if getattr(first, "shape", None) is not None and len(first.shape) and first.shape[0] == 0:
        raise ValueError(f"fit needs at least one example. Received: x of shape {tuple(first.shape)}")
    if isinstance(x, tf.data.Dataset):
        if int(x.cardinality()) == 0:
            raise ValueError(f"fit needs at least one batch. Received: an empty dataset {x.element_spec}")
        kwargs.setdefault("shuffle", False)
        if model.jit_compile:
            x = x.map(lambda *element: check(element[0] if len(element) == 1 else element))
    elif isinstance(x, (tf.Tensor, tuple, list, dict)) or hasattr(x, "__array__"):
        # Arrays are checked whole, once, before any step trains.
        data = (x, kwargs["y"]) if kwargs.get("y") is not None else x
        samples, labels = unpack_batch(data, model.sample_shape, model.num_classes, None, False, model.name)
        check_array_values(samples.numpy(), None if labels is None else labels.numpy(), model.sample_range, model.num_classes)
        _check_array_batches(len(first), kwargs.get("batch_size") or 32, model.d_steps)
    elif model.jit_compile and x is not None:
        raise ValueError(
            "Under jit_compile=True the data checks run in the input pipeline: pass a "
            f"tf.data.Dataset or arrays. Received: x of type {type(x).__name__}"
        )
    return x, kwargs


def check_array_values(samples, labels=None, sample_range=(-1.0, 1.0), num_classes=None):
    """`check_batch_values` for NumPy arrays, before training (clean messages)."""
    bad = int(np.sum(~np.isfinite(samples)))
    if bad:
        raise ValueError(f"The training data has NaN or Inf values. Received: {bad} NaN/Inf values in the samples")
    if sample_range is not None and samples.size:
        lo, hi = sample_range
        low, high = float(samples.min()), float(samples.max())
        if low < lo - RANGE_TOLERANCE or high > hi + RANGE_TOLERANCE:
            raise ValueError(
                f"Samples must be in the model's sample_range [{lo}, {hi}] (images: x / 127.5 - 1). "
                f"Received: values in [{low:.4g}, {high:.4g}]"
            )
    if labels is not None and labels.size:
        outside = int(np.sum((labels < 0) | (labels >= num_classes)))
        if outside:
            raise ValueError(
                f"Labels must be in [0, {num_classes}). Received: {outside} labels outside it, "
                f"in [{int(labels.min())}, {int(labels.max())}]"
            )


def _check_array_batches(num_examples, batch_size, k):
    """Every batch of `fit(arrays, batch_size=...)`, the last one too, splits into `k`."""
    last = num_examples % batch_size
    if batch_size % k or last % k:
        raise ValueError(
            f"d_steps={k} splits each batch into {k} equal minibatches: batch_size must be a "
            f"multiple of {k}, and so must the last batch of the {num_examples} examples. "
            f"Received: batch_size={batch_size} (last batch {last or batch_size})"
        )


def check_trained(history, x):
    """Refuses a `fit` whose epochs got no batch from the data (Keras then
    logs nothing)."""
    if history.epoch and not history.history:
        raise ValueError(
            f"fit ran {len(history.epoch)} epoch(s), but the data gave no batch: nothing was trained. "
            f"Received: x={type(x).__name__} with no examples"
        )


def check_divisible(samples, k):
    """`samples`, after checking that the batch splits into `k` equal minibatches."""
    batch = samples.shape[0]
    message = f"d_steps={k} splits each batch into {k} equal minibatches: feed batches of batch_size * d_steps"
    if k == 1:
        return samples
    if batch is not None:
        if batch % k:
            raise ValueError(f"{message}. Received: a batch of {batch}")
        return samples
    with tf.control_dependencies([tf.debugging.assert_equal(tf.shape(samples)[0] % k, 0, message=message)]):
        return tf.identity(samples)


def split_batch(samples, labels, k):
    """`k` disjoint strided minibatches `batch[i::k]` of a batch of a multiple of `k`."""
    samples = check_divisible(samples, k)
    return [(samples[i::k], None if labels is None else labels[i::k]) for i in range(k)]
