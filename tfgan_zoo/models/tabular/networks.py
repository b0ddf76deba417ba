"""CTGAN's networks (Xu et al. 2019) over a `TableTransformer` layout.

- Generator: `[z, one-hot condition]` -> residual blocks (each
  `concat(h, ReLU(BN(Dense(h))))`, so a block's input passes through) ->
  `Dense(output_dim)` logits (layer `"table_logits"`) -> `TableActivation`:
  `tanh` for each scalar head, `softmax` for each one-hot head.
- Critic: `pac` rows (and their conditions) concatenated into one input ->
  `Dense -> LeakyReLU(0.2) -> Dropout` blocks -> one linear score.
"""

import keras
import tensorflow as tf

from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import functional_model
from tfgan_zoo.networks.layers import glorot_initializer
from tfgan_zoo.networks.layers import latent_input


def activate(logits, layout, noise=None, temperature=1.0):
    """`tanh` on the scalar heads, (Gumbel-)softmax on the one-hot heads.

    Args:
        logits: `[batch, output_dim]`.
        layout: `[(start, width, "tanh" | "softmax")]` (`TableTransformer.layout`).
        noise: Gumbel noise `[batch, output_dim]` for a Gumbel-softmax
            (`softmax((logits + noise) / temperature)`), or None.
        temperature: the Gumbel-softmax temperature.
    """
    parts = []
    for start, width, kind in layout:
        head = logits[:, start : start + width]
        if kind == "tanh":
            parts.append(tf.tanh(head))
        elif noise is None:
            parts.append(tf.nn.softmax(head))
        else:
            parts.append(tf.nn.softmax((head + noise[:, start : start + width]) / temperature))
    return tf.concat(parts, axis=-1)


@keras.saving.register_keras_serializable(package="tfgan_zoo")
class TableActivation(keras.layers.Layer):
    """The generator's output heads (`activate` without noise).

    Args:
        layout: `[(start, width, "tanh" | "softmax")]`.
    """

    def __init__(self, layout, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.layout = [tuple(span) for span in layout]

    def call(self, logits):
        return activate(tf.cast(logits, tf.float32), self.layout)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "layout": [list(span) for span in self.layout]}


def table_generator(latent_dim, layout, num_classes=None, width=256, blocks=2, seed=None, synchronized_bn=False):
    """The residual generator; inputs `z` (and int `labels`, the condition slots)."""
    output_dim = layout[-1][0] + layout[-1][1]
    inputs, h = latent_input(latent_dim, num_classes)
    for i in range(int(blocks)):
        r = keras.layers.Dense(width, kernel_initializer=glorot_initializer(seed, i), name=f"dense_{i}")(h)
        r = keras.layers.BatchNormalization(synchronized=synchronized_bn, name=f"bn_{i}")(r)
        r = keras.layers.ReLU(name=f"relu_{i}")(r)
        h = keras.layers.Concatenate(name=f"residual_{i}")([h, r])
    logits = keras.layers.Dense(
        output_dim, kernel_initializer=glorot_initializer(seed, int(blocks)), name="table_logits"
    )(h)
    return functional_model(inputs, TableActivation(layout, name="table_activation")(logits), "generator")


def table_critic(output_dim, num_classes=None, pac=10, width=256, blocks=2, dropout=0.5, seed=None):
    """The packed critic: inputs `[pac * output_dim]` (and `[pac * num_classes]`
    one-hot conditions) -> `[batch / pac, 1]` scores."""
    x = keras.Input(shape=(int(pac) * int(output_dim),), name="packed_rows")
    inputs, h = [x], x
    if num_classes is not None:
        conditions = keras.Input(shape=(int(pac) * int(num_classes),), name="packed_conditions")
        inputs.append(conditions)
        h = keras.layers.Concatenate(name="rows_and_conditions")([x, conditions])
    for i in range(int(blocks)):
        h = keras.layers.Dense(width, kernel_initializer=glorot_initializer(seed, D_SEED_OFFSET + i), name=f"dense_{i}")(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"lrelu_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout, seed=None if seed is None else seed + i, name=f"dropout_{i}")(h)
    score = keras.layers.Dense(
        1, kernel_initializer=glorot_initializer(seed, D_SEED_OFFSET + int(blocks)), dtype="float32", name="score"
    )(h)
    return functional_model(inputs, score, "critic")
