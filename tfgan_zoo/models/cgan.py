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
        num_classes: number of classes.
        **kwargs: the `FamilyGAN` and `GAN` hparams. The default
            `network="dcgan"` draws the requested MNIST digit after 10
            epochs; the paper's fully connected nets (`"mlp"`) learn the
            conditioning much more slowly. Bring-your-own networks take
            `[z, labels]` and `[x, labels]`.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("cgan", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> gan.generate(labels=[0, 1, 9], seed=0).shape
    (3, 8, 8, 1)
    """

    def __init__(self, num_classes=10, **kwargs):
        super().__init__(num_classes=num_classes, **kwargs)
