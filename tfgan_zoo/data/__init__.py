"""Input pipelines: `load(spec, batch_size, ...)` returns a `tf.data.Dataset`.

Sources (`spec`):

| spec            | what                                                         |
|-----------------|--------------------------------------------------------------|
| `digits`        | scikit-learn's bundled 8x8 digits (1,797 images); no download |
| `mnist`         | MNIST through tensorflow-datasets                            |
| `tfds:<name>`   | any tensorflow-datasets image dataset, e.g. `tfds:cifar10`   |
| `idx:<dir>`     | MNIST-format IDX files (`*-images-idx3-ubyte[.gz]`, labels)  |
| `folder:<dir>`  | image files; class subfolders become labels                  |
| `ring8`         | 2-D toy data: a ring of 8 Gaussians (mode-collapse probe)    |
| `grid25`        | 2-D toy data: a 5x5 grid of Gaussians (mode-collapse probe)  |

Images come out as float32 in [-1, 1], resized to `image_shape` when given,
shuffled (seeded), batched and prefetched. Labelled sources yield
`(images, labels)` with int32 labels; `with_labels=False` yields images.

`split` picks a split (`"train"`, `"test"`; tfds takes its own split
syntax). The in-memory sources (`digits`, `idx`, `folder`) also take a
percent slice, e.g. `"train[:90%]"` / `"train[90%:]"`, which is fixed, so
held-out rows never leak into training.

Example:

>>> ds = load("digits", batch_size=32, image_shape=(28, 28, 1), seed=0)
>>> images, labels = next(iter(ds))
>>> tuple(images.shape), tuple(labels.shape)
((32, 28, 28, 1), (32,))
>>> bool(images.numpy().min() >= -1 and images.numpy().max() <= 1)
True
"""

import collections
import gzip
import os
import re
import struct

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import tfds_builders

SOURCES = ("digits", "mnist", "tfds:<name>", "idx:<dir>", "folder:<dir>", "ring8", "grid25")

# The 2-D toy datasets, scaled into [-1, 1] (a tanh generator can reach every
# mode): the ring of 8 Gaussians of Metz et al. (radius 2, std 0.02) and the
# 5x5 grid of Srivastava et al. / Lin et al. (spacing 2, std 0.05), both
# shrunk by 0.4 and 0.2 respectively. Labels are the mode index.
TOY_EXAMPLES = 10_000
TOY = {
    "ring8": {
        "centers": 0.8 * np.stack(
            [np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], axis=1
        ),
        "std": 0.008,
    },
    "grid25": {
        "centers": np.stack(np.meshgrid(np.linspace(-0.8, 0.8, 5), np.linspace(-0.8, 0.8, 5)), -1).reshape(-1, 2),
        "std": 0.01,
    },
}
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")

DataInfo = collections.namedtuple(
    "DataInfo", ["num_examples", "image_shape", "num_classes", "class_names"]
)
"""What a source holds: example count, native image shape (None if it
varies), number of classes (None if unlabelled) and class names."""


# ----------------------------------------------------------------------
# Spec, split and argument parsing.


def parse_spec(spec):
    """Splits `spec` into `(kind, argument)`; unknown specs list the valid ones."""
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"A dataset spec is a non-empty string, one of {SOURCES}. Received: spec={spec!r}")
    if spec in ("digits", "mnist"):
        return (spec, None) if spec == "digits" else ("tfds", "mnist")
    if spec in TOY:
        return "toy", spec
    kind, sep, arg = spec.partition(":")
    if sep and kind in ("tfds", "idx", "folder") and arg:
        return kind, arg
    raise ValueError(f"Unknown dataset spec {spec!r}. Valid specs: {list(SOURCES)}. Received: spec={spec!r}")


_SLICE = re.compile(r"^(?P<name>[A-Za-z0-9_]+)(?:\[(?P<lo>\d+)?%?:(?P<hi>\d+)?%?\])?$")


def _parse_split(split):
    """`"train[10%:90%]"` -> `("train", 10, 90)`."""
    match = _SLICE.match(split or "")
    if not match:
        raise ValueError(
            "`split` must be a name with an optional percent slice, e.g. 'train' or "
            f"'train[:90%]'. Received: split={split!r}"
        )
    lo = int(match["lo"]) if match["lo"] else 0
    hi = int(match["hi"]) if match["hi"] else 100
    if not 0 <= lo <= hi <= 100:
        raise ValueError(f"Percent slice bounds must satisfy 0 <= lo <= hi <= 100. Received: split={split!r}")
    return match["name"], lo, hi


