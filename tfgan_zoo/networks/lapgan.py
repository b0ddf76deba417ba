"""LAPGAN networks (Denton, Chintala, Szlam & Fergus 2015): one GAN per
level of a Laplacian pyramid (`tfgan_zoo.networks.pyramid`).

- Level 0 (the coarsest image): an MLP generator `z_0 -> g[0]` and an MLP
  discriminator, as the paper's coarsest CIFAR-10 level.
- Level k >= 1: a conditional convolutional generator
  `(z_k, l_k) -> h_k`, where `l_k = upsample(g[k-1])` is the upsampled
  coarser image and `h_k` the band-pass residual (`z_k` enters as an extra
  noise channel, through a linear map), and a conditional discriminator on
  `(l_k, h_k)` pairs.

`lapgan_pair` wraps them in two functional models that the base `GAN`
trains and serializes as one generator and one discriminator:

- the **chain**: `z` (the levels' noise vectors concatenated) -> the image
  generated coarse to fine, `g[k] = clip(l_k + G_k(z_k, l_k), -1, 1)`;
- the **pyramid discriminator**: an image -> `[batch, levels]` logits, each
  level's discriminator on that image's own pyramid.

The level networks are nested models named `level_<k>_generator` and
`level_<k>_discriminator` (`level_networks` finds them again, also in a
reloaded model). No batch norm, so N replicas train exactly like one.
"""

import keras
import numpy as np

from tfgan_zoo.networks import pyramid
from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import normal_initializer
from tfgan_zoo.networks.mlp import mlp_discriminator
from tfgan_zoo.networks.mlp import mlp_generator

# Seed indices per level, so that no two layers share an initialiser seed.
_LEVEL_SEEDS = 10


def latent_split(latent_dim, levels):
    """The sizes of the levels' parts of `z` (as even as possible, coarse first).

    Example:

    >>> latent_split(8, 3)
    [3, 3, 2]
    """
    if int(latent_dim) < int(levels):
        raise ValueError(
            f"Each of the {levels} pyramid levels needs at least one latent dimension. "
            f"Received: latent_dim={latent_dim}, levels={levels}"
        )
    return [len(part) for part in np.array_split(np.arange(int(latent_dim)), int(levels))]


def _conv(filters, index, seed, strides=1, name=None, dtype=None):
    return keras.layers.Conv2D(
        filters, 3, strides=strides, padding="same",
        kernel_initializer=normal_initializer(seed, index), name=name, dtype=dtype,
    )


def residual_generator(side, channels, latent_dim, width, level, seed=None):
    """Level `level`'s generator: `[z_k, l_k] -> h_k`, all `side x side x channels`."""
    base = level * _LEVEL_SEEDS
    z = keras.Input(shape=(int(latent_dim),), name="z")
    coarse_up = keras.Input(shape=(side, side, channels), name="coarse_up")
    noise = keras.layers.Dense(side * side, kernel_initializer=normal_initializer(seed, base), name="noise")(z)
    noise = keras.layers.Reshape((side, side, 1), name="noise_map")(noise)
    h = keras.layers.Concatenate(name="coarse_and_noise")([coarse_up, noise])
    for i in range(2):
        h = _conv(width, base + 1 + i, seed, name=f"conv_{i}")(h)
        h = keras.layers.ReLU(name=f"relu_{i}")(h)
    residual = _conv(channels, base + 3, seed, name="residual", dtype="float32")(h)
    return keras.Model([z, coarse_up], residual, name=f"level_{level}_generator")


def residual_discriminator(side, channels, width, level, seed=None):
    """Level `level`'s discriminator: `[l_k, h_k]` -> one logit."""
    base = D_SEED_OFFSET + level * _LEVEL_SEEDS
    coarse_up = keras.Input(shape=(side, side, channels), name="coarse_up")
    residual = keras.Input(shape=(side, side, channels), name="residual")
    h = keras.layers.Concatenate(name="coarse_and_residual")([coarse_up, residual])
    for i in range(2):
        h = _conv(width * 2**i, base + i, seed, strides=2, name=f"conv_{i}")(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"lrelu_{i}")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    logits = keras.layers.Dense(
        1, kernel_initializer=normal_initializer(seed, base + 2), dtype="float32", name="logits"
    )(h)
    return keras.Model([coarse_up, residual], logits, name=f"level_{level}_discriminator")


