"""Feature extractors for the metrics: networks that turn images into
features (for FID, KID, precision/recall) and class logits (for the
classifier score and conditional accuracy).

- `DomainClassifier`: a small CNN the package trains on the real labelled
  data (e.g. MNIST), cached to a file and reused. Its penultimate layer
  gives "FID/KID in classifier space" and its logits the classifier score.
  It needs no download, so the metrics work offline.
- `InceptionExtractor`: InceptionV3 pool features (`keras.applications`),
  with weights from a local file, or downloaded when online.

Both expose `name` (used in the metric names, e.g. `fid_mnistclf_10k`) and
`features_and_logits(images)`.
"""

import hashlib
import json
import os
import re
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import data as data_lib
from tfgan_zoo import fileio

# Bump when the classifier's architecture or training changes, so that old
# cached classifiers are not reused.
CLASSIFIER_VERSION = 1


def cache_dir(path=None):
    """The cache directory: `path`, `$TFGAN_ZOO_CACHE`, or `~/.cache/tfgan_zoo`."""
    path = path or os.environ.get("TFGAN_ZOO_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "tfgan_zoo")
    os.makedirs(path, exist_ok=True)
    return path


def dataset_slug(spec):
    """A short name for a dataset spec: `idx:../shared/data/mnist` -> `mnist`."""
    kind, arg = data_lib.parse_spec(spec)
    if kind in ("idx", "folder"):
        base = os.path.basename(os.path.normpath(arg))
    elif kind == "tfds":
        base = arg.split("/")[0]
    else:
        base = arg or kind
    return re.sub(r"[^a-z0-9]+", "", base.lower()) or kind


def spec_key(spec):
    """The spec with local paths made absolute, for cache keys."""
    kind, arg = data_lib.parse_spec(spec)
    if kind in ("idx", "folder"):
        return f"{kind}:{os.path.abspath(arg)}"
    return spec


def _say(verbose, message):
    if verbose:
        print(message, file=sys.stderr, flush=True)


def _percent(accuracy):
    return "n/a" if accuracy is None else f"{100 * accuracy:.2f}%"


def _batched(fn, images, batch_size):
    outputs = None
    for start in range(0, len(images), batch_size):
        batch = fn(tf.convert_to_tensor(images[start : start + batch_size], tf.float32))
        batch = [np.asarray(b) for b in (batch if isinstance(batch, (list, tuple)) else [batch])]
        outputs = [[] for _ in batch] if outputs is None else outputs
        for store, value in zip(outputs, batch):
            store.append(value)
    if outputs is None:
        raise ValueError(f"No images to extract features from. Received: images of shape {np.shape(images)}")
    return [np.concatenate(store).astype(np.float64) for store in outputs]


def _classifier_network(image_shape, num_classes, seed):
    """Conv(32)-pool-Conv(64)-pool-Dense(128): features 128-d, then logits."""
    init = lambda i: keras.initializers.GlorotUniform(seed=seed * 100 + i)  # noqa: E731
    x = keras.Input(image_shape, name="images")
    h = x
    for i, filters in enumerate((32, 64)):
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer=init(i))(h)
        if h.shape[1] >= 8:
            h = keras.layers.MaxPooling2D(2)(h)
    h = keras.layers.Flatten()(h)
    features = keras.layers.Dense(128, activation="relu", kernel_initializer=init(5), name="features")(h)
    logits = keras.layers.Dense(num_classes, kernel_initializer=init(6), name="logits")(features)
    return keras.Model(x, [features, logits], name="domain_classifier")


