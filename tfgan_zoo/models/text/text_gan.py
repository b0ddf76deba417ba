"""A character-level WGAN-GP for text (Gulrajani et al. 2017, "Improved
Training of Wasserstein GANs", section 5.4)."""

import json

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo import regularizers
from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.text.networks import text_networks
from tfgan_zoo.registry import register_model

# The export's file of the vocabulary (`export_assets`).
VOCABULARY_ASSET = "vocabulary.json"
# The `dates` corpus' vocabulary and length (`tfgan_zoo.data.dates`), the
# defaults; written out, since the models import no data code (the
# character codec, `tfgan_zoo.data.text`, is imported where it is used).
DATES_VOCABULARY = " -/0123456789ADFJMNOSabceglnoprtuvy"
DATES_SEQUENCE_LENGTH = 12


def _check(value, ok, name):
    if not ok:
        raise ValueError(f"`{name}` is out of range. Received: {name}={value!r}")


@register_model("text_gan")
class TextGAN(GAN):
    """WGAN-GP on strings as one-hot characters `[sequence_length, len(vocabulary) + 1]`.

    The generator emits a softmax over the vocabulary (and the end symbol,
    index 0; see `tfgan_zoo.data.text`) at every position; the critic reads
    those softmax vectors for fakes and one-hot vectors for real strings,
    so the generator's output stays differentiable with no sampling step.
    `network="conv"` is the paper's: residual blocks of 1-D convolutions
    in both networks; `"lstm"` an LSTM in each (`tfgan_zoo.models.text.networks`).
    With `gumbel_softmax`, training fakes are Gumbel-softmax samples at
    `temperature` (Jang et al. 2017; Kusner & Hernández-Lobato 2016)
    instead of the plain softmax.

    Loss: `D(G(z)) - D(x) + gp_weight * (||grad D(x_hat)||_2 - 1)^2`, `d_steps`
    critic steps per generator step, Adam(1e-4, 0.5, 0.9) (the paper's 10
    critic steps). Logged: `wasserstein_distance`, `gradient_penalty`.

    The vocabulary is an hparam, so a `.keras` file (and an export's
    `assets.extra/vocabulary.json`) decodes its own samples: `generate`
    returns the softmaxes (float32 in [0, 1]), `generate_text` the strings
    (argmax per position, up to the first end symbol). `encode_text`
    turns strings into training one-hots; `for_text("text:FILE")` builds a
    model for a text source's vocabulary and length.

    Args:
        vocabulary: the characters, a string (default: the `dates` corpus').
        sequence_length: positions per string, the end symbol included.
        network: `"conv"` or `"lstm"`.
        latent_dim: size of `z` (paper: 128).
        width: channels of the convolutions, or LSTM units (paper: 512).
        blocks: residual blocks per network (paper: 5; `"conv"` only).
        gumbel_softmax: Gumbel-softmax fakes in training.
        temperature: the Gumbel-softmax temperature.
        gp_weight: lambda, the gradient penalty's weight (paper: 10).
        d_steps: critic steps per generator step (paper: 10).
        seed: seeds the weights and the noise; `None` is random.
        generator: bring your own (`z` -> `[steps, symbols]` softmaxes; with
            `gumbel_softmax`, a layer named `text_logits` before the softmax).
        discriminator: bring your own critic (`[steps, symbols]` -> `[1]`).
        **kwargs: the `GAN` hparams (`prior`, `ema_decay`, ...).

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("text_gan", sequence_length=6, width=8, blocks=1, latent_dim=4, d_steps=1, seed=0)
    >>> gan.sample_shape
    (6, 36)
    >>> x = gan.encode_text(["1 May 1999", "2001-01-01"])
    >>> x.shape, gan.decode_text(x)
    ((2, 6, 36), ['1 May ', '2001-0'])
    >>> _ = gan.fit(gan.encode_text(["2001-01-01"] * 20), batch_size=20, epochs=1, verbose=0)
    >>> len(gan.generate_text(3, seed=0))
    3
    """

    logged = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty")
    sample_range = (0.0, 1.0)
    fixed_hparams = ("loss", "label_smoothing", "num_classes")
    tiny_hparams = {"sequence_length": 6, "blocks": 1, "d_steps": 2}

    def __init__(
        self,
        vocabulary=DATES_VOCABULARY,
        sequence_length=DATES_SEQUENCE_LENGTH,
        network="conv",
        latent_dim=128,
        width=128,
        blocks=5,
        gumbel_softmax=False,
        temperature=0.5,
        gp_weight=10.0,
        d_steps=10,
        seed=None,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        from tfgan_zoo.data import text

        text.encode([], vocabulary, 1)  # Checks the vocabulary.
        _check(sequence_length, isinstance(sequence_length, int) and sequence_length >= 1, "sequence_length")
        _check(blocks, isinstance(blocks, int) and blocks >= 1, "blocks")
        _check(temperature, float(temperature) > 0, "temperature")
        _check(gp_weight, float(gp_weight) >= 0, "gp_weight")
        if generator is None or discriminator is None:
            g, d = text_networks(network, latent_dim, sequence_length, len(vocabulary) + 1, width, blocks, seed)
            generator = g if generator is None else generator
            discriminator = d if discriminator is None else discriminator
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim, num_classes=None,
            loss=None, d_steps=d_steps, seed=seed, **kwargs,
        )
        want = (int(sequence_length), len(vocabulary) + 1)
        if tuple(self.sample_shape) != want:
            raise ValueError(
                f"The generator must emit [batch, sequence_length, len(vocabulary) + 1] = [batch, {want[0]}, {want[1]}]. "
                f"Received: an output of shape {(None, *self.sample_shape)}"
            )
        self.vocabulary = vocabulary
        self.gumbel_softmax = bool(gumbel_softmax)
        self.temperature = float(temperature)
        self.gp_weight = float(gp_weight)
        if self.gumbel_softmax:
            names = [layer.name for layer in self.generator.layers]
            if "text_logits" not in names:
                raise ValueError(
                    "gumbel_softmax needs the generator's logits, a layer named 'text_logits'. "
                    f"Received: a generator with layers {names}"
                )
            # Not an attribute Keras tracks: it shares the generator's layers.
            logits = self.generator.get_layer("text_logits").output
            object.__setattr__(self, "_logits_model", keras.Model(self.generator.inputs, logits))

    @classmethod
    def for_text(cls, spec, sequence_length=None, compile=True, **hparams):
        """A model for the text source `spec` (`"text:FILE"`, `"dates"`): its
        vocabulary, and `sequence_length` (default: the longest line plus
        its end symbol), then `hparams`."""
        from tfgan_zoo import data
        from tfgan_zoo.data import text

        source = data.get_source(data.parse_spec(spec)[0])
        length = text.with_length(source, sequence_length, None, spec)[0]
        model = cls(vocabulary=source.vocabulary(spec), sequence_length=length, **hparams)
        if compile:
            model.compile()
        return model

    def default_optimizers(self):
        """Adam(1e-4, beta_1=0.5, beta_2=0.9) for both networks (Gulrajani et al.)."""
        return tuple(keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9) for _ in range(2))

    def generate_batch(self, z, labels=None, training=False):
        """Softmaxes per position; Gumbel-softmax samples in training if asked."""
        if not (training and self.gumbel_softmax):
            return super().generate_batch(z, labels, training=training)
        logits = tf.cast(self._logits_model(z, training=training), tf.float32)
        shape = list(self.sample_shape)
        gumbel = self.sample_global(
            tf.shape(z)[0],
            lambda n, s: -tf.math.log(-tf.math.log(tf.random.stateless_uniform([n, *shape], s, minval=1e-10, maxval=1.0))),
        )
        return tf.nn.softmax((logits + gumbel) / self.temperature, axis=-1)

    def discriminator_loss(self, real, labels, training=True):
        fake, real_out, fake_out = self.discriminator_outputs(real, labels, training)
        loss = losses.wasserstein_discriminator_loss(real_out, fake_out, reduction="none")
        penalty = regularizers.gradient_penalty(
            lambda x: self.discriminate(x, labels, training=training), real, fake,
            alpha=self.sample_uniform(tf.shape(real)[0]),
        )
        logs = {"wasserstein_distance": -tf.reduce_mean(loss), "gradient_penalty": tf.reduce_mean(penalty)}
        return loss + self.gp_weight * penalty, logs

    def generator_loss(self, real, labels, training=True):
        """`-D(G(z))`, the Wasserstein generator loss."""
        fake = self.generate_batch(self.sample_latent(tf.shape(real)[0]), labels, training=training)
        return losses.wasserstein_generator_loss(self.discriminate(fake, labels, training=training), reduction="none"), {}

    # ------------------------------------------------------------------
    # Strings in and out.

    def encode_text(self, strings):
        """float32 one-hots `[n, sequence_length, len(vocabulary) + 1]` of
        `strings` (cut to `sequence_length`); a character outside the
        vocabulary is a ValueError naming it."""
        from tfgan_zoo.data import text

        ids = text.encode(list(strings), self.vocabulary, self.sample_shape[0])
        return text.one_hot(ids, len(self.vocabulary))

    def decode_text(self, samples):
        """The strings of samples `[n, steps, symbols]`: the argmax per
        position, up to the first end symbol."""
        from tfgan_zoo.data import text

        return text.decode(np.argmax(np.asarray(samples), axis=-1), self.vocabulary)

    def generate_text(self, num_samples=None, z=None, seed=None, batch_size=256):
        """Generated strings: `decode_text(generate(...))` (same arguments)."""
        return self.decode_text(self.generate(num_samples, z=z, seed=seed, batch_size=batch_size))

    def export_assets(self):
        """`{file name: bytes}` for the export's `assets.extra`: the
        vocabulary (index 0 is the end symbol, character `i` is index `i + 1`)."""
        content = {"vocabulary": self.vocabulary, "end_index": 0, "sequence_length": self.sample_shape[0]}
        return {VOCABULARY_ASSET: json.dumps(content).encode()}
