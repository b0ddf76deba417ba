"""Feature matching (Salimans et al. 2016): the matched features and the loss."""

import keras
import tensorflow as tf


def feature_matching_loss(real_features, fake_features):
    """`||mean real − mean fake||²` over the global batch (all replicas).

    Example:

    >>> float(feature_matching_loss(tf.constant([[1.0, 2.0], [3.0, 2.0]]), tf.zeros((2, 2))))
    8.0
    """
    real = tf.reshape(tf.cast(real_features, tf.float32), [tf.shape(real_features)[0], -1])
    fake = tf.reshape(tf.cast(fake_features, tf.float32), [tf.shape(fake_features)[0], -1])
    count = _global_sum(tf.cast(tf.shape(real)[0], tf.float32))
    difference = _global_sum(tf.reduce_sum(real, 0) - tf.reduce_sum(fake, 0)) / count
    return tf.reduce_sum(tf.square(difference))


def _global_sum(value):
    # The all-reduce is differentiable: the gradient of a sum over replicas
    # is the sum of the replicas' gradients.
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return value
    return ctx.all_reduce(tf.distribute.ReduceOp.SUM, value)


def feature_model(discriminator, layer_name):
    """A model from the discriminator's inputs to the matched features (sharing its layers)."""
    inputs = discriminator.inputs[0] if len(discriminator.inputs) == 1 else discriminator.inputs
    if layer_name is None:
        features = discriminator.layers[-1].input
        if isinstance(features, (list, tuple)) or any(features is t for t in discriminator.inputs):
            raise ValueError(
                "feature_matching needs a hidden layer before the discriminator's output layer; name one "
                f"with `feature_layer`. Received: discriminator={discriminator.name!r} with output layer "
                f"{discriminator.layers[-1].name!r}"
            )
    else:
        names = [layer.name for layer in discriminator.layers]
        if layer_name not in names:
            raise ValueError(
                f"The discriminator has no layer {layer_name!r}. Valid: {names}. Received: feature_layer={layer_name!r}"
            )
        features = discriminator.get_layer(layer_name).output
    return keras.Model(inputs, features, name=f"{discriminator.name}_features")
