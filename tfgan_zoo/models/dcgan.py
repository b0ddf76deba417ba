"""DCGAN (Radford, Metz & Chintala 2015, "Unsupervised Representation
Learning with Deep Convolutional Generative Adversarial Networks")."""

from tfgan_zoo.models.family import FamilyGAN
from tfgan_zoo.registry import register_model


@register_model("dcgan")
class DCGAN(FamilyGAN):
    """Deep convolutional GAN, with the paper's architecture rules.

    See `tfgan_zoo.networks.dcgan` for the rules and the presets
    (`(28, 28, 1)`, `(32, 32, 3)`, `(64, 64, 3)`; any square side
    `s * 2**n`, `s` in (4, 7), works). Optimizers: Adam(2e-4, beta_1=0.5)
    for both networks, as in the paper.

    Args:
        kernel_size: convolution kernel size (paper: 5).
        **kwargs: the `FamilyGAN` and `GAN` hparams (`sample_shape`,
            `latent_dim` (paper: 100), `width`, `loss`, `prior` (the paper
            drew z uniformly), ...); see `tfgan_zoo.model_hparams("dcgan")`.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("dcgan", sample_shape=(32, 32, 3), width=8)
    >>> gan.generate(2, seed=0).shape
    (2, 32, 32, 3)
    """

    fixed_hparams = ("network", "num_classes")

    def __init__(self, kernel_size=5, **kwargs):
        super().__init__(
            network="dcgan", num_classes=None, network_options={"kernel_size": kernel_size}, **kwargs
        )
