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
| `csv:<path>`    | a table (see `table`: `read_csv`, schema, missing values)    |
| `waves[:<k>]`   | sine/sawtooth sequences `[30, k]` (`data.waves`); tfds too   |
| `seq:<file>`    | your sequences, `.npy`/`.npz` `[n, steps, features]` (+ labels), or long-format `.csv` |
| `text:<file>`   | your text, one example per line, as one-hot characters (`data.text`) |
| `dates`         | dates in three formats from a grammar, `data.dates.accepts` checks them |

Each source is a module of this package (`digits`, `tfds`, `idx`, `folder`,
`toy`, `waves`) registered with `sources.register_source`; a new kind of data is one
more module, imported below.

Images come out as float32 in [-1, 1], resized to `image_shape` when given,
shuffled (seeded), batched and prefetched. Labelled sources yield
`(images, labels)` with int32 labels; `with_labels=False` yields images.

`split` picks a split (`"train"`, `"test"`) in tensorflow-datasets' slicing
syntax: `"train[:50]"` is the first 50 examples, `"train[10:20]"`,
`"train[-100:]"` the last 100, `"train[:90%]"` / `"train[90%:]"` percent
slices (see `splits`). Slices of the in-memory sources (`digits`, `idx`,
`folder`, toy data) are fixed, so held-out rows never leak into training; a
slice that selects nothing is an error. tfds sources take tfds' own syntax.

Example:

>>> ds = load("digits", batch_size=32, image_shape=(28, 28, 1), seed=0)
>>> images, labels = next(iter(ds))
>>> tuple(images.shape), tuple(labels.shape)
((32, 28, 28, 1), (32,))
>>> bool(images.numpy().min() >= -1 and images.numpy().max() <= 1)
True
"""

# The sources register themselves on import, in the order of `SOURCES`.
from tfgan_zoo.data import digits, tfds, idx, folder, toy, waves  # noqa: F401, I001
from tfgan_zoo.data import table  # noqa: F401  (csv:<path>, tables)
from tfgan_zoo.data import sequence_files  # noqa: F401  (seq:<file.npy|file.npz|file.csv>, sequences)
from tfgan_zoo.data import voxels  # noqa: F401  (voxel_shapes, voxels:<file.npz|dir>; the voxel_shapes tfds builder)
from tfgan_zoo.data import text, dates  # noqa: F401, I001  (text:<file>, dates; the dates tfds builder)
from tfgan_zoo.data import checks, pipeline, tfds_builders  # noqa: F401
from tfgan_zoo.data.folder import IMAGE_EXTENSIONS
from tfgan_zoo.data.sources import DataInfo, get_source, parse_spec, register_source, specs
from tfgan_zoo.data.toy import TOY, TOY_EXAMPLES, toy_modes

__all__ = [
    "DataInfo",
    "IMAGE_EXTENSIONS",
    "SOURCES",
    "TOY",
    "TOY_EXAMPLES",
    "get_source",
    "info",
    "load",
    "load_arrays",
    "parse_spec",
    "register_source",
    "toy_modes",
]

SOURCES = specs()


def load_arrays(spec, split="train", image_shape=None, num_classes=None, data_dir=None):
    """Loads an in-memory source as NumPy: `(images in [-1, 1], labels or None)`.

    For `digits`, `idx:`, `folder:` and the toy sources (read whole). Used by
    `load` and by code that needs all examples at once (metrics, tests).

    Example:

    >>> images, labels = load_arrays("digits", split="train[:10%]")
    >>> images.shape, labels.shape
    ((179, 8, 8, 1), (179,))
    >>> load_arrays("digits", split="train[:50]")[0].shape
    (50, 8, 8, 1)
    """
    kind, arg = parse_spec(spec)
    return get_source(kind).load_arrays(spec, arg, split, image_shape, num_classes, data_dir)


def info(spec, split="train", data_dir=None):
    """Describes a source without building a pipeline or reading every example: a `DataInfo`.

    Example:

    >>> info("digits")
    DataInfo(num_examples=1797, image_shape=(8, 8, 1), num_classes=10, class_names=['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    >>> info("digits", split="train[-100:]").num_examples
    100
    """
    kind, arg = parse_spec(spec)
    return get_source(kind).describe(spec, arg, split, data_dir)


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
    sequence_length=None,
):
    """Builds a batched `tf.data.Dataset` of images in [-1, 1].

    Args:
        spec: the source, see the module docstring.
        batch_size: examples per batch.
        image_shape: `(height, width, channels)` to resize to; the channel
            count must match the source's (a `folder:` source converts).
            Default: the source's own shape.
        split: which split (and slice) to read, e.g. `"train[:90%]"`.
        shuffle: shuffle examples every epoch.
        seed: seeds the shuffle.
        drop_remainder: drop the last partial batch (GAN steps want fixed
            batches).
        num_classes: if set, labels must lie in `[0, num_classes)`.
        with_labels: yield `(images, labels)` for labelled sources; False
            yields images only.
        repeat: repeat forever.
        data_dir: tensorflow-datasets data directory.
        sequence_length: positions per example of a text source
            (`text:<file>`, `dates`; see `tfgan_zoo.data.text`).

    Returns:
        A `tf.data.Dataset`.

    Raises:
        ValueError: unknown spec, bad image shape, bad or empty split slice,
            channel mismatch, NaN data, labels out of range or corrupt, too
            few examples for one batch.
        FileNotFoundError: a missing directory or no images in it.
    """
    batch_size = checks.batch_size(batch_size)
    kind, arg = parse_spec(spec)
    source = get_source(kind)
    if sequence_length is not None:
        image_shape = text.with_length(source, sequence_length, image_shape, spec)
    image_shape = source.check_shape(image_shape, spec)
    stream = source.stream(spec, arg, split, image_shape, num_classes, shuffle, seed, data_dir)
    return pipeline.batched(stream, batch_size, drop_remainder, with_labels, repeat, source.shard_files, spec, split)
