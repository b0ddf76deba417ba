"""Conditional accuracy of a sequence model: a GRU classifier trained on
real labelled sequences (e.g. sine vs sawtooth) labels `generate(labels=k)`
as `k`.

Example:

>>> label_agreement([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0]], [0, 1, 1])
0.6666666666666666
"""

import numpy as np

from tfgan_zoo.metrics import sequence_probes


def label_agreement(logits, labels):
    """The fraction of rows whose largest logit is the requested label."""
    logits, labels = np.asarray(logits), np.asarray(labels)
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(
            f"`logits` must be [n, classes] and `labels` [n]. Received: logits.shape={logits.shape}, labels.shape={labels.shape}"
        )
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def fit_sequence_classifier(real, real_labels, num_classes=None, units=16, epochs=10, seed=0):
    """The GRU class classifier of `sequence_conditional_accuracy`, trained on real data."""
    real = sequence_probes.sequences(real, "real")
    real_labels = np.asarray(real_labels)
    if real_labels.shape != (len(real),) or not np.issubdtype(real_labels.dtype, np.integer) or real_labels.min() < 0:
        raise ValueError(
            f"`real_labels` must be {len(real)} non-negative ints. Received: real_labels of shape "
            f"{real_labels.shape} and dtype {real_labels.dtype}"
        )
    num_classes = int(real_labels.max()) + 1 if num_classes is None else int(num_classes)
    return sequence_probes.fit_classifier(real, real_labels, num_classes, units=units, epochs=epochs, seed=seed)


def sequence_conditional_accuracy(classifier, fake, labels):
    """The share of generated sequences `fake` that `classifier` labels as requested (`labels`)."""
    fake = sequence_probes.sequences(fake, "fake")
    return label_agreement(classifier.predict(fake, verbose=0, batch_size=256), labels)
