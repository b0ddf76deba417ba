"""DCGAN (Radford, Metz & Chintala 2015, "Unsupervised Representation
Learning with Deep Convolutional Generative Adversarial Networks")."""

from tfgan_zoo import networks
from tfgan_zoo.models.base import GAN
from tfgan_zoo.networks import dcgan as dcgan_networks
from tfgan_zoo.registry import register_model


@register_model("dcgan")
class DCGAN(GAN):
    """Deep convolutional GAN, with the paper's architecture rules.

    See `tfgan_zoo.networks.dcgan` for the rules and the presets
    (`(28, 28, 1)`, `(32, 32, 3)`, `(64, 64, 3)`; any square side
    `s * 2**n`, `s` in (4, 7), works). Optimizers: Adam(2e-4, beta_1=0.5)
    for both networks, as in the paper.

    Args:
        image_shape: `(side, side, channels)`.
        latent_dim: size of `z` (paper: 100).
        base_filters: network width; `None` takes the preset.
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
    >>> gan = tfgan_zoo.create("dcgan", image_shape=(32, 32, 3), base_filters=8)
    >>> gan.generate(2, seed=0).shape
    (2, 32, 32, 3)
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        base_filters=None,
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
        image_shape = tuple(int(d) for d in image_shape)
        dcgan_networks.spatial_plan(image_shape)  # Validates the shape.
        if base_filters is None:
            base_filters = dcgan_networks.default_base_filters(image_shape)
        if generator is None:
            generator = networks.dcgan_generator(
                image_shape,
                latent_dim,
                base_filters,
                kernel_size,
                seed=seed,
                synchronized_bn=synchronized_bn,
            )
        if discriminator is None:
            discriminator = networks.dcgan_discriminator(
                image_shape,
                base_filters,
                kernel_size,
                seed=seed,
                synchronized_bn=synchronized_bn,
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            loss=loss,
            d_steps=d_steps,
            label_smoothing=label_smoothing,
            prior=prior,
            seed=seed,
            **kwargs,
        )
        self.image_shape = image_shape
        self.base_filters = int(base_filters)
        self.kernel_size = int(kernel_size)
        self.synchronized_bn = bool(synchronized_bn)
