"""Networks that read a latent space: encoders, InfoGAN's Q head, joint and
code discriminators.

They reuse the discriminator families (`dcgan_discriminator`,
`mlp_discriminator`): an encoder is a discriminator trunk with a code head
instead of the logit, so it follows the same architecture rules.

- `encoder`: `x` (and a label) -> `z`, deterministic or the mean of a
  Gaussian posterior (`GaussianCode`, whose `loc_and_log_scale` gives the
  reparametrised sample's parameters).
- `q_discriminator`: InfoGAN's discriminator, one trunk with two heads, the
  real/fake logit and Q's code posterior; `q_generator`, its generator with
  the paper's fully connected layer before the DCGAN projection.
- `joint_discriminator`: BiGAN's `D(x, z)`, a path for `x` (the family's
  discriminator trunk) and one for `z`, joined by fully connected layers.
- `pair_discriminator`: ALICE's `D_xx(x, x')` on two images stacked along
  channels.

Example:

>>> e = encoder("dcgan", (8, 8, 1), latent_dim=3, width=4)
>>> tuple(e.output.shape)
(None, 3)
"""

import keras
import tensorflow as tf

from tfgan_zoo.networks.dcgan import dcgan_discriminator
from tfgan_zoo.networks.dcgan import dcgan_generator
from tfgan_zoo.networks.layers import glorot_initializer
from tfgan_zoo.networks.layers import normal_initializer
from tfgan_zoo.networks.mlp import mlp_discriminator

POSTERIORS = ("deterministic", "gaussian")
# Encoders and pair discriminators draw other initial weights than the
# discriminator of the same seed.
E_SEED_OFFSET = 7919
PAIR_SEED_OFFSET = 104729


def discriminator(network, sample_shape, width=None, kernel_size=5, num_classes=None, seed=None,
                  synchronized_bn=False, norm="batch", name="discriminator"):
    """The discriminator of family `network` (`"dcgan"` or `"mlp"`), as
    `tfgan_zoo.networks.build_pair` builds it (`"mlp"`: hidden layers
    `(2w, w)`, default w = 256)."""
    if network == "dcgan":
        return dcgan_discriminator(sample_shape, width, kernel_size, num_classes, seed, synchronized_bn, norm, name=name)
    if network == "mlp":
        w = int(width or 256)
        return mlp_discriminator(sample_shape, (2 * w, w), num_classes, seed, name=name)
    raise ValueError(f"Unknown network {network!r}. Valid networks: ['dcgan', 'mlp']. Received: network={network!r}")


def trunk(network, sample_shape, width=None, kernel_size=5, num_classes=None, seed=None,
          synchronized_bn=False, norm="batch"):
    """`(inputs, features)`: `discriminator(...)` without its logit layer."""
    d = discriminator(network, sample_shape, width, kernel_size, num_classes, seed, synchronized_bn, norm)
    return d.inputs, d.get_layer("logits").input


def pair_discriminator(network, sample_shape, width=None, kernel_size=5, seed=None, synchronized_bn=False,
                       name="reconstruction_discriminator"):
    """ALICE's `D_xx(x, x')` (Li et al. 2017): the family's discriminator on
    `x` and `x'` stacked along the last (channel) axis, `[..., 2c]` -> one logit.

    Example:

    >>> d = pair_discriminator("dcgan", (8, 8, 1), width=4)
    >>> tuple(d.input.shape)
    (None, 8, 8, 2)
    """
    shape = tuple(sample_shape[:-1]) + (2 * int(sample_shape[-1]),)
    seed = None if seed is None else int(seed) + PAIR_SEED_OFFSET
    return discriminator(network, shape, width, kernel_size, None, seed, synchronized_bn, name=name)


