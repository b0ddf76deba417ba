"""What the latent-structure models (InfoGAN, BiGAN/ALI, AAE) share.

- `LatentGAN`: networks built from the model's recorded hparams (so a
  variant builds a discriminator of its own kind, e.g. InfoGAN's with a Q
  head or BiGAN's joint one, and passes it to `FamilyGAN`), checked image
  inputs and batched inference for the read-out methods, phases of a
  `train_step` beyond the two of the base (`phase_step`), and optimizers
  beyond the two (`extra_optimizers`, built at `compile`, saved in the
  compile config).
- `EncoderGAN`: a third network, the encoder `E: x -> z` (`model.encoder`,
  deterministic or the mean of a Gaussian posterior), trained with the
  generator (`generator_variables` holds both); `encode`, `reconstruct`,
  and the reparametrised sample `encode_batch(..., sample=True)`. The
  SavedModel export gives a model with an `encoder` the `encode` and
  `reconstruct` signatures.
"""

import json

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import compat
from tfgan_zoo import sampling
from tfgan_zoo.models.family import FamilyGAN
from tfgan_zoo.networks import encoders


class _Networks:
    """Several networks as one for `GAN._apply` (their regularization losses)."""

    def __init__(self, *networks):
        self.networks = networks

    @property
    def losses(self):
        return [loss for net in self.networks for loss in net.losses]


class LatentGAN(FamilyGAN):
    """A `FamilyGAN` with the shared machinery above; see the module docstring."""

    # {optimizer attribute: name of the variables property it trains}; each
    # is a `compile` argument, default `default_extra_optimizer(name)`.
    extra_optimizers = {}
    # The tolerance on the [-1, 1] value range of images given to the
    # read-out methods (`check_images`).
    value_tolerance = 1e-3

    def network_options(self):
        """The recorded hparams that say how to build a network like the model's."""
        h = self.hparams
        return {
            "network": h.get("network", "dcgan"),
            "width": h.get("width"),
            "kernel_size": h.get("kernel_size", 5),
            "seed": h.get("seed"),
            "synchronized_bn": h.get("synchronized_bn", False),
        }

    # ------------------------------------------------------------------
    # Optimizers of more phases.

    def default_extra_optimizer(self, name):
        """The default of the extra optimizer `name`: a copy of `d_optimizer`'s configuration."""
        return keras.optimizers.deserialize(keras.optimizers.serialize(self.d_optimizer))

    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs):
        """As `GAN.compile`; the `extra_optimizers` are keyword arguments too."""
        given = {name: kwargs.pop(name, None) for name in self.extra_optimizers}
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)
        for name, variables in self.extra_optimizers.items():
            opt = self.default_extra_optimizer(name) if given[name] is None else keras.optimizers.get(given[name])
            if any(opt is other for other in (self.g_optimizer, self.d_optimizer)):
                raise ValueError(f"`{name}` must be an optimizer of its own. Received: {name}={opt!r}")
            setattr(self, name, opt)
            compat.build_optimizers([(opt, getattr(self, variables))])

    def get_compile_config(self):
        config = super().get_compile_config()
        if config:
            config.update({name: keras.optimizers.serialize(getattr(self, name)) for name in self.extra_optimizers})
        return config

    # ------------------------------------------------------------------
    # Multi-phase steps.

    def phase_step(self, name, optimizer, variables, networks, loss_fn):
        """One update of `variables` by `optimizer` on `loss_fn() -> (per_example, logs)`.

        Returns `{name: mean loss, **logs}`; `networks` (one or a tuple)
        give the regularization losses.
        """
        networks = networks if isinstance(networks, tuple) else (networks,)
        loss, logs = self._apply(optimizer, variables, _Networks(*networks), loss_fn)
        return {name: loss, **logs}

    # ------------------------------------------------------------------
    # Read-out methods on real images.

    def check_images(self, images, labels=None):
        """`(images, labels)` as float32/int32 NumPy, checked against the model.

        Images must be finite, `[n, *sample_shape]`, in [-1, 1] (within
        `value_tolerance`); labels as `generate` checks them, required for a
        conditional model.
        """
        images = np.asarray(images)
        shape = (None,) + tuple(self.sample_shape)
        if images.ndim != len(shape) or images.shape[1:] != shape[1:] or not np.issubdtype(images.dtype, np.number):
            raise ValueError(
                f"`images` must be numbers of shape [n, {', '.join(map(str, shape[1:]))}]. "
                f"Received: images of shape {images.shape} and dtype {images.dtype}"
            )
        images = images.astype(np.float32)
        if not np.all(np.isfinite(images)):
            raise ValueError(f"`images` must be finite. Received: images with {int(np.sum(~np.isfinite(images)))} NaN/Inf values")
        low, high = float(images.min(initial=0)), float(images.max(initial=0))
        if low < -1 - self.value_tolerance or high > 1 + self.value_tolerance:
            raise ValueError(f"`images` must be scaled to [-1, 1]. Received: images in [{low}, {high}]")
        if self.conditional and labels is None:
            raise ValueError("The model is conditional; pass the images' labels. Received: labels=None")
        _, _, labels = sampling.check_request(self.latent_dim, self.num_classes, len(images), None, labels)
        return images, labels

    def batched(self, key, fn, images, labels=None, batch_size=256):
        """`fn(images, labels)` (a tf.function, cached under `key`) over checked
        images in batches; NumPy results (an array, or a dict of arrays)."""
        images, labels = self.check_images(images, labels)
        batch_size = checks.positive_int(batch_size, "batch_size")
        cache = vars(self).setdefault("_latent_fns", {})
        if key not in cache:
            cache[key] = tf.function(fn, reduce_retracing=True, autograph=False)
        parts = []
        for start in range(0, len(images), batch_size):
            lb = None if labels is None else tf.constant(labels[start : start + batch_size])
            parts.append(tf.nest.map_structure(np.asarray, cache[key](tf.constant(images[start : start + batch_size]), lb)))
        return tf.nest.map_structure(lambda *xs: np.concatenate(xs), *parts)


