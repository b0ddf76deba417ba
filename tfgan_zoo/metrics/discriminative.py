"""Discriminative score (Yoon, Jarrett & van der Schaar 2019, TimeGAN):
how well a small post-hoc GRU tells real sequences from generated ones.

Example:

>>> accuracy_gap([0.9, 0.8], [0.1, 0.6])  # 3 of 4 right: |0.75 - 0.5|
0.25
"""

import numpy as np

from tfgan_zoo.metrics import sequence_probes


def accuracy_gap(real_scores, fake_scores, threshold=0.5):
    """`|accuracy - 0.5|` of "real" decisions (`score > threshold`) on held-out
    real and generated examples (0: indistinguishable, 0.5: always told apart)."""
    real_scores, fake_scores = np.asarray(real_scores, np.float64), np.asarray(fake_scores, np.float64)
    correct = np.sum(real_scores > threshold) + np.sum(fake_scores <= threshold)
    return float(abs(correct / (real_scores.size + fake_scores.size) - 0.5))


def discriminative_score(real, fake, test_fraction=0.2, units=16, epochs=10, seed=0):
    """`|accuracy - 0.5|` of a GRU classifier trained to tell `real` from `fake`.

    Both sets are split (seeded) into train and held-out parts
    (`test_fraction`); the classifier trains on the train parts and is
    scored on the held-out ones. 0 is best.

    Args:
        real: real sequences `[n, steps, features]`.
        fake: generated sequences `[m, steps, features]`.
        test_fraction: the held-out share of each set, in (0, 1).
        units: GRU units of the probe.
        epochs: its training epochs.
        seed: seeds the split, the weights and the shuffle.

    Returns:
        The score, a float in [0, 0.5].
    """
    real = sequence_probes.sequences(real, "real", min_samples=2)
    fake = sequence_probes.sequences(fake, "fake", min_samples=2)
    sequence_probes.same_shape(real, fake, "real", "fake")
    if not 0 < test_fraction < 1:
        raise ValueError(f"`test_fraction` must be in (0, 1). Received: test_fraction={test_fraction!r}")
    rng = np.random.default_rng(seed)
    parts = []
    for x in (real, fake):
        order = rng.permutation(len(x))
        cut = max(1, int(round(len(x) * test_fraction)))
        parts.append((x[order[cut:]], x[order[:cut]]))
    (real_train, real_test), (fake_train, fake_test) = parts
    x = np.concatenate([real_train, fake_train])
    y = np.concatenate([np.ones(len(real_train)), np.zeros(len(fake_train))]).astype(np.int32)
    probe = sequence_probes.fit_classifier(x, y, 2, units=units, epochs=epochs, seed=seed)

    def real_probability(data):
        logits = probe.predict(data, verbose=0, batch_size=256)
        return logits[:, 1] - logits[:, 0]  # > 0 iff P(real) > 1/2

    return accuracy_gap(real_probability(real_test), real_probability(fake_test), threshold=0.0)