def _apply_slice(arrays, lo, hi):
    n = len(arrays[0])
    start, stop = n * lo // 100, n * hi // 100
    return tuple(None if a is None else a[start:stop] for a in arrays)


def _check_image_shape(image_shape):
    if image_shape is None:
        return None
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) != 3 or min(shape) < 1 or shape[-1] not in (1, 3, 4):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with 1, 3 or 4 channels. "
            f"Received: image_shape={image_shape!r}"
        )
    return shape


# ----------------------------------------------------------------------
# In-memory sources.


def _read_idx(path, magic):
    opener = gzip.open if path.endswith(".gz") else open
    kind = "image" if magic == 2051 else "label"
    header_size = 16 if magic == 2051 else 8
    try:
        with opener(path, "rb") as f:
            header = f.read(header_size)
            body = f.read()
    except (EOFError, OSError) as e:  # A cut or corrupt gzip stream.
        raise ValueError(f"{path} is truncated or corrupt: {e}") from None
    if len(header) >= 8:
        got, count = struct.unpack(">ii", header[:8])
        if got != magic:
            raise ValueError(f"{path} is not an IDX {kind} file: magic number {got}, expected {magic}.")
    if len(header) < header_size:
        raise ValueError(
            f"{path} is too short to be an IDX {kind} file ({len(header)} header bytes, "
            f"expected {header_size})."
        )
    shape = (count,) + (struct.unpack(">ii", header[8:16]) if magic == 2051 else ())
    data = np.frombuffer(body, dtype=np.uint8)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} holds {data.size} bytes of data; its header says {shape}.")
    return data.reshape(shape)


def _find_idx_pair(directory, split_name):
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"IDX directory not found. Received: idx:{directory}")
    files = sorted(os.listdir(directory))
    images = [f for f in files if re.search(r"images[-.]idx3-ubyte(\.gz)?$", f)]
    if not images:
        raise FileNotFoundError(
            f"No '*-images-idx3-ubyte[.gz]' file in {directory}. Received: idx:{directory}"
        )
    prefix = {"train": "train", "test": "t10k"}.get(split_name, split_name)
    chosen = [f for f in images if f.startswith(prefix)]
    if not chosen:
        if len(images) > 1 or split_name not in ("train", "test"):
            raise ValueError(
                f"split={split_name!r} matches none of {images} in {directory}. "
                f"Received: split={split_name!r}"
            )
        # A single image file (e.g. only MNIST's t10k set on disk) serves
        # both 'train' and 'test'; take percent slices to hold rows out.
        chosen = images
    image_file = chosen[0]
    label_file = re.sub(r"images([-.])idx3", r"labels\1idx1", image_file)
    image_path = os.path.join(directory, image_file)
    label_path = os.path.join(directory, label_file)
    return image_path, label_path if os.path.exists(label_path) else None


def _load_idx(directory, split_name):
    image_path, label_path = _find_idx_pair(directory, split_name)
    images = _read_idx(image_path, 2051)[..., None]
    labels = None
    if label_path:
        labels = _read_idx(label_path, 2049).astype(np.int32)
        if len(labels) != len(images):
            raise ValueError(
                f"{image_path} has {len(images)} images but {label_path} has {len(labels)} labels."
            )
    num_classes = None if labels is None else int(labels.max()) + 1
    return images, labels, num_classes, None


def _check_digits_split(split_name):
    if split_name != "train":
        raise ValueError(
            "digits has one split, 'train' (all 1,797 images); hold rows out with a "
            f"percent slice such as 'train[90%:]'. Received: split={split_name!r}"
        )


def toy_modes(spec):
    """`(centers [modes, 2], std)` of a toy dataset (`"ring8"`, `"grid25"`)."""
    if spec not in TOY:
        raise ValueError(f"Unknown toy dataset {spec!r}. Valid: {sorted(TOY)}. Received: spec={spec!r}")
    return TOY[spec]["centers"].astype(np.float32), TOY[spec]["std"]


def _load_toy(name, split_name):
    if split_name != "train":
        raise ValueError(
            f"{name} has one split, 'train'; take percent slices of it. Received: split={split_name!r}"
        )
    centers, std = toy_modes(name)
    rng = np.random.default_rng(0)  # The dataset is fixed.
    labels = rng.integers(0, len(centers), TOY_EXAMPLES).astype(np.int32)
    points = centers[labels] + rng.normal(0.0, std, (TOY_EXAMPLES, 2))
    return points.astype(np.float32), labels, len(centers), [str(i) for i in range(len(centers))]


