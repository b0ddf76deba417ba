"""BiGAN (Donahue, Krähenbühl & Darrell 2016, "Adversarial Feature
Learning") and ALI (Dumoulin et al. 2016, "Adversarially Learned
Inference"), one model: ALI is BiGAN with a Gaussian encoder."""

import tensorflow as tf

from tfgan_zoo.models.latent.base import EncoderGAN
from tfgan_zoo.networks import encoders
from tfgan_zoo.registry import register_model


@register_model("bigan")
class BiGAN(EncoderGAN):
    """A GAN with an encoder `E: x -> z` and a joint discriminator `D(x, z)`.

    `D` scores `(x, E(x))` for real images against `(G(z), z)`; the
    generator and the encoder are updated together (one optimizer, the
    `g_optimizer`) on the same loss with the labels swapped, so at the
    optimum `E` inverts `G`. `D` reads `x` with the family's discriminator
    trunk and `z` with fully connected layers, then joins them
    (`tfgan_zoo.networks.encoders.joint_discriminator`).
    `model.encode(images)` gives `E(x)`, `model.reconstruct(images)`
    `G(E(x))`, and the SavedModel export serves both (`encode`,
    `reconstruct`).

    Args:
        latent_dim: size of `z` (paper, MNIST: 50).
        joint_units: units of `D`'s layers on `z` and on the joined
            features (`encoders.joint_discriminator`).
        **kwargs: the `EncoderGAN`, `FamilyGAN` and `GAN` hparams:
            `posterior="gaussian"` is ALI's stochastic encoder (registered
            as `ali`), `loss` the adversarial loss of both sides.

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("bigan", sample_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    >>> x = np.zeros((3, 8, 8, 1), "float32")
    >>> gan.encode(x).shape, gan.reconstruct(x).shape
    ((3, 4), (3, 8, 8, 1))
    """

    fixed_hparams = ("num_classes",)
    tiny_hparams = {"joint_units": 8}
    discriminator_reads_z = True

    def __init__(self, latent_dim=50, joint_units=512, discriminator=None, **kwargs):
        if discriminator is None:
            options = self.network_options()
            discriminator = encoders.joint_discriminator(
                options.pop("network"), self.hparams["sample_shape"], latent_dim, joint_units, **options
            )
        super().__init__(discriminator=discriminator, latent_dim=latent_dim, num_classes=None, **kwargs)

    def discriminate(self, samples, labels=None, training=False):
        """`D(x, E(x))`: how real the pair of an image and its code looks."""
        return self.discriminator([samples, self.encode_batch(samples, training=training)], training=training)

    def joint_logits(self, real, training=True, stop_gradient=False):
        """`(D(x, E(x)), D(G(z), z))` for a real minibatch and fresh `z`."""
        z = self.sample_latent(tf.shape(real)[0])
        fake = self.generate_batch(z, training=training)
        code = self.encode_batch(real, training=training, sample=True)
        if stop_gradient:
            fake, code = tf.stop_gradient(fake), tf.stop_gradient(code)
        real_logits = self.discriminator([real, code], training=training)
        fake_logits = self.discriminator([fake, z], training=training)
        return real_logits, fake_logits

    def discriminator_loss(self, real, labels, training=True):
        real_logits, fake_logits = self.joint_logits(real, training, stop_gradient=True)
        kwargs = {"label_smoothing": self.label_smoothing} if self.label_smoothing else {}
        return self._loss_pair_or_raise().discriminator(real_logits, fake_logits, reduction="none", **kwargs), {}

    def generator_loss(self, real, labels, training=True):
        """The discriminator's loss with the labels swapped: `(G(z), z)` should
        look real and `(x, E(x))` generated (Donahue et al., section 3.4)."""
        real_logits, fake_logits = self.joint_logits(real, training)
        return self._loss_pair_or_raise().discriminator(fake_logits, real_logits, reduction="none"), {}


@register_model("ali")
class ALI(BiGAN):
    """ALI: BiGAN with a Gaussian encoder, `z = mu(x) + sigma(x) * eps`.

    Args:
        posterior: `"gaussian"` (ALI's); `encode` serves the mean.
        **kwargs: the `bigan` hparams.
    """

    def __init__(self, posterior="gaussian", **kwargs):
        super().__init__(posterior=posterior, **kwargs)
