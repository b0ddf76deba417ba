"""Adversarial autoencoders (Makhzani et al. 2015, "Adversarial
Autoencoders"), unsupervised and supervised."""

import keras
import tensorflow as tf

from tfgan_zoo.models.latent import code_priors
from tfgan_zoo.models.latent.base import EncoderGAN
from tfgan_zoo.networks.mlp import mlp_discriminator
from tfgan_zoo.registry import register_model


@register_model("aae")
class AAE(EncoderGAN):
    """An autoencoder whose codes are made to match a prior by a GAN on them.

    The encoder `q(z|x)` (`model.encoder`), the decoder (`model.generator`)
    and a discriminator on codes (`model.discriminator`, an MLP). Each
    `train_step` runs the paper's two phases: reconstruction (the encoder
    and decoder minimise the per-pixel squared error, `g_optimizer`), then
    regularisation: `d_steps` discriminator updates on prior samples
    (real) against encoded codes (fake), and one encoder update as their
    generator (`e_optimizer`, by default a copy of `d_optimizer`'s
    configuration). `generate` decodes samples of the prior.

    Supervised (`num_classes` set, `(images, labels)` batches): the decoder
    also takes the one-hot label, so the code need hold only the style;
    `generate(labels=[8] * n, z=...)` draws one digit in many styles. The
    encoder and the code discriminator see the label too: the codes must
    match the prior within every class, so they carry no class information.

    Args:
        prior: the prior on codes, `"normal"` (N(0, prior_scale^2)),
            `"mixture"` (10 2-D Gaussians) or `"swiss_roll"` (2-D); see
            `tfgan_zoo.models.latent.code_priors`.
        prior_scale: the prior's scale (the paper's 2-D Gaussian: 5).
        code_width: units of the code discriminator's two hidden layers
            (paper: 1000).
        latent_dim: size of the code (2 for the figures).
        num_classes: None (unsupervised) or the number of classes.
        **kwargs: the `EncoderGAN`, `FamilyGAN` and `GAN` hparams
            (`network` is the encoder's and decoder's family).

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> aae = tfgan_zoo.create("aae", sample_shape=(8, 8, 1), width=4, code_width=8, seed=0)
    >>> x = np.zeros((4, 8, 8, 1), "float32")
    >>> aae.encode(x).shape, aae.reconstruct(x).shape, aae.generate(3, seed=0).shape
    ((4, 2), (4, 8, 8, 1), (3, 8, 8, 1))
    """

    logged = ("d_loss", "g_loss", "reconstruction_loss")
    extra_optimizers = {"e_optimizer": "encoder_variables"}
    tiny_hparams = {"code_width": 8}

    def __init__(
        self, prior="normal", prior_scale=5.0, code_width=256, latent_dim=2, num_classes=None, discriminator=None,
        **kwargs,
    ):
        code_prior = code_priors.code_prior(prior, latent_dim, prior_scale)
        if discriminator is None:
            units = (int(code_width), int(code_width))
            discriminator = mlp_discriminator((int(latent_dim),), units, num_classes, self.hparams.get("seed"))
        super().__init__(
            discriminator=discriminator, latent_dim=latent_dim, num_classes=num_classes, prior="normal", **kwargs
        )
        self._prior = code_prior

    def default_optimizers(self):
        """Reconstruction: Adam(1e-3); the code discriminator: Adam(2e-4, beta_1=0.5)."""
        return keras.optimizers.Adam(1e-3), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def discriminate_codes(self, z, labels=None, training=False):
        """The code discriminator's logits on codes `z` (and labels)."""
        return self.discriminator([z, labels] if self.conditional else z, training=training)

    def discriminate(self, samples, labels=None, training=False):
        """How prior-like the codes of `samples` look: `D(E(x))`."""
        return self.discriminate_codes(self.encode_batch(samples, labels, training=training), labels, training)

    def reconstruction_loss(self, real, labels, training=True):
        """Per-example mean squared error of `G(E(x))` against `x`."""
        decoded = self.generate_batch(self.encode_batch(real, labels, training=training, sample=True), labels, training)
        error = tf.square(tf.cast(decoded, tf.float32) - tf.cast(real, tf.float32))
        return tf.reduce_mean(tf.reshape(error, [tf.shape(error)[0], -1]), axis=1), {}

    def discriminator_loss(self, real, labels, training=True):
        """Prior samples are real, encoded codes fake."""
        codes = tf.stop_gradient(self.encode_batch(real, labels, training=training, sample=True))
        prior_logits = self.discriminate_codes(self.sample_latent(tf.shape(real)[0]), labels, training)
        code_logits = self.discriminate_codes(codes, labels, training)
        return self.adversarial_d_loss(prior_logits, code_logits), {}

    def generator_loss(self, real, labels, training=True):
        """The encoder as the generator of codes."""
        code_logits = self.discriminate_codes(self.encode_batch(real, labels, training=training, sample=True), labels, training)
        return self._loss_pair_or_raise().generator(code_logits, reduction="none"), {}

    def train_step(self, data):
        if self.g_optimizer is None:
            raise RuntimeError(f"Call {self.name}.compile() before fit().")
        samples, labels = self.unpack_batch(data)
        splits = self.split_batch(samples, labels)
        real, real_labels = splits[-1]
        self.track(self.phase_step(
            "reconstruction_loss", self.g_optimizer, self.generator_variables, (self.generator, self.encoder),
            lambda: self.reconstruction_loss(real, real_labels),
        ))
        for minibatch, minibatch_labels in splits:
            self.track(self.discriminator_step(minibatch, minibatch_labels))
        self.track(self.phase_step(
            "g_loss", self.e_optimizer, self.encoder_variables, self.encoder,
            lambda: self.generator_loss(real, real_labels),
        ))
        return self.results()
