"""Inpainting masks: 1 where a pixel is known, 0 where it is missing.

Masks are float32 `[n, height, width, 1]` (one value per pixel, the same
for every channel). The kinds Yeh et al. (2017) measured:

- `random`: each pixel missing with probability `fraction` (the paper's 80%);
- `center`: a centred square block covering `fraction` of each side (default half);
- `half`: the left, right, top or bottom half missing;
- a user's mask: an array, or a PNG where dark (< 128) pixels are missing.

Example:

>>> m = make_masks("center", 1, (4, 4, 1))
>>> m[0, :, :, 0].astype(int)
array([[1, 1, 1, 1],
       [1, 0, 0, 1],
       [1, 0, 0, 1],
       [1, 1, 1, 1]])
"""

import numpy as np

SIDES = ("left", "right", "top", "bottom")


def _spatial(sample_shape):
    shape = tuple(int(d) for d in sample_shape)
    if len(shape) != 3:
        raise ValueError(f"Masks are for images (height, width, channels). Received: sample_shape={sample_shape!r}")
    return shape[0], shape[1]


def _fraction(fraction):
    if not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"`fraction` must be in [0, 1]. Received: fraction={fraction!r}")
    return float(fraction)


def random_mask(n, sample_shape, fraction=0.8, seed=0):
    """Each pixel missing with probability `fraction`, independently."""
    h, w = _spatial(sample_shape)
    keep = np.random.default_rng(seed).uniform(size=(n, h, w, 1)) >= _fraction(fraction)
    return keep.astype(np.float32)


def center_mask(n, sample_shape, fraction=0.5):
    """A centred block of `round(fraction * side)` pixels per side missing."""
    h, w = _spatial(sample_shape)
    fraction = _fraction(fraction)
    bh, bw = int(round(fraction * h)), int(round(fraction * w))
    mask = np.ones((n, h, w, 1), np.float32)
    top, left = (h - bh) // 2, (w - bw) // 2
    mask[:, top : top + bh, left : left + bw] = 0.0
    return mask


def half_mask(n, sample_shape, side="left"):
    """The `side` half of every image missing."""
    h, w = _spatial(sample_shape)
    if side not in SIDES:
        raise ValueError(f"Unknown side {side!r}. Valid: {list(SIDES)}. Received: side={side!r}")
    mask = np.ones((n, h, w, 1), np.float32)
    rows = slice(0, h // 2) if side == "top" else slice(h - h // 2, h) if side == "bottom" else slice(None)
    cols = slice(0, w // 2) if side == "left" else slice(w - w // 2, w) if side == "right" else slice(None)
    mask[:, rows, cols] = 0.0
    return mask


def mask_from_png(path, n, sample_shape):
    """The PNG at `path` (resized to the images, nearest) as `n` copies: dark pixels are missing."""
    import tensorflow as tf

    h, w = _spatial(sample_shape)
    image = tf.io.decode_png(tf.io.read_file(path), channels=1)
    image = tf.image.resize(image, (h, w), method="nearest").numpy()
    return np.repeat((image >= 128).astype(np.float32)[None], n, axis=0)


KINDS = {
    "random": lambda n, shape, seed: random_mask(n, shape, 0.8, seed),
    "center": lambda n, shape, seed: center_mask(n, shape),
    "half": lambda n, shape, seed: half_mask(n, shape),
}


def make_masks(kind, n, sample_shape, seed=0):
    """`n` masks of `kind` (`"random"`, `"center"`, `"half"`, or a PNG path)."""
    if isinstance(kind, str) and kind.lower().endswith(".png"):
        return mask_from_png(kind, n, sample_shape)
    if kind not in KINDS:
        raise ValueError(f"Unknown mask {kind!r}. Valid: {sorted(KINDS)} or a .png path. Received: mask={kind!r}")
    return KINDS[kind](n, sample_shape, seed)


def check_masks(masks, images):
    """`masks` as float32 `[n, h, w, 1 or c]` matching `images`, values in {0, 1}; else a ValueError."""
    masks = np.asarray(masks, np.float32)
    images = np.asarray(images)
    ok = masks.ndim == 4 and masks.shape[:3] == images.shape[:3] and masks.shape[3] in (1, images.shape[3])
    if not ok:
        raise ValueError(
            f"`masks` must have shape {images.shape[:3] + (1,)} or {images.shape} (the images'). "
            f"Received: masks of shape {masks.shape}"
        )
    bad = masks[(masks != 0.0) & (masks != 1.0)]
    if bad.size:
        raise ValueError(f"`masks` must be 0 (missing) or 1 (known). Received: values {np.unique(bad)[:10].tolist()}")
    return masks
