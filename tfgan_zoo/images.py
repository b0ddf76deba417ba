"""Image grids and PNG files.

`as_images(samples)` is the one rule that turns any model's samples into
images for the grids: images pass through, voxel grids become three
maximum projections (`tfgan_zoo.volumes.render`), sequences become
curves. The sample-grid callback and `launchers.generate` use it.

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
from tfgan_zoo import volumes

CURVE_HEIGHT = 32  # Pixels of a sequence's plot, for values in [-1, 1].
CURVE_SCALE = 2  # Pixels per time step.


def as_images(samples):
    """Images in [-1, 1] of a model's samples `[n, *sample_shape]`, for grids.

    - images `[n, h, w, c]` (in [-1, 1]): unchanged.
    - voxel grids `[n, d, d, d, 1]` (in [0, 1]): `[n, d, 3d, 1]`, the
      maximum projections along the three axes.
    - sequences `[n, steps, features]` (in [-1, 1]): `[n, 32, 2 * steps, 1]`,
      each feature a white curve on black (value 1 at the top).
    """
    samples = np.asarray(samples, np.float32)
    if samples.ndim == 4:
        return samples
    if samples.ndim == 5:
        return volumes.render(samples)
    if samples.ndim == 3:
        return sequence_curves(samples)
    raise ValueError(
        "Samples of images [n, h, w, c], voxels [n, d, d, d, 1] or sequences [n, steps, features] have a picture; "
        f"write table rows with `model.sample_rows`. Received: samples of shape {samples.shape}"
    )


def sequence_curves(sequences, height=CURVE_HEIGHT, scale=CURVE_SCALE):
    """`[n, steps, features]` in [-1, 1] drawn as curves: `[n, height, scale * steps, 1]` in [-1, 1]."""
    x = np.clip(np.asarray(sequences, np.float32), -1.0, 1.0)
    n, steps, features = x.shape
    width = steps * scale
    at = np.linspace(0, steps - 1, width)
    # Each feature sampled at the `width` columns, linearly between steps.
    values = np.stack([[np.interp(at, np.arange(steps), x[i, :, j]) for j in range(features)] for i in range(n)])
    rows = np.round((1.0 - values) / 2.0 * (height - 1)).astype(int)  # [n, features, width]
    out = np.full((n, height, width), -1.0, np.float32)
    out[np.arange(n)[:, None, None], rows, np.arange(width)[None, None, :]] = 1.0
    return out[..., None]


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
