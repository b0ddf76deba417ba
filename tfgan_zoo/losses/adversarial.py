"""The classic adversarial losses on discriminator logits: minimax, non-saturating,
Wasserstein, least-squares and hinge."""

import tensorflow as tf

from tfgan_zoo.losses._reduction import _as_float
from tfgan_zoo.losses._reduction import _per_example
from tfgan_zoo.losses._reduction import _reduce


def _check_label_smoothing(label_smoothing):
    if not 0.0 <= float(label_smoothing) < 1.0:
        raise ValueError(
            "`label_smoothing` must be in [0, 1). "
            f"Received: label_smoothing={label_smoothing}"
        )


def _real_term(real_logits, label_smoothing):
    """Cross-entropy of real logits against the target `1 - smoothing`.

    One-sided label smoothing (Salimans et al. 2016) softens only the real
    target: `-(1-s) log D(x) - s log(1 - D(x))`.
    """
    loss = tf.nn.softplus(-real_logits)
    if label_smoothing:
        loss = (1.0 - label_smoothing) * loss + label_smoothing * tf.nn.softplus(
            real_logits
        )
    return loss


def minimax_discriminator_loss(
    real_logits, fake_logits, label_smoothing=0.0, reduction="mean"
):
    """Discriminator loss of the original minimax game (Goodfellow et al. 2014).

    `-log D(x) - log(1 - D(G(z)))`, summed over the real and the fake term
    (TF-GAN's convention), with `D = sigmoid(logits)`.

    Args:
        real_logits: discriminator logits on real data, `[batch, ...]`.
        fake_logits: discriminator logits on generated data, `[batch, ...]`.
        label_smoothing: one-sided label smoothing of the real target, in
            `[0, 1)`.
        reduction: `"mean"`, `"sum"` or `"none"`.

    Returns:
        The loss, reduced as asked.

    Example:

    >>> import numpy as np
    >>> round(float(minimax_discriminator_loss(np.zeros(2), np.zeros(2))), 4)
    1.3863
    """
    _check_label_smoothing(label_smoothing)
    real = _real_term(_as_float(real_logits), label_smoothing)
    fake = tf.nn.softplus(_as_float(fake_logits))
    return _reduce(_per_example(real) + _per_example(fake), reduction)


def minimax_generator_loss(fake_logits, reduction="mean"):
    """Generator loss of the minimax game: `log(1 - D(G(z)))`.

    It saturates when the discriminator rejects the samples confidently,
    which is why `non_saturating_generator_loss` is used in practice.

    Example:

    >>> import numpy as np
    >>> round(float(minimax_generator_loss(np.zeros(2))), 4)  # log(1/2)
    -0.6931
    """
    fake = -tf.nn.softplus(_as_float(fake_logits))
    return _reduce(_per_example(fake), reduction)


def non_saturating_discriminator_loss(
    real_logits, fake_logits, label_smoothing=0.0, reduction="mean"
):
    """Discriminator loss paired with the non-saturating generator loss.

    It is the same cross-entropy as `minimax_discriminator_loss`.

    Example:

    >>> import numpy as np
    >>> round(float(non_saturating_discriminator_loss(np.zeros(2), np.zeros(2))), 4)
    1.3863
    """
    return minimax_discriminator_loss(
        real_logits,
        fake_logits,
        label_smoothing=label_smoothing,
        reduction=reduction,
    )


def non_saturating_generator_loss(fake_logits, reduction="mean"):
    """Non-saturating generator loss: `-log D(G(z))` (Goodfellow et al. 2014).

    Example:

    >>> import numpy as np
    >>> round(float(non_saturating_generator_loss(np.zeros(2))), 4)  # -log(1/2)
    0.6931
    """
    fake = tf.nn.softplus(-_as_float(fake_logits))
    return _reduce(_per_example(fake), reduction)


def wasserstein_discriminator_loss(real_logits, fake_logits, reduction="mean"):
    """Critic loss of the Wasserstein GAN: `D(G(z)) - D(x)` (Arjovsky et al. 2017).

    The critic output is linear (no sigmoid). Minimising this maximises
    `E[D(x)] - E[D(G(z))]`, the critic's estimate of the Wasserstein-1
    distance when D is 1-Lipschitz (weight clipping or a gradient penalty).

    Example:

    >>> import numpy as np
    >>> float(wasserstein_discriminator_loss(np.array([3.0]), np.array([1.0])))
    -2.0
    """
    per_example = _per_example(fake_logits) - _per_example(real_logits)
    return _reduce(per_example, reduction)


def wasserstein_generator_loss(fake_logits, reduction="mean"):
    """Generator loss of the Wasserstein GAN: `-D(G(z))`.

    Example:

    >>> import numpy as np
    >>> float(wasserstein_generator_loss(np.array([1.5])))
    -1.5
    """
    return _reduce(-_per_example(fake_logits), reduction)


def least_squares_discriminator_loss(
    real_logits, fake_logits, real_label=1.0, fake_label=0.0, reduction="mean"
):
    """LSGAN discriminator loss (Mao et al. 2017), TF-GAN's convention:

    `0.5 (D(x) - b)^2 + 0.5 (D(G(z)) - a)^2` with `b = real_label`,
    `a = fake_label`, on the raw (linear) discriminator output.

    Example:

    >>> import numpy as np
    >>> float(least_squares_discriminator_loss(np.array([0.0]), np.array([1.0])))
    1.0
    """
    real = 0.5 * tf.square(_as_float(real_logits) - real_label)
    fake = 0.5 * tf.square(_as_float(fake_logits) - fake_label)
    return _reduce(_per_example(real) + _per_example(fake), reduction)


def least_squares_generator_loss(fake_logits, real_label=1.0, reduction="mean"):
    """LSGAN generator loss: `0.5 (D(G(z)) - c)^2`, `c = real_label`.

    Example:

    >>> import numpy as np
    >>> float(least_squares_generator_loss(np.array([-1.0])))
    2.0
    """
    return _reduce(_per_example(0.5 * tf.square(_as_float(fake_logits) - real_label)), reduction)


def hinge_discriminator_loss(real_logits, fake_logits, reduction="mean"):
    """Hinge discriminator loss (Lim & Ye 2017; Miyato et al. 2018):

    `max(0, 1 - D(x)) + max(0, 1 + D(G(z)))`.

    Example:

    >>> import numpy as np
    >>> float(hinge_discriminator_loss(np.array([0.5]), np.array([-2.0])))
    0.5
    """
    real = tf.nn.relu(1.0 - _as_float(real_logits))
    fake = tf.nn.relu(1.0 + _as_float(fake_logits))
    return _reduce(_per_example(real) + _per_example(fake), reduction)


def hinge_generator_loss(fake_logits, reduction="mean"):
    """Hinge generator loss: `-D(G(z))`."""
    return _reduce(-_per_example(fake_logits), reduction)
