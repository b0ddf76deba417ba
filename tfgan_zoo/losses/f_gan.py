"""f-GAN losses (Nowozin, Cseke & Tomioka 2016)."""

import numpy as np
import tensorflow as tf

from tfgan_zoo import registry
from tfgan_zoo.losses._reduction import _as_float
from tfgan_zoo.losses._reduction import _per_example
from tfgan_zoo.losses._reduction import _reduce

# f-GAN (Nowozin, Cseke & Tomioka 2016).
#
# For a divergence D_f the discriminator's raw output v goes through an
# output activation g_f (which keeps it in the domain of the conjugate f*),
# and the variational bound is
#     F = E_P[g_f(v(x))] - E_Q[f*(g_f(v(G(z))))].
# The discriminator maximises F; the generator uses the paper's
# non-saturating objective, maximising E_Q[g_f(v(G(z)))].
# Each entry gives g_f(v) and f*(g_f(v)), written in a form that is stable
# for large |v| (Table 6 of the paper, simplified).

_LOG2 = float(np.log(2.0))
F_DIVERGENCES = {
    "kl": (lambda v: v, lambda v: tf.exp(v - 1.0)),
    "reverse_kl": (lambda v: -tf.exp(-v), lambda v: v - 1.0),
    "pearson": (lambda v: v, lambda v: 0.25 * tf.square(v) + v),
    "squared_hellinger": (lambda v: 1.0 - tf.exp(-v), lambda v: tf.exp(v) - 1.0),
    "jensen_shannon": (
        lambda v: _LOG2 - tf.nn.softplus(-v),
        lambda v: tf.nn.softplus(v) - _LOG2,
    ),
}


def _f_parts(divergence):
    return registry.lookup(F_DIVERGENCES, divergence, "f-divergence", "divergence")


def f_divergence_discriminator_loss(
    real_logits, fake_logits, divergence="kl", reduction="mean"
):
    """f-GAN discriminator loss: `-g_f(v(x)) + f*(g_f(v(G(z))))`.

    Its negative mean is the variational lower bound of `D_f(P || Q)`.

    Args:
        real_logits: raw discriminator output on real data.
        fake_logits: raw discriminator output on generated data.
        divergence: one of `F_DIVERGENCES`: `"kl"`, `"reverse_kl"`,
            `"pearson"`, `"squared_hellinger"`, `"jensen_shannon"`.
        reduction: `"mean"`, `"sum"` or `"none"`.

    Example:

    >>> import numpy as np
    >>> # KL: g(v) = v, f*(t) = exp(t - 1); at v = 1 on both: -1 + 1.
    >>> float(f_divergence_discriminator_loss(np.array([1.0]), np.array([1.0])))
    0.0
    """
    activation, conjugate = _f_parts(divergence)
    real = -activation(_as_float(real_logits))
    fake = conjugate(_as_float(fake_logits))
    return _reduce(_per_example(real) + _per_example(fake), reduction)


def f_divergence_generator_loss(fake_logits, divergence="kl", reduction="mean"):
    """f-GAN generator loss (non-saturating): `-g_f(v(G(z)))`.

    Example:

    >>> import numpy as np
    >>> float(f_divergence_generator_loss(np.array([0.0]), "reverse_kl"))
    1.0
    """
    activation, _ = _f_parts(divergence)
    return _reduce(_per_example(-activation(_as_float(fake_logits))), reduction)


def f_divergence_pair(divergence):
    """`(generator_loss, discriminator_loss)` of one divergence, for the loss registry."""
    def generator(fake_logits, reduction="mean"):
        return f_divergence_generator_loss(fake_logits, divergence, reduction)

    def discriminator(real_logits, fake_logits, reduction="mean"):
        return f_divergence_discriminator_loss(real_logits, fake_logits, divergence, reduction)

    generator.__name__ = f"f_{divergence}_generator_loss"
    discriminator.__name__ = f"f_{divergence}_discriminator_loss"
    return generator, discriminator
