"""DCGAN generator and discriminator (Radford et al. 2015).

The architecture rules of the paper, which `tests/test_networks.py` checks:

- strided convolutions in the discriminator, transposed (fractionally
  strided) convolutions in the generator, no pooling;
- batch norm in both networks, except the generator output layer and the
  discriminator input layer;
- no hidden fully connected layers: the generator's first layer is a matrix
  multiply reshaped to a 4-D tensor, and the discriminator's last conv
  features are flattened into a single logit;
- ReLU in the generator with a tanh output, LeakyReLU(0.2) in the
  discriminator;
- weights drawn from N(0, 0.02).

Square images of side `s * 2**n` with `s` in (4, 7) are supported: the
generator projects `z` to an `s x s` map and upsamples it `n` times. Presets
for the common shapes set the width (`width`):

| sample_shape   | projection      | width |
|---------------|-----------------|--------------|
| (28, 28, 1)   | 7x7x128         | 64           |
| (32, 32, 3)   | 4x4x256         | 64           |
| (64, 64, 3)   | 4x4x1024 (paper)| 128          |
"""

import keras

from tfgan_zoo.networks.fused_batch_norm import FusedBatchNormalization
from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import functional_model
from tfgan_zoo.networks.layers import label_input
from tfgan_zoo.networks.layers import latent_input
from tfgan_zoo.networks.layers import normal_initializer
from tfgan_zoo.networks.layers import spectral
from tfgan_zoo.networks.minibatch import minibatch_layer
from tfgan_zoo.networks import virtual_batch_norm as vbn

PRESETS = {
    (28, 28, 1): {"width": 64},
    (32, 32, 3): {"width": 64},
    (64, 64, 3): {"width": 128},
}
_START_SIZES = (4, 7)


def spatial_plan(sample_shape):
    """Returns `(start_size, num_upsamplings)` for a square image shape.

    Raises:
        ValueError: if the shape is not `(s * 2**n, s * 2**n, channels)`.

    Example:

    >>> spatial_plan((28, 28, 1))
    (7, 2)
    """
    shape = tuple(int(d) for d in sample_shape) if sample_shape else ()
    error = ValueError(
        "DCGAN networks take square images of side s * 2**n, s in "
        f"{_START_SIZES} and n >= 1, as (height, width, channels), e.g. "
        f"{sorted(PRESETS)}. Received: sample_shape={tuple(sample_shape) if sample_shape else sample_shape}"
    )
    if len(shape) != 3 or shape[0] != shape[1] or min(shape) < 1:
        raise error
    for start in _START_SIZES:
        side, n = shape[0], 0
        while side > start and side % 2 == 0:
            side, n = side // 2, n + 1
        if side == start and n >= 1:
            return start, n
    raise error


def default_width(sample_shape):
    """The preset width for `sample_shape`, else 64."""
    preset = PRESETS.get(tuple(int(d) for d in sample_shape), {})
    return preset.get("width", 64)


def _bn(name, synchronized=False, virtual=False):
    if virtual:
        return vbn.VirtualBatchNormalization(epsilon=1e-5, name=name)
    # Momentum 0.9 so the moving statistics used by `generate()` (inference
    # mode) follow training closely. `synchronized` computes the batch
    # statistics over all replicas of a `tf.distribute` strategy.
    # The fused kernel (`FusedBatchNormalization`): the same layer, faster.
    return FusedBatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=synchronized, name=name)


def dcgan_generator(
    sample_shape,
    latent_dim=100,
    width=None,
    kernel_size=5,
    num_classes=None,
    seed=None,
    synchronized_bn=False,
    virtual_batch_norm=False,
    name="generator",
):
    """DCGAN generator: `z` (and a one-hot label) -> an image in [-1, 1].

    Args:
        sample_shape: `(side, side, channels)`, see `spatial_plan`.
        latent_dim: size of `z`.
        width: width of the last hidden layer; each layer closer to
            `z` doubles it. `None` takes the preset.
        kernel_size: convolution kernel size (the paper used 5).
        num_classes: if set, the generator also takes integer `labels`,
            whose one-hot code is concatenated to `z`.
        seed: seeds the weight initialisers.
        synchronized_bn: batch statistics over all replicas.
        virtual_batch_norm: virtual batch norm instead of batch norm
            (`tfgan_zoo.networks.virtual_batch_norm`).
        name: model name.

    Returns:
        A functional `keras.Model`, inputs `z` (or `[z, labels]`).

    Example:

    >>> g = dcgan_generator((28, 28, 1), latent_dim=16, width=8)
    >>> tuple(g.output.shape)
    (None, 28, 28, 1)
    """
    start, n_up = spatial_plan(sample_shape)
    channels = int(sample_shape[-1])
    filters = int(width or default_width(sample_shape))
    inputs, h = latent_input(latent_dim, num_classes)
    if virtual_batch_norm:
        h = vbn.ReferenceBatch(name="reference_batch")(h)
    width = filters * 2 ** (n_up - 1)
    # The projection of z: a matrix multiply, reshaped to a 4-D tensor.
    h = keras.layers.Dense(
        start * start * width,
        use_bias=False,
        kernel_initializer=normal_initializer(seed, 0),
        name="project",
    )(h)
    h = keras.layers.Reshape((start, start, width), name="reshape")(h)
    h = _bn("project_bn", synchronized_bn, virtual_batch_norm)(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    for i in range(1, n_up):
        width //= 2
        h = keras.layers.Conv2DTranspose(
            width,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=normal_initializer(seed, i),
            name=f"deconv_{i}",
        )(h)
        h = _bn(f"deconv_{i}_bn", synchronized_bn, virtual_batch_norm)(h)
        h = keras.layers.ReLU(name=f"deconv_{i}_relu")(h)
    h = keras.layers.Conv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        kernel_initializer=normal_initializer(seed, n_up),
        name="deconv_out",
    )(h)
    out = keras.layers.Activation("tanh", dtype="float32", name="tanh")(h)
    if virtual_batch_norm:
        out = vbn.DropReference(name="drop_reference")(out)
    return functional_model(inputs, out, name)


