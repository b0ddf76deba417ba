"""Discriminator regularizers: gradient penalties.

Both functions take the critic as a callable (`critic_fn(x) -> output`), so
that conditional critics pass their labels in a closure, and both return one
value per example (shape `[batch]`): the models average them over the global
batch like the losses. They work for any sample rank (images, vectors,
sequences): the gradient norm is taken over all non-batch axes.

Example:

>>> import numpy as np
>>> w = tf.constant([[3.0], [4.0]])  # A linear critic D(x) = w . x, ||w|| = 5.
>>> critic = lambda x: tf.matmul(x, w)
>>> real, fake = np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)
>>> gradient_penalty(critic, real, fake, alpha=[0.3, 0.9]).numpy()  # (5 - 1)^2
array([16., 16.], dtype=float32)
"""

import tensorflow as tf

EPSILON = 1e-10


def _gradient_norms(critic_fn, x, squared=False):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(tf.cast(critic_fn(x), tf.float32))
    grads = tf.cast(tape.gradient(total, x), tf.float32)
    sq = tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1)
    # The epsilon sits inside the sqrt: the norm's gradient stays finite
    # where the critic's input gradient is exactly 0.
    return sq if squared else tf.sqrt(sq + EPSILON)


def interpolate(real, fake, alpha):
    """`alpha * real + (1 - alpha) * fake`, one `alpha` per example."""
    real = tf.convert_to_tensor(real)
    fake = tf.cast(tf.convert_to_tensor(fake), real.dtype)
    alpha = tf.cast(tf.reshape(alpha, [-1] + [1] * (real.shape.rank - 1)), real.dtype)
    return alpha * real + (1.0 - alpha) * fake


def gradient_penalty(
    critic_fn, real, fake, alpha=None, seed=None, target=1.0, one_sided=False
):
    """The WGAN-GP penalty `(||grad D(x_hat)||_2 - target)^2` (Gulrajani et al. 2017).

    `x_hat = alpha * real + (1 - alpha) * fake` with `alpha ~ U[0, 1]` drawn
    per example. The weight (lambda, `gp_weight` in the models) is applied by
    the caller.

    Args:
        critic_fn: `x -> critic output`; for a vector output (e.g. Cramér
            GAN's surrogate), the gradient of its sum is used.
        real: real samples `[batch, ...]`.
        fake: generated samples, same shape.
        alpha: interpolation weights `[batch]` in [0, 1]. Default: drawn
            uniform with `seed` (the models pass replica-consistent draws).
        seed: a `[2]` int seed for the stateless uniform draw.
        target: the norm the penalty pulls towards (1 for 1-Lipschitz).
        one_sided: penalise only norms above `target`:
            `max(0, ||grad|| - target)^2`.

    Returns:
        The penalty per example, `[batch]`.
    """
    real = tf.convert_to_tensor(real)
    if alpha is None:
        shape = [tf.shape(real)[0]]
        alpha = (
            tf.random.uniform(shape)
            if seed is None
            else tf.random.stateless_uniform(shape, seed=seed)
        )
    x_hat = interpolate(real, fake, alpha)
    excess = _gradient_norms(critic_fn, x_hat) - target
    if one_sided:
        excess = tf.nn.relu(excess)
    return tf.square(excess)


def r1_penalty(critic_fn, real):
    """R1: `||grad D(x)||^2` on real data (Mescheder et al. 2018), per example.

    The usual weight is `gamma / 2`, applied by the caller.

    Example:

    >>> w = tf.constant([[3.0], [4.0]])
    >>> r1_penalty(lambda x: tf.matmul(x, w), tf.ones((1, 2))).numpy()
    array([25.], dtype=float32)
    """
    return _gradient_norms(critic_fn, real, squared=True)