class DomainClassifier:
    """A classifier trained on the real data, used as a feature extractor.

    Build one with `DomainClassifier.for_dataset(spec)`: it trains on the
    first `1 - holdout` of the split (a fixed slice), reports its accuracy
    on the held-out rest, and caches the network (and that accuracy) in the
    cache directory. Later calls with the same settings load the file.

    Attributes:
        name: `"<dataset>clf"`, e.g. `"mnistclf"`.
        accuracy: held-out accuracy measured when it was trained.
        model: the Keras model `images -> [features, logits]`.

    Example:

    >>> import tempfile
    >>> clf = DomainClassifier.for_dataset("digits", epochs=1, min_steps=50, cache=tempfile.mkdtemp())
    >>> clf.name, clf.accuracy > 0.5
    ('digitsclf', True)
    >>> features, logits = clf.features_and_logits(np.zeros((2, 8, 8, 1), np.float32))
    >>> features.shape, logits.shape
    ((2, 128), (2, 10))
    """

    def __init__(self, model, name, accuracy=None, info=None):
        self.model = model
        self.name = name
        self.accuracy = accuracy
        self.info = info or {}
        self.image_shape = tuple(int(d) for d in model.inputs[0].shape[1:])
        self._fn = tf.function(lambda x: self.model(x, training=False), reduce_retracing=True)

    @classmethod
    def for_dataset(
        cls,
        spec,
        image_shape=None,
        split="train",
        holdout=0.1,
        epochs=10,
        batch_size=64,
        min_steps=800,
        seed=0,
        cache=None,
        verbose=0,
    ):
        """Loads the cached classifier for `spec`, training it first if needed.

        Args:
            spec: a labelled dataset spec (`tfgan_zoo.data`).
            image_shape: the input shape (resize the data to the generator's
                resolution); default: the data's own.
            split: the split to train and hold out from.
            holdout: the fraction held out for the accuracy.
            epochs, batch_size, seed: training settings (Adam 1e-3 with cosine
                decay). On MNIST's 9,000 training rows, 10 epochs reach about
                98.5% held-out accuracy.
            min_steps: train at least this many steps (more epochs on small
                datasets such as `digits`).
            cache: the cache directory (see `cache_dir`).
            verbose: 0 is silent; otherwise it says on stderr whether it
                loads a cached classifier or trains one, shows Keras'
                training progress with this verbosity (1: a bar, 2: a line
                per epoch) and reports the held-out accuracy.

        The cache key holds these settings, with `image_shape` resolved to
        the data's own shape when it is not given, so an explicit shape
        equal to the data's finds the same classifier.
        """
        image_shape = tuple(int(d) for d in image_shape) if image_shape else None
        key_shape = list(image_shape or data_lib.info(spec, split).image_shape)
        key = json.dumps(
            [CLASSIFIER_VERSION, spec_key(spec), split, key_shape, holdout, epochs, batch_size, min_steps, seed]
        )
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        name = f"{dataset_slug(spec)}clf"
        path = os.path.join(cache_dir(cache), "classifiers", f"{name}-{digest}.keras")
        meta_path = path[: -len(".keras")] + ".json"
        if os.path.isfile(path) and os.path.isfile(meta_path):
            with open(meta_path) as f:
                info = json.load(f)
            accuracy = _percent(info["accuracy"])
            _say(verbose, f"Loaded the cached {name} domain classifier ({accuracy} held-out accuracy) from {path}")
            return cls(keras.saving.load_model(path), name, info["accuracy"], info)
        cut = int(round(100 * (1 - holdout)))
        x_train, y_train = data_lib.load_arrays(spec, f"{split}[:{cut}%]", image_shape)
        x_test, y_test = data_lib.load_arrays(spec, f"{split}[{cut}%:]", image_shape)
        if y_train is None:
            raise ValueError(f"A domain classifier needs labelled data; {spec} has no labels. Received: spec={spec!r}")
        num_classes = int(max(y_train.max(), y_test.max() if len(y_test) else 0)) + 1
        network = _classifier_network(x_train.shape[1:], num_classes, seed)
        trainer = keras.Model(network.inputs, network.outputs[1])
        steps_per_epoch = max(1, int(np.ceil(len(x_train) / batch_size)))
        epochs = max(int(epochs), int(np.ceil(min_steps / steps_per_epoch)))
        schedule = keras.optimizers.schedules.CosineDecay(1e-3, epochs * steps_per_epoch)
        trainer.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            jit_compile=False,
        )
        train_ds = (
            tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size)
        )
        _say(
            verbose,
            f"Training the {name} domain classifier (no cached one): {len(x_train)} examples of {spec} "
            f"at {tuple(x_train.shape[1:])}, {epochs} epochs, {len(x_test)} held out; it will be cached at {path}",
        )
        start = time.time()
        trainer.fit(train_ds, epochs=epochs, verbose=verbose, shuffle=False)  # train_ds is shuffled.
        accuracy = None
        if len(x_test):
            _, logits = _batched(lambda x: network(x, training=False), x_test, 512)
            accuracy = float(np.mean(logits.argmax(axis=1) == y_test))
        _say(
            verbose,
            f"{name} held-out accuracy: {_percent(accuracy)} on {len(x_test)} examples "
            f"(trained in {time.time() - start:.0f} s)",
        )
        info = {
            "dataset": spec,
            "split": split,
            "image_shape": list(x_train.shape[1:]),
            "num_classes": num_classes,
            "train_examples": int(len(x_train)),
            "heldout_examples": int(len(x_test)),
            "accuracy": accuracy,
            "epochs": epochs,
            "seed": seed,
        }
        with fileio.atomic_path(path) as tmp:
            network.save(tmp)
        fileio.write_bytes(meta_path, json.dumps(info, indent=2).encode())
        return cls(network, name, accuracy, info)

    def features_and_logits(self, images, batch_size=512):
        """`(features [n, 128], logits [n, classes])` as float64 NumPy."""
        images = np.asarray(images, np.float32)
        if images.shape[1:] != self.image_shape:
            raise ValueError(
                f"{self.name} takes images of shape {self.image_shape}. "
                f"Received: images of shape {images.shape}"
            )
        features, logits = _batched(self._fn, images, batch_size)
        return features, logits


