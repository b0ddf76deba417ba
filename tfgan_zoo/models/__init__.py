"""GAN variants. Importing this package registers every variant.

A new variant is one new module here, imported below, whose class carries
`@register_model("name")`.
"""

from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.cgan import CGAN
from tfgan_zoo.models.cramer_gan import CramerGAN
from tfgan_zoo.models.dcgan import DCGAN
from tfgan_zoo.models.vanilla_gan import VanillaGAN
from tfgan_zoo.models.wgan import WGAN
from tfgan_zoo.models.wgan_gp import WGANGP

__all__ = ["CGAN", "CramerGAN", "DCGAN", "GAN", "VanillaGAN", "WGAN", "WGANGP"]
