"""3D-GAN (Wu, Zhang, Xue, Freeman & Tenenbaum 2016, "Learning a
Probabilistic Latent Space of Object Shapes via 3D Generative-Adversarial
Modeling")."""

import keras
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.stabilisers import combinations
from tfgan_zoo.networks import volumetric
from tfgan_zoo.registry import register_model


@register_model("gan3d")
class GAN3D(GAN):
    """A GAN of 3-D shapes: volumetric convolutions on occupancy grids.

    The generator maps `z` to a `d^3` grid of occupancy probabilities
    (sigmoid), the discriminator mirrors it with strided 3-D convolutions
    (`tfgan_zoo.networks.volumetric`). Train it on float grids in {0, 1}
    `[n, d, d, d, 1]` (`tfgan_zoo.data.load("voxel_shapes", ...)` or
    `"voxels:<file.npz>"`); samples are occupancy probabilities in [0, 1]
    (threshold at 0.5 for shapes, `tfgan_zoo.volumes`). The paper's
    adaptive rule updates the discriminator only when its accuracy on the
    current batch (real and fake, over all replicas) is below
    `d_accuracy_threshold`; a skipped update has its loss weighted 0 (with
    Adam, the momentum of earlier updates still moves the weights a
    little). Logged: `d_accuracy` and `d_updated` (the fraction of steps
    that updated D).

    Args:
        sample_shape: `(d, d, d, 1)`, `d` in (8, 16, 32, 64); the paper: 64.
        latent_dim: size of `z` (paper: 200).
        width: filters of the widest-resolution layer (paper: 64).
        kernel_size: 3-D kernel size (paper: 4).
        d_accuracy_threshold: the adaptive rule's accuracy (paper: 0.8);
            above 1, D updates every step.
        synchronized_bn: batch norm statistics over all replicas.
        minibatch_features: `"stddev"` appends the minibatch standard
            deviation (Karras et al. 2018) as one more channel of the
            discriminator's last feature maps, against mode collapse (None:
            off; minibatch discrimination is not built for volumes).
        packing: grids the discriminator judges at once (PacGAN, Lin et
            al. 2018: `m` consecutive real, or fake, grids joined along the
            channels, one logit per pack), against mode dropping; the
            batch on each replica must be a multiple of it. 1: off (the paper).
        seed: seeds the weights and the noise; `None` is random.
        generator: bring your own generator (`z -> [d, d, d, 1]`).
        discriminator: bring your own discriminator.
        **kwargs: the `GAN` hparams (`loss`, `d_steps`, `prior`, ...).

    Optimizers: Adam(0.0025, beta_1=0.5) for G and Adam(1e-5, beta_1=0.5)
    for D, as in the paper.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("gan3d", sample_shape=(8, 8, 8, 1), latent_dim=4, width=2, seed=0)
    >>> gan.generate(2, seed=0).shape
    (2, 8, 8, 8, 1)
    """

    logged = ("d_loss", "g_loss", "d_accuracy", "d_updated")
    sample_range = (0.0, 1.0)
    tiny_hparams = {"sample_shape": (8, 8, 8, 1), "width": 2}
    fixed_hparams = ("num_classes",)

    def __init__(
        self,
        sample_shape=(32, 32, 32, 1),
        latent_dim=200,
        width=64,
        kernel_size=4,
        d_accuracy_threshold=0.8,
        synchronized_bn=False,
        minibatch_features=None,
        packing=1,
        seed=None,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        volumetric.check_voxel_shape(sample_shape)
        if minibatch_features not in (None, "stddev"):
            raise ValueError(
                "gan3d's minibatch features are 'stddev' or None (minibatch discrimination is not built for "
                f"volumes). Received: minibatch_features={minibatch_features!r}"
            )
        d_accuracy_threshold = checks.number(d_accuracy_threshold, "d_accuracy_threshold", minimum=0.0)
        self.packing = checks.positive_int(packing, "packing")
        options = dict(width=width, kernel_size=kernel_size, seed=seed, synchronized_bn=synchronized_bn)
        if generator is None:
            generator = volumetric.voxel_generator(sample_shape, latent_dim, **options)
        if discriminator is None:
            discriminator = volumetric.voxel_discriminator(
                sample_shape, minibatch_stddev=minibatch_features == "stddev", packing=self.packing, **options
            )
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=None, seed=seed, **kwargs,
        )
        self.d_accuracy_threshold = d_accuracy_threshold
        combinations.check_minibatch_layer(self.discriminator, minibatch_features)

    def default_optimizers(self):
        """Adam(0.0025, 0.5) for G, Adam(1e-5, 0.5) for D (Wu et al.)."""
        return keras.optimizers.Adam(0.0025, beta_1=0.5), keras.optimizers.Adam(1e-5, beta_1=0.5)

    def discriminator_loss(self, real, labels, training=True):
        """The adversarial loss, weighted 0 when D's accuracy is at the threshold or above."""
        _, real_logits, fake_logits = self.discriminator_outputs(real, labels, training)
        loss = self.adversarial_d_loss(real_logits, fake_logits)
        accuracy = global_accuracy(real_logits, fake_logits)
        update = tf.cast(accuracy < self.d_accuracy_threshold, tf.float32)
        return loss * update, {"d_accuracy": accuracy, "d_updated": update}


def global_accuracy(real_logits, fake_logits):
    """The fraction of real logits > 0 and fake logits < 0, over all replicas."""
    correct = tf.reduce_sum(tf.cast(real_logits > 0, tf.float32)) + tf.reduce_sum(tf.cast(fake_logits < 0, tf.float32))
    count = tf.cast(tf.size(real_logits) + tf.size(fake_logits), tf.float32)
    ctx = tf.distribute.get_replica_context()
    if ctx is not None and ctx.num_replicas_in_sync > 1:
        correct, count = ctx.all_reduce("sum", [correct, count])
    return tf.stop_gradient(correct / count)
