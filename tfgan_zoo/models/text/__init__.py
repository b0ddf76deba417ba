"""GANs on text: `TextGAN` (`"text_gan"`), a character-level WGAN-GP.

Data: `tfgan_zoo.data.load("text:FILE", ...)` or the `dates` grammar
corpus (`tfgan_zoo.data.dates`); measures: `tfgan_zoo.metrics.text`.
"""

from tfgan_zoo.models.text.text_gan import TextGAN

__all__ = ["TextGAN"]
