"""Conditional GAN (Mirza & Osindero 2014, "Conditional Generative
Adversarial Nets")."""

from tfgan_zoo.models.family import FamilyGAN
from tfgan_zoo.registry import register_model


@register_model("cgan")
class CGAN(FamilyGAN):
    """A GAN whose generator and discriminator both see the class label.

    The one-hot label is concatenated to `z` in the generator and to the
    input of the discriminator (tiled as extra channels for the
    convolutional networks). Train it on `(images, labels)` batches;
    `generate(labels=[...])` gives the requested classes.

    Args:
        sample_shape: shape of one sample (alias `image_shape`).
        num_classes: number of classes.
        latent_dim: size of `z` (paper: 100).
        network: `"dcgan"` (convolutional, the default: on MNIST it draws the
            requested digit after 10 epochs) or `"mlp"` (the paper's fully
            connected nets, which learn the conditioning much more slowly).
        width: network width (see `tfgan_zoo.networks.build_pair`).
        loss: adversarial loss name (default: non-saturating).
        d_steps: discriminator steps per generator step.
        label_smoothing: one-sided label smoothing.
        prior: `"normal"` or `"uniform"`.
        seed: seeds weights and noise.
        synchronized_bn: batch norm statistics over all replicas
            (`network="dcgan"`).
        generator, discriminator: bring your own conditional networks
            (inputs `[z, labels]` and `[x, labels]`).

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("cgan", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> gan.generate(labels=[0, 1, 9], seed=0).shape
    (3, 8, 8, 1)
    """

    def __init__(
        self,
        sample_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        network="dcgan",
        width=None,
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
            sample_shape, latent_dim, network, width, num_classes, seed, synchronized_bn,
            generator, discriminator, loss=loss, d_steps=d_steps,
            label_smoothing=label_smoothing, prior=prior, **kwargs,
        )
