"""Vanilla GAN (Goodfellow et al. 2014, "Generative Adversarial Nets")."""

import keras

from tfgan_zoo.models.family import FamilyGAN
from tfgan_zoo.registry import register_model

OPTIMIZERS = ("adam", "sgd")


@register_model("vanilla_gan")
class VanillaGAN(FamilyGAN):
    """The original GAN: MLP generator and discriminator.

    The discriminator makes `d_steps` (k in the paper's Algorithm 1) updates
    per generator update, each on its own minibatch: feed batches of
    `batch_size * d_steps`.

    Args:
        width: hidden width `w`: generator layers `(w, 2w)`, discriminator
            layers `(2w, w)`.
        loss: `"non_saturating"` (the paper's practical choice, maximise
            log D(G(z))), `"minimax"` (minimise log(1 - D(G(z)))), or
            another name of `tfgan_zoo.losses.available_losses()` (the same
            MLPs under another loss, e.g. on the toy sets). Not
            `"wasserstein"`: its critic needs a Lipschitz constraint, which
            `wgan` (clipping) and `wgan_gp` (gradient penalty) add.
        optimizer: `"sgd"`, SGD with momentum as in the paper (lr 0.1 is
            too high without its maxout/dropout nets; we use 0.01,
            momentum 0.5), or `"adam"`, Adam(2e-4, beta_1=0.5).
        **kwargs: the `FamilyGAN` and `GAN` hparams (`sample_shape`,
            `d_steps` (k, paper: 1), `prior`, ...).

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("vanilla_gan", sample_shape=(2,), width=8, seed=0)
    >>> data = np.random.default_rng(0).uniform(-1, 1, (64, 2)).astype("float32")
    >>> _ = gan.fit(data, batch_size=32, epochs=1, verbose=0)
    >>> gan.generate(4, seed=0).shape
    (4, 2)
    """

    fixed_hparams = ("network", "num_classes", "synchronized_bn")

    def __init__(self, width=256, loss="non_saturating", optimizer="sgd", **kwargs):
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"Unknown optimizer {optimizer!r}. Valid optimizers: {list(OPTIMIZERS)}. "
                f"Received: optimizer={optimizer!r}"
            )
        if loss == "wasserstein":
            raise ValueError(
                "vanilla_gan's discriminator has no Lipschitz constraint, which the Wasserstein loss needs; "
                f"use the wgan or wgan_gp model. Received: loss={loss!r}"
            )
        super().__init__(network="mlp", num_classes=None, width=width, loss=loss, **kwargs)
        self._sgd = optimizer == "sgd"

    def default_optimizers(self):
        if self._sgd:
            return (
                keras.optimizers.SGD(0.01, momentum=0.5),
                keras.optimizers.SGD(0.01, momentum=0.5),
            )
        return super().default_optimizers()