def _load_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images * (255.0 / 16.0)).round().astype(np.uint8)[..., None]
    return images, digits.target.astype(np.int32), 10, [str(i) for i in range(10)]


def _list_folder(directory):
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"Image folder not found. Received: folder:{directory}")
    entries = sorted(os.listdir(directory))
    classes = [e for e in entries if os.path.isdir(os.path.join(directory, e))]
    paths, labels = [], []
    if classes:
        for index, name in enumerate(classes):
            for root, _, files in sorted(os.walk(os.path.join(directory, name))):
                for f in sorted(files):
                    if f.lower().endswith(IMAGE_EXTENSIONS):
                        paths.append(os.path.join(root, f))
                        labels.append(index)
    else:
        paths = [os.path.join(directory, f) for f in entries if f.lower().endswith(IMAGE_EXTENSIONS)]
    if not paths:
        raise FileNotFoundError(
            f"No images ({', '.join(IMAGE_EXTENSIONS)}) found in {directory}. "
            f"Received: folder:{directory}"
        )
    return paths, (np.asarray(labels, np.int32) if classes else None), (classes or None)


# ----------------------------------------------------------------------
# Conversion and checks.


def _to_unit_range(images):
    """uint8 [0, 255] -> float32 [-1, 1]; floats must already be in [-1, 1]."""
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32)


def _resize(images, image_shape):
    if image_shape is None:
        return images
    size = image_shape[:2]
    if tuple(images.shape[-3:-1]) == tuple(size):
        return images
    images = tf.image.resize(images, size, method="bilinear", antialias=True)
    return tf.clip_by_value(images, -1.0, 1.0)


def _check_channels(have, image_shape, spec):
    if image_shape is not None and have != image_shape[-1]:
        raise ValueError(
            f"{spec} has {have}-channel images, but image_shape={tuple(image_shape)} asks "
            f"for {image_shape[-1]}. Build the model for {have} channel(s). "
            f"Received: image_shape={tuple(image_shape)}"
        )


def _check_finite(images, spec):
    if np.issubdtype(images.dtype, np.floating):
        bad = ~np.isfinite(images.reshape(len(images), -1)).all(axis=1)
        if bad.any():
            raise ValueError(
                f"{spec} has {int(bad.sum())} image(s) with NaN or Inf values, the first at "
                f"index {int(np.argmax(bad))}."
            )


def _check_labels(labels, num_classes, spec):
    if labels is None or num_classes is None:
        return
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        raise ValueError(
            f"{spec} has labels outside [0, {num_classes}): "
            f"{sorted(set(labels[bad].tolist()))[:10]} (first at index {int(np.argmax(bad))}). "
            f"Received: num_classes={num_classes}"
        )


# ----------------------------------------------------------------------
# Public API.


def load_arrays(spec, split="train", image_shape=None, num_classes=None, data_dir=None):
    """Loads an in-memory source as NumPy: `(images in [-1, 1], labels or None)`.

    For `digits`, `idx:` and `folder:` (read whole). Used by `load` and by
    code that needs all examples at once (metrics, tests).

    Example:

    >>> images, labels = load_arrays("digits", split="train[:10%]")
    >>> images.shape, labels.shape
    ((179, 8, 8, 1), (179,))
    """
    kind, arg = parse_spec(spec)
    split_name, lo, hi = _parse_split(split)
    if kind == "toy":
        if image_shape is not None and tuple(image_shape) != (2,):
            raise ValueError(f"{spec} holds 2-D points. Received: image_shape={tuple(image_shape)}")
        points, labels, _, _ = _load_toy(arg, split_name)
        points, labels = _apply_slice((points, labels), lo, hi)
        _check_labels(labels, num_classes, spec)
        return points, labels
    image_shape = _check_image_shape(image_shape)
    if kind == "digits":
        _check_digits_split(split_name)
        images, labels, _, _ = _load_digits()
    elif kind == "idx":
        images, labels, _, _ = _load_idx(arg, split_name)
    elif kind == "folder":
        paths, labels, _ = _list_folder(arg)
        channels = image_shape[-1] if image_shape else None
        decoded = [_decode_file(p, channels, image_shape) for p in paths]
        shapes = {d.shape for d in decoded}
        if len(shapes) > 1:
            raise ValueError(
                f"{spec} has images of several shapes {sorted(shapes)[:4]}; pass image_shape "
                "to resize them. Received: image_shape=None"
            )
        images = np.stack(decoded)
    else:
        raise ValueError(
            f"load_arrays reads digits, idx:, folder: and toy sources. Received: spec={spec!r}"
        )
    images, labels = _apply_slice((images, labels), lo, hi)
    _check_finite(images, spec)
    _check_labels(labels, num_classes, spec)
    _check_channels(images.shape[-1], image_shape, spec)
    out = _resize(_to_unit_range(tf.constant(images)), image_shape).numpy()
    return out, labels


