"""Virtual batch normalisation (Salimans et al. 2016, section 3.4).

Batch norm makes a generator's output for one `z` depend on the other
`z` of its batch. VBN normalises each example with the statistics of a
fixed reference batch combined with the example itself, so an output
depends on its own input only (and on the reference batch, which is
fixed). As in the authors' code, the reference batch goes through the
network with every batch:

- `ReferenceBatch` (after the generator's inputs) prepends the reference
  rows, a non-trainable weight (so `.keras` files, checkpoints and the
  SavedModel keep it); the model fills them when it is built
  (`tfgan_zoo.models.stabilisers`: `z` from its prior, seeded, and the
  classes in turn for a conditional generator), before any training;
- each `VirtualBatchNormalization` normalises the reference rows with
  their own mean and mean square per channel, and each other example `x`
  with `μ = a·mean(x) + (1 − a)·μ_ref` and `E[x²]` likewise,
  `a = 1 / (R + 1)`, then scales by `γ` and shifts by `β`;
- `DropReference` (the last layer) removes the reference rows.

Training and inference compute the same (there are no moving
statistics), and under a `tf.distribute` strategy every replica runs the
whole reference batch, so N replicas compute what one would.
"""

import keras
from keras import ops

REFERENCE_SIZE = 64


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class ReferenceBatch(keras.layers.Layer):
    """Prepends `size` fixed rows to `[batch, d]` inputs.

    Args:
        size: `R`, the rows of the reference batch.
    """

    def __init__(self, size=REFERENCE_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def build(self, input_shape):
        self.reference = self.add_weight(
            shape=(self.size, int(input_shape[-1])), initializer="zeros", trainable=False, name="reference"
        )

    def set_rows(self, z, labels=None):
        """Sets the rows to `z` `[R, latent]`, and the one-hot `labels` `[R]`
        after them (the order of `networks.layers.latent_input`)."""
        rows = ops.cast(z, "float32")
        width = int(self.reference.shape[-1])
        if labels is not None:
            rows = ops.concatenate([rows, ops.one_hot(labels, width - int(z.shape[-1]))], axis=-1)
        if tuple(rows.shape) != tuple(self.reference.shape):
            raise ValueError(
                f"The reference batch of {self.name!r} has shape {tuple(self.reference.shape)}. "
                f"Received: rows of shape {tuple(rows.shape)}"
            )
        self.reference.assign(rows)

    def call(self, inputs):
        return ops.concatenate([ops.cast(self.reference, inputs.dtype), inputs], axis=0)

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class DropReference(keras.layers.Layer):
    """Removes the first `size` rows (the reference batch)."""

    def __init__(self, size=REFERENCE_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return inputs[self.size:]

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class VirtualBatchNormalization(keras.layers.Layer):
    """VBN of `[R + n, ..., channels]` inputs whose first `R` rows are the
    reference batch; see the module docstring.

    Args:
        reference_size: `R`.
        epsilon: added to the variance.

    Example:

    >>> layer = VirtualBatchNormalization(reference_size=2)
    >>> x = np.array([[0.0], [2.0], [1.0], [5.0]], "float32")  # reference 0, 2
    >>> [round(float(v), 3) for v in np.asarray(layer(x))[:, 0]]  # 5: mean 7/3, E[x²] 29/3, so var 38/9
    [-1.0, 1.0, 0.0, 1.298]
    """

    def __init__(self, reference_size=REFERENCE_SIZE, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.reference_size = int(reference_size)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        channels = (int(input_shape[-1]),)
        self.gamma = self.add_weight(shape=channels, initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=channels, initializer="zeros", name="beta")

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        r = self.reference_size
        reference, live = x[:r], x[r:]
        inner = tuple(range(1, len(x.shape) - 1))  # The axes of one example's positions.
        ref_mean = ops.mean(reference, axis=(0,) + inner, keepdims=True)
        ref_square = ops.mean(ops.square(reference), axis=(0,) + inner, keepdims=True)
        own_mean = ops.mean(live, axis=inner, keepdims=True) if inner else live
        own_square = ops.mean(ops.square(live), axis=inner, keepdims=True) if inner else ops.square(live)
        a = 1.0 / (r + 1.0)
        mean = a * own_mean + (1.0 - a) * ref_mean
        square = a * own_square + (1.0 - a) * ref_square
        out = ops.concatenate([self._normalize(reference, ref_mean, ref_square), self._normalize(live, mean, square)], 0)
        return ops.cast(out, self.compute_dtype)

    def _normalize(self, x, mean, square):
        variance = ops.maximum(square - ops.square(mean), 0.0)
        return (x - mean) * ops.rsqrt(variance + self.epsilon) * ops.cast(self.gamma, "float32") + ops.cast(
            self.beta, "float32")

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "reference_size": self.reference_size, "epsilon": self.epsilon}
