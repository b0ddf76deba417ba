"""Latent priors, as TensorFlow Probability distributions.

A prior is a `tfd.Distribution` with event shape `[latent_dim]`. The models
sample it with stateless seeds, so a seed always gives the same `z`.

Example:

>>> z = latent_prior("normal", 8).sample(4, seed=seed_to_stateless(0))
>>> tuple(z.shape)
(4, 8)
"""

import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_zoo import registry

tfd = tfp.distributions

_PRIORS = {
    # Radford et al. (DCGAN) drew z uniformly; most later work uses N(0, I).
    "normal": lambda: tfd.Normal(loc=0.0, scale=1.0),
    "uniform": lambda: tfd.Uniform(low=-1.0, high=1.0),
}


def available_priors():
    return sorted(_PRIORS)


def latent_prior(name, latent_dim):
    """Returns the prior `name` over `latent_dim` independent coordinates.

    Args:
        name: `"normal"` (standard normal) or `"uniform"` (U[-1, 1]).
        latent_dim: the size of `z`.

    Returns:
        A `tfd.Distribution` with event shape `[latent_dim]`.
    """
    return tfd.Sample(registry.lookup(_PRIORS, name, "prior", "prior")(), sample_shape=[int(latent_dim)])


def seed_to_stateless(seed):
    """Maps an integer seed (Python int or int64 tensor) to a `[2]` int32 seed.

    The SavedModel `sample` signature uses the same mapping, so
    `model.generate(seed=s)` and the exported `sample(seed=s)` draw the same
    `z`.
    """
    seed = tf.cast(seed, tf.int64)
    low = tf.cast(tf.math.floormod(seed, 2**31), tf.int32)
    high = tf.cast(tf.math.floormod(tf.math.floordiv(seed, 2**31), 2**31), tf.int32)
    return tf.stack([low, high])
