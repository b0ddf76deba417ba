"""InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation
Learning by Information Maximizing Generative Adversarial Nets")."""

import keras
import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_zoo import priors
from tfgan_zoo import sampling
from tfgan_zoo import graph_checks as checks
from tfgan_zoo.models.latent.base import LatentGAN
from tfgan_zoo.networks import encoders
from tfgan_zoo.registry import register_model

tfd = tfp.distributions


@register_model("infogan")
class InfoGAN(LatentGAN):
    """A GAN whose latent vector holds structured codes that Q reads back.

    The generator's input `z` (`latent_dim` wide, as for every model, so
    `generate(z=...)`, `model(z)` and the SavedModel's `serving_default`
    take it) is `[noise, one_hot(categorical), continuous]`: incompressible
    noise from `prior`, a categorical code of `categorical_dim` values
    (uniform) and `continuous_dim` codes from U[-1, 1]; `model.prior` is
    that joint TFP distribution (`tfd.Blockwise`). The discriminator is one
    network with two heads (`tfgan_zoo.networks.encoders.q_discriminator`):
    the real/fake logit and Q's posterior over the codes (categorical
    logits, Gaussian means, and log-scales with `learn_continuous_scale`).
    The negative of the mutual-information lower bound,
    `lambda_categorical * -log Q(c|x) + lambda_continuous * -log Q(c'|x)`
    on generated images, is added to both the discriminator's (it trains Q)
    and the generator's loss, and logged as `info_loss`.

    Args:
        categorical_dim: values of the categorical code (paper, MNIST: 10).
        continuous_dim: number of continuous codes (paper, MNIST: 2).
        lambda_categorical: weight of the categorical term (paper: 1).
        lambda_continuous: weight of the continuous term; the paper keeps it
            small for continuous codes (0.1 here).
        learn_continuous_scale: Q also predicts a log-scale per continuous
            code (else the scale is 1, the paper's factored Gaussian).
        q_width: units of Q's hidden layer (paper, MNIST: 128).
        fc_units: units of the fully connected layer (batch norm) after the
            discriminator's convolutions, shared by the logit and Q, and,
            on the `"dcgan"` network, before the generator's projection
            (`encoders.q_discriminator`, `encoders.q_generator`; paper,
            MNIST: 1024); 0 for the plain family networks.
        kernel_size: the convolutions' kernel size (paper, MNIST: 4).
        latent_dim: the whole `z`: noise, plus `categorical_dim +
            continuous_dim` (paper, MNIST: 62 + 10 + 2).
        **kwargs: the `FamilyGAN` and `GAN` hparams (`prior` is the noise's).

    The default optimizers are the paper's: Adam(1e-3, beta_1=0.5) for the
    generator, Adam(2e-4, beta_1=0.5) for the discriminator and Q.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("infogan", sample_shape=(8, 8, 1), latent_dim=16, width=4, seed=0)
    >>> gan.generate(categorical=[0, 3, 9], continuous=[[0, 0], [1, -1], [0.5, 0]], seed=0).shape
    (3, 8, 8, 1)
    >>> sorted(gan.infer_codes(np.zeros((2, 8, 8, 1), "float32")))
    ['categorical', 'continuous']
    """

    logged = ("d_loss", "g_loss", "info_loss")
    fixed_hparams = ("num_classes",)
    # The plain family networks: with the FC layers' batch norm over 8 examples, 1 and 2 replicas
    # drift apart by ~1e-4 in three steps (tests/test_models.py's equivalence test asks for 1e-5).
    tiny_hparams = {"categorical_dim": 3, "continuous_dim": 2, "q_width": 8, "fc_units": 0}

    def __init__(
        self,
        categorical_dim=10,
        continuous_dim=2,
        lambda_categorical=1.0,
        lambda_continuous=0.1,
        learn_continuous_scale=False,
        q_width=128,
        fc_units=1024,
        kernel_size=4,
        latent_dim=74,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        if isinstance(categorical_dim, bool) or int(categorical_dim) != categorical_dim or categorical_dim < 2:
            raise ValueError(f"`categorical_dim` must be an int >= 2. Received: categorical_dim={categorical_dim!r}")
        if isinstance(continuous_dim, bool) or int(continuous_dim) != continuous_dim or continuous_dim < 0:
            raise ValueError(f"`continuous_dim` must be an int >= 0. Received: continuous_dim={continuous_dim!r}")
        noise_dim = int(latent_dim) - int(categorical_dim) - int(continuous_dim)
        if noise_dim < 1:
            raise ValueError(
                "`latent_dim` holds the noise and the codes, so it must exceed categorical_dim + "
                f"continuous_dim = {categorical_dim + continuous_dim}. Received: latent_dim={latent_dim!r}"
            )
        for name, value in (("lambda_categorical", lambda_categorical), ("lambda_continuous", lambda_continuous)):
            if not float(value) >= 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
        if isinstance(fc_units, bool) or int(fc_units) != fc_units or fc_units < 0:
            raise ValueError(f"`fc_units` must be an int >= 0. Received: fc_units={fc_units!r}")
        q_dim = int(categorical_dim) + int(continuous_dim) * (2 if learn_continuous_scale else 1)
        options = self.network_options()
        network = options.pop("network")
        if discriminator is None:
            discriminator = encoders.q_discriminator(
                network, self.hparams["sample_shape"], q_dim, hidden_units=q_width, shared_units=fc_units, **options
            )
        if generator is None and fc_units and network == "dcgan":
            generator = encoders.q_generator(self.hparams["sample_shape"], latent_dim, fc_units, **options)
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim, num_classes=None,
            network_options={"kernel_size": kernel_size}, **kwargs,
        )
        self.categorical_dim, self.continuous_dim, self.noise_dim = int(categorical_dim), int(continuous_dim), noise_dim
        self.learn_continuous_scale = bool(learn_continuous_scale)
        self.lambda_categorical = float(lambda_categorical)
        self.lambda_continuous = float(lambda_continuous)
        blocks = [
            priors.latent_prior(self.hparams.get("prior", "normal"), noise_dim),
            tfd.OneHotCategorical(logits=tf.zeros([self.categorical_dim]), dtype=tf.float32),
        ]
        if self.continuous_dim:
            blocks.append(tfd.Sample(tfd.Uniform(-1.0, 1.0), [self.continuous_dim]))
        self._prior = tfd.Blockwise(blocks)

    def default_optimizers(self):
        """Adam(1e-3, beta_1=0.5) for G, Adam(2e-4, beta_1=0.5) for D and Q (Chen et al.'s code)."""
        return keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    # ------------------------------------------------------------------
    # The codes.

    def split_latent(self, z):
        """`(noise, one_hot categorical, continuous)` blocks of `z`."""
        n, k = self.noise_dim, self.categorical_dim
        return z[:, :n], z[:, n : n + k], z[:, n + k :]

    def discriminate(self, samples, labels=None, training=False):
        """The real/fake logits (not Q's head)."""
        return self.discriminator(samples, training=training)[0]

    def info_penalty(self, q, z):
        """Per-example negative MI lower bound (without the constant code
        entropy) of Q's output `q` for the codes in `z`."""
        _, one_hot, continuous = self.split_latent(tf.cast(z, tf.float32))
        q = tf.cast(q, tf.float32)
        k, c = self.categorical_dim, self.continuous_dim
        penalty = self.lambda_categorical * tf.nn.softmax_cross_entropy_with_logits(one_hot, q[:, :k])
        if c:
            scale = tf.exp(q[:, k + c :]) if self.learn_continuous_scale else 1.0
            nll = -tf.reduce_sum(tfd.Normal(q[:, k : k + c], scale).log_prob(continuous), axis=-1)
            penalty += self.lambda_continuous * nll
        return penalty

    def _fake_logit_and_penalty(self, batch, training, stop_gradient):
        z = self.sample_latent(batch)
        fake = self.generate_batch(z, training=training)
        if stop_gradient:
            fake = tf.stop_gradient(fake)
        logit, q = self.discriminator(fake, training=training)
        return logit, self.info_penalty(q, z)

    def discriminator_loss(self, real, labels, training=True):
        real_logit = self.discriminate(real, training=training)
        fake_logit, penalty = self._fake_logit_and_penalty(tf.shape(real)[0], training, stop_gradient=True)
        loss = self._loss_pair_or_raise().discriminator(real_logit, fake_logit, reduction="none")
        return loss + penalty, {}

    def generator_loss(self, real, labels, training=True):
        fake_logit, penalty = self._fake_logit_and_penalty(tf.shape(real)[0], training, stop_gradient=False)
        loss = self._loss_pair_or_raise().generator(fake_logit, reduction="none")
        return loss + penalty, {"info_loss": tf.reduce_mean(penalty)}

    # ------------------------------------------------------------------
    # Sampling with chosen codes, and reading them back.

    def latent_with_codes(self, num_samples=None, z=None, categorical=None, continuous=None, seed=None):
        """`z` `[n, latent_dim]`: given or drawn from `seed`, with the chosen codes put in."""
        sizes = {}
        if categorical is not None:
            categorical = np.asarray(categorical)
            if categorical.ndim != 1 or not np.issubdtype(categorical.dtype, np.integer):
                raise ValueError(
                    "`categorical` must be a 1-D array of ints. "
                    f"Received: categorical of shape {categorical.shape} and dtype {categorical.dtype}"
                )
            bad = categorical[(categorical < 0) | (categorical >= self.categorical_dim)]
            if bad.size:
                raise ValueError(
                    f"`categorical` codes must be in [0, {self.categorical_dim}). "
                    f"Received: categorical out of range {sorted(set(bad.tolist()))[:10]}"
                )
            sizes["categorical"] = len(categorical)
        if continuous is not None:
            continuous = np.asarray(continuous)
            if continuous.ndim != 2 or continuous.shape[1] != self.continuous_dim or not np.all(np.isfinite(continuous)):
                raise ValueError(
                    f"`continuous` must be finite numbers of shape [n, {self.continuous_dim}]. "
                    f"Received: continuous of shape {continuous.shape}"
                )
            sizes["continuous"] = len(continuous)
        if num_samples is None and sizes:
            num_samples = next(iter(sizes.values()))
        n, z, _ = sampling.check_request(self.latent_dim, None, num_samples, z)
        if any(size != n for size in sizes.values()):
            raise ValueError(f"The sample counts disagree. Received: {dict(sizes, num_samples=n)}")
        if z is None:
            seed = self.sample_seed_generator.next() if seed is None else seed
            z = sampling.generator_inputs(self._prior, None, n, seed)[0].numpy()
        return self.put_codes(tf.constant(z, tf.float32), categorical, continuous).numpy()

    def put_codes(self, z, categorical=None, continuous=None):
        """`z` with its code blocks replaced by `categorical` (int `[n]`) and
        `continuous` (`[n, continuous_dim]`); None keeps a block. TF ops, for
        a serving signature too."""
        noise, one_hot, codes = self.split_latent(z)
        if categorical is not None:
            one_hot = tf.one_hot(tf.cast(categorical, tf.int32), self.categorical_dim, dtype=z.dtype)
        if continuous is not None:
            codes = tf.cast(continuous, z.dtype)
        return tf.concat([noise, one_hot, codes], -1)

    def serving_latent(self, num_samples, seed, categorical, continuous):
        """The `sample_codes` signature's `z` (TF ops, checked in the graph):
        drawn from `seed` as `sample` draws it, with the codes put in.

        Args:
            num_samples: int32 scalar, already checked.
            seed: int64 scalar.
            categorical: int32 `[num_samples]` in `[0, categorical_dim)`, or
                empty to keep the drawn codes.
            continuous: float32 `[num_samples, continuous_dim]`, finite, or
                empty (any shape of size 0) to keep the drawn codes.
        """
        k, c = self.categorical_dim, self.continuous_dim
        n_cat, shape = tf.size(categorical), tf.shape(continuous)
        empty = tf.equal(tf.size(continuous), 0)
        categorical, continuous = checks.checked(
            checks.labels_in_range(categorical, k, "categorical")
            + checks.require(
                tf.logical_or(tf.equal(n_cat, 0), tf.equal(n_cat, num_samples)),
                "categorical must be empty (drawn codes) or have num_samples entries. "
                "Received: {} codes for num_samples={}",
                n_cat,
                num_samples,
            )
            + checks.require(
                tf.logical_or(empty, tf.reduce_all(tf.equal(tf.concat([shape, [-1, -1, -1]], 0)[:3], [num_samples, c, -1]))),
                f"continuous must be empty (drawn codes) or of shape [num_samples, {c}]. "
                "Received: continuous of shape {} for num_samples={}",
                shape,
                num_samples,
            )
            + checks.finite(tf.reshape(continuous, [-1]), "continuous"),  # Any rank: flat indices.
            categorical,
            continuous,
        )
        z, _ = sampling.generator_inputs(self.prior, None, num_samples, seed)
        _, one_hot, drawn = self.split_latent(z)
        categorical = tf.cond(n_cat > 0, lambda: categorical, lambda: tf.argmax(one_hot, -1, output_type=tf.int32))
        continuous = tf.cond(empty, lambda: drawn, lambda: tf.reshape(continuous, [-1, c]))
        return self.put_codes(z, categorical, continuous)

    def generate(self, num_samples=None, z=None, labels=None, seed=None, batch_size=256, categorical=None, continuous=None):
        """`GAN.generate`, with codes to fix.

        Args:
            categorical: int codes `[n]` in `[0, categorical_dim)`.
            continuous: codes `[n, continuous_dim]` (the prior is U[-1, 1];
                sweeping past it extrapolates).
            z, num_samples, labels, seed, batch_size: as in `GAN.generate`;
                `z` is the whole latent vector, whose code blocks
                `categorical` and `continuous` replace. Codes not given are
                drawn from `seed` (or taken from `z`).
        """
        if categorical is None and continuous is None:
            return super().generate(num_samples, z, labels, seed, batch_size)
        if labels is not None:
            return super().generate(num_samples, z, labels, seed, batch_size)  # Refuses the labels.
        z = self.latent_with_codes(num_samples, z, categorical, continuous, seed)
        return super().generate(z=z, batch_size=batch_size)

    def infer_codes(self, images, batch_size=256):
        """Q's posterior for real images `[n, *sample_shape]` in [-1, 1].

        Returns:
            `{"categorical": probabilities [n, categorical_dim],
            "continuous": means [n, continuous_dim]}` as NumPy.
        """
        return self.batched("infer_codes", lambda x, _: self.q_codes(x), images, None, batch_size)

    def q_codes(self, images):
        """`infer_codes` on a batch tensor (TF ops, for a serving signature too)."""
        k, c = self.categorical_dim, self.continuous_dim
        q = tf.cast(self.discriminator(images, training=False)[1], tf.float32)
        return {"categorical": tf.nn.softmax(q[:, :k]), "continuous": q[:, k : k + c]}

    def encode(self, images, labels=None, batch_size=256):
        raise ValueError(
            "InfoGAN has no encoder of z; `infer_codes(images)` gives Q's codes. "
            f"Received: a call to encode on {type(self).__name__}"
        )
