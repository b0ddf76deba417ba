"""Network builders. Each returns a plain functional `keras.Model`.

`build_pair` picks a generator/discriminator family by name; the variants
that accept a `network` hparam use it.
"""

from tfgan_zoo.networks.dcgan import dcgan_discriminator
from tfgan_zoo.networks.dcgan import dcgan_generator
from tfgan_zoo.networks.layers import OneHot
from tfgan_zoo.networks.mlp import mlp_discriminator
from tfgan_zoo.networks.mlp import mlp_generator
from tfgan_zoo.networks.lapgan import lapgan_pair  # noqa: E402  (after mlp: it builds on it)
from tfgan_zoo.networks.volumetric import voxel_discriminator
from tfgan_zoo.networks.volumetric import voxel_generator

NETWORKS = ("dcgan", "mlp")


def build_pair(
    network,
    sample_shape,
    latent_dim,
    num_classes=None,
    width=None,
    kernel_size=5,
    seed=None,
    synchronized_bn=False,
    critic_norm="batch",
    output_dim=1,
    spectral_norm=False,
    minibatch_features=None,
    minibatch_kernels=100,
    minibatch_kernel_dim=5,
    virtual_batch_norm=False,
):
    """Builds a `(generator, discriminator)` pair of the family `network`.

    Args:
        network: `"mlp"` or `"dcgan"`.
        sample_shape: shape of one sample, e.g. `(28, 28, 1)`.
        latent_dim: size of `z`.
        num_classes: makes both networks conditional on integer labels.
        width: `"mlp"`: hidden width `w`, giving a generator `(w, 2w)` and a
            discriminator `(2w, w)` (default 256). `"dcgan"`: the filters of
            the widest-resolution layer (default: the preset for
            `sample_shape`).
        kernel_size: `"dcgan"` convolution kernel size.
        seed: seeds the weight initialisers.
        synchronized_bn: batch norm statistics over all replicas (networks
            that have batch norm).
        critic_norm: `"dcgan"` discriminator normalisation: `"batch"`,
            `"layer"` or `"none"` (the MLP has none).
        output_dim: discriminator output size (1: a logit).
        spectral_norm: wrap the discriminator's Dense/Conv layers in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018).
        minibatch_features: `"discrimination"` (Salimans et al. 2016) or
            `"stddev"` (Karras et al. 2018): a layer on the
            discriminator's last hidden features that appends each
            example's closeness to the rest of its batch
            (`tfgan_zoo.networks.minibatch`); None: none.
        minibatch_kernels: `B`, the features minibatch discrimination appends.
        minibatch_kernel_dim: `C`, the size of its projected rows.
        virtual_batch_norm: the generator's hidden layers get virtual
            batch norm (Salimans et al. 2016; instead of batch norm in
            `"dcgan"`, added in `"mlp"`); see
            `tfgan_zoo.networks.virtual_batch_norm`.

    Returns:
        `(generator, discriminator)`.

    Example:

    >>> g, d = build_pair("mlp", (8, 8, 1), latent_dim=4, width=8)
    >>> tuple(g.output.shape), tuple(d.output.shape)
    ((None, 8, 8, 1), (None, 1))
    """
    if width is not None and (isinstance(width, bool) or int(width) != width or int(width) < 1):
        raise ValueError(f"`width` must be a positive int or None. Received: width={width!r}")
    minibatch = dict(
        minibatch_features=minibatch_features, minibatch_kernels=minibatch_kernels, minibatch_kernel_dim=minibatch_kernel_dim
    )
    if network == "mlp":
        w = int(width or 256)
        return (
            mlp_generator(sample_shape, latent_dim, (w, 2 * w), num_classes, seed=seed,
                          virtual_batch_norm=virtual_batch_norm),
            mlp_discriminator(
                sample_shape, (2 * w, w), num_classes, seed=seed, output_dim=output_dim, spectral_norm=spectral_norm,
                **minibatch,
            ),
        )
    if network == "dcgan":
        common = dict(num_classes=num_classes, seed=seed, synchronized_bn=synchronized_bn)
        return (
            dcgan_generator(sample_shape, latent_dim, width, kernel_size, virtual_batch_norm=virtual_batch_norm, **common),
            dcgan_discriminator(
                sample_shape, width, kernel_size, norm=critic_norm, output_dim=output_dim,
                spectral_norm=spectral_norm, **minibatch, **common
            ),
        )
    raise ValueError(
        f"Unknown network {network!r}. Valid networks: {list(NETWORKS)}. "
        f"Received: network={network!r}"
    )


__all__ = [
    "NETWORKS",
    "OneHot",
    "build_pair",
    "lapgan_pair",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "voxel_discriminator",
    "voxel_generator",
]
