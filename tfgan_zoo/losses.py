"""Adversarial losses, named as in TF-GAN: `<kind>_generator_loss` and
`<kind>_discriminator_loss`.

Kinds: `minimax` and `non_saturating` (TF-GAN's `modified_*`, kept as
aliases) (Goodfellow et al. 2014),
`wasserstein` (Arjovsky et al. 2017), `least_squares` (Mao et al. 2017),
`hinge` (Lim & Ye 2017), the f-GAN family `f_divergence_*` (Nowozin et al.
2016) and `cramer_*` (Bellemare et al. 2017, on critic features).
`get(name)` returns a registered `LossPair`; the models' `loss` hparam takes
those names.

Every loss takes discriminator logits (any shape with a leading batch axis)
and is computed from logits with `softplus`, so it is stable for large
logits. `reduction` picks what comes back:

- `"mean"` (default): a scalar, the mean over the batch.
- `"sum"`: a scalar, the sum over the batch.
- `"none"`: one value per example, shape `[batch]`. The GAN models use this
  and then average over the *global* batch, which keeps training right under
  `tf.distribute` (see `tfgan_zoo.models.base.GAN`).

Non-batch axes of the logits (e.g. a patch discriminator's map) are
averaged per example.

Example:

>>> import numpy as np
>>> from tfgan_zoo import losses
>>> real, fake = np.zeros((4, 1)), np.zeros((4, 1))
>>> round(float(losses.non_saturating_discriminator_loss(real, fake)), 4)  # 2 log 2
1.3863
"""

import collections
import inspect

import numpy as np
import tensorflow as tf

_REDUCTIONS = ("mean", "sum", "none")


def _as_float(x):
    """Float32 (float64 stays float64), so float16 logits lose no range."""
    x = tf.convert_to_tensor(x)
    return x if x.dtype == tf.float64 else tf.cast(x, tf.float32)


def _per_example(values):
    """Averages every axis but the batch axis: `[batch, ...] -> [batch]`."""
    values = _as_float(values)
    if values.shape.rank is not None and values.shape.rank <= 1:
        return tf.reshape(values, [-1])
    batch = tf.shape(values)[0]
    return tf.reduce_mean(tf.reshape(values, [batch, -1]), axis=1)


def _reduce(per_example, reduction):
    if reduction == "mean":
        return tf.reduce_mean(per_example)
    if reduction == "sum":
        return tf.reduce_sum(per_example)
    if reduction == "none":
        return per_example
    raise ValueError(
        f"`reduction` must be one of {_REDUCTIONS}. "
        f"Received: reduction={reduction!r}"
    )


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


LossPair = collections.namedtuple("LossPair", ["generator", "discriminator"])


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


# ----------------------------------------------------------------------
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
    if divergence not in F_DIVERGENCES:
        raise ValueError(
            f"Unknown f-divergence {divergence!r}. Valid: {sorted(F_DIVERGENCES)}. "
            f"Received: divergence={divergence!r}"
        )
    return F_DIVERGENCES[divergence]


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


def _f_pair(divergence):
    def generator(fake_logits, reduction="mean"):
        return f_divergence_generator_loss(fake_logits, divergence, reduction)

    def discriminator(real_logits, fake_logits, reduction="mean"):
        return f_divergence_discriminator_loss(real_logits, fake_logits, divergence, reduction)

    generator.__name__ = f"f_{divergence}_generator_loss"
    discriminator.__name__ = f"f_{divergence}_discriminator_loss"
    return LossPair(generator, discriminator)


# ----------------------------------------------------------------------
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

_LOSS_PAIRS = {
    "minimax": LossPair(minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": LossPair(non_saturating_generator_loss, non_saturating_discriminator_loss),
    "wasserstein": LossPair(wasserstein_generator_loss, wasserstein_discriminator_loss),
    "least_squares": LossPair(least_squares_generator_loss, least_squares_discriminator_loss),
    "hinge": LossPair(hinge_generator_loss, hinge_discriminator_loss),
    **{f"f_{name}": _f_pair(name) for name in F_DIVERGENCES},
}
_ALIASES = {"modified": "non_saturating"}

# TF-GAN's names for the non-saturating pair ("modified" minimax).
modified_generator_loss = non_saturating_generator_loss
modified_discriminator_loss = non_saturating_discriminator_loss


def available_losses():
    """Names accepted by `get` and by the models' `loss` hparam."""
    return sorted(_LOSS_PAIRS)


def get(name):
    """Returns the `LossPair(generator, discriminator)` registered as `name`.

    Example:

    >>> get("non_saturating").generator.__name__
    'non_saturating_generator_loss'
    """
    key = _ALIASES.get(name, name)
    if key not in _LOSS_PAIRS:
        raise ValueError(
            f"Unknown loss {name!r}. Valid losses: {available_losses()}. "
            f"Received: loss={name!r}"
        )
    return _LOSS_PAIRS[key]


def supports_label_smoothing(pair):
    """Whether the pair's discriminator loss takes `label_smoothing`."""
    params = inspect.signature(pair.discriminator).parameters
    return "label_smoothing" in params
