"""Generative moment matching networks (Li, Swersky & Zemel 2015)."""

import keras
import tensorflow as tf

from tfgan_zoo import networks
from tfgan_zoo.losses import mmd as mmd_lib
from tfgan_zoo.models import replicas
from tfgan_zoo.models.base import GAN
from tfgan_zoo.registry import register_model

# What a model without a discriminator does not take: the discriminator,
# its loss and steps, the stabilisers that act on it, and labels.
NO_DISCRIMINATOR = (
    "discriminator", "loss", "d_steps", "label_smoothing", "num_classes", "instance_noise",
    "instance_noise_anneal_steps", "r1_weight", "spectral_norm", "feature_matching", "feature_layer",
    "historical_averaging", "diff_augment",
)


def build_generator(network, sample_shape, latent_dim, width=None, seed=None, synchronized_bn=False):
    """The generator of `networks.build_pair(network, ...)` alone."""
    if network == "mlp":
        w = int(width or 256)
        return networks.mlp_generator(sample_shape, latent_dim, (w, 2 * w), seed=seed)
    if network == "dcgan":
        return networks.dcgan_generator(sample_shape, latent_dim, width, seed=seed, synchronized_bn=synchronized_bn)
    raise ValueError(f"Unknown network {network!r}. Valid networks: {list(networks.NETWORKS)}. Received: network={network!r}")


@register_model("gmmn")
class GMMN(GAN):
    """GMMN: a generator trained to minimise the MMD to the data; no discriminator.

    Each step draws a generated batch the size of the real one and takes
    one generator step on the unbiased MMD² between the two under a fixed
    mixture of Gaussian kernels, `k(a, b) = sum_s exp(-||a - b||² / (2 s²))`
    (`tfgan_zoo.losses.mmd.mmd_squared`, the computation the `mmd` metric
    makes too). There is no discriminator network and one optimizer,
    Adam(1e-3, beta_1=0.5). Under a `tf.distribute` strategy the MMD is the
    global batch's (all replicas' samples gathered), so N replicas train
    like one. Logged: `g_loss`, the MMD² of the batch. Its signal needs
    batches large enough to estimate the kernel means (the paper: 1000).

    Args:
        sample_shape: shape of one sample, e.g. `(28, 28, 1)` or `(2,)`
            (alias `image_shape`).
        latent_dim: size of `z`.
        network: the generator family, `"dcgan"` or `"mlp"`.
        width: network width (alias `base_filters`); None takes the preset.
        bandwidths: the kernels' bandwidths `s`, positive floats (None:
            one, by the median heuristic on each batch: the median of the
            non-zero pairwise distances of real and generated samples).
        seed: seeds the weights and the noise; `None` is random.
        synchronized_bn: batch norm statistics over all replicas.
        generator: bring your own generator instead.
        **kwargs: the `GAN` hparams that concern the generator (`prior`,
            `ema_decay`, `precision`).

    Example:

    >>> import numpy as np, tfgan_zoo
    >>> gan = tfgan_zoo.create("gmmn", sample_shape=(2,), network="mlp", width=8, bandwidths=[0.5, 2.0], seed=0)
    >>> gan.discriminator is None, gan.d_optimizer is None
    (True, True)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (64, 2)).astype("float32")
    >>> sorted(gan.fit(x, batch_size=32, epochs=1, verbose=0).history)
    ['g_loss']
    """

    logged = ("g_loss",)
    fixed_hparams = NO_DISCRIMINATOR

    def __init__(
        self, sample_shape=(28, 28, 1), latent_dim=100, network="dcgan", width=None, bandwidths=None,
        seed=None, synchronized_bn=False, generator=None, **kwargs,
    ):
        scales = mmd_lib.check_bandwidths(bandwidths)
        if generator is None:
            generator = build_generator(network, sample_shape, latent_dim, width, seed, synchronized_bn)
        super().__init__(
            generator=generator, discriminator=None, latent_dim=latent_dim, loss=None, seed=seed, **kwargs
        )
        self.bandwidths = scales

    @property
    def discriminator_variables(self):
        return []

    def default_optimizers(self):
        """`(Adam(1e-3, beta_1=0.5), None)`: no discriminator, no second optimizer."""
        return keras.optimizers.Adam(1e-3, beta_1=0.5), None

    def batch_mmd(self, real, fake):
        """MMD² of the global batches of `real` and `fake` (float32)."""
        real, fake = (replicas.global_batch(tf.cast(t, tf.float32)) for t in (real, fake))
        return mmd_lib.mmd_squared(real, fake, self.bandwidths)

    def generator_loss(self, real, labels, training=True):
        """The batch MMD², carried by each example (`replicas.spread_loss`)."""
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        return replicas.spread_loss(self.batch_mmd(real, fake), batch), {}

    def train_step(self, data):
        if self.g_optimizer is None:
            raise RuntimeError(f"Call {self.name}.compile() before fit().")
        samples, labels = self.unpack_batch(data)
        self.track(self.generator_step(samples, labels))
        return self.results()

    def test_step(self, data):
        samples, labels = self.unpack_batch(data)
        loss, _ = self.generator_loss(samples, labels, training=False)
        self.track({"g_loss": tf.reduce_mean(loss)})
        return self.results()
