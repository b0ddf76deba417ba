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
        sample_shape: `(side, side, channels)` (alias `image_shape`).
        latent_dim: size of `z` (paper: 100).
        width: network width, the filters of the widest-resolution layer
            (alias `base_filters`); `None` takes the preset.
        kernel_size: convolution kernel size (paper: 5).
        loss: adversarial loss name (default: non-saturating).
        d_steps: discriminator steps per generator step.
        label_smoothing: one-sided label smoothing.
        prior: `"normal"` or `"uniform"` (the paper drew z uniformly).
        seed: seeds weights and noise.
        synchronized_bn: batch norm statistics over all replicas of a
            `tf.distribute` strategy (needed for N replicas to train exactly
            like one).
        generator, discriminator: bring your own networks instead.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("dcgan", sample_shape=(32, 32, 3), width=8)
    >>> gan.generate(2, seed=0).shape
    (2, 32, 32, 3)
    """

    def __init__(
        self,
        sample_shape=(28, 28, 1),
        latent_dim=100,
        width=None,
        kernel_size=5,
        loss="non_saturating",
        d_steps=1,
        label_smoothing=0.0,
        prior="normal",
        seed=None,
        synchronized_bn=False,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        super().__init__(
            sample_shape, latent_dim, "dcgan", width, None, seed, synchronized_bn,
            generator, discriminator, network_options={"kernel_size": kernel_size},
            loss=loss, d_steps=d_steps, label_smoothing=label_smoothing, prior=prior, **kwargs,
        )
