"""The networks of `text_gan`: 1-D convolutional residual stacks (Gulrajani
et al. 2017's language model) or LSTMs.

- Generator: `z [batch, latent_dim]` -> logits `[batch, steps, symbols]`
  (the layer `text_logits`) -> a softmax per position (float32).
  `"conv"`: a dense layer to `[steps, width]`, `blocks` residual blocks
  (ReLU, conv 5, ReLU, conv 5, added back at 0.3, as in the paper's code),
  a width-1 convolution. `"lstm"`: `z` at every step into an LSTM of
  `width` units, a dense layer per step.
- Critic: `[batch, steps, symbols]` (softmaxes of fakes, one-hots of reals)
  -> `[batch, 1]`. `"conv"`: a width-1 convolution to `width` channels,
  `blocks` residual blocks, a dense layer on the flattened features.
  `"lstm"`: an LSTM of `width` units, a dense layer on its last output.

No normalisation in the critic (its gradient penalty is per example).

Example:

>>> g, d = text_networks("conv", latent_dim=4, sequence_length=6, symbols=5, width=8, blocks=1, seed=0)
>>> tuple(g.output.shape), tuple(d.output.shape)
((None, 6, 5), (None, 1))
"""

import keras

from tfgan_zoo.networks.layers import D_SEED_OFFSET
from tfgan_zoo.networks.layers import glorot_initializer

NETWORKS = ("conv", "lstm")
RESIDUAL_SCALE = 0.3  # Gulrajani et al.'s language model adds 0.3 of each block.


def _residual_block(h, width, seed, index, name):
    r = keras.layers.ReLU(name=f"{name}_relu1")(h)
    r = keras.layers.Conv1D(width, 5, padding="same", kernel_initializer=glorot_initializer(seed, index), name=f"{name}_conv1")(r)
    r = keras.layers.ReLU(name=f"{name}_relu2")(r)
    r = keras.layers.Conv1D(width, 5, padding="same", kernel_initializer=glorot_initializer(seed, index + 1), name=f"{name}_conv2")(r)
    r = keras.layers.Rescaling(RESIDUAL_SCALE, name=f"{name}_scale")(r)
    return keras.layers.Add(name=f"{name}_add")([h, r])


def _lstm(width, seed, index, return_sequences):
    return keras.layers.LSTM(
        width,
        return_sequences=return_sequences,
        kernel_initializer=glorot_initializer(seed, index),
        recurrent_initializer=keras.initializers.Orthogonal(seed=None if seed is None else int(seed) * 1000 + index + 500),
        name="lstm",
    )


def text_generator(network, latent_dim, sequence_length, symbols, width, blocks, seed=None):
    z = keras.Input((latent_dim,), name="z")
    if network == "conv":
        h = keras.layers.Dense(sequence_length * width, kernel_initializer=glorot_initializer(seed, 0), name="project")(z)
        h = keras.layers.Reshape((sequence_length, width), name="positions")(h)
        for b in range(blocks):
            h = _residual_block(h, width, seed, 1 + 2 * b, f"block{b}")
        logits = keras.layers.Conv1D(symbols, 1, kernel_initializer=glorot_initializer(seed, 99), name="text_logits")(h)
    else:
        h = keras.layers.RepeatVector(sequence_length, name="z_per_step")(z)
        h = _lstm(width, seed, 1, return_sequences=True)(h)
        logits = keras.layers.Dense(symbols, kernel_initializer=glorot_initializer(seed, 99), name="text_logits")(h)
    out = keras.layers.Softmax(dtype="float32", name="softmax")(logits)
    return keras.Model(z, out, name="generator")


def text_critic(network, sequence_length, symbols, width, blocks, seed=None):
    seed = None if seed is None else int(seed) + D_SEED_OFFSET
    x = keras.Input((sequence_length, symbols), name="characters")
    if network == "conv":
        h = keras.layers.Conv1D(width, 1, kernel_initializer=glorot_initializer(seed, 0), name="embed")(x)
        for b in range(blocks):
            h = _residual_block(h, width, seed, 1 + 2 * b, f"block{b}")
        h = keras.layers.Flatten(name="flatten")(h)
    else:
        h = _lstm(width, seed, 1, return_sequences=False)(x)
    out = keras.layers.Dense(1, kernel_initializer=glorot_initializer(seed, 99), dtype="float32", name="score")(h)
    return keras.Model(x, out, name="discriminator")


def text_networks(network, latent_dim, sequence_length, symbols, width, blocks, seed=None):
    """`(generator, critic)` of `network` (`"conv"` or `"lstm"`)."""
    if network not in NETWORKS:
        raise ValueError(f"Unknown text network {network!r}. Valid: {list(NETWORKS)}. Received: network={network!r}")
    return (
        text_generator(network, latent_dim, sequence_length, symbols, width, blocks, seed),
        text_critic(network, sequence_length, symbols, width, blocks, seed),
    )
