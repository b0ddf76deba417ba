"""Cramér GAN losses (Bellemare et al. 2017), on critic features."""

import tensorflow as tf

from tfgan_zoo.losses._reduction import _as_float
from tfgan_zoo.losses._reduction import _reduce

# Cramér GAN (Bellemare et al. 2017). The critic h maps a sample to a
# feature vector; the losses take those features.


def _norm(x):
    x = _as_float(x)
    # Epsilon inside the sqrt keeps the gradient finite at 0.
    return tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(x, [tf.shape(x)[0], -1])), axis=1) + 1e-12)


def cramer_critic(h_x, h_fake2):
    """The Cramér GAN critic `f(x) = ||h(x) - h(x'_g)|| - ||h(x)||`, per example.

    `h_fake2` holds the features of a second, independent generated batch.
    """
    return _norm(h_x - h_fake2) - _norm(h_x)


def cramer_generator_loss(h_real, h_fake, h_fake2, reduction="mean"):
    """Cramér GAN generator loss, the energy distance estimate (Algorithm 1):

    `||h(x_r) - h(x_g)|| + ||h(x_r) - h(x'_g)|| - ||h(x_g) - h(x'_g)||`,

    with `x_g`, `x'_g` two independent generated batches.

    Example:

    >>> import numpy as np
    >>> r, g, g2 = np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]), np.array([[0.0, 0.0]])
    >>> round(float(cramer_generator_loss(r, g, g2)), 4)  # 5 + 0 - 5
    0.0
    """
    per_example = _norm(h_real - h_fake) + _norm(h_real - h_fake2) - _norm(h_fake - h_fake2)
    return _reduce(per_example, reduction)


def cramer_discriminator_loss(h_real, h_fake, h_fake2, reduction="mean"):
    """Cramér GAN critic loss, without the gradient penalty: `-(f(x_r) - f(x_g))`.

    `f` is `cramer_critic`, which uses the second generated batch `x'_g`.
    """
    surrogate = cramer_critic(h_real, h_fake2) - cramer_critic(h_fake, h_fake2)
    return _reduce(-surrogate, reduction)
