"""Laplacian pyramids (Burt & Adelson 1983) with a fixed blur, as ops and layers.

The pyramid of an image `x` with `levels` levels, listed coarse to fine:

- the Gaussian levels `g[levels-1] = x` and `g[k-1] = downsample(g[k])`:
  a fixed 5-tap binomial blur `[1, 4, 6, 4, 1] / 16` (per axis, symmetric
  padding at the borders) then every second pixel;
- the band-pass residuals `h[k] = g[k] - upsample(g[k-1])` for `k >= 1`,
  where `upsample` repeats each pixel 2x2 and applies the same blur.

`reconstruct(g[0], [h[1], ...])` adds the residuals back coarse to fine.
The round trip is exact whenever the float additions are (e.g. dyadic
values in float64): reconstruction adds back the very `upsample(g[k-1])`
that the decomposition subtracted. LAPGAN (Denton et al. 2015) builds this
pyramid of the real images in its data path and generates `g[0]` and the
residuals.

Example:

>>> x = tf.random.uniform([2, 8, 8, 1], -1, 1)
>>> coarse, residuals = laplacian_pyramid(x, levels=3)
>>> tuple(coarse.shape), [tuple(h.shape) for h in residuals]
((2, 2, 2, 1), [(2, 4, 4, 1), (2, 8, 8, 1)])
>>> float(tf.reduce_max(tf.abs(reconstruct(coarse, residuals) - x))) < 1e-6
True
"""

import keras
import numpy as np
import tensorflow as tf

# The 5-tap binomial filter (Burt & Adelson's a = 0.375): sums to 1.
BINOMIAL = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0


def check_fits(sample_shape, levels):
    """`(side, channels)` of a square image that halves `levels - 1` times.

    Raises:
        ValueError: naming the received shape, if the image is not square
            or its side is not a multiple of `2 ** (levels - 1)` with a
            coarsest level of at least 2x2.
    """
    shape = tuple(int(d) for d in sample_shape)
    factor = 2 ** (int(levels) - 1)
    if len(shape) != 3 or shape[0] != shape[1] or shape[0] % factor or shape[0] // factor < 2:
        raise ValueError(
            f"A {levels}-level Laplacian pyramid needs square images (height, width, channels) "
            f"whose side is a multiple of 2**{levels - 1} = {factor}, with a coarsest level of at "
            f"least 2x2 (e.g. ({2 * factor}, {2 * factor}, 1) or (28, 28, 1) with levels=3). "
            f"Received: sample_shape={tuple(sample_shape)}, levels={levels}"
        )
    return shape[0], shape[2]


def blur(x):
    """The separable binomial blur of `[n, h, w, c]` images (symmetric borders)."""
    channels = x.shape[-1]
    taps = tf.constant(BINOMIAL, x.dtype)
    rows = tf.tile(tf.reshape(taps, [5, 1, 1, 1]), [1, 1, channels, 1])
    cols = tf.tile(tf.reshape(taps, [1, 5, 1, 1]), [1, 1, channels, 1])
    padded = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], mode="SYMMETRIC")
    out = tf.nn.depthwise_conv2d(padded, rows, [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(out, cols, [1, 1, 1, 1], "VALID")


def downsample(x):
    """Blur, then keep every second row and column: `[n, h, w, c] -> [n, h/2, w/2, c]`."""
    return blur(x)[:, ::2, ::2, :]


def upsample(x):
    """Repeat each pixel 2x2, then blur: `[n, h, w, c] -> [n, 2h, 2w, c]`."""
    x = tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)
    return blur(x)


def gaussian_pyramid(x, levels):
    """The Gaussian levels of `x`, coarse to fine (the last is `x`)."""
    out = [x]
    for _ in range(int(levels) - 1):
        out.insert(0, downsample(out[0]))
    return out


def laplacian_pyramid(x, levels):
    """`(coarse, residuals)`: the coarsest Gaussian level and the band-pass
    residuals `h[1..levels-1]`, coarse to fine."""
    gaussian = gaussian_pyramid(x, levels)
    residuals = [fine - upsample(coarse) for coarse, fine in zip(gaussian[:-1], gaussian[1:])]
    return gaussian[0], residuals


def reconstruct(coarse, residuals):
    """The image whose pyramid is `(coarse, residuals)` (inverse of `laplacian_pyramid`)."""
    x = coarse
    for h in residuals:
        x = upsample(x) + h
    return x


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class PyramidResample(keras.layers.Layer):
    """`upsample` (`up=True`) or `downsample` as a layer (no weights)."""

    def __init__(self, up, **kwargs):
        super().__init__(**kwargs)
        self.up = bool(up)

    def call(self, x):
        return upsample(x) if self.up else downsample(x)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        size = [None if d is None else (2 * d if self.up else d // 2) for d in (h, w)]
        return (n, *size, c)

    def get_config(self):
        return {**super().get_config(), "up": self.up}


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class AddResidual(keras.layers.Layer):
    """`clip(upsampled coarse + residual, -1, 1)`: the next Gaussian level.

    A Gaussian level of images in [-1, 1] is in [-1, 1] (the blur's weights
    are positive and sum to 1), so the clip keeps generated levels there.
    """

    def call(self, inputs):
        coarse_up, residual = inputs
        return tf.clip_by_value(coarse_up + tf.cast(residual, coarse_up.dtype), -1.0, 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class LatentSlice(keras.layers.Layer):
    """`z[:, start:start + size]`: one level's part of a chain's latent vector."""

    def __init__(self, start, size, **kwargs):
        super().__init__(**kwargs)
        self.start, self.size = int(start), int(size)

    def call(self, z):
        return z[:, self.start : self.start + self.size]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size)

    def get_config(self):
        return {**super().get_config(), "start": self.start, "size": self.size}
