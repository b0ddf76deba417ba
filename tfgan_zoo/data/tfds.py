"""`tfds:<name>` (and `mnist`): tensorflow-datasets image datasets.

The split goes to tfds as written (tfds' own split syntax). `info` reads the
builder's metadata; classes come from the `label` feature's `ClassLabel`.
Offline, a dataset that still needs a download fails within seconds
(`tfds_builders.download_retries`), naming the local-file sources; a
missing module is named as such.
"""

import tensorflow as tf

from tfgan_zoo.data import checks, pipeline, tfds_builders, transform
from tfgan_zoo.data.sources import DataInfo, Source, register_source

_SHUFFLE_BUFFER = 10_000


def _builder(name, data_dir):
    import tensorflow_datasets as tfds

    try:
        return tfds.builder(name, data_dir=data_dir)
    except Exception as e:  # tfds raises several types for unknown names.
        raise ValueError(f"tensorflow-datasets has no dataset {name!r}: {e}. Received: spec='tfds:{name}'") from None


def _image_key(features, name):
    for key in ("image", "images", "img"):
        if key in features:
            return key
    raise ValueError(f"tfds:{name} has no 'image' feature; its features: {sorted(features.keys())}.")


def _read(builder, name, split, data_dir, shuffle, seed):
    import tensorflow_datasets as tfds

    read_config = tfds.ReadConfig(shuffle_seed=seed) if seed is not None else None
    try:
        with tfds_builders.download_retries(builder):
            return tfds.load(name, split=split, data_dir=data_dir, shuffle_files=shuffle, read_config=read_config)
    except ImportError as e:
        # A missing dependency is not a network problem; say which.
        raise ImportError(
            f"tensorflow-datasets could not load {name!r}: it needs the module "
            f"{e.name!r}, which is not installed (`pip install {e.name}`). "
            f"Received: spec='tfds:{name}'"
        ) from e
    except Exception as e:
        # Offline, a download fails with a ConnectionError (requests' is one).
        error = ConnectionError if isinstance(e, ConnectionError) or "Connection" in type(e).__name__ else RuntimeError
        raise error(
            f"tensorflow-datasets could not load {name!r} (split={split!r}): {e}. "
            f"{tfds_builders.LOCAL_FILES_HINT}"
        ) from e


@register_source("tfds")
class Tfds(Source):
    specs = ("mnist", "tfds:<name>")
    aliases = {"mnist": "mnist"}
    takes_argument = True
    shard_files = True

    def describe(self, spec, arg, split, data_dir=None):
        builder = _builder(arg, data_dir)
        features = builder.info.features
        label = features["label"] if "label" in features else None
        try:
            count = builder.info.splits[split].num_examples
        except (KeyError, ValueError):  # Not generated yet, or a sliced split.
            count = None
        return DataInfo(
            count,
            tuple(features[_image_key(features, arg)].shape),
            None if label is None else label.num_classes,
            None if label is None else list(label.names),
        )

    def stream(self, spec, arg, split, image_shape, num_classes, shuffle, seed, data_dir=None):
        image_shape = self.check_shape(image_shape, spec)
        builder = _builder(arg, data_dir)
        features = builder.info.features
        image_key = _image_key(features, arg)
        has_label = "label" in features
        ds = _read(builder, arg, split, data_dir, shuffle, seed)
        checks.channels(features[image_key].shape[-1], image_shape, spec)
        source_classes = features["label"].num_classes if has_label else None
        if num_classes is not None and source_classes is not None and source_classes > num_classes:
            raise ValueError(
                f"{spec} has {source_classes} classes, more than num_classes={num_classes}. "
                f"Received: num_classes={num_classes}"
            )

        def convert(example):
            image = example[image_key]
            if image.dtype.is_floating:
                image = tf.debugging.assert_all_finite(image, f"{spec} has NaN or Inf pixels")
            label = tf.cast(example["label"], tf.int32) if has_label else tf.constant(0)
            return transform.model_range_one(image, image_shape), label

        ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
        if shuffle:
            ds = ds.shuffle(_SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)
        return pipeline.Stream(ds, has_label, None)
