"""The critic family: Wasserstein-type GANs sharing `critics.base`."""

from tfgan_zoo.models.critics.base import CriticGAN
from tfgan_zoo.models.critics.base import PenaltyCriticGAN
from tfgan_zoo.models.critics.cramer_gan import CramerGAN
from tfgan_zoo.models.critics.wgan import WGAN
from tfgan_zoo.models.critics.wgan_gp import WGANGP

__all__ = ["CramerGAN", "CriticGAN", "PenaltyCriticGAN", "WGAN", "WGANGP"]
