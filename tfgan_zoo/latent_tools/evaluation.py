"""Measures for inpainting: PSNR on the hole, and the two baselines of
`benchmarks/latent_tools.py` (fill with the mean image, nearest-neighbour
fill from a training set).

Images are in [-1, 1] (a range of 2), so `PSNR = 10 log10(4 / MSE)`, the
MSE taken over the missing pixels only.

Example:

>>> x = np.zeros((1, 2, 2, 1)); m = np.ones_like(x); m[0, 0, 0] = 0
>>> round(hole_psnr(x, x + 0.2 * (1 - m), m), 2)  # error 0.2 on the one missing pixel
20.0
"""

import numpy as np


def _hole(images, masks):
    return np.broadcast_to(np.asarray(masks) == 0, np.shape(images))


def hole_psnr(images, completed, masks):
    """PSNR (dB) of `completed` against `images` over the missing pixels of all images."""
    hole = _hole(images, masks)
    if not hole.any():
        raise ValueError("The masks hide no pixel: PSNR on the hole is undefined. Received: masks of all ones")
    mse = float(np.mean((np.asarray(completed, np.float64)[hole] - np.asarray(images, np.float64)[hole]) ** 2))
    return float("inf") if mse == 0 else float(10.0 * np.log10(4.0 / mse))


def paste(images, masks, fill):
    """`M * images + (1 - M) * fill`."""
    masks = np.broadcast_to(masks, np.shape(images)).astype(np.float32)
    return masks * images + (1.0 - masks) * fill


def mean_fill(images, masks, train):
    """The hole filled with the mean training image."""
    return paste(images, masks, np.asarray(train, np.float32).mean(axis=0, keepdims=True))


def nearest_neighbour_fill(images, masks, train, batch_size=256):
    """The hole filled from the training image closest on the known pixels (L2)."""
    train = np.asarray(train, np.float32)
    flat_t = train.reshape(len(train), -1)
    t_sq = flat_t**2
    masks_full = np.broadcast_to(masks, np.shape(images)).astype(np.float32)
    nearest = []
    for start in range(0, len(images), batch_size):
        x = np.asarray(images[start : start + batch_size], np.float32).reshape(-1, flat_t.shape[1])
        m = masks_full[start : start + batch_size].reshape(len(x), -1)
        # sum_k m_k (x_k - t_k)^2, for every training image at once.
        dist = (m * x**2).sum(axis=1, keepdims=True) - 2.0 * (m * x) @ flat_t.T + m @ t_sq.T
        nearest.append(np.argmin(dist, axis=1))
    return paste(images, masks, train[np.concatenate(nearest)])
