"""Fully connected generator and discriminator (Goodfellow et al. 2014;
conditional form of Mirza & Osindero 2014).

They work for any sample shape: images (`(28, 28, 1)`), vectors (`(2,)`) or
other tensors; the generator reshapes its output to `sample_shape`.
"""

import math

import keras

from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import functional_model
from tfgan_zoo.networks.layers import glorot_initializer
from tfgan_zoo.networks.layers import label_input
from tfgan_zoo.networks.layers import latent_input
from tfgan_zoo.networks.layers import normal_initializer
from tfgan_zoo.networks.layers import spectral
from tfgan_zoo.networks.minibatch import minibatch_layer
from tfgan_zoo.networks import virtual_batch_norm as vbn


def _check_units(hidden_units, name):
    units = tuple(int(u) for u in hidden_units)
    if not units or min(units) < 1:
        raise ValueError(
            f"`{name}` must be a non-empty list of positive ints. "
            f"Received: {name}={hidden_units!r}"
        )
    return units


def _check_shape(sample_shape):
    shape = tuple(int(d) for d in sample_shape)
    if not shape or min(shape) < 1:
        raise ValueError(
            "The sample shape must be a non-empty tuple of positive ints. "
            f"Received: image_shape={sample_shape!r}"
        )
    return shape


def mlp_generator(
    sample_shape,
    latent_dim,
    hidden_units=(256, 512),
    num_classes=None,
    batch_norm=False,
    output_activation="tanh",
    seed=None,
    virtual_batch_norm=False,
    name="generator",
):
    """An MLP generator: `z` (and a one-hot label) -> a sample.

    Args:
        sample_shape: shape of one output sample, e.g. `(28, 28, 1)`.
        latent_dim: size of `z`.
        hidden_units: widths of the hidden ReLU layers.
        num_classes: if set, the generator also takes integer `labels`,
            one-hot encoded and concatenated to `z`.
        batch_norm: batch-normalise hidden layers.
        output_activation: `"tanh"` for data in [-1, 1], or `"linear"`.
        seed: seeds the weight initialisers.
        virtual_batch_norm: virtual-batch-normalise the hidden layers
            (`tfgan_zoo.networks.virtual_batch_norm`; instead of
            `batch_norm`).
        name: model name.

    Returns:
        A functional `keras.Model` with inputs `z` (or `[z, labels]`).

    Example:

    >>> g = mlp_generator((4, 4, 1), 8, hidden_units=(16,))
    >>> tuple(g.output.shape)
    (None, 4, 4, 1)
    """
    sample_shape = _check_shape(sample_shape)
    units = _check_units(hidden_units, "hidden_units")
    if batch_norm and virtual_batch_norm:
        raise ValueError("Choose batch_norm or virtual_batch_norm. Received: batch_norm=True, virtual_batch_norm=True")
    inputs, h = latent_input(latent_dim, num_classes)
    if virtual_batch_norm:
        h = vbn.ReferenceBatch(name="reference_batch")(h)
    for i, width in enumerate(units):
        h = keras.layers.Dense(
            width,
            use_bias=not (batch_norm or virtual_batch_norm),
            kernel_initializer=glorot_initializer(seed, i),
            name=f"dense_{i}",
        )(h)
        if batch_norm:
            h = keras.layers.BatchNormalization(momentum=0.9, name=f"bn_{i}")(h)
        if virtual_batch_norm:
            h = vbn.VirtualBatchNormalization(name=f"vbn_{i}")(h)
        h = keras.layers.ReLU(name=f"relu_{i}")(h)
    h = keras.layers.Dense(
        math.prod(sample_shape),
        kernel_initializer=glorot_initializer(seed, len(units)),
        name="dense_out",
    )(h)
    h = keras.layers.Activation(output_activation, dtype="float32", name="out")(h)
    out = keras.layers.Reshape(sample_shape, name="sample")(h)
    if virtual_batch_norm:
        out = vbn.DropReference(name="drop_reference")(out)
    return functional_model(inputs, out, name)


def mlp_discriminator(
    sample_shape,
    hidden_units=(512, 256),
    num_classes=None,
    seed=None,
    output_dim=1,
    spectral_norm=False,
    minibatch_features=None,
    minibatch_kernels=100,
    minibatch_kernel_dim=5,
    name="discriminator",
):
    """An MLP discriminator: a sample (and a one-hot label) -> one logit.

    Hidden layers use LeakyReLU(0.2). The output is a linear logit; the losses
    apply the sigmoid.

    Args:
        sample_shape: shape of one input sample.
        hidden_units: widths of the hidden layers.
        num_classes: if set, the discriminator also takes integer `labels`,
            one-hot encoded and concatenated to the flattened sample.
        seed: seeds the weight initialisers.
        output_dim: size of the output (1: a logit; more: a feature vector).
        spectral_norm: wrap every Dense layer in
            `keras.layers.SpectralNormalization`.
        minibatch_features: `"discrimination"` or `"stddev"` appends a
            `tfgan_zoo.networks.minibatch` layer's features to the last
            hidden ones (None: none).
        minibatch_kernels: `B` of minibatch discrimination.
        minibatch_kernel_dim: `C` of minibatch discrimination.
        name: model name.

    Returns:
        A functional `keras.Model` with inputs `x` (or `[x, labels]`) and
        output of shape `[batch, output_dim]`.

    Example:

    >>> d = mlp_discriminator((4, 4, 1), hidden_units=(16,))
    >>> tuple(d.output.shape)
    (None, 1)
    """
    sample_shape = _check_shape(sample_shape)
    units = _check_units(hidden_units, "hidden_units")
    x = keras.Input(shape=sample_shape, name="x")
    inputs = [x]
    h = keras.layers.Flatten(name="flatten")(x)
    if num_classes is not None:
        labels, code = label_input(num_classes)
        inputs.append(labels)
        h = keras.layers.Concatenate(name="x_and_label")([h, code])
    for i, width in enumerate(units):
        dense = keras.layers.Dense(
            width, kernel_initializer=glorot_initializer(seed, D_SEED_OFFSET + i), name=f"dense_{i}"
        )
        h = spectral(dense, h, spectral_norm, seed, D_SEED_OFFSET + i)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"lrelu_{i}")(h)
    h = minibatch_layer(h, minibatch_features, minibatch_kernels, minibatch_kernel_dim,
                        normal_initializer(seed, D_SEED_OFFSET + 50, stddev=0.05))
    logits = keras.layers.Dense(
        int(output_dim),
        kernel_initializer=glorot_initializer(seed, D_SEED_OFFSET + len(units)),
        dtype="float32",
        name="logits",
    )
    logits = spectral(logits, h, spectral_norm, seed, D_SEED_OFFSET + len(units))
    return functional_model(inputs, logits, name)
