"""RCGAN (Esteban, Hyland & Raetsch 2017, "Real-valued (Medical) Time Series
Generation with Recurrent Conditional GANs")."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_zoo import regularizers
from tfgan_zoo import sampling
from tfgan_zoo.models.base import GAN
from tfgan_zoo.networks.recurrent import recurrent_pair
from tfgan_zoo.registry import register_model


NOISE = ("per_step", "held")


@register_model("rcgan")
class RCGAN(GAN):
    """Recurrent (conditional) GAN for sequences `[steps, num_features]`.

    The generator is an LSTM that reads, at every step, its own noise `z_t`
    (`latent_dim` values) concatenated with the one-hot class, and emits
    `num_features` values per step (tanh). The discriminator is an LSTM
    over the sequence and the class that gives one logit per step; the loss
    averages the per-step cross-entropies (see
    `tfgan_zoo.networks.recurrent`). Without `num_classes` it is RGAN.

    With `noise="per_step"` (the paper's) `z` is `[n, sequence_length,
    latent_dim]`, every step drawn independently; with `noise="held"` the
    prior draws one `[n, latent_dim]` vector that the generator reads at
    every step (a sequence-level latent: the waves' frequency, amplitude and
    phase are properties of the whole sequence). `generate(z=...)` takes
    either form in both settings. Train on `(sequences, labels)` batches,
    e.g. `tfgan_zoo.data.load("waves", ...)`.

    The loss is non-saturating by default; `loss="wasserstein"` with
    `gp_weight=10` is the WGAN-GP form (the critic's value is its mean over
    the steps, and its gradient penalty comes from
    `regularizers.gradient_penalty`).

    Args:
        sequence_length: steps per sequence.
        num_features: values per step.
        hidden_units: LSTM units of both networks (paper: 100).
        latent_dim: noise values per step (paper: 5).
        num_classes: classes for the conditional model (RCGAN), or None
            (RGAN).
        gp_weight: weight of the gradient penalty on the critic (0: none).
        noise: `"per_step"` (fresh noise at every step, the paper's) or
            `"held"` (one noise vector per sequence, read at every step).
        seed: seeds the weights and the noise; `None` is random.
        generator: bring your own generator (`[z, labels]` -> sequences).
        discriminator: bring your own discriminator (`[x, labels]` -> logits).
        **kwargs: the `GAN` hparams (`loss`, `d_steps`, `prior`, ...).

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("rcgan", sequence_length=6, hidden_units=4, num_classes=2, seed=0)
    >>> gan.generate(labels=[0, 1, 1], seed=0).shape
    (3, 6, 1)
    """

    logged = ("d_loss", "g_loss", "gradient_penalty")
    # `generate_batch` only holds a 2-D z at every step, then runs the base's
    # (so `ema_decay`'s averaged generator applies).
    extends_base = ("generate_batch",)
    tiny_hparams = {"sequence_length": 6, "hidden_units": 8, "num_classes": 3}

    def __init__(
        self,
        sequence_length=30,
        num_features=1,
        hidden_units=100,
        latent_dim=5,
        num_classes=None,
        gp_weight=0.0,
        noise="per_step",
        seed=None,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        if noise not in NOISE:
            raise ValueError(f"`noise` must be one of {NOISE}. Received: noise={noise!r}")
        if generator is None or discriminator is None:
            g, d = recurrent_pair(sequence_length, num_features, latent_dim, hidden_units, num_classes, seed)
            generator = g if generator is None else generator
            discriminator = d if discriminator is None else discriminator
        if not float(gp_weight) >= 0:
            raise ValueError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight!r}")
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=num_classes, seed=seed, **kwargs,
        )
        self.gp_weight = float(gp_weight)
        if len(self.sample_shape) != 2 or tuple(generator.inputs[0].shape[1:]) != (self.sample_shape[0], self.latent_dim):
            raise ValueError(
                "The generator must map z [batch, steps, latent_dim] to [batch, steps, features]. "
                f"Received: z of shape {tuple(generator.inputs[0].shape)} -> {(None, *self.sample_shape)}"
            )
        self.noise = noise
        if noise == "per_step":  # Every step draws its own noise: the prior's event is [steps, latent_dim].
            self._prior = tfp.distributions.Sample(self._prior, sample_shape=[self.sample_shape[0]])
        self._sequence_fn = None

    @property
    def latent_shape(self):
        """The shape of one drawn `z`: `(steps, latent_dim)`, or `(latent_dim,)` when held."""
        return (self.sample_shape[0], self.latent_dim) if self.noise == "per_step" else (self.latent_dim,)

    def generate_batch(self, z, labels=None, training=False):
        """The generator on `z [n, steps, latent_dim]`, or `[n, latent_dim]` held at every step."""
        z = tf.convert_to_tensor(z)
        if z.shape.rank == 2:
            z = tf.repeat(z[:, None, :], self.sample_shape[0], axis=1)
        return super().generate_batch(z, labels, training=training)

    def discriminator_loss(self, real, labels, training=True):
        fake, real_logits, fake_logits = self.discriminator_outputs(real, labels, training)
        # The losses average the per-step logits of each example.
        loss = self.adversarial_d_loss(real_logits, fake_logits)
        if not self.gp_weight:
            return loss, {"gradient_penalty": tf.zeros([])}
        penalty = regularizers.gradient_penalty(
            lambda x: tf.reduce_mean(self.discriminate(x, labels, training=training), axis=[1, 2]),
            real, fake, alpha=self.sample_uniform(tf.shape(real)[0]),
        )
        return loss + self.gp_weight * penalty, {"gradient_penalty": tf.reduce_mean(penalty)}

    def generate(self, num_samples=None, z=None, labels=None, seed=None, batch_size=256):
        """Sequences `[n, steps, num_features]` in [-1, 1].

        As `GAN.generate`; `z` is `[n, steps, latent_dim]` (noise per step)
        or `[n, latent_dim]` (held at every step).
        """
        if z is None:
            return super().generate(num_samples, labels=labels, seed=seed, batch_size=batch_size)
        z = np.asarray(z)
        steps = self.sample_shape[0]
        if z.ndim == 3 and z.shape[1:] != (steps, self.latent_dim):
            raise ValueError(
                f"`z` must be numbers of shape [n, {steps}, {self.latent_dim}] (noise per step) or "
                f"[n, {self.latent_dim}] (held at every step). Received: z of shape {z.shape}"
            )
        # The checks of `GAN.generate`, on z flattened per step.
        width = self.latent_dim * (steps if z.ndim == 3 else 1)
        flat = z.reshape(len(z), -1) if z.ndim == 3 else z
        n, flat, labels = sampling.check_request(width, self.num_classes, num_samples, flat, labels)
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}")
        if seed is None:
            seed = self.sample_seed_generator.next()
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        _, labels = sampling.generator_inputs(self._prior, self.num_classes, n, seed, labels)
        # Always [n, steps, latent_dim] into the graph (one trace for both forms).
        z = flat.reshape((n, steps, self.latent_dim)) if z.ndim == 3 else np.repeat(flat[:, None], steps, axis=1)
        if self._sequence_fn is None:
            self._sequence_fn = tf.function(lambda z, labels: self.generate_batch(z, labels, training=False))
        return sampling.in_batches(self._sequence_fn, tf.constant(z), labels, int(batch_size))