def level_networks(sample_shape, latent_dim, levels, width, seed=None):
    """`(generators, discriminators)`, one of each per level, coarse first."""
    side, channels = pyramid.check_fits(sample_shape, levels)
    sizes = latent_split(latent_dim, levels)
    coarse = side // 2 ** (levels - 1)
    shape0 = (coarse, coarse, channels)
    generators = [mlp_generator(shape0, sizes[0], (4 * width, 4 * width), seed=seed, name="level_0_generator")]
    discriminators = [mlp_discriminator(shape0, (4 * width, 4 * width), seed=seed, name="level_0_discriminator")]
    for k in range(1, levels):
        s = coarse * 2**k
        generators.append(residual_generator(s, channels, sizes[k], width, k, seed))
        discriminators.append(residual_discriminator(s, channels, width, k, seed))
    return generators, discriminators


def chain(generators, latent_dim):
    """The generator that runs the levels coarse to fine: `z -> image`."""
    sizes = [int(g.inputs[0].shape[-1]) for g in generators]
    z = keras.Input(shape=(int(latent_dim),), name="z")
    starts = np.cumsum([0] + sizes[:-1])
    parts = [pyramid.LatentSlice(s, n, name=f"z_{k}") for k, (s, n) in enumerate(zip(starts, sizes))]
    image = generators[0](parts[0](z))
    for k in range(1, len(generators)):
        coarse_up = pyramid.PyramidResample(True, dtype="float32", name=f"upsample_{k}")(image)
        residual = generators[k]([parts[k](z), coarse_up])
        image = pyramid.AddResidual(dtype="float32", name=f"level_{k}_image")([coarse_up, residual])
    return keras.Model(z, image, name="generator")


def pyramid_discriminator(discriminators, sample_shape):
    """`image -> [batch, levels]` logits: each level's discriminator on the
    image's Laplacian pyramid (the real-data path of training)."""
    x = keras.Input(shape=tuple(int(d) for d in sample_shape), name="x")
    levels = len(discriminators)
    gaussian = [x]
    for k in range(levels - 1, 0, -1):
        gaussian.insert(0, pyramid.PyramidResample(False, dtype="float32", name=f"downsample_{k}")(gaussian[0]))
    logits = [discriminators[0](gaussian[0])]
    for k in range(1, levels):
        coarse_up = pyramid.PyramidResample(True, dtype="float32", name=f"upsample_{k}")(gaussian[k - 1])
        residual = keras.layers.Subtract(dtype="float32", name=f"residual_{k}")([gaussian[k], coarse_up])
        logits.append(discriminators[k]([coarse_up, residual]))
    out = keras.layers.Concatenate(dtype="float32", name="level_logits")(logits)
    return keras.Model(x, out, name="discriminator")


def lapgan_pair(sample_shape, latent_dim, levels=3, width=64, seed=None):
    """`(chain generator, pyramid discriminator)` for `sample_shape`.

    Example:

    >>> g, d = lapgan_pair((8, 8, 1), latent_dim=6, levels=3, width=4)
    >>> tuple(g.output.shape), tuple(d.output.shape)
    ((None, 8, 8, 1), (None, 3))
    """
    generators, discriminators = level_networks(sample_shape, latent_dim, levels, width, seed)
    return chain(generators, latent_dim), pyramid_discriminator(discriminators, sample_shape)


def level_networks_of(generator, discriminator, levels):
    """The level networks nested in a chain and a pyramid discriminator."""
    try:
        gs = [generator.get_layer(f"level_{k}_generator") for k in range(levels)]
        ds = [discriminator.get_layer(f"level_{k}_discriminator") for k in range(levels)]
    except ValueError as e:
        raise ValueError(
            f"LAPGAN networks must hold nested models level_<k>_generator and "
            f"level_<k>_discriminator for k < levels={levels} (build them with "
            f"`tfgan_zoo.networks.lapgan.lapgan_pair`). Received: {e}"
        ) from None
    return gs, ds
