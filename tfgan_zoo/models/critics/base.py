"""What the critic-based (Wasserstein-type) models share.

`CriticGAN` builds the networks from the common options (`network`,
`width`, `num_classes`, `synchronized_bn`, `critic_norm`, the critic's
`output_dim`), trains the critic `d_steps` times per generator step
(`n_critic` in the papers, 5 by default) and leaves both losses to the
variant (`loss=None`). `PenaltyCriticGAN` adds what the gradient-penalty
critics share: no batch norm in the critic, `gp_weight`, the
interpolation weights of the penalty and Adam(1e-4, 0.5, 0.9)
(Gulrajani et al.).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo import regularizers
from tfgan_zoo.models.family import FamilyGAN


class CriticGAN(FamilyGAN):
    """A GAN whose discriminator is a critic; see the module docstring.

    Subclasses pass their hparams through and implement
    `discriminator_loss` (the Wasserstein generator loss is the default
    `generator_loss`).

    Args:
        d_steps: critic updates per generator update (alias `n_critic`;
            the papers' 5).
        critic_norm: the DCGAN critic's normalization, `"batch"`,
            `"layer"` or `"none"`.
        output_dim: the critic's output size (1: a scalar critic), for
            subclasses to set.
        **kwargs: the `FamilyGAN` and `GAN` hparams (`network="dcgan"` is
            the convolutional critic, `"mlp"` the fully connected one).
    """

    # The losses are the subclass's; the output size is for it to set.
    fixed_hparams = ("loss", "label_smoothing", "output_dim")

    def __init__(self, d_steps=5, critic_norm="batch", output_dim=1, **kwargs):
        options = {"critic_norm": critic_norm, "output_dim": output_dim}
        super().__init__(network_options=options, loss=None, d_steps=d_steps, **kwargs)

    def generator_loss(self, real, labels, training=True):
        """`-D(G(z))`, the Wasserstein generator loss."""
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        fake_out = self.discriminate(fake, labels, training=training)
        return losses.wasserstein_generator_loss(fake_out, reduction="none"), {}


class PenaltyCriticGAN(CriticGAN):
    """A critic kept Lipschitz by a gradient penalty (no batch norm in it).

    Args:
        gp_weight: lambda, the penalty's weight (paper: 10).
        critic_norm: `"layer"` (default) or `"none"`; batch norm is refused.
        **kwargs: the `CriticGAN` hparams.
    """

    def __init__(self, gp_weight=10.0, critic_norm="layer", **kwargs):
        if critic_norm == "batch":
            raise ValueError(
                "A gradient-penalty critic must not use batch norm (it couples the "
                "examples of a batch); use 'layer' or 'none'. Received: critic_norm='batch'"
            )
        if not float(gp_weight) >= 0:
            raise ValueError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight!r}")
        super().__init__(critic_norm=critic_norm, **kwargs)
        self.gp_weight = float(gp_weight)

    def default_optimizers(self):
        """Adam(1e-4, beta_1=0.5, beta_2=0.9) for both networks (Gulrajani et al.)."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
        )

    def penalty(self, critic_fn, real, fake):
        """Per-example `(||grad critic_fn(x_hat)||_2 - 1)^2` at
        `x_hat = alpha real + (1 - alpha) fake`, `alpha ~ U[0, 1]` per example
        (replica-consistent)."""
        return regularizers.gradient_penalty(
            critic_fn, real, fake, alpha=self.sample_uniform(tf.shape(real)[0])
        )