class EncoderGAN(LatentGAN):
    """A `LatentGAN` with an encoder `E: x -> z` as its third network.

    Args:
        posterior: `"deterministic"` (`z = E(x)`) or `"gaussian"` (`E(x)`
            gives the mean and log-scale of a diagonal Gaussian `q(z|x)`;
            training draws `z` from it by reparametrisation, and `encode`
            returns its mean).
        encoder: bring your own encoder instead: a `keras.Model` from
            samples (and labels, if conditional) to `[batch, latent_dim]`;
            with `posterior="gaussian"`, its last layer is a
            `tfgan_zoo.networks.encoders.GaussianCode` named `z`.
        **kwargs: the `FamilyGAN` and `GAN` hparams.
    """

    def __init__(self, posterior="deterministic", encoder=None, **kwargs):
        super().__init__(**kwargs)
        if encoder is None:
            options = self.network_options()
            encoder = encoders.encoder(
                options.pop("network"), self.sample_shape, self.latent_dim, posterior,
                num_classes=self.num_classes, **options,
            )
        self.posterior = posterior
        self.encoder = self._check_encoder(encoder, posterior)
        # Not an attribute Keras tracks: it shares the encoder's layers.
        object.__setattr__(self, "_encoder_features", encoders.encoder_features(encoder) if posterior == "gaussian" else None)

    def _check_encoder(self, encoder, posterior):
        if posterior not in encoders.POSTERIORS:
            raise ValueError(
                f"Unknown posterior {posterior!r}. Valid: {list(encoders.POSTERIORS)}. Received: posterior={posterior!r}"
            )
        if not isinstance(encoder, keras.Model):
            raise TypeError(f"`encoder` must be a keras.Model. Received: encoder={encoder!r}")
        want = 2 if self.conditional else 1
        out = tuple(encoder.outputs[0].shape) if len(encoder.outputs) == 1 else None
        if len(encoder.inputs) != want or out != (None, self.latent_dim):
            raise ValueError(
                f"`encoder` must map {want} input(s) to one output [batch, {self.latent_dim}]. Received: encoder inputs "
                f"{[tuple(t.shape) for t in encoder.inputs]}, outputs {[tuple(t.shape) for t in encoder.outputs]}"
            )
        if posterior == "gaussian" and not any(
            layer.name == "z" and isinstance(layer, encoders.GaussianCode) for layer in encoder.layers
        ):
            raise ValueError("posterior='gaussian' needs an encoder whose last layer is a GaussianCode named 'z'. "
                             f"Received: encoder layers {[layer.name for layer in encoder.layers][-3:]}")
        return encoder

    def get_config(self):
        config = super().get_config()
        if config.get("encoder") is not None:
            # As a .keras file reads it back (tuples as lists), so that a
            # reloaded model's config equals this one.
            config["encoder"] = json.loads(json.dumps(config["encoder"]))
        return config

    @property
    def encoder_variables(self):
        return self.encoder.trainable_variables

    @property
    def generator_variables(self):
        """The generator and the encoder: one optimizer trains them together."""
        return self.generator.trainable_variables + self.encoder.trainable_variables

    def _encoder_inputs(self, images, labels):
        return [images, labels] if self.conditional else images

    def encode_batch(self, images, labels=None, training=False, sample=False):
        """`z` for a batch: `E(x)`, or with `sample=True` and a Gaussian
        posterior a reparametrised draw from `q(z|x)` (replica-consistent noise)."""
        inputs = self._encoder_inputs(images, labels)
        if not (sample and self.posterior == "gaussian"):
            return self.encoder(inputs, training=training)
        features = self._encoder_features(inputs, training=training)
        loc, log_scale = self.encoder.get_layer("z").loc_and_log_scale(features)
        eps = self.sample_global(
            tf.shape(loc)[0], lambda n, s: tf.random.stateless_normal([n, self.latent_dim], seed=s)
        )
        return loc + tf.exp(log_scale) * tf.cast(eps, loc.dtype)

    def encode(self, images, labels=None, batch_size=256):
        """`E(images)` `[n, latent_dim]` (the posterior mean), as NumPy.

        Images `[n, *sample_shape]` in [-1, 1]; `labels` for a conditional
        model.
        """
        return self.batched(
            "encode", lambda x, y: tf.cast(self.encode_batch(x, y), tf.float32), images, labels, batch_size
        )

    def reconstruct(self, images, labels=None, batch_size=256):
        """`G(E(images))` as NumPy (labels: the images' own, if conditional)."""

        def fn(x, y):
            return tf.cast(self.generate_batch(self.encode_batch(x, y), y), tf.float32)

        return self.batched("reconstruct", fn, images, labels, batch_size)
