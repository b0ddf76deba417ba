"""3D-GAN networks (Wu, Zhang, Xue, Freeman & Tenenbaum 2016): volumetric
(3-D) convolutions on occupancy grids `[d, d, d, 1]`.

- Generator: five transposed 3-D convolutions from `z`: the first maps
  `z` (as a 1x1x1 volume) to `4^3 x 8w`, each next one doubles the side
  (stride 2) until it reaches `d`, then keeps it (stride 1); batch norm and
  ReLU between, a sigmoid occupancy output. At `d = 64` these are the
  paper's five stride-2 layers 4 -> 8 -> 16 -> 32 -> 64 (`w = 64`:
  512, 256, 128, 64 filters).
- Discriminator: the mirror, five 3-D convolutions: stride 2 while the
  side is above 4, batch norm (not on the input layer) and LeakyReLU(0.2),
  then a `4^3` valid convolution to one logit; optionally the minibatch
  standard deviation as one more channel before it (Karras et al. 2018),
  and `packing` grids judged together (PacGAN: one logit per pack).

Sides `4 * 2**n`, `1 <= n <= 4` (8 to 64), are supported.
"""

import keras

from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import normal_initializer
from tfgan_zoo.networks.minibatch import Pack
from tfgan_zoo.networks.minibatch import minibatch_layer

LAYERS = 5


def check_voxel_shape(sample_shape):
    """The side `d` of a `(d, d, d, 1)` grid, `d = 4 * 2**n`, `1 <= n <= 4`."""
    shape = tuple(sample_shape) if isinstance(sample_shape, (tuple, list)) else ()
    side = shape[0] if shape else None
    if len(shape) != 4 or shape[-1] != 1 or len(set(shape[:3])) != 1 or side not in (8, 16, 32, 64):
        raise ValueError(
            "3D-GAN networks take occupancy grids (d, d, d, 1) with d in (8, 16, 32, 64), e.g. "
            f"(32, 32, 32, 1). Received: sample_shape={sample_shape!r}"
        )
    return int(side)


def _bn(name, synchronized):
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=synchronized, name=name)


def voxel_generator(sample_shape, latent_dim=200, width=64, kernel_size=4, seed=None, synchronized_bn=False):
    """`z -> [d, d, d, 1]` occupancy in (0, 1).

    Example:

    >>> tuple(voxel_generator((8, 8, 8, 1), latent_dim=4, width=2).output.shape)
    (None, 8, 8, 8, 1)
    """
    side = check_voxel_shape(sample_shape)
    z = keras.Input(shape=(int(latent_dim),), name="z")
    h = keras.layers.Reshape((1, 1, 1, int(latent_dim)), name="z_volume")(z)
    size, filters = 4, 8 * int(width)
    h = keras.layers.Conv3DTranspose(
        filters, 4, padding="valid", use_bias=False, kernel_initializer=normal_initializer(seed, 0), name="deconv_0"
    )(h)
    for i in range(1, LAYERS):
        h = _bn(f"deconv_{i - 1}_bn", synchronized_bn)(h)
        h = keras.layers.ReLU(name=f"deconv_{i - 1}_relu")(h)
        stride = 2 if size < side else 1
        size *= stride
        last = i == LAYERS - 1
        filters = 1 if last else filters // 2
        h = keras.layers.Conv3DTranspose(
            filters, kernel_size, strides=stride, padding="same", use_bias=last,
            kernel_initializer=normal_initializer(seed, i), name=f"deconv_{i}",
        )(h)
    out = keras.layers.Activation("sigmoid", dtype="float32", name="occupancy")(h)
    return keras.Model(z, out, name="generator")


def voxel_discriminator(sample_shape, width=64, kernel_size=4, seed=None, synchronized_bn=False, minibatch_stddev=False,
                        packing=1):
    """`[d, d, d, 1]` -> one logit; `minibatch_stddev` appends the batch's
    feature standard deviation as a channel of the last feature maps;
    `packing > 1` first joins that many consecutive grids along the
    channels (`minibatch.Pack`), so a batch of `n` gives `n / packing` logits.

    Example:

    >>> tuple(voxel_discriminator((8, 8, 8, 1), width=2).output.shape)
    (None, 1)
    """
    side = check_voxel_shape(sample_shape)
    x = keras.Input(shape=(side, side, side, 1), name="x")
    h = Pack(packing, name="pack")(x) if packing > 1 else x
    size, filters = side, int(width)
    for i in range(LAYERS - 1):
        stride = 2 if size > 4 else 1
        size //= stride
        h = keras.layers.Conv3D(
            filters, kernel_size, strides=stride, padding="same", use_bias=i == 0,
            kernel_initializer=normal_initializer(seed, D_SEED_OFFSET + i), name=f"conv_{i}",
        )(h)
        if i > 0:
            h = _bn(f"conv_{i}_bn", synchronized_bn)(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"conv_{i}_lrelu")(h)
        filters *= 2
    if minibatch_stddev:
        h = minibatch_layer(h, "stddev")
    h = keras.layers.Conv3D(
        1, 4, padding="valid", kernel_initializer=normal_initializer(seed, D_SEED_OFFSET + LAYERS - 1), name="conv_out"
    )(h)
    logits = keras.layers.Flatten(dtype="float32", name="logits")(h)
    return keras.Model(x, logits, name="discriminator")