def _decode_file(path, channels, image_shape):
    contents = tf.io.read_file(path)
    try:
        image = tf.io.decode_image(contents, channels=channels or 0, expand_animations=False)
    except tf.errors.InvalidArgumentError as e:
        raise ValueError(f"Cannot decode image {path}: {e.message}") from None
    if image_shape is not None:
        image = _resize(_to_unit_range(image[None]), image_shape)[0]
        return np.round((image.numpy() + 1.0) * 127.5).astype(np.uint8)
    return image.numpy()


def info(spec, split="train", data_dir=None):
    """Describes a source without building a pipeline: a `DataInfo`.

    Example:

    >>> info("digits")
    DataInfo(num_examples=1797, image_shape=(8, 8, 1), num_classes=10, class_names=['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    """
    kind, arg = parse_spec(spec)
    split_name, lo, hi = _parse_split(split) if kind != "tfds" else (split, 0, 100)
    if kind == "toy":
        images, labels, n_cls, names = _load_toy(arg, split_name)
    elif kind == "digits":
        _check_digits_split(split_name)
        images, labels, n_cls, names = _load_digits()
    elif kind == "idx":
        images, labels, n_cls, names = _load_idx(arg, split_name)
    elif kind == "folder":
        paths, labels, names = _list_folder(arg)
        first = tf.io.decode_image(tf.io.read_file(paths[0]), expand_animations=False)
        n = len(paths) * hi // 100 - len(paths) * lo // 100
        return DataInfo(n, tuple(first.shape), None if names is None else len(names), names)
    else:
        builder = _tfds_builder(arg, data_dir)
        features = builder.info.features
        image_key = _tfds_image_key(features, arg)
        label = features["label"] if "label" in features else None
        try:
            count = builder.info.splits[split].num_examples
        except (KeyError, ValueError):  # Not generated yet, or a sliced split.
            count = None
        return DataInfo(
            count,
            tuple(features[image_key].shape),
            None if label is None else label.num_classes,
            None if label is None else list(label.names),
        )
    n = len(images) * hi // 100 - len(images) * lo // 100
    return DataInfo(n, tuple(images.shape[1:]), n_cls if labels is not None else None, names)


def _tfds_builder(name, data_dir):
    import tensorflow_datasets as tfds

    try:
        return tfds.builder(name, data_dir=data_dir)
    except Exception as e:  # tfds raises several types for unknown names.
        raise ValueError(f"tensorflow-datasets has no dataset {name!r}: {e}. Received: spec='tfds:{name}'") from None


def _tfds_image_key(features, name):
    for key in ("image", "images", "img"):
        if key in features:
            return key
    raise ValueError(f"tfds:{name} has no 'image' feature; its features: {sorted(features.keys())}.")


