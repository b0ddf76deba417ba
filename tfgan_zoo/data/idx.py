"""`idx:<dir>`: MNIST-format IDX files (`*-images-idx3-ubyte[.gz]`, labels).

The split picks the file pair by prefix (`train` -> `train-*`, `test` ->
`t10k-*`, other names -> `<name>-*`); a directory with one image file
serves both `train` and `test` (take slices to hold rows out). A label file
`*-labels-idx1-ubyte[.gz]` next to the images (gzipped or not, either way)
makes the source labelled.

`info` reads the image file's header (count and shape) and the labels, not
the images. IDX files declare no classes, so the class count is the
largest label + 1; labels that are rare outliers beyond the range of the
common ones (a corrupt byte would silently add classes) are refused.

Example:

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> with open(os.path.join(d, "t10k-images-idx3-ubyte"), "wb") as f:
...     _ = f.write(struct.pack(">iiii", IMAGE_MAGIC, 3, 2, 2) + bytes(12))
>>> Idx().info(d, "test")
DataInfo(num_examples=3, image_shape=(2, 2, 1), num_classes=None, class_names=None)
"""

import gzip
import os
import re
import struct

import numpy as np

from tfgan_zoo.data.sources import DataInfo, Source, register_source

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
_HEADER_BYTES = {IMAGE_MAGIC: 16, LABEL_MAGIC: 8}

# A label value held by fewer rows than this fraction of the median label
# value's is rare.
_RARE_FRACTION = 0.1


def _read(path, magic, body):
    """The shape the header of IDX file `path` declares, and (if `body`) its data."""
    opener = gzip.open if path.endswith(".gz") else open
    kind = "image" if magic == IMAGE_MAGIC else "label"
    header_size = _HEADER_BYTES[magic]
    try:
        with opener(path, "rb") as f:
            header = f.read(header_size)
            data = f.read() if body else None
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
    shape = (count,) + (struct.unpack(">ii", header[8:16]) if magic == IMAGE_MAGIC else ())
    if not body:
        return shape, None
    array = np.frombuffer(data, dtype=np.uint8)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path} holds {array.size} bytes of data; its header says {shape}.")
    return shape, array.reshape(shape)


def find_pair(directory, split_name):
    """`(image path, label path or None)` of the split's file pair."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"IDX directory not found. Received: idx:{directory}")
    files = sorted(os.listdir(directory))
    images = [f for f in files if re.search(r"images[-.]idx3-ubyte(\.gz)?$", f)]
    if not images:
        raise FileNotFoundError(f"No '*-images-idx3-ubyte[.gz]' file in {directory}. Received: idx:{directory}")
    prefix = {"train": "train", "test": "t10k"}.get(split_name, split_name)
    chosen = [f for f in images if f.startswith(prefix)]
    if not chosen:
        if len(images) > 1 or split_name not in ("train", "test"):
            raise ValueError(
                f"split={split_name!r} matches none of {images} in {directory}. "
                f"Received: split={split_name!r}"
            )
        # A single image file (e.g. only MNIST's t10k set on disk) serves
        # both 'train' and 'test'; take slices to hold rows out.
        chosen = images
    stem = re.sub(r"images([-.])idx3-ubyte(\.gz)?$", r"labels\1idx1-ubyte", chosen[0])
    # The labels compressed as the images are, else the other way.
    suffixes = (".gz", "") if chosen[0].endswith(".gz") else ("", ".gz")
    labels = [os.path.join(directory, stem + gz) for gz in suffixes if stem + gz in files]
    return os.path.join(directory, chosen[0]), labels[0] if labels else None


def read_labels(label_path, image_path, count):
    """The int32 labels of `label_path`, checked against the images' `count`
    and for corrupt (rare, out-of-range) values."""
    _, labels = _read(label_path, LABEL_MAGIC, body=True)
    if len(labels) != count:
        raise ValueError(f"{image_path} has {count} images but {label_path} has {len(labels)} labels.")
    labels = labels.astype(np.int32)
    check_label_outliers(labels, label_path)
    return labels


def check_label_outliers(labels, where):
    """Refuses rare labels outside the range of the common ones.

    A label value is rare when fewer rows hold it than `_RARE_FRACTION` of
    the median count of a label value; common values span `lo..hi`. Rare
    values outside `lo..hi` are refused: with no declared classes they would
    become classes of their own (one corrupt byte 200 makes 201 classes).
    """
    values, counts = np.unique(labels, return_counts=True)
    rare = counts < _RARE_FRACTION * np.median(counts)
    if not rare.any():
        return
    lo, hi = values[~rare].min(), values[~rare].max()
    outliers = values[rare & ((values < lo) | (values > hi))]
    if not outliers.size:
        return
    rows = np.flatnonzero(np.isin(labels, outliers))
    shown = outliers.tolist()[:10]
    raise ValueError(
        f"{where} has {len(rows)} row(s) with rare labels outside the range {lo}..{hi} of "
        f"its common labels (rows {rows[:10].tolist()}{'...' if len(rows) > 10 else ''}): a corrupt "
        f"labels file? IDX files declare no classes, so these would make a "
        f"{int(outliers.max()) + 1}-class model. Fix or drop those rows. "
        f"Received: {len(rows)} row(s) with label(s) {shown}"
    )


@register_source("idx")
class Idx(Source):
    specs = ("idx:<dir>",)
    takes_argument = True

    def info(self, arg, split_name, data_dir=None):
        image_path, label_path = find_pair(arg, split_name)
        shape, _ = _read(image_path, IMAGE_MAGIC, body=False)
        num_classes = None
        if label_path:
            num_classes = int(read_labels(label_path, image_path, shape[0]).max(initial=-1)) + 1
        return DataInfo(shape[0], shape[1:] + (1,), num_classes, None)

    def arrays(self, arg, split_name, image_shape, take):
        image_path, label_path = find_pair(arg, split_name)
        _, images = _read(image_path, IMAGE_MAGIC, body=True)
        labels = read_labels(label_path, image_path, len(images)) if label_path else None
        rows = take(len(images))
        return images[rows][..., None], None if labels is None else labels[rows]
