"""Scaling to [-1, 1] and resizing, shared by the image sources."""

import tensorflow as tf


def to_unit_range(images):
    """uint8 [0, 255] -> float32 [-1, 1]; floats must already be in [-1, 1]."""
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32)


def resize(images, image_shape):
    """Resizes a `[batch, h, w, c]` tensor in [-1, 1] to `image_shape` (None: as is)."""
    if image_shape is None:
        return images
    size = image_shape[:2]
    if tuple(images.shape[-3:-1]) == tuple(size):
        return images
    images = tf.image.resize(images, size, method="bilinear", antialias=True)
    return tf.clip_by_value(images, -1.0, 1.0)


def model_range(images, image_shape):
    """NumPy `[n, h, w, c]` images -> float32 NumPy in [-1, 1], resized."""
    return resize(to_unit_range(tf.constant(images)), image_shape).numpy()


def model_range_one(image, image_shape):
    """One `[h, w, c]` image tensor -> float32 in [-1, 1], resized (for `Dataset.map`)."""
    return resize(to_unit_range(image)[None], image_shape)[0]
