"""`FamilyGAN`: a GAN whose default networks come from a network family.

Most variants build their networks with `tfgan_zoo.networks.build_pair`
(`"dcgan"` or `"mlp"`) unless the user brings their own; this base does
that once, so a variant's constructor only lists its own hparams and
passes the rest on (`**kwargs`; see `tfgan_zoo.models.hparams`).
"""

from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.construction import build_networks


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
        network_options=None,
        **kwargs,
    ):
        generator, discriminator = build_networks(
            generator, discriminator, network, sample_shape, latent_dim,
            num_classes=num_classes, width=width, seed=seed, synchronized_bn=synchronized_bn,
            spectral_norm=kwargs.get("spectral_norm", False),  # A `GAN` hparam.
            **(network_options or {}),
        )
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=num_classes, seed=seed, **kwargs,
        )
