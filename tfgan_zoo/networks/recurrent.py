"""Recurrent generator and discriminator for sequences (Esteban, Hyland &
Raetsch 2017, "Real-valued (Medical) Time Series Generation with Recurrent
Conditional GANs").

- Generator: an LSTM that reads, at every step `t`, the noise `z_t` (a
  `[batch, steps, latent_dim]` input) concatenated with the one-hot class
  (the same at every step), and emits `num_features` values per step
  through a dense head (`tanh`: data in [-1, 1]).
- Discriminator: an LSTM over the sequence (concatenated with the one-hot
  class at every step) that emits one logit **per time step**,
  `[batch, steps, 1]`; the losses average them per example, which is the
  paper's per-step cross-entropy.

Example:

>>> g, d = recurrent_pair(sequence_length=6, num_features=2, latent_dim=3, hidden_units=4, num_classes=2)
>>> [tuple(t.shape) for t in g.inputs], tuple(g.output.shape)
([(None, 6, 3), (None,)], (None, 6, 2))
>>> tuple(d.output.shape)
(None, 6, 1)
"""

import keras

from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import functional_model
from tfgan_zoo.networks.layers import glorot_initializer
from tfgan_zoo.networks.layers import label_input


def _positive(value, name):
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


def _with_label(inputs, h, steps, num_classes):
    """`h` concatenated with the one-hot label at every step (when conditional)."""
    if num_classes is None:
        return h
    labels, code = label_input(num_classes)
    inputs.append(labels)
    code = keras.layers.RepeatVector(steps, name="label_per_step")(code)
    return keras.layers.Concatenate(name="with_label")([h, code])


def _lstm(hidden_units, seed, index):
    orthogonal = keras.initializers.Orthogonal(seed=None if seed is None else int(seed) * 1000 + index + 500)
    return keras.layers.LSTM(
        hidden_units,
        return_sequences=True,
        kernel_initializer=glorot_initializer(seed, index),
        recurrent_initializer=orthogonal,
        name="lstm",
    )


def recurrent_generator(
    sequence_length,
    num_features,
    latent_dim,
    hidden_units=100,
    num_classes=None,
    output_activation="tanh",
    seed=None,
    name="generator",
):
    """An LSTM generator: `z [batch, steps, latent_dim]` (and labels) -> `[batch, steps, num_features]`.

    Args:
        sequence_length: steps per sequence.
        num_features: values per step.
        latent_dim: noise values per step.
        hidden_units: LSTM units.
        num_classes: if set, the generator also takes integer `labels`,
            one-hot encoded and read at every step.
        output_activation: the head's activation, `"tanh"` or `"linear"`.
        seed: seeds the weight initialisers.
        name: model name.
    """
    steps, features = _positive(sequence_length, "sequence_length"), _positive(num_features, "num_features")
    z = keras.Input(shape=(steps, _positive(latent_dim, "latent_dim")), name="z")
    inputs = [z]
    h = _with_label(inputs, z, steps, num_classes)
    h = _lstm(_positive(hidden_units, "hidden_units"), seed, 0)(h)
    h = keras.layers.Dense(features, kernel_initializer=glorot_initializer(seed, 1), name="dense_out")(h)
    out = keras.layers.Activation(output_activation, dtype="float32", name="out")(h)
    return functional_model(inputs, out, name)


def recurrent_discriminator(
    sequence_length, num_features, hidden_units=100, num_classes=None, seed=None, name="discriminator"
):
    """An LSTM discriminator: a sequence (and labels) -> one logit per step, `[batch, steps, 1]`.

    Args:
        sequence_length: steps per sequence.
        num_features: values per step.
        hidden_units: LSTM units.
        num_classes: if set, the discriminator also takes integer `labels`,
            one-hot encoded and read at every step.
        seed: seeds the weight initialisers.
        name: model name.
    """
    steps, features = _positive(sequence_length, "sequence_length"), _positive(num_features, "num_features")
    x = keras.Input(shape=(steps, features), name="x")
    inputs = [x]
    h = _with_label(inputs, x, steps, num_classes)
    h = _lstm(_positive(hidden_units, "hidden_units"), seed, D_SEED_OFFSET)(h)
    logits = keras.layers.Dense(
        1, kernel_initializer=glorot_initializer(seed, D_SEED_OFFSET + 1), dtype="float32", name="logits"
    )(h)
    return functional_model(inputs, logits, name)


def recurrent_pair(sequence_length, num_features, latent_dim, hidden_units=100, num_classes=None, seed=None):
    """`(recurrent_generator, recurrent_discriminator)` with shared options."""
    common = dict(hidden_units=hidden_units, num_classes=num_classes, seed=seed)
    return (
        recurrent_generator(sequence_length, num_features, latent_dim, **common),
        recurrent_discriminator(sequence_length, num_features, **common),
    )
