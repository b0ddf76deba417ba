"""Minibatch layers: a discriminator's features of each example's closeness
to the rest of its batch, against mode collapse.

- `MinibatchDiscrimination` (Salimans et al. 2016, section 3.2): the
  features `f` `[n, A]` are projected by a learned tensor `T` to `n × B`
  rows of size `C`, `M_i,b`; the layer appends
  `o(x_i)_b = Σ_{j ≠ i} exp(−||M_i,b − M_j,b||₁)`, `B` features per
  example.
- `MinibatchStddev` (Karras et al. 2018, section 3): the standard
  deviation of each feature over the batch, averaged over the features
  into one value, appended to every example as one more feature.
- `Pack` (PacGAN, Lin et al. 2018): a discriminator's input layer that
  joins `m` consecutive examples of the batch along the channels, so the
  discriminator judges `m` samples at once (all real or all fake) and
  sees a mode-dropping generator's lack of variety within each pack.

All three see the batch they are called on: under a `tf.distribute` strategy,
each replica's slice of the global batch (the statistic is per replica).
`minibatch_layer` adds one to a network's last hidden features (the
default networks' `minibatch_features` option).
"""

import keras
import tensorflow as tf
from keras import ops

from tfgan_zoo import graph_checks

KINDS = ("discrimination", "stddev")


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class MinibatchDiscrimination(keras.layers.Layer):
    """Appends `kernels` minibatch-discrimination features to `[batch, A]` inputs.

    Args:
        kernels: `B`, the number of features appended.
        kernel_dim: `C`, the size of each projected row.
        kernel_initializer: for `T` `[A, B·C]` (the authors' N(0, 0.05)).

    Example:

    >>> layer = MinibatchDiscrimination(3, 2)
    >>> tuple(layer(np.zeros((4, 5), "float32")).shape)
    (4, 8)
    """

    def __init__(self, kernels=100, kernel_dim=5, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        for value, name in ((kernels, "kernels"), (kernel_dim, "kernel_dim")):
            if isinstance(value, bool) or int(value) != value or int(value) < 1:
                raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
        self.kernels, self.kernel_dim = int(kernels), int(kernel_dim)
        self.kernel_initializer = keras.initializers.get(kernel_initializer or keras.initializers.RandomNormal(stddev=0.05))

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.kernels * self.kernel_dim), initializer=self.kernel_initializer, name="kernel"
        )

    def call(self, features):
        rows = ops.reshape(ops.matmul(features, self.kernel), (-1, self.kernels, self.kernel_dim))
        # [n, n, B]: L1 distances between every pair of examples, per kernel.
        distances = ops.sum(ops.abs(rows[:, None] - rows[None, :]), axis=-1)
        others = 1.0 - ops.eye(ops.shape(features)[0], dtype=features.dtype)
        closeness = ops.sum(ops.exp(-distances) * others[:, :, None], axis=1)
        return ops.concatenate([features, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], int(input_shape[-1]) + self.kernels)

    def get_config(self):
        return {**super().get_config(), "kernels": self.kernels, "kernel_dim": self.kernel_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class MinibatchStddev(keras.layers.Layer):
    """Appends the batch's mean feature standard deviation to `[batch, A]`
    inputs, or as one more channel to feature maps `[batch, ..., C]`
    (Karras et al. 2018 add it before the last convolution).

    Args:
        epsilon: added to the variance under the square root.

    Example:

    >>> out = MinibatchStddev()(np.array([[0.0, 1.0], [2.0, 1.0]], "float32"))
    >>> np.round(np.asarray(out)[:, -1], 3).tolist()  # (1 + 0) / 2
    [0.5, 0.5]
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, features):
        std = ops.sqrt(ops.var(features, axis=0) + self.epsilon)  # Population variance over the batch.
        value = ops.mean(std) * ops.ones_like(features[..., :1])
        return ops.concatenate([features, value], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], int(input_shape[-1]) + 1)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class Pack(keras.layers.Layer):
    """`[batch, ..., C]` -> `[batch / m, ..., m·C]`: examples `i·m … i·m + m − 1`
    side by side along the channels (channel `j·C + c` of pack `i` is
    channel `c` of example `i·m + j`). The batch must be a multiple of `m`.

    Args:
        m: examples per pack (PacGAN's degree of packing; 1: unchanged).

    Example:

    >>> x = np.arange(4, dtype="float32").reshape(4, 1, 1)   # 4 examples, 1 position, 1 channel
    >>> np.asarray(Pack(2)(x)).tolist()
    [[[0.0, 1.0]], [[2.0, 3.0]]]
    """

    def __init__(self, m=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ValueError(f"Examples per pack must be a positive int. Received: packing={m!r}")
        self.m = m

    def call(self, x):
        batch = tf.shape(x)[0]
        x = graph_checks.checked(graph_checks.require(
            batch % self.m == 0, f"The discriminator packs {self.m} examples, so its batch must be a multiple of "
            f"{self.m}. Received: a batch of {{}}", batch), x)
        rank, channels = len(x.shape), int(x.shape[-1])
        packs = ops.reshape(x, (-1, self.m, *x.shape[1:]))
        packs = ops.transpose(packs, (0, *range(2, rank), 1, rank))  # [packs, ..., m, C]
        return ops.reshape(packs, (-1, *x.shape[1:-1], self.m * channels))

    def compute_output_shape(self, input_shape):
        batch = None if input_shape[0] is None else input_shape[0] // self.m
        return (batch, *input_shape[1:-1], int(input_shape[-1]) * self.m)

    def get_config(self):
        return {**super().get_config(), "m": self.m}


def minibatch_layer(features, kind, kernels=100, kernel_dim=5, initializer=None):
    """`features` `[batch, A]` with the minibatch features of `kind` appended
    (`None`: unchanged)."""
    if kind is None:
        return features
    if kind == "discrimination":
        return MinibatchDiscrimination(kernels, kernel_dim, initializer, name="minibatch")(features)
    if kind == "stddev":
        return MinibatchStddev(name="minibatch")(features)
    raise ValueError(f"Unknown minibatch features {kind!r}. Valid: {list(KINDS)}. Received: minibatch_features={kind!r}")