NORMS = ("batch", "layer", "none")


def _critic_norm(kind, name, synchronized):
    if kind == "batch":
        return _bn(name, synchronized)
    if kind == "layer":
        # Per-example statistics: a gradient penalty on one example must not
        # depend on the others, which batch norm breaks (Gulrajani et al.).
        return keras.layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5, name=name)
    return None


def dcgan_discriminator(
    sample_shape,
    width=None,
    kernel_size=5,
    num_classes=None,
    seed=None,
    synchronized_bn=False,
    norm="batch",
    output_dim=1,
    spectral_norm=False,
    minibatch_features=None,
    minibatch_kernels=100,
    minibatch_kernel_dim=5,
    name="discriminator",
):
    """DCGAN discriminator: an image (and a label) -> one logit.

    Args:
        sample_shape: `(side, side, channels)`, see `spatial_plan`.
        width: width of the first conv layer; each later one doubles.
            `None` takes the preset.
        kernel_size: convolution kernel size.
        num_classes: if set, the discriminator also takes integer `labels`;
            their one-hot code is tiled over the image as extra channels.
        seed: seeds the weight initialisers.
        synchronized_bn: batch statistics over all replicas.
        norm: normalisation of the hidden conv layers: `"batch"` (the DCGAN
            rule), `"layer"` (for critics with a gradient penalty) or `"none"`.
        output_dim: size of the output (1: a logit; more: a feature vector,
            as Cramér GAN's critic).
        spectral_norm: wrap every Conv2D and Dense layer in
            `keras.layers.SpectralNormalization`.
        minibatch_features: `"discrimination"` or `"stddev"` appends a
            `tfgan_zoo.networks.minibatch` layer's features to the
            flattened last conv features (None: none).
        minibatch_kernels: `B` of minibatch discrimination.
        minibatch_kernel_dim: `C` of minibatch discrimination.
        name: model name.

    Returns:
        A functional `keras.Model`, inputs `x` (or `[x, labels]`), output
        `[batch, output_dim]`.

    Example:

    >>> d = dcgan_discriminator((28, 28, 1), width=8)
    >>> tuple(d.output.shape)
    (None, 1)
    """
    if norm not in NORMS:
        raise ValueError(f"Unknown norm {norm!r}. Valid: {list(NORMS)}. Received: norm={norm!r}")
    start, n_down = spatial_plan(sample_shape)
    side = int(sample_shape[0])
    filters = int(width or default_width(sample_shape))
    x = keras.Input(shape=tuple(int(d) for d in sample_shape), name="x")
    inputs = [x]
    h = x
    if num_classes is not None:
        labels, code = label_input(num_classes)
        inputs.append(labels)
        code = keras.layers.Reshape((1, 1, int(num_classes)), name="label_map")(code)
        code = keras.layers.UpSampling2D(size=side, name="tile_label")(code)
        h = keras.layers.Concatenate(name="x_and_label")([x, code])
    width = filters
    for i in range(n_down):
        conv = keras.layers.Conv2D(
            width,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=(i == 0 or norm != "batch"),
            kernel_initializer=normal_initializer(seed, D_SEED_OFFSET + i),
            name=f"conv_{i}",
        )
        h = spectral(conv, h, spectral_norm, seed, D_SEED_OFFSET + i)
        layer = _critic_norm(norm, f"conv_{i}_{norm}norm", synchronized_bn) if i > 0 else None
        if layer is not None:  # Never on the input layer.
            h = layer(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"conv_{i}_lrelu")(h)
        width *= 2
    h = keras.layers.Flatten(name="flatten")(h)
    h = minibatch_layer(h, minibatch_features, minibatch_kernels, minibatch_kernel_dim,
                        normal_initializer(seed, D_SEED_OFFSET + 50, stddev=0.05))
    logits = keras.layers.Dense(
        int(output_dim),
        kernel_initializer=normal_initializer(seed, D_SEED_OFFSET + n_down),
        dtype="float32",
        name="logits",
    )
    logits = spectral(logits, h, spectral_norm, seed, D_SEED_OFFSET + n_down)
    return functional_model(inputs, logits, name)
