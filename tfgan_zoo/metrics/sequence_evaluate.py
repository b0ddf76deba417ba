"""`SequenceEvaluator`: the sequence metrics of a generator, with the
real-vs-real reference beside each.

The protocol: `num_samples` generated sequences (labels balanced over the
classes for a conditional model) against `num_samples` real held-out
(`test`) sequences; the probes that learn from real data train on the
`train` split. The reference plays the same protocol with real data in
the generator's place (`train` rows as the "real" side, `test` rows as the
"generated" side), so each number has its ceiling: for `tstr` the
reference is TRTR, for `disc` the score of two real samples.

Outputs are named `<metric>_<probe>_<count>` as the image metrics are,
e.g. `disc_gru_1k`, `tstr_gru_1k`.

Example:

>>> ev = SequenceEvaluator("waves", num_samples=100, metrics=["mmd_seq"])
>>> ev.names()
['mmd_seq_gru_100']
>>> ev.reference()["mmd_seq_gru_100"] < 0.01
True
"""

import numpy as np

from tfgan_zoo.metrics import registry
from tfgan_zoo.metrics.evaluate import count_tag

TAG = "gru"


class SequenceEvaluator:
    """Scores sequence generators against a labelled sequence dataset.

    Args:
        dataset: a sequence dataset spec with `train` and `test` splits
            (`"waves"`, `"waves:3"`).
        num_samples: generated (and real held-out) sequences per side.
        metrics: keys of the `sequence` kind (`mmd_seq`, `disc`, `tstr`,
            `cacc_seq`); default: all (`cacc_seq` for conditional models).
        seed: seeds the generated samples, the splits and the probes.
        probe_train: real training sequences the class classifier of
            `cacc_seq` learns from (the first rows of `train`).
    """

    def __init__(self, dataset="waves", num_samples=1000, metrics=None, seed=0, probe_train=2000):
        from tfgan_zoo import data

        self.dataset = dataset
        train, train_labels = data.load_arrays(dataset, split="train")
        self.train, self.train_labels = train[:probe_train], train_labels[:probe_train]
        self.test, self.test_labels = data.load_arrays(dataset, split="test")
        limit = min(len(self.train), len(self.test))
        if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or not 2 <= num_samples <= limit:
            raise ValueError(f"`num_samples` must be an int in [2, {limit}]. Received: num_samples={num_samples!r}")
        self.num_samples = int(num_samples)
        self.metrics = tuple(metrics) if metrics else registry.default_metrics(registry.SEQUENCE, conditional=True)
        registry.select_metrics(self.metrics, registry.SEQUENCE, dataset)
        self.seed = int(seed)

    def names(self):
        """The reported names, in order."""
        count = count_tag(self.num_samples)
        return [
            registry.output_name(output, TAG, count)
            for key in self.metrics
            for output in registry.get_metric(key).outputs
        ]

    def compute(self, real, fake, labels):
        """The metrics of `fake` (labelled `labels`, or None) against `real`: `{name: value}`."""
        inputs = registry.MetricInputs(
            real=real, fake=fake, labels=labels, seed=self.seed, train=self.train, train_labels=self.train_labels
        )
        count = count_tag(self.num_samples)
        results = {}
        for key in self.metrics:
            for output, value in registry.compute(key, inputs).items():
                results[registry.output_name(output, TAG, count)] = float(value)
        return results

    def labels(self, num_classes):
        """Balanced requested labels `[num_samples]` for a model of `num_classes`."""
        return (np.arange(self.num_samples) % num_classes).astype(np.int32)

    def evaluate(self, model):
        """The metrics of `model.generate` (seeded; balanced labels when conditional)."""
        labels = self.labels(model.num_classes) if model.num_classes else None
        fake = model.generate(self.num_samples, labels=labels, seed=self.seed)
        return self.compute(self.test[: self.num_samples], fake, labels)

    def reference(self):
        """The same metrics with real `test` rows in the generator's place (the ceiling)."""
        n = self.num_samples
        return self.compute(self.train[:n], self.test[:n], self.test_labels[:n])
