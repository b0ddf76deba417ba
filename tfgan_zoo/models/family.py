"""`FamilyGAN`: a GAN whose default networks come from a network family.

Most variants build their networks with `tfgan_zoo.networks.build_pair`
(`"dcgan"` or `"mlp"`) unless the user brings their own; this base does
that once, so a variant's constructor only lists its hparams and passes
them on.
"""

from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.construction import build_networks


class FamilyGAN(GAN):
    """Builds `generator`/`discriminator` (where not given) from `network`.

    Args:
        sample_shape, latent_dim, network, width, num_classes, seed,
            synchronized_bn: as in `tfgan_zoo.networks.build_pair`.
        generator, discriminator: the user's networks, or None.
        network_options: more `build_pair` options (`kernel_size`,
            `critic_norm`, `output_dim`).
        **kwargs: `GAN` arguments (`loss`, `d_steps`, `prior`, ...).
    """

    def __init__(
        self,
        sample_shape,
        latent_dim,
        network,
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
            **(network_options or {}),
        )
        super().__init__(
            generator=generator, discriminator=discriminator, latent_dim=latent_dim,
            num_classes=num_classes, seed=seed, **kwargs,
        )
