"""`FamilyGAN`: a GAN whose default networks come from a network family.

Most variants build their networks with `tfgan_zoo.networks.build_pair`
(`"dcgan"` or `"mlp"`) unless the user brings their own; this base does
that once, so a variant's constructor only lists its own hparams and
passes the rest on (`**kwargs`; see `tfgan_zoo.models.hparams`).
"""

from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.construction import build_networks
from tfgan_zoo.models.stabilisers import combinations


class FamilyGAN(GAN):
    """Builds `generator`/`discriminator` (where not given) from `network`.

    Args:
        sample_shape: shape of one sample, e.g. `(28, 28, 1)` or `(2,)`
            (alias `image_shape`).
        latent_dim: size of `z`.
        network: the network family, `"dcgan"` (convolutional) or `"mlp"`.
        width: network width (alias `base_filters`; see
            `tfgan_zoo.networks.build_pair`); `None` takes the preset.
        num_classes: number of classes to make the model class-conditional,
            or None.
        seed: seeds the weights and the noise; `None` is random.
        synchronized_bn: batch norm statistics over all replicas of a
            `tf.distribute` strategy (needed for N replicas to train exactly
            like one).
        generator: bring your own generator instead.
        discriminator: bring your own discriminator instead.
        minibatch_features: `"discrimination"` or `"stddev"` adds a layer on
            the discriminator's last hidden features that appends each
            example's closeness to the rest of its batch (None: off). Per
            replica under a strategy; minibatch discrimination is Salimans
            et al. 2016's, the minibatch standard deviation Karras et al.
            2018's (`tfgan_zoo.networks.minibatch`).
        minibatch_kernels: `B`, the features minibatch discrimination appends.
        minibatch_kernel_dim: `C`, the size of each of its projected rows.
        virtual_batch_norm: virtual batch norm in the generator, each
            example normalised with a fixed reference batch's statistics
            combined with its own, so its output depends on its `z` alone.
            Salimans et al. 2016 (`tfgan_zoo.networks.virtual_batch_norm`).
        network_options: more `build_pair` options (`kernel_size`,
            `critic_norm`, `output_dim`), for subclasses to set.
        **kwargs: `GAN` hparams (`loss`, `d_steps`, `prior`, ...).
    """

    # `network_options` is for subclasses to fill from their own hparams.
    fixed_hparams = ("network_options",)

    def __init__(
        self,
        sample_shape=(28, 28, 1),
        latent_dim=100,
        network="dcgan",
        width=None,
        num_classes=None,
        seed=None,
        synchronized_bn=False,
        generator=None,
        discriminator=None,
        minibatch_features=None,
        minibatch_kernels=100,
        minibatch_kernel_dim=5,
        virtual_batch_norm=False,
        network_options=None,
        **kwargs,
    ):
        minibatch = combinations.check_minibatch_options(minibatch_features, minibatch_kernels, minibatch_kernel_dim)
        combinations.check_virtual_batch_norm(virtual_batch_norm, synchronized_bn)
        generator, discriminator = build_networks(
            generator, discriminator, network, sample_shape, latent_dim,
            num_classes=num_classes, width=width, seed=seed, synchronized_bn=synchronized_bn,
            spectral_norm=kwargs.get("spectral_norm", False),  # A `GAN` hparam.
            virtual_batch_norm=virtual_batch_norm, **minibatch, **(network_options or {}),
        )
        combinations.check_minibatch_layer(discriminator, minibatch_features)
        combinations.check_virtual_batch_norm(virtual_batch_norm, synchronized_bn, generator)
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=num_classes, seed=seed, **kwargs,
        )
