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

    With `reconstruction_adversarial=True` (ALICE, Li et al. 2017, the
    adversarial form of its conditional-entropy term) a second
    discriminator (`model.reconstruction_discriminator`, the family's, on
    image pairs stacked along channels) scores `(x, x)` against
    `(x, G(E(x)))`; it trains with `D` (the `d_optimizer`), and `G` and `E`
    add its generator loss, so `G(E(x))` must come back to `x` itself, not
    to any image of the data. Logged: `reconstruction_d_loss` and
    `reconstruction_g_loss`.

    Args:
        latent_dim: size of `z` (paper, MNIST: 50).
        joint_units: units of `D`'s layers on `z` and on the joined
            features (`encoders.joint_discriminator`).
        reconstruction_adversarial: add ALICE's adversarial reconstruction
            cost (above).
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

    def __init__(self, latent_dim=50, joint_units=512, reconstruction_adversarial=False, discriminator=None, **kwargs):
        if reconstruction_adversarial:
            self.logged = type(self).logged + ("reconstruction_d_loss", "reconstruction_g_loss")
        options = self.network_options()
        network = options.pop("network")
        if discriminator is None:
            discriminator = encoders.joint_discriminator(
                network, self.hparams["sample_shape"], latent_dim, joint_units, **options
            )
        super().__init__(discriminator=discriminator, latent_dim=latent_dim, num_classes=None, **kwargs)
        self.reconstruction_discriminator = (
            encoders.pair_discriminator(network, self.sample_shape, **options) if reconstruction_adversarial else None
        )

    @property
    def discriminator_variables(self):
        """`D`'s variables, and the reconstruction discriminator's if there is one."""
        extra = self.reconstruction_discriminator
        return super().discriminator_variables + ([] if extra is None else extra.trainable_variables)

    def discriminate(self, samples, labels=None, training=False):
        """`D(x, E(x))`: how real the pair of an image and its code looks."""
        return self.discriminator([samples, self.encode_batch(samples, training=training)], training=training)

    def joint_logits(self, real, training=True, stop_gradient=False):
        """`(D(x, E(x)), D(G(z), z), pair_logits)` for a real minibatch and
        fresh `z`; `pair_logits` is `None`, or with a reconstruction
        discriminator `D_xx` its `(D_xx(x, x), D_xx(x, G(E(x))))`, with the
        same draw of `E(x)`."""
        z = self.sample_latent(tf.shape(real)[0])
        fake = self.generate_batch(z, training=training)
        code = self.encode_batch(real, training=training, sample=True)
        rebuilt = None if self.reconstruction_discriminator is None else self.generate_batch(code, training=training)
        if stop_gradient:
            fake, code = tf.stop_gradient(fake), tf.stop_gradient(code)
            rebuilt = None if rebuilt is None else tf.stop_gradient(rebuilt)
        real_logits = self.discriminator([real, code], training=training)
        fake_logits = self.discriminator([fake, z], training=training)
        pair_logits = None
        if rebuilt is not None:
            pair = lambda other: self.reconstruction_discriminator(  # noqa: E731
                tf.concat([real, tf.cast(other, real.dtype)], axis=-1), training=training
            )
            pair_logits = pair(real), pair(rebuilt)
        return real_logits, fake_logits, pair_logits

    def discriminator_loss(self, real, labels, training=True):
        real_logits, fake_logits, pair_logits = self.joint_logits(real, training, stop_gradient=True)
        loss = self.adversarial_d_loss(real_logits, fake_logits)
        if pair_logits is None:
            return loss, {}
        pair_loss = self.adversarial_d_loss(*pair_logits)
        return loss + pair_loss, {"reconstruction_d_loss": tf.reduce_mean(pair_loss)}

    def generator_loss(self, real, labels, training=True):
        """The discriminator's loss with the labels swapped: `(G(z), z)` should
        look real and `(x, E(x))` generated (Donahue et al., section 3.4);
        with a reconstruction discriminator, plus the generator loss of
        `(x, G(E(x)))`."""
        real_logits, fake_logits, pair_logits = self.joint_logits(real, training)
        losses = self._loss_pair_or_raise()
        loss = losses.discriminator(fake_logits, real_logits, reduction="none")
        if pair_logits is None:
            return loss, {}
        pair_loss = losses.generator(pair_logits[1], reduction="none")
        return loss + pair_loss, {"reconstruction_g_loss": tf.reduce_mean(pair_loss)}


@register_model("ali")
class ALI(BiGAN):
    """ALI: BiGAN with a Gaussian encoder, `z = mu(x) + sigma(x) * eps`.

    Args:
        posterior: `"gaussian"` (ALI's); `encode` serves the mean.
        **kwargs: the `bigan` hparams.
    """

    def __init__(self, posterior="gaussian", **kwargs):
        super().__init__(posterior=posterior, **kwargs)
