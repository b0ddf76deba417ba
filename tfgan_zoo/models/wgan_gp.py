"""WGAN with a gradient penalty (Gulrajani et al. 2017, "Improved Training
of Wasserstein GANs")."""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo import networks
from tfgan_zoo import regularizers
from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.base import build_networks
from tfgan_zoo.registry import register_model


def check_penalty_critic(critic_norm, gp_weight):
    """Validates the hparams of a critic trained with a gradient penalty."""
    if critic_norm == "batch":
        raise ValueError(
            "A gradient-penalty critic must not use batch norm (it couples the "
            "examples of a batch); use 'layer' or 'none'. Received: critic_norm='batch'"
        )
    if float(gp_weight) < 0:
        raise ValueError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight!r}")


def penalty_critic_optimizers():
    """Adam(1e-4, beta_1=0.5, beta_2=0.9) for both networks (Gulrajani et al.)."""
    return (
        keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
        keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
    )


@register_model("wgan_gp")
class WGANGP(GAN):
    """WGAN-GP: a Wasserstein critic kept 1-Lipschitz by a gradient penalty.

    The critic loss is `D(G(z)) - D(x) + gp_weight * (||grad D(x_hat)||_2 - 1)^2`
    with `x_hat = alpha x + (1 - alpha) G(z)`, `alpha ~ U[0, 1]` per example
    (an epsilon inside the norm's sqrt keeps its gradient finite). The
    critic has no batch norm (layer norm by default), since batch norm makes
    one example's penalty depend on the others. `n_critic` critic updates
    per generator update, Adam(1e-4, beta_1=0.5, beta_2=0.9), as in the paper.
    Logged: `wasserstein_distance` (the critic's estimate
    `E[D(x)] - E[D(G(z))]`) and `gradient_penalty` (before weighting).

    Args:
        image_shape: shape of one sample.
        latent_dim: size of `z`.
        network: `"dcgan"` (convolutional critic) or `"mlp"`.
        width: network width (see `tfgan_zoo.networks.build_pair`).
        num_classes: make it class-conditional (like `cgan`).
        n_critic: critic updates per generator update (paper: 5).
        gp_weight: lambda (paper: 10).
        critic_norm: `"layer"` (default) or `"none"` for the DCGAN critic.
        prior: `"normal"` or `"uniform"`.
        seed: seeds weights and noise.
        synchronized_bn: batch norm statistics over all replicas (generator).
        generator, discriminator: bring your own networks instead.

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("wgan_gp", image_shape=(8, 8, 1), width=4, seed=0)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (20, 8, 8, 1)).astype("float32")
    >>> sorted(gan.fit(x, batch_size=10, epochs=1, verbose=0).history)
    ['d_loss', 'g_loss', 'gradient_penalty', 'wasserstein_distance']
    """

    logged = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty")

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        network="dcgan",
        width=None,
        num_classes=None,
        n_critic=5,
        gp_weight=10.0,
        critic_norm="layer",
        prior="normal",
        seed=None,
        synchronized_bn=False,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        check_penalty_critic(critic_norm, gp_weight)
        generator, discriminator = build_networks(
            generator,
            discriminator,
            network,
            image_shape,
            latent_dim,
            num_classes=num_classes,
            width=width,
            seed=seed,
            synchronized_bn=synchronized_bn,
            critic_norm=critic_norm,
        )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            num_classes=num_classes,
            loss="wasserstein",
            d_steps=n_critic,
            prior=prior,
            seed=seed,
            **kwargs,
        )
        self.image_shape = tuple(int(d) for d in image_shape)
        self.network = network
        self.width = width
        self.n_critic = self.d_steps
        self.gp_weight = float(gp_weight)
        self.critic_norm = critic_norm
        self.synchronized_bn = bool(synchronized_bn)

    def default_optimizers(self):
        return penalty_critic_optimizers()

    def discriminator_loss(self, real, labels, training=True):
        fake, real_out, fake_out = self.discriminator_outputs(real, labels, training)
        loss = losses.wasserstein_discriminator_loss(real_out, fake_out, reduction="none")
        penalty = regularizers.gradient_penalty(
            lambda x: self.discriminate(x, labels, training=training),
            real,
            fake,
            alpha=self.sample_uniform(tf.shape(real)[0]),
        )
        logs = {
            "wasserstein_distance": -tf.reduce_mean(loss),
            "gradient_penalty": tf.reduce_mean(penalty),
        }
        return loss + self.gp_weight * penalty, logs
