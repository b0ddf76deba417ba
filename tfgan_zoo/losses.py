"""Adversarial losses, named as in TF-GAN: `<kind>_generator_loss` and
`<kind>_discriminator_loss`.

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
>>> round(float(losses.modified_discriminator_loss(real, fake)), 4)  # 2 log 2
1.3863
"""

import collections
import inspect

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
    which is why `modified_generator_loss` is used in practice.

    Example:

    >>> import numpy as np
    >>> round(float(minimax_generator_loss(np.zeros(2))), 4)  # log(1/2)
    -0.6931
    """
    fake = -tf.nn.softplus(_as_float(fake_logits))
    return _reduce(_per_example(fake), reduction)


def modified_discriminator_loss(
    real_logits, fake_logits, label_smoothing=0.0, reduction="mean"
):
    """Discriminator loss paired with the non-saturating generator loss.

    It is the same cross-entropy as `minimax_discriminator_loss`.

    Example:

    >>> import numpy as np
    >>> round(float(modified_discriminator_loss(np.zeros(2), np.zeros(2))), 4)
    1.3863
    """
    return minimax_discriminator_loss(
        real_logits,
        fake_logits,
        label_smoothing=label_smoothing,
        reduction=reduction,
    )


def modified_generator_loss(fake_logits, reduction="mean"):
    """Non-saturating generator loss: `-log D(G(z))` (Goodfellow et al. 2014).

    Example:

    >>> import numpy as np
    >>> round(float(modified_generator_loss(np.zeros(2))), 4)  # -log(1/2)
    0.6931
    """
    fake = tf.nn.softplus(-_as_float(fake_logits))
    return _reduce(_per_example(fake), reduction)


LossPair = collections.namedtuple("LossPair", ["generator", "discriminator"])

_LOSS_PAIRS = {
    "minimax": LossPair(minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": LossPair(
        modified_generator_loss, modified_discriminator_loss
    ),
}
_ALIASES = {"modified": "non_saturating"}


def available_losses():
    """Names accepted by `get` and by the models' `loss` hparam."""
    return sorted(_LOSS_PAIRS)


def register_loss(name, generator_loss, discriminator_loss):
    """Adds a generator/discriminator loss pair under `name`.

    Both functions take logits and a `reduction` keyword, as the losses in
    this module do.
    """
    if name in _LOSS_PAIRS or name in _ALIASES:
        raise ValueError(f"A loss named {name!r} is already registered.")
    _LOSS_PAIRS[name] = LossPair(generator_loss, discriminator_loss)


def get(name):
    """Returns the `LossPair(generator, discriminator)` registered as `name`.

    Example:

    >>> get("non_saturating").generator.__name__
    'modified_generator_loss'
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
