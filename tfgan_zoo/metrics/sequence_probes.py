"""Small post-hoc recurrent networks that the sequence metrics train.

TimeGAN's protocol (Yoon, Jarrett & van der Schaar 2019) judges generated
sequences by how well a small GRU does on them: a classifier that tells
real from generated (`discriminative`), a next-step predictor trained on
one set and tested on another (`predictive`), and here also a class
classifier trained on real data (`sequence_cacc`). Each probe is built
with seeded weights and trained on a seeded shuffle, so a seed gives the
same score on the same inputs (on one machine).

Example:

>>> import numpy as np
>>> x = np.zeros((8, 5, 1), np.float32)
>>> probe = fit_classifier(x, np.arange(8) % 2, num_classes=2, units=2, epochs=1)
>>> probe.predict(x, verbose=0).shape
(8, 2)
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.metrics import checks

_BATCH = 32


def sequences(x, name, min_samples=1):
    """Float32 `[n, steps, features]` sequences, finite, with `n >= min_samples`."""
    array = checks.as_float64(x, name)
    if array.ndim != 3 or min(array.shape[1:]) < 1:
        raise ValueError(
            f"`{name}` must have rank 3, shape [num_samples, steps, features]. Received: {name}.shape={array.shape}"
        )
    if array.shape[0] < min_samples:
        raise ValueError(f"`{name}` must have at least {min_samples} sample(s). Received: {name}.shape={array.shape}")
    checks.check_finite(array, name)
    return array.astype(np.float32)


def same_shape(a, b, name_a, name_b):
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same [steps, features]. "
            f"Received: {name_a}.shape={a.shape}, {name_b}.shape={b.shape}"
        )


def _gru(x_shape, units, outputs, seed, return_sequences, name):
    glorot = keras.initializers.GlorotUniform
    inputs = keras.Input(shape=x_shape)
    h = keras.layers.GRU(
        units,
        return_sequences=return_sequences,
        kernel_initializer=glorot(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
    )(inputs)
    out = keras.layers.Dense(outputs, kernel_initializer=glorot(seed=seed + 2))(h)
    return keras.Model(inputs, out, name=name)


def _fit(model, x, y, loss, epochs, seed):
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(_BATCH)
    model.fit(ds, epochs=int(epochs), verbose=0)
    return model


def fit_classifier(x, y, num_classes, units=16, epochs=10, seed=0):
    """A GRU over `x [n, steps, features]` -> `num_classes` logits, trained on labels `y`."""
    model = _gru(x.shape[1:], units, num_classes, seed, False, "probe_classifier")
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return _fit(model, x, np.asarray(y, np.int32), loss, epochs, seed)


def fit_predictor(x, units=16, epochs=10, seed=0):
    """A GRU that reads `x[:, :t]` and predicts `x[:, t]` at every step `t >= 1` (MAE loss)."""
    model = _gru((x.shape[1] - 1, x.shape[2]), units, x.shape[2], seed, True, "probe_predictor")
    return _fit(model, x[:, :-1], x[:, 1:], "mae", epochs, seed)
