"""Image grids and PNG files.

Example:

>>> import numpy as np
>>> grid = make_grid(np.zeros((6, 8, 8, 1)), rows=2)
>>> grid.shape, grid.dtype
((19, 28, 1), dtype('uint8'))
"""

import math

import numpy as np
import tensorflow as tf

from tfgan_zoo import fileio


def to_uint8(images):
    """Maps images in [-1, 1] to uint8 [0, 255] (values outside are clipped)."""
    images = np.asarray(images, dtype=np.float32)
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images, rows=None, cols=None, padding=1, pad_value=255):
    """Tiles `[n, h, w, c]` images in [-1, 1] into one uint8 image.

    Args:
        images: array `[n, h, w, c]` (or `[n, h, w]`) in [-1, 1].
        rows: number of rows; default: about square.
        cols: number of columns; default: enough for `n`.
        padding: pixels between tiles.
        pad_value: uint8 value of the padding.

    Returns:
        uint8 array `[rows*h + (rows+1)*padding, cols*w + ..., c]`.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(
            f"make_grid takes a non-empty batch [n, h, w, c]. Received: shape {images.shape}"
        )
    n, h, w, c = images.shape
    for value, name in ((rows, "rows"), (cols, "cols")):
        if value is not None and int(value) < 1:
            raise ValueError(f"`{name}` must be positive. Received: {name}={value!r}")
    if rows is None and cols is None:
        cols = int(math.ceil(math.sqrt(n)))
    if cols is None:
        cols = int(math.ceil(n / rows))
    if rows is None:
        rows = int(math.ceil(n / cols))
    if rows * cols < n:
        raise ValueError(f"A {rows}x{cols} grid cannot hold {n} images. Received: rows={rows}, cols={cols}")
    tiles = to_uint8(images)
    grid = np.full(
        (rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding, c), pad_value, np.uint8
    )
    for i in range(n):
        r, col = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top : top + h, left : left + w] = tiles[i]
    return grid


def save_png(path, image):
    """Writes a uint8 `[h, w, c]` image as PNG, atomically."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., None]
    fileio.write_bytes(path, tf.io.encode_png(image).numpy())
    return path


def save_grid(path, images, rows=None, cols=None):
    """`make_grid` + `save_png`; returns `path`."""
    return save_png(path, make_grid(images, rows=rows, cols=cols))
