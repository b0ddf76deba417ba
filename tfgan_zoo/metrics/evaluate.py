"""Evaluation protocols: a dataset, an extractor, a sample count, and named
metrics computed the same way every time.

`Evaluator(dataset, metrics=..., num_samples=...)` extracts (and caches) the
real data's features once, then scores any generator (`evaluate(model)`:
anything with `generate(num_samples=, labels=, seed=)`, a Keras GAN or a
loaded export) or a batch of samples (`evaluate_samples`). Metric names
state their protocol: `<metric>_<extractor>_<count>`, e.g.
`fid_mnistclf_10k` (FID in the MNIST classifier's feature space, 10,000
real and 10,000 generated samples) or `kid_inception_5k`.

The metrics (`fid`, `kid`, `cs`, `pr`, `cacc` on images; `modes`, `mmd` on
the toy data) and the names they report come from one table,
`tfgan_zoo.metrics.registry`; `registry.register_metric` adds one.

Example:

>>> import tempfile, tfgan_zoo
>>> ev = Evaluator("ring8", metrics=("modes", "mmd"), num_samples=1000, cache=tempfile.mkdtemp())
>>> real = ev.evaluate_real_halves()
>>> real["modes_ring8_500"]
8
>>> gan = tfgan_zoo.create("vanilla_gan", image_shape=(2,), width=8, seed=0)
>>> sorted(ev.evaluate(gan))
['hq_ring8_1k', 'mmd_ring8_1k', 'modes_ring8_1k']
"""

import hashlib
import json
import os

import numpy as np

from tfgan_zoo import data as data_lib
from tfgan_zoo import fileio
from tfgan_zoo.metrics import registry
from tfgan_zoo.metrics.extractors import DomainClassifier
from tfgan_zoo.metrics.extractors import InceptionExtractor
from tfgan_zoo.metrics.extractors import cache_dir
from tfgan_zoo.metrics.extractors import spec_key