def _model(inputs, outputs, name):
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs, name=name)


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class GaussianCode(keras.layers.Layer):
    """A diagonal Gaussian posterior head: features -> its mean.

    Called, it returns the mean (what `encode` serves);
    `loc_and_log_scale(features)` gives both parameters, for a
    reparametrised sample `loc + exp(log_scale) * eps` with noise the model
    draws (so that N replicas draw what one would).

    Args:
        latent_dim: size of `z`.
        seed: seeds the weight initialisers.
    """

    def __init__(self, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        self.seed = seed
        self.loc = keras.layers.Dense(self.latent_dim, kernel_initializer=glorot_initializer(seed, 1), name="loc")
        # Starts at scale ~1: zero kernel, zero bias.
        self.log_scale = keras.layers.Dense(self.latent_dim, kernel_initializer="zeros", name="log_scale")

    def build(self, input_shape):
        self.loc.build(input_shape)
        self.log_scale.build(input_shape)

    def call(self, features):
        return self.loc(features)

    def loc_and_log_scale(self, features):
        return self.loc(features), tf.clip_by_value(self.log_scale(features), -10.0, 5.0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.latent_dim)

    def get_config(self):
        return {**super().get_config(), "latent_dim": self.latent_dim, "seed": self.seed}


def encoder(network, sample_shape, latent_dim, posterior="deterministic", width=None, kernel_size=5,
            num_classes=None, seed=None, synchronized_bn=False, name="encoder"):
    """An encoder `x` (and `labels` if `num_classes`) -> `z` `[batch, latent_dim]`.

    Args:
        network: the trunk's family, `"dcgan"` or `"mlp"` (see `trunk`).
        sample_shape: shape of one input sample.
        latent_dim: size of `z`.
        posterior: `"deterministic"` (a linear code layer `z`) or
            `"gaussian"` (a `GaussianCode` layer `z`, whose output is the mean).
        width, kernel_size, num_classes, synchronized_bn: as in `trunk`.
        seed: seeds the weights (offset from the discriminator's).
        name: model name.
    """
    if posterior not in POSTERIORS:
        raise ValueError(f"Unknown posterior {posterior!r}. Valid: {list(POSTERIORS)}. Received: posterior={posterior!r}")
    seed = None if seed is None else int(seed) + E_SEED_OFFSET
    inputs, h = trunk(network, sample_shape, width, kernel_size, num_classes, seed, synchronized_bn)
    if posterior == "gaussian":
        z = GaussianCode(latent_dim, seed=seed, dtype="float32", name="z")(h)
    else:
        z = keras.layers.Dense(int(latent_dim), kernel_initializer=glorot_initializer(seed, 0), dtype="float32", name="z")(h)
    return _model(inputs, z, name)


def encoder_features(encoder_model):
    """The sub-model of `encoder_model` up to its code layer `z` (shares its layers)."""
    return keras.Model(encoder_model.inputs, encoder_model.get_layer("z").input, name=f"{encoder_model.name}_features")


def _dense_bn(h, units, activation, seed, index, synchronized_bn, name):
    """Dense (no bias) -> batch norm -> `activation` (a Keras layer class)."""
    h = keras.layers.Dense(int(units), use_bias=False, kernel_initializer=normal_initializer(seed, index), name=name)(h)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=synchronized_bn, name=f"{name}_bn")(h)
    return activation(name=f"{name}_act")(h)


