"""`folder:<dir>`: image files; class subfolders become labels.

With subfolders, each (sorted) subfolder is a class and its images (found
recursively) are labelled by its index; with none, the folder's images are
unlabelled. `info` lists the files and decodes only the first. Folders of up
to `_IN_MEMORY_FILES` images are decoded once into memory; larger ones
stream from disk (and need `image_shape`).

Example:

>>> import os, tempfile
>>> import tensorflow as tf
>>> d = tempfile.mkdtemp()
>>> for name in ("cat", "dog"):
...     os.makedirs(os.path.join(d, name))
...     tf.io.write_file(os.path.join(d, name, "0.png"), tf.io.encode_png(tf.zeros((4, 6, 1), tf.uint8)))
>>> Folder().info(d, "train")
DataInfo(num_examples=2, image_shape=(4, 6, 1), num_classes=2, class_names=['cat', 'dog'])
"""

import os

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import checks, pipeline, splits, transform
from tfgan_zoo.data.sources import DataInfo, Source, register_source

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")

# Folders up to this many files are decoded once into memory; larger ones
# stream from disk.
_IN_MEMORY_FILES = 20_000


def list_folder(directory):
    """`(paths, int32 labels or None, class names or None)` of an image folder."""
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
            f"No images ({', '.join(IMAGE_EXTENSIONS)}) found in {directory}. Received: folder:{directory}"
        )
    return paths, (np.asarray(labels, np.int32) if classes else None), (classes or None)


def decode_file(path, channels=None, image_shape=None):
    """One image file as uint8 NumPy `[h, w, c]`, resized to `image_shape` if given."""
    contents = tf.io.read_file(path)
    try:
        image = tf.io.decode_image(contents, channels=channels or 0, expand_animations=False)
    except tf.errors.InvalidArgumentError as e:
        raise ValueError(f"Cannot decode image {path}: {e.message}") from None
    if image_shape is not None:
        image = transform.model_range_one(image, image_shape)
        return np.round((image.numpy() + 1.0) * 127.5).astype(np.uint8)
    return image.numpy()


@register_source("folder")
class Folder(Source):
    specs = ("folder:<dir>",)
    takes_argument = True

    def info(self, arg, split_name, data_dir=None):
        paths, _, names = list_folder(arg)
        first = decode_file(paths[0])
        return DataInfo(len(paths), first.shape, None if names is None else len(names), names)

    def arrays(self, arg, split_name, image_shape, take):
        paths, labels, _ = list_folder(arg)
        rows = take(len(paths))
        channels = image_shape[-1] if image_shape else None
        decoded = [decode_file(p, channels, image_shape) for p in paths[rows]]
        shapes = {d.shape for d in decoded}
        if len(shapes) > 1:
            raise ValueError(
                f"folder:{arg} has images of several shapes {sorted(shapes)[:4]}; pass image_shape "
                "to resize them. Received: image_shape=None"
            )
        return np.stack(decoded), None if labels is None else labels[rows]

    def stream(self, spec, arg, split, image_shape, num_classes, shuffle, seed, data_dir=None):
        paths, labels, _ = list_folder(arg)
        if len(paths) <= _IN_MEMORY_FILES:
            return super().stream(spec, arg, split, image_shape, num_classes, shuffle, seed, data_dir)
        image_shape = self.check_shape(image_shape, spec)
        if image_shape is None:
            raise ValueError(
                f"{spec} is large and streams from disk; pass image_shape so that every image "
                "is resized to it. Received: image_shape=None"
            )
        rows = splits.parse_split(split).rows(len(paths), spec)
        labels = None if labels is None else labels[rows]
        checks.labels(labels, num_classes, spec)
        files = pipeline.examples(np.asarray(paths[rows]), labels, shuffle, seed)

        def decode(path, label):
            image = tf.io.decode_image(tf.io.read_file(path), channels=image_shape[-1], expand_animations=False)
            image.set_shape([None, None, image_shape[-1]])
            return transform.model_range_one(image, image_shape), label

        return files._replace(dataset=files.dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE))
