"""Cramér GAN (Bellemare et al. 2017, "The Cramer Distance as a Solution to
Biased Wasserstein Gradients")."""

import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.critics.base import PenaltyCriticGAN
from tfgan_zoo.registry import register_model


@register_model("cramer_gan")
class CramerGAN(PenaltyCriticGAN):
    """Cramér GAN: the energy distance in a learned feature space.

    The critic network is a transformation `h` into `feature_dim`
    dimensions. With two independent generated batches `x_g`, `x'_g`
    (Algorithm 1 of the paper):

    - generator loss: `||h(x_r) - h(x_g)|| + ||h(x_r) - h(x'_g)|| -
      ||h(x_g) - h(x'_g)||`, an estimate of the energy distance;
    - critic surrogate: `f(x) = ||h(x) - h(x'_g)|| - ||h(x)||`; the critic
      maximises `f(x_r) - f(x_g)` minus `gp_weight` times the gradient
      penalty of `f` at `x_hat = alpha x_r + (1 - alpha) x_g`.

    No batch norm in the critic (layer norm by default). `d_steps` critic
    updates per generator update, Adam(1e-4, beta_1=0.5, beta_2=0.9).
    Logged: `surrogate` (`f(x_r) - f(x_g)`) and `gradient_penalty`.

    Args:
        feature_dim: output size of the critic transformation `h` (paper: 256).
        **kwargs: the `PenaltyCriticGAN` and `CriticGAN` hparams
            (`gp_weight`, `critic_norm`, `d_steps`, ...). Bring-your-own
            discriminators output `[batch, feature_dim]`.

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("cramer_gan", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> tuple(gan.discriminator.output.shape)
    (None, 256)
    """

    logged = ("d_loss", "g_loss", "surrogate", "gradient_penalty")
    tiny_hparams = {"feature_dim": 8}

    def __init__(self, feature_dim=256, **kwargs):
        super().__init__(output_dim=int(feature_dim), **kwargs)

    def _fakes(self, batch, labels, training):
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        fake2 = self.generate_batch(self.sample_latent(batch), labels, training=training)
        return fake, fake2

    def discriminator_loss(self, real, labels, training=True):
        fake, fake2 = (tf.stop_gradient(f) for f in self._fakes(tf.shape(real)[0], labels, training))
        h_fake2 = self.discriminate(fake2, labels, training=training)
        h_real = self.discriminate(real, labels, training=training)
        h_fake = self.discriminate(fake, labels, training=training)
        loss = losses.cramer_discriminator_loss(h_real, h_fake, h_fake2, reduction="none")
        penalty = self.penalty(
            lambda x: losses.cramer_critic(self.discriminate(x, labels, training=training), h_fake2),
            real,
            fake,
        )
        logs = {"surrogate": -tf.reduce_mean(loss), "gradient_penalty": tf.reduce_mean(penalty)}
        return loss + self.gp_weight * penalty, logs

    def generator_loss(self, real, labels, training=True):
        fake, fake2 = self._fakes(tf.shape(real)[0], labels, training)
        h_real = self.discriminate(real, labels, training=training)
        h_fake = self.discriminate(fake, labels, training=training)
        h_fake2 = self.discriminate(fake2, labels, training=training)
        return losses.cramer_generator_loss(h_real, h_fake, h_fake2, reduction="none"), {}