def q_discriminator(network, sample_shape, q_dim, width=None, kernel_size=5, seed=None,
                    synchronized_bn=False, hidden_units=128, shared_units=0, name="discriminator"):
    """InfoGAN's discriminator: `x` -> `[logit [batch, 1], q [batch, q_dim]]`.

    One trunk (the family's discriminator, then `shared_units` fully
    connected units if > 0), two heads: the real/fake logit and Q's
    parameters, after one hidden layer of its own of `hidden_units`. Chen et
    al., appendix C (MNIST): conv 64 - conv 128 - FC 1024 shared, Q's FC 128;
    batch norm and leaky ReLU after each but the first conv.
    """
    inputs, h = trunk(network, sample_shape, width, kernel_size, None, seed, synchronized_bn)
    lrelu = lambda name: keras.layers.LeakyReLU(negative_slope=0.2, name=name)  # noqa: E731
    if shared_units:
        h = _dense_bn(h, shared_units, lrelu, seed, 903, synchronized_bn, "shared")
    logit = keras.layers.Dense(1, kernel_initializer=glorot_initializer(seed, 900), dtype="float32", name="logits")(h)
    q = _dense_bn(h, hidden_units, lrelu, seed, 904, synchronized_bn, "q_hidden")
    q = keras.layers.Dense(int(q_dim), kernel_initializer=glorot_initializer(seed, 902), dtype="float32", name="q")(q)
    return _model(inputs, [logit, q], name)


def q_generator(sample_shape, latent_dim, hidden_units=1024, width=None, kernel_size=5, seed=None,
                synchronized_bn=False, name="generator"):
    """InfoGAN's generator: `z` -> FC `hidden_units` (batch norm, ReLU) ->
    the DCGAN generator's layers (projection, transposed convolutions; see
    `dcgan_generator`). Chen et al., appendix C (MNIST): FC 1024 - FC
    7x7x128 - deconv 64 - deconv 1."""
    z = keras.Input(shape=(int(latent_dim),), name="z")
    h = _dense_bn(z, hidden_units, keras.layers.ReLU, seed, 50, synchronized_bn, "hidden")
    body = dcgan_generator(sample_shape, hidden_units, width, kernel_size, None, seed, synchronized_bn)
    for layer in body.layers[1:]:  # A chain: its layers on `h`, one flat model.
        h = layer(h)
    return keras.Model(z, h, name=name)


def joint_discriminator(network, sample_shape, latent_dim, joint_units=512, width=None, kernel_size=5, seed=None,
                        synchronized_bn=False, name="discriminator"):
    """BiGAN's `D(x, z)`: `[x, z]` -> one logit, with a path per input
    joined late (Donahue et al., appendix; Dumoulin et al.'s `D(x)`,
    `D(z)`, `D(x, z)`): the family's discriminator trunk on `x`, two fully
    connected leaky-ReLU layers of `joint_units` on `z`, then their
    features concatenated, one more such layer and the logit.

    Args:
        network, sample_shape, width, kernel_size, synchronized_bn: the
            `x` path, as in `trunk`.
        latent_dim: size of `z`.
        joint_units: units of the `z` path's and the joint layers.
        seed: seeds the weights.
        name: model name.

    Example:

    >>> d = joint_discriminator("dcgan", (8, 8, 1), latent_dim=3, joint_units=4, width=4)
    >>> [tuple(t.shape) for t in d.inputs], tuple(d.output.shape)
    ([(None, 8, 8, 1), (None, 3)], (None, 1))
    """
    if isinstance(joint_units, bool) or int(joint_units) != joint_units or joint_units < 1:
        raise ValueError(f"`joint_units` must be a positive int. Received: joint_units={joint_units!r}")
    inputs, x_features = trunk(network, sample_shape, width, kernel_size, None, seed, synchronized_bn)
    z = keras.Input(shape=(int(latent_dim),), name="z")

    def dense(h, index, layer_name):
        h = keras.layers.Dense(int(joint_units), kernel_initializer=normal_initializer(seed, index), name=layer_name)(h)
        return keras.layers.LeakyReLU(negative_slope=0.2, name=f"{layer_name}_lrelu")(h)

    z_features = dense(dense(z, 910, "z_0"), 911, "z_1")
    h = keras.layers.Concatenate(name="x_and_z")([x_features, z_features])
    h = dense(h, 912, "joint")
    logit = keras.layers.Dense(1, kernel_initializer=glorot_initializer(seed, 913), dtype="float32", name="logits")(h)
    return keras.Model([inputs[0], z], logit, name=name)
