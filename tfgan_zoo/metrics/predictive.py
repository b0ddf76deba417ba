"""Predictive score (TimeGAN's "train on synthetic, test on real", TSTR):
the mean absolute error, on real held-out sequences, of a small GRU
next-step predictor trained on another set. Trained on generated sequences
it is TSTR; trained on real ones, TRTR, its reference.

Example:

>>> import numpy as np
>>> x = np.array([[[0.0], [1.0], [2.0]]])
>>> next_step_mae(np.array([[[1.0], [1.0]]]), x)  # errors 0 and 1
0.5
"""

import numpy as np

from tfgan_zoo.metrics import sequence_probes


def next_step_mae(predictions, sequences):
    """Mean `|predictions[:, t-1] - sequences[:, t]|` over examples, steps `t >= 1` and features."""
    predictions, sequences = np.asarray(predictions, np.float64), np.asarray(sequences, np.float64)
    if predictions.shape != (sequences.shape[0], sequences.shape[1] - 1, sequences.shape[2]):
        raise ValueError(
            "`predictions` must be [n, steps - 1, features] for sequences [n, steps, features]. "
            f"Received: predictions.shape={predictions.shape}, sequences.shape={sequences.shape}"
        )
    return float(np.mean(np.abs(predictions - sequences[:, 1:])))


def predictive_score(train, test, units=16, epochs=10, seed=0):
    """MAE on `test` of a GRU next-step predictor trained on `train` (lower is better).

    Args:
        train: sequences `[n, steps, features]` to train on (generated: TSTR;
            real: TRTR), `steps >= 2`.
        test: real held-out sequences, the same `[steps, features]`.
        units: GRU units of the predictor.
        epochs: its training epochs.
        seed: seeds the weights and the shuffle.
    """
    train = sequence_probes.sequences(train, "train")
    test = sequence_probes.sequences(test, "test")
    sequence_probes.same_shape(train, test, "train", "test")
    if train.shape[1] < 2:
        raise ValueError(f"Next-step prediction needs at least 2 steps. Received: train.shape={train.shape}")
    predictor = sequence_probes.fit_predictor(train, units=units, epochs=epochs, seed=seed)
    return next_step_mae(predictor.predict(test[:, :-1], verbose=0, batch_size=256), test)
