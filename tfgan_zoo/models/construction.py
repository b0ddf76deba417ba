"""Building a GAN's networks and checking what a variant was given.

`build_networks` gives the user's networks where passed, else the
family's defaults; the `check_*` functions refuse what the base cannot
train, naming the received value.
"""

import keras

from tfgan_zoo import checks
from tfgan_zoo import losses as losses_lib
from tfgan_zoo import networks


def build_networks(generator, discriminator, network, sample_shape, latent_dim, **options):
    """The user's networks where given, else `networks.build_pair(network, ...)`.

    `options` go to `tfgan_zoo.networks.build_pair` (`num_classes`, `width`,
    `kernel_size`, `seed`, `synchronized_bn`, `critic_norm`, `output_dim`,
    `spectral_norm`).
    """
    if generator is None or discriminator is None:
        g, d = networks.build_pair(network, sample_shape, latent_dim, **options)
        generator = g if generator is None else generator
        discriminator = d if discriminator is None else discriminator
    return generator, discriminator


def check_label_smoothing(label_smoothing, loss_pair, loss):
    value = float(label_smoothing)
    if value and not (loss_pair and losses_lib.supports_label_smoothing(loss_pair)):
        raise ValueError(f"loss={loss!r} does not take label smoothing. Received: label_smoothing={label_smoothing!r}")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`label_smoothing` must be in [0, 1). Received: label_smoothing={label_smoothing!r}")
    return value


def _check_inputs(net, num_classes, reads_z=False):
    conditional = num_classes is not None
    want = 1 + conditional + reads_z
    have = len(net.inputs or [])
    if have != want:
        if reads_z:
            kind = f"a joint D(x, z): inputs [sample{', labels' if conditional else ''}, z]"
        elif conditional:
            kind = f"conditional (num_classes={num_classes}): inputs [sample, labels]"
        else:
            kind = "unconditional: one input"
        raise ValueError(
            f"The model is {kind}, but `{net.name}` has {have} input(s). "
            f"Received: {net.name} inputs={[tuple(t.shape) for t in net.inputs or []]}"
        )


def check_networks(generator, discriminator, num_classes, latent_dim, discriminator_reads_z=False):
    """`(latent_dim, sample_shape)` read off the networks, checked.

    Both must be Keras models (the discriminator may be None) with one input (two, `[x, labels]`, when
    conditional; the discriminator one more, `z`, when `discriminator_reads_z`); the generator has one
    output, and takes `z` of `latent_dim` (default: whatever it takes).
    """
    for net, name in ((generator, "generator"), (discriminator, "discriminator")):
        if net is None and name == "discriminator":
            continue  # A model without one (`gmmn`).
        if not isinstance(net, keras.Model):
            raise TypeError(f"`{name}` must be a keras.Model. Received: {name}={net!r} of type {type(net).__name__}")
        _check_inputs(net, num_classes, discriminator_reads_z and name == "discriminator")
    g_latent = int(generator.inputs[0].shape[-1])
    latent_dim = g_latent if latent_dim is None else checks.positive_int(latent_dim, "latent_dim")
    if latent_dim != g_latent:
        raise ValueError(
            f"The generator takes z of size {g_latent}, but latent_dim={latent_dim}; pass "
            f"latent_dim={g_latent} with this generator. Received: latent_dim={latent_dim!r}"
        )
    out = generator.outputs
    if not out or len(out) != 1:
        raise ValueError(f"The generator must have exactly one output. Received: generator outputs={out!r}")
    return latent_dim, tuple(int(d) for d in out[0].shape[1:])
