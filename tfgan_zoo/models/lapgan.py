"""LAPGAN (Denton, Chintala, Szlam & Fergus 2015, "Deep Generative Image
Models using a Laplacian Pyramid of Adversarial Networks")."""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import sampling
from tfgan_zoo.models.base import GAN
from tfgan_zoo.networks import lapgan as lapgan_networks
from tfgan_zoo.networks import pyramid
from tfgan_zoo.registry import register_model

SCHEDULES = ("joint", "levelwise")


@register_model("lapgan")
class LAPGAN(GAN):
    """A Laplacian pyramid of GANs that generates an image coarse to fine.

    Level 0 is a GAN on the coarsest image of the pyramid; each level
    `k >= 1` is a conditional GAN whose generator takes noise `z_k` and the
    upsampled coarser image `l_k` and outputs the band-pass residual `h_k`,
    and whose discriminator tells real `(l_k, h_k)` pairs from
    `(l_k, G_k(z_k, l_k))`. As in the paper, every level trains on the
    pyramids of real images (built in the data path with a fixed binomial
    blur-and-downsample, `tfgan_zoo.networks.pyramid`), so the levels are
    independent GANs; sampling runs the chain coarse to fine
    (`tfgan_zoo.networks.lapgan`). `z` is the levels' noise vectors
    concatenated (`latent_split`). The logged `d_loss`/`g_loss` are the sums
    over the levels of each level's mean loss (`loss`, the base's
    adversarial loss, on each level).

    Args:
        sample_shape: `(side, side, channels)`; `side` must be a multiple of
            `2 ** (levels - 1)` with a coarsest level of at least 2x2
            (e.g. 28 -> 14 -> 7, or 32 -> 16 -> 8).
        latent_dim: the size of `z`, split over the levels.
        levels: pyramid levels K (paper: 3 for CIFAR-10).
        width: filters of the level networks (the coarsest level's MLP has
            `4 * width` hidden units).
        schedule: `"joint"`: one `train_step` updates every level (the
            levels' losses are summed; their variables are disjoint, so
            each level gets its own gradient). `"levelwise"`: level by
            level, coarse first, `level_steps` generator steps each (the
            last level keeps training after its turn); the other levels'
            losses are weighted 0 (a level before its turn does not move; a
            level after its turn still drifts for a few steps on Adam's
            momentum).
        level_steps: generator steps per level under `"levelwise"`.
        seed: seeds the weights and the noise; `None` is random.
        generator: a chain from `lapgan_pair` (a reloaded model passes its own).
        discriminator: a pyramid discriminator from `lapgan_pair`.
        **kwargs: the `GAN` hparams (`loss`, `d_steps`, `prior`, ...).

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("lapgan", sample_shape=(8, 8, 1), latent_dim=6, width=4, seed=0)
    >>> [level.shape for level in gan.generate(2, seed=0, return_pyramid=True)]
    [(2, 2, 2, 1), (2, 4, 4, 1), (2, 8, 8, 1)]
    """

    fixed_hparams = ("num_classes",)

    def __init__(
        self,
        sample_shape=(28, 28, 1),
        latent_dim=100,
        levels=3,
        width=64,
        schedule="joint",
        level_steps=1000,
        seed=None,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        levels = checks.positive_int(levels, "levels")
        width = checks.positive_int(width, "width")
        if schedule not in SCHEDULES:
            raise ValueError(f"Unknown schedule {schedule!r}. Valid: {list(SCHEDULES)}. Received: schedule={schedule!r}")
        pyramid.check_fits(sample_shape, levels)
        if generator is None or discriminator is None:
            g, d = lapgan_networks.lapgan_pair(sample_shape, latent_dim, levels, width, seed)
            generator = g if generator is None else generator
            discriminator = d if discriminator is None else discriminator
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=None, seed=seed, **kwargs,
        )
        self.levels = levels
        self.schedule = schedule
        self.level_steps = checks.positive_int(level_steps, "level_steps")
        self.level_generators, self.level_discriminators = lapgan_networks.level_networks_of(
            generator, discriminator, levels
        )
        self._latent_sizes = [int(g.inputs[0].shape[-1]) for g in self.level_generators]
        self._pyramid_fn = None

    # ------------------------------------------------------------------
    # Training: every level on the pyramid of the real minibatch.

    def level_weights(self):
        """Each level's loss weight: all 1 (`"joint"`), else 1 for the
        active level only (`"levelwise"`, from the generator step count)."""
        if self.schedule == "joint":
            return [1.0] * self.levels
        step = tf.cast(self.g_optimizer.iterations, tf.int64) if self.g_optimizer is not None else tf.constant(0, tf.int64)
        active = tf.minimum(step // self.level_steps, self.levels - 1)
        return [tf.cast(tf.equal(active, k), tf.float32) for k in range(self.levels)]

    def _latents(self, batch):
        z = self.sample_latent(batch)
        return tf.split(z, self._latent_sizes, axis=-1)

    def _level_inputs(self, real):
        """`[(l_k or None, real level k)]`: level 0's coarse image, then the
        `(upsampled coarse, residual)` pairs."""
        coarse, residuals = pyramid.laplacian_pyramid(real, self.levels)
        gaussian = pyramid.gaussian_pyramid(real, self.levels)
        return [(None, coarse)] + [(pyramid.upsample(g), h) for g, h in zip(gaussian[:-1], residuals)]

    def _level_fake(self, k, z, coarse_up, training):
        if k == 0:
            return self.level_generators[0](z, training=training)
        return self.level_generators[k]([z, coarse_up], training=training)

    def _level_logits(self, k, coarse_up, sample, training):
        if k == 0:
            return self.level_discriminators[0](sample, training=training)
        return self.level_discriminators[k]([coarse_up, sample], training=training)

    def discriminator_loss(self, real, labels, training=True):
        """The sum over levels of each level discriminator's per-example loss."""
        zs = self._latents(tf.shape(real)[0])
        total = 0.0
        for k, ((coarse_up, sample), z, weight) in enumerate(zip(self._level_inputs(real), zs, self.level_weights())):
            fake = tf.stop_gradient(self._level_fake(k, z, coarse_up, training))
            real_logits = self._level_logits(k, coarse_up, sample, training)
            fake_logits = self._level_logits(k, coarse_up, fake, training)
            total += weight * self.adversarial_d_loss(real_logits, fake_logits)
        return total, {}

    def generator_loss(self, real, labels, training=True):
        """The sum over levels of each level generator's per-example loss."""
        pair = self._loss_pair_or_raise()
        zs = self._latents(tf.shape(real)[0])
        total = 0.0
        for k, ((coarse_up, _), z, weight) in enumerate(zip(self._level_inputs(real), zs, self.level_weights())):
            fake = self._level_fake(k, z, coarse_up, training)
            total += weight * pair.generator(self._level_logits(k, coarse_up, fake, training), reduction="none")
        return total, {}

    # ------------------------------------------------------------------
    # Sampling.

    def pyramid_model(self):
        """A model `z -> [g[0], ..., g[K-1]]`: every generated level, coarse to
        fine, from the same chain (the last is `generator(z)`)."""
        gen = self.generator
        outputs = [gen.get_layer("upsample_1").input] if self.levels > 1 else []
        outputs += [gen.get_layer(f"level_{k}_image").output for k in range(1, self.levels)]
        return keras.Model(gen.inputs, outputs or gen.outputs, name="pyramid")

    def generate(self, num_samples=None, z=None, labels=None, seed=None, batch_size=256, return_pyramid=False):
        """`GAN.generate`; `return_pyramid=True` gives the list of every
        generated level, coarse to fine (the same `z` as without it)."""
        if not return_pyramid:
            return super().generate(num_samples, z, labels, seed, batch_size)
        n, z, _ = sampling.check_request(self.latent_dim, None, num_samples, z, labels)
        batch_size = checks.positive_int(batch_size, "batch_size")
        seed = self.sample_seed_generator.next() if seed is None else checks.seed(seed)
        drawn_z, _ = sampling.generator_inputs(self._prior, None, n, seed)
        z = drawn_z.numpy() if z is None else z
        if self._pyramid_fn is None:
            model = self.pyramid_model()
            self._pyramid_fn = tf.function(lambda z: model(z, training=False), reduce_retracing=True)
        chunks = [self._pyramid_fn(tf.constant(z[i : i + batch_size])) for i in range(0, n, batch_size)]
        return [np.concatenate([np.asarray(c[k]) for c in chunks]).astype(np.float32) for k in range(self.levels)]
