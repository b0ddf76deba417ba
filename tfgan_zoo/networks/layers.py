"""Small layers the networks share."""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class OneHot(keras.layers.Layer):
    """One-hot encodes integer class labels, and rejects labels out of range.

    `keras.layers.CategoryEncoding` maps an out-of-range label to a row of
    zeros without a word; a conditional GAN fed such labels trains on garbage.
    This layer raises `InvalidArgumentError` instead (the check is a no-op
    under XLA, where asserts are not compiled).

    Args:
        num_classes: the number of classes.

    Example:

    >>> OneHot(3)(tf.constant([0, 2])).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        if int(num_classes) < 2:
            raise ValueError(
                "`num_classes` must be at least 2. "
                f"Received: num_classes={num_classes}"
            )
        self.num_classes = int(num_classes)

    def call(self, labels):
        labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
        checks = [
            tf.debugging.assert_greater_equal(
                labels,
                0,
                message=f"labels must be in [0, {self.num_classes})",
            ),
            tf.debugging.assert_less(
                labels,
                self.num_classes,
                message=f"labels must be in [0, {self.num_classes})",
            ),
        ]
        with tf.control_dependencies(checks):
            return tf.one_hot(labels, self.num_classes, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update({"num_classes": self.num_classes})
        return config


# Discriminator layers add this to their index, so that a generator and a
# discriminator built with one seed draw different weights.
D_SEED_OFFSET = 100


def normal_initializer(seed, index, stddev=0.02):
    """N(0, stddev) weights, seeded per layer (`seed` None: unseeded).

    Radford et al. initialise every DCGAN weight from N(0, 0.02).
    """
    layer_seed = None if seed is None else int(seed) * 1000 + index
    return keras.initializers.RandomNormal(stddev=stddev, seed=layer_seed)


def glorot_initializer(seed, index):
    """Glorot-uniform weights, seeded per layer (`seed` None: unseeded)."""
    layer_seed = None if seed is None else int(seed) * 1000 + index
    return keras.initializers.GlorotUniform(seed=layer_seed)


def spectral(layer, inputs, on, seed, index):
    """`layer(inputs)`, through `keras.layers.SpectralNormalization` if `on`
    (Miyato et al. 2018).

    Keras draws the power iteration's start vector `u` unseeded; it is
    redrawn here from `seed` (per layer `index`), so that a seeded network
    is the same every time it is built.
    """
    if not on:
        return layer(inputs)
    wrapper = keras.layers.SpectralNormalization(layer, name=f"{layer.name}_sn")
    outputs = wrapper(inputs)
    if seed is not None:
        u = keras.random.truncated_normal(wrapper.vector_u.shape, stddev=0.02, seed=int(seed) * 1000 + 500 + index)
        wrapper.vector_u.assign(keras.ops.cast(u, wrapper.vector_u.dtype))
    return outputs


def label_input(num_classes):
    """`(labels, code)`: an int32 `labels` Input and its one-hot code."""
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    return labels, OneHot(num_classes, name="one_hot")(labels)


def latent_input(latent_dim, num_classes=None):
    """A generator's inputs: `(inputs, h)` with `h` = z, or z and the one-hot label."""
    z = keras.Input(shape=(int(latent_dim),), name="z")
    if num_classes is None:
        return [z], z
    labels, code = label_input(num_classes)
    return [z, labels], keras.layers.Concatenate(name="z_and_label")([z, code])


def functional_model(inputs, outputs, name):
    """`keras.Model` over one input (unconditional) or `[sample, labels]`."""
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs, name=name)
