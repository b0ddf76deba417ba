"""Wasserstein GAN with weight clipping (Arjovsky, Chintala & Bottou 2017)."""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.critics.base import CriticGAN
from tfgan_zoo.registry import register_model


@register_model("wgan")
class WGAN(CriticGAN):
    """WGAN: a linear critic kept Lipschitz by clipping its weights.

    The critic makes `d_steps` (the paper's `n_critic`) updates per
    generator update, each on its own minibatch (feed batches of
    `batch_size * d_steps`); after every critic update all its trainable
    weights are clipped to `[-clip_value, clip_value]`. Both networks use
    RMSProp(5e-5), as in the paper. The critic's estimate of the
    Wasserstein-1 distance, `E[D(x)] - E[D(G(z))]`, is logged as
    `wasserstein_distance`: it should fall as the samples improve.

    Args:
        clip_value: the clipping bound c (paper: 0.01).
        **kwargs: the `CriticGAN` hparams (`d_steps`, alias `n_critic`,
            paper: 5; `network="dcgan"` is the paper's critic, with batch
            norm).

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("wgan", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (20, 8, 8, 1)).astype("float32")
    >>> _ = gan.fit(x, batch_size=10, epochs=1, verbose=0)
    >>> int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
    (10, 2)
    >>> max(float(np.abs(w.numpy()).max()) for w in gan.discriminator.trainable_weights) <= 0.01
    True
    """

    logged = ("d_loss", "g_loss", "wasserstein_distance")

    def __init__(self, clip_value=0.01, **kwargs):
        if not float(clip_value) > 0:
            raise ValueError(f"`clip_value` must be positive. Received: clip_value={clip_value!r}")
        super().__init__(**kwargs)
        self.clip_value = float(clip_value)

    def default_optimizers(self):
        return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)

    def discriminator_loss(self, real, labels, training=True):
        _, real_out, fake_out = self.discriminator_outputs(real, labels, training)
        loss = losses.wasserstein_discriminator_loss(real_out, fake_out, reduction="none")
        return loss, {"wasserstein_distance": -tf.reduce_mean(loss)}

    def discriminator_step(self, real, labels):
        logs = super().discriminator_step(real, labels)
        c = self.clip_value
        for variable in self.discriminator_variables:
            variable.assign(keras.ops.clip(variable, -c, c))
        return logs
