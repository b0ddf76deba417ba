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

from tfgan_zoo import registry

from tfgan_zoo.losses.adversarial import hinge_discriminator_loss
from tfgan_zoo.losses.adversarial import hinge_generator_loss
from tfgan_zoo.losses.adversarial import least_squares_discriminator_loss
from tfgan_zoo.losses.adversarial import least_squares_generator_loss
from tfgan_zoo.losses.adversarial import minimax_discriminator_loss
from tfgan_zoo.losses.adversarial import minimax_generator_loss
from tfgan_zoo.losses.adversarial import non_saturating_discriminator_loss
from tfgan_zoo.losses.adversarial import non_saturating_generator_loss
from tfgan_zoo.losses.adversarial import wasserstein_discriminator_loss
from tfgan_zoo.losses.adversarial import wasserstein_generator_loss
from tfgan_zoo.losses.cramer import cramer_critic
from tfgan_zoo.losses.cramer import cramer_discriminator_loss
from tfgan_zoo.losses.cramer import cramer_generator_loss
from tfgan_zoo.losses.f_gan import F_DIVERGENCES
from tfgan_zoo.losses.f_gan import f_divergence_discriminator_loss
from tfgan_zoo.losses.f_gan import f_divergence_generator_loss
from tfgan_zoo.losses.f_gan import f_divergence_pair

LossPair = collections.namedtuple("LossPair", ["generator", "discriminator"])

_LOSS_PAIRS = {
    "minimax": LossPair(minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": LossPair(non_saturating_generator_loss, non_saturating_discriminator_loss),
    "wasserstein": LossPair(wasserstein_generator_loss, wasserstein_discriminator_loss),
    "least_squares": LossPair(least_squares_generator_loss, least_squares_discriminator_loss),
    "hinge": LossPair(hinge_generator_loss, hinge_discriminator_loss),
    **{f"f_{name}": LossPair(*f_divergence_pair(name)) for name in F_DIVERGENCES},
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
    if name in _ALIASES:
        return _LOSS_PAIRS[_ALIASES[name]]
    return registry.lookup(_LOSS_PAIRS, name, "loss", "loss")


def supports_label_smoothing(pair):
    """Whether the pair's discriminator loss takes `label_smoothing`."""
    params = inspect.signature(pair.discriminator).parameters
    return "label_smoothing" in params
