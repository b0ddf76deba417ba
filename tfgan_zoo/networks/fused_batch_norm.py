"""Keras' `BatchNormalization` on TensorFlow's fused kernel, for image maps.

Keras 3 normalises with separate ops (moments, then a chain of `Mul`,
`Sub`, `AddV2`, and under a mixed policy `Cast`s to float32 and back),
forward and backward. On the CPU that was 10% of a float32 `dcgan` step and
28% of a bfloat16 one (README, "Roofline and where the time goes").
`FusedBatchNormalization` computes the same thing with one
`FusedBatchNormV3` op (oneDNN's kernel, which takes bfloat16 activations
with float32 statistics) and its fused gradient.

The same layer otherwise: the same variables, hparams, moving-average rule
(`moving = moving * momentum + batch * (1 - momentum)`, with the batch's
biased variance, as Keras) and inference path; `tests/test_networks.py`
checks outputs, gradients and moving statistics against Keras' layer. It
falls back to Keras' own computation where the fused kernel does not apply:
`synchronized=True` (statistics over all replicas), inputs that are not
4-D, a channel axis other than the last, a mask.

Example:

>>> import numpy as np
>>> layer = FusedBatchNormalization()
>>> y = layer(np.ones((2, 3, 3, 4), "float32"), training=True)
>>> tuple(y.shape), float(np.abs(y).max())
((2, 3, 3, 4), 0.0)
"""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` through `FusedBatchNormV3` (NHWC maps)."""

    def _fused(self, inputs, mask):
        return not self.synchronized and mask is None and len(inputs.shape) == 4 and self.axis in (-1, 3)

    def call(self, inputs, training=None, mask=None):
        if not self._fused(inputs, mask):
            return super().call(inputs, training=training, mask=mask)
        channels = inputs.shape[-1]
        scale = tf.cast(self.gamma, tf.float32) if self.scale else tf.ones([channels], tf.float32)
        offset = tf.cast(self.beta, tf.float32) if self.center else tf.zeros([channels], tf.float32)
        if training and self.trainable:
            y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
                inputs, scale, offset, epsilon=self.epsilon, is_training=True)
            # The kernel returns the Bessel-corrected variance; Keras averages the biased one.
            n = tf.cast(tf.reduce_prod(tf.shape(inputs)[:-1]), tf.float32)
            variance = variance * (n - 1.0) / n
            self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
            return y
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(
            inputs, scale, offset, mean=tf.cast(self.moving_mean, tf.float32),
            variance=tf.cast(self.moving_variance, tf.float32), epsilon=self.epsilon, is_training=False)
        return y