def _load_tfds(name, split, data_dir, shuffle, seed):
    import tensorflow_datasets as tfds

    builder = _tfds_builder(name, data_dir)
    features = builder.info.features
    image_key = _tfds_image_key(features, name)
    has_label = "label" in features
    read_config = tfds.ReadConfig(shuffle_seed=seed) if seed is not None else None
    try:
        with tfds_builders.download_retries(builder):
            ds = tfds.load(
                name,
                split=split,
                data_dir=data_dir,
                shuffle_files=shuffle,
                read_config=read_config,
            )
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
    num_classes = features["label"].num_classes if has_label else None
    channels = features[image_key].shape[-1]
    ds = ds.map(
        lambda ex: (ex[image_key], ex["label"]) if has_label else (ex[image_key], tf.constant(0)),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return ds, has_label, num_classes, channels


def load(
    spec,
    batch_size,
    image_shape=None,
    split="train",
    shuffle=True,
    seed=None,
    drop_remainder=True,
    num_classes=None,
    with_labels=True,
    repeat=False,
    data_dir=None,
):
    """Builds a batched `tf.data.Dataset` of images in [-1, 1].

    Args:
        spec: the source, see the module docstring.
        batch_size: examples per batch.
        image_shape: `(height, width, channels)` to resize to; the channel
            count must match the source's (a `folder:` source converts).
            Default: the source's own shape.
        split: which split (and percent slice) to read.
        shuffle: shuffle examples every epoch.
        seed: seeds the shuffle.
        drop_remainder: drop the last partial batch (GAN steps want fixed
            batches).
        num_classes: if set, labels must lie in `[0, num_classes)`.
        with_labels: yield `(images, labels)` for labelled sources; False
            yields images only.
        repeat: repeat forever.
        data_dir: tensorflow-datasets data directory.

    Returns:
        A `tf.data.Dataset`.

    Raises:
        ValueError: unknown spec, bad image shape, channel mismatch, NaN data,
            labels out of range, too few examples for one batch.
        FileNotFoundError: a missing directory or no images in it.
    """
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}")
    batch_size = int(batch_size)
    kind, arg = parse_spec(spec)
    if kind != "toy":
        image_shape = _check_image_shape(image_shape)
    if kind == "tfds":
        ds, has_label, source_classes, channels = _load_tfds(arg, split, data_dir, shuffle, seed)
        _check_channels(channels, image_shape, spec)
        if num_classes is not None and source_classes is not None and source_classes > num_classes:
            raise ValueError(
                f"{spec} has {source_classes} classes, more than num_classes={num_classes}. "
                f"Received: num_classes={num_classes}"
            )

        def convert(image, label):
            if image.dtype.is_floating:
                image = tf.debugging.assert_all_finite(image, f"{spec} has NaN or Inf pixels")
            image = _to_unit_range(image)
            return _resize(image[None], image_shape)[0], tf.cast(label, tf.int32)

        ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
        if shuffle:
            ds = ds.shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
        count = None
    elif kind == "folder" and not _folder_fits_memory(arg):
        ds, has_label, count = _folder_stream(arg, image_shape, split, shuffle, seed, spec, num_classes)
    else:
        images, labels = load_arrays(spec, split, image_shape, num_classes, data_dir)
        has_label = labels is not None
        count = len(images)
        ds = tf.data.Dataset.from_tensor_slices(
            (images, labels if has_label else np.zeros(count, np.int32))
        )
        if shuffle:
            ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    if count is not None and drop_remainder and count < batch_size:
        raise ValueError(
            f"{spec} (split={split!r}) has {count} examples, fewer than one batch. "
            f"Received: batch_size={batch_size}"
        )
    if not (with_labels and has_label):
        ds = ds.map(lambda image, label: image, num_parallel_calls=tf.data.AUTOTUNE)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
    # How tf.distribute splits the data between workers. In-memory sources
    # (and folder streams) have no files to split: each worker keeps its share
    # of the elements of every global batch (DATA). tensorflow-datasets reads
    # shard files: AUTO splits by file when there are at least as many files
    # as workers, and falls back to DATA otherwise.
    options = tf.data.Options()
    policy = tf.data.experimental.AutoShardPolicy
    options.experimental_distribute.auto_shard_policy = policy.AUTO if kind == "tfds" else policy.DATA
    return ds.with_options(options)


# Folders up to this many files are decoded once into memory; larger ones
# stream from disk.
_IN_MEMORY_FILES = 20_000


def _folder_fits_memory(directory):
    paths, _, _ = _list_folder(directory)
    return len(paths) <= _IN_MEMORY_FILES


def _folder_stream(directory, image_shape, split, shuffle, seed, spec, num_classes=None):
    if image_shape is None:
        raise ValueError(
            f"{spec} is large and streams from disk; pass image_shape so that every image "
            "is resized to it. Received: image_shape=None"
        )
    paths, labels, _ = _list_folder(directory)
    _, lo, hi = _parse_split(split)
    paths, labels = _apply_slice((np.asarray(paths), labels), lo, hi)
    _check_labels(labels, num_classes, spec)
    has_label = labels is not None
    if not has_label:
        labels = np.zeros(len(paths), np.int32)
    ds = tf.data.Dataset.from_tensor_slices((paths, labels))
    if shuffle:
        ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)

    def decode(path, label):
        image = tf.io.decode_image(tf.io.read_file(path), channels=image_shape[-1], expand_animations=False)
        image.set_shape([None, None, image_shape[-1]])
        return _resize(_to_unit_range(image)[None], image_shape)[0], label

    return ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE), has_label, len(paths)
