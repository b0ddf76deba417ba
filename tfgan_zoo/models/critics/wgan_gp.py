"""WGAN with a gradient penalty (Gulrajani et al. 2017, "Improved Training
of Wasserstein GANs")."""

import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.critics.base import PenaltyCriticGAN
from tfgan_zoo.registry import register_model


@register_model("wgan_gp")
class WGANGP(PenaltyCriticGAN):
    """WGAN-GP: a Wasserstein critic kept 1-Lipschitz by a gradient penalty.

    The critic loss is `D(G(z)) - D(x) + gp_weight * (||grad D(x_hat)||_2 - 1)^2`
    with `x_hat = alpha x + (1 - alpha) G(z)`, `alpha ~ U[0, 1]` per example
    (an epsilon inside the norm's sqrt keeps its gradient finite). The
    critic has no batch norm (layer norm by default), since batch norm makes
    one example's penalty depend on the others. `n_critic` critic updates
    per generator update (`d_steps`, alias `n_critic`), Adam(1e-4,
    beta_1=0.5, beta_2=0.9), as in the paper.
    Logged: `wasserstein_distance` (the critic's estimate
    `E[D(x)] - E[D(G(z))]`) and `gradient_penalty` (before weighting).

    Hparams: those of `PenaltyCriticGAN` and `CriticGAN` (`gp_weight`,
    `critic_norm`, `d_steps`, ...); see `tfgan_zoo.model_hparams("wgan_gp")`.

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("wgan_gp", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (20, 8, 8, 1)).astype("float32")
    >>> sorted(gan.fit(x, batch_size=10, epochs=1, verbose=0).history)
    ['d_loss', 'g_loss', 'gradient_penalty', 'wasserstein_distance']
    """

    logged = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty")

    def discriminator_loss(self, real, labels, training=True):
        fake, real_out, fake_out = self.discriminator_outputs(real, labels, training)
        loss = losses.wasserstein_discriminator_loss(real_out, fake_out, reduction="none")
        penalty = self.penalty(lambda x: self.discriminate(x, labels, training=training), real, fake)
        logs = {
            "wasserstein_distance": -tf.reduce_mean(loss),
            "gradient_penalty": tf.reduce_mean(penalty),
        }
        return loss + self.gp_weight * penalty, logs