def count_tag(n):
    """`10000 -> "10k"`, `5000 -> "5k"`, `1797 -> "1797"`."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


class Evaluator:
    """Scores generators against one dataset with one protocol.

    Args:
        dataset: a dataset spec (`tfgan_zoo.data`). Image datasets use a
            feature extractor; the toy sets (`ring8`, `grid25`) are scored on
            the points.
        metrics: keys of `registry` of the dataset's kind (image or toy);
            default: that kind's defaults.
        num_samples: samples per side; capped at the number of real examples.
        image_shape: the generator's image shape; the real images are
            resized to it (and the domain classifier trained at it).
        extractor: `"classifier"` (a `DomainClassifier` trained on the
            dataset), `"inception"`, or an extractor object.
        split: the real split.
        inception_weights: weights path for `"inception"` (see
            `InceptionExtractor`).
        cache: the cache directory (classifiers and real features).
        seed: seeds the generated samples and the KID subsets.
        classifier_kwargs: passed to `DomainClassifier.for_dataset`.
    """

    def __init__(
        self,
        dataset,
        metrics=None,
        num_samples=10_000,
        image_shape=None,
        extractor="classifier",
        split="train",
        inception_weights=None,
        cache=None,
        seed=0,
        classifier_kwargs=None,
    ):
        self.dataset = dataset
        self.split = split
        self.seed = int(seed)
        self.cache = cache_dir(cache)
        self.toy = data_lib.parse_spec(dataset)[0] == "toy"
        self.kind = registry.TOY if self.toy else registry.IMAGE
        self.metrics = metrics = registry.select_metrics(metrics, self.kind, dataset)
        if int(num_samples) < 2:
            raise ValueError(f"`num_samples` must be at least 2. Received: num_samples={num_samples!r}")
        self.image_shape = None if image_shape is None or self.toy else tuple(int(d) for d in image_shape)
        if self.toy:
            self.extractor = None
            self.tag_name = dataset
            self.centers, self.std = data_lib.toy_modes(dataset)
        else:
            self.centers = self.std = None
            if extractor == "classifier":
                extractor = DomainClassifier.for_dataset(
                    dataset, self.image_shape, split=split, cache=self.cache, **(classifier_kwargs or {})
                )
            elif extractor == "inception":
                extractor = InceptionExtractor(
                    weights=inception_weights or "imagenet", include_top="cs" in metrics
                )
            self.extractor = extractor
            self.tag_name = extractor.name
        self._real = None
        self.num_samples = min(int(num_samples), self._num_real())

    # ------------------------------------------------------------------

    def _num_real(self):
        return len(self._real_arrays()[0])

    def _real_arrays(self):
        if not hasattr(self, "_arrays"):
            self._arrays = data_lib.load_arrays(self.dataset, self.split, self.image_shape)
        return self._arrays

    def name(self, metric, n=None):
        """The protocol name of `metric` at `n` samples (default: `num_samples`)."""
        return registry.output_name(metric, self.tag_name, count_tag(n or self.num_samples))

    def names(self, conditional=False):
        """All the metric names `evaluate` returns (with `conditional`, for a
        conditional model: also the conditional metrics such as `cacc`)."""
        n = count_tag(self.num_samples)
        metrics = [registry.get_metric(m) for m in self.metrics]
        return sorted(
            registry.output_name(out, self.tag_name, n)
            for metric in metrics
            if conditional or not metric.conditional
            for out in metric.outputs
        )

    def real_features(self):
        """`(features, logits, labels)` of `num_samples` real examples, cached.

        The cache key holds the dataset, split, image shape, sample count and
        the extractor (for a domain classifier, its training settings).
        """
        if self._real is not None:
            return self._real
        images, labels = self._real_arrays()
        n = self.num_samples
        if self.toy:
            self._real = (images[:n].astype(np.float64), None, None if labels is None else labels[:n])
            return self._real
        extractor_id = json.dumps(getattr(self.extractor, "info", {}) or self.extractor.name, sort_keys=True)
        # The loaded shape, so that an explicit image_shape equal to the data's
        # own shares the cache with image_shape=None.
        key = json.dumps([spec_key(self.dataset), self.split, list(images.shape[1:]), n, extractor_id])
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        path = os.path.join(self.cache, "stats", f"{self.extractor.name}-{digest}.npz")
        if os.path.isfile(path):
            with np.load(path) as stored:
                logits = stored["logits"] if stored["logits"].size else None
                stored_labels = stored["labels"] if stored["labels"].size else None
                self._real = (stored["features"], logits, stored_labels)
            return self._real
        # A fixed, seeded subset when the split holds more than n examples.
        order = np.random.default_rng(0).permutation(len(images))[:n]
        features, logits = self.extractor.features_and_logits(images[order])
        sub_labels = None if labels is None else labels[order]
        with fileio.atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                np.savez(
                    f,
                    features=features,
                    logits=np.zeros(0) if logits is None else logits,
                    labels=np.zeros(0) if sub_labels is None else sub_labels,
                )
        self._real = (features, logits, sub_labels)
        return self._real

    # ------------------------------------------------------------------

    def evaluate_samples(self, samples, labels=None, real=None):
        """The metrics of generated `samples` (and their requested `labels`).

        Args:
            samples: generated samples in the model's output range.
            labels: the labels they were generated for (enables `cacc`).
            real: `(features, logits, labels)` to compare with; default: the
                cached real features.

        Returns:
            `{name: value}` with protocol names at `len(samples)`.
        """
        samples = np.asarray(samples)
        if self.toy:
            features, logits = samples.astype(np.float64).reshape(len(samples), -1), None
        else:
            features, logits = self.extractor.features_and_logits(samples.astype(np.float32))
        return self._score(features, logits, labels, real if real is not None else self.real_features())

    def _score(self, features, logits, labels, real):
        """Every metric of `self.metrics`, from the table, on extracted features."""
        real_features, real_logits, _ = real
        inputs = registry.MetricInputs(
            real=real_features,
            fake=features,
            real_logits=real_logits,
            fake_logits=logits,
            labels=labels,
            seed=self.seed,
            centers=self.centers,
            std=self.std,
        )
        n = count_tag(len(features))
        results = {}
        for key in self.metrics:
            for out, value in registry.compute(key, inputs).items():
                results[registry.output_name(out, self.tag_name, n)] = value
        return results

    def evaluate(self, generator, batch_size=500):
        """Samples `num_samples` from `generator` and scores them.

        Conditional generators are asked for balanced classes
        (`i % num_classes`), which also gives the conditional accuracy.
        """
        n = self.num_samples
        num_classes = getattr(generator, "num_classes", None)
        labels = None if num_classes is None else (np.arange(n) % num_classes).astype(np.int32)
        chunks = []
        for start in range(0, n, batch_size):
            count = min(batch_size, n - start)
            chunk_labels = None if labels is None else labels[start : start + count]
            chunks.append(
                generator.generate(num_samples=count, labels=chunk_labels, seed=self.seed * 100_003 + start)
            )
        return self.evaluate_samples(np.concatenate(chunks), labels)

    def evaluate_real_halves(self):
        """The ceiling: two disjoint halves of the real data scored against
        each other (names at `num_samples // 2`)."""
        features, logits, _ = self.real_features()
        half = self.num_samples // 2

        def part(array, lo, hi):
            return None if array is None else array[lo:hi]

        # The second half's features are already extracted: score them directly.
        first = (features[:half], part(logits, 0, half), None)
        return self._score(features[half : 2 * half], part(logits, half, 2 * half), None, first)
