"""Weight averages: the generator's EMA, and historical averaging's running means.

- `generator_averages(generator)`: `avg ← β·avg + (1 − β)·w` after every
  generator update (`ema_decay`); the averages are non-trainable weights
  of the generator, so the `.keras` file and the SavedModel keep them.
- `HistoricalAverages`: the running mean `θ̄ = mean(θ_0, ..., θ_t)` of one
  player's weights over its updates (`historical_averaging`, Salimans et
  al. 2016), with `||θ − θ̄||²` its penalty. The means and their count are
  non-trainable weights of the model, so `.keras` files and the weight
  checkpoints of a resumed run keep them.
"""

import tensorflow as tf

_EMA_ATTRIBUTE = "_tfgan_zoo_ema"


def generator_averages(generator):
    """The generator's weight averages, created once per generator as its
    own non-trainable weights (initialised to the current weights)."""
    if not hasattr(generator, _EMA_ATTRIBUTE):
        averages = []
        for i, weight in enumerate(generator.trainable_variables):
            average = generator.add_weight(
                shape=weight.shape, dtype=weight.dtype, initializer="zeros", trainable=False, name=f"ema_{i}"
            )
            average.assign(weight)
            averages.append(average)
        # Not an attribute Keras tracks: the generator tracks the weights.
        object.__setattr__(generator, _EMA_ATTRIBUTE, averages)
    return getattr(generator, _EMA_ATTRIBUTE)


def weight_averages(generator):
    """The averages of `generator`'s trainable variables (in their order)
    when the model averages them (`ema_decay`), else `[]`."""
    return list(getattr(generator, _EMA_ATTRIBUTE, []))


class HistoricalAverages:
    """The running mean of one player's trainable weights over its updates.

    Each loss computation first folds the current weights in,
    `θ̄ ← θ̄ + (θ − θ̄) / count` (count 1: the initial weights), then
    penalises `Σ ||θ − θ̄||²` (`θ̄` a constant). Folding at the next step
    rather than after an update sees the weights as the update left them
    (e.g. clipped by `wgan`). The state is `model`'s own non-trainable
    weights, named `<prefix>_history_*`.

    Args:
        model: the `GAN` that keeps the state.
        network: the player's network, whose trainable weights are averaged.
        prefix: `"g"` or `"d"`.
    """

    def __init__(self, model, network, prefix):
        self.variables = list(network.trainable_variables)
        self.count = model.add_weight(shape=(), initializer="zeros", trainable=False, name=f"{prefix}_history_count")
        self.means = [
            model.add_weight(shape=w.shape, dtype=w.dtype, initializer="zeros", trainable=False, name=f"{prefix}_history_{i}")
            for i, w in enumerate(self.variables)
        ]

    def penalty(self):
        """Folds the current weights into the means; returns `Σ ||θ − θ̄||²`
        (float32, differentiable in θ)."""
        count = self.count + 1.0
        self.count.assign(count)
        terms = []
        for weight, mean in zip(self.variables, self.means):
            mean.assign(mean + (weight - mean) / tf.cast(count, mean.dtype))
            terms.append(tf.reduce_sum(tf.square(tf.cast(weight, tf.float32) - tf.cast(mean, tf.float32))))
        return tf.add_n(terms)