class InceptionExtractor:
    """InceptionV3 pool features (2048-d), and ImageNet probabilities with the top.

    Images in [-1, 1] (InceptionV3's own input range) of any size are resized
    to 299x299; grayscale is repeated to 3 channels.

    Args:
        weights: a path to an InceptionV3 weights file (`..._notop.h5` for
            features only; the full file with `include_top=True`), or
            `"imagenet"` to use Keras' cache and download when online.
        include_top: also return class probabilities (for the Inception
            score); needs the full weights.

    Raises:
        RuntimeError: the weights are neither on disk nor downloadable (e.g.
            offline), with what to do about it.
    """

    name = "inception"

    def __init__(self, weights="imagenet", include_top=False):
        if weights not in (None, "imagenet") and not os.path.isfile(weights):
            raise FileNotFoundError(f"No InceptionV3 weights file at {weights}. Received: weights={weights!r}")
        try:
            base = keras.applications.InceptionV3(
                include_top=include_top, weights=weights, pooling=None if include_top else "avg"
            )
        except Exception as e:  # Keras raises several kinds for a failed download.
            raise RuntimeError(
                "InceptionV3 weights are not available offline: Keras could not download them "
                f"({type(e).__name__}: {e}). Download "
                "'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5' (and the full "
                "'..._kernels.h5' for the Inception score) on a machine with internet, then pass "
                "weights=<path> (--inception_weights=<path>), or use the domain classifier "
                "extractor, which needs no download. Received: weights='imagenet'"
            ) from None
        if include_top:
            pool = base.get_layer("avg_pool").output
            self.model = keras.Model(base.inputs, [pool, base.output])
        else:
            self.model = base
        self.include_top = include_top
        self._fn = tf.function(self._forward, reduce_retracing=True)

    def _forward(self, images):
        images = tf.convert_to_tensor(images, tf.float32)
        if images.shape[-1] == 1:
            images = tf.repeat(images, 3, axis=-1)
        images = tf.image.resize(images, (299, 299), method="bilinear")
        return self.model(images, training=False)

    def features_and_logits(self, images, batch_size=64):
        """`(features [n, 2048], log-probabilities or None)` as float64 NumPy."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(f"InceptionV3 takes [n, h, w, 1 or 3] images. Received: shape {images.shape}")
        outputs = _batched(self._fn, images, batch_size)
        if self.include_top:
            features, probs = outputs
            return features, np.log(np.clip(probs, 1e-12, 1.0))
        return outputs[0], None
