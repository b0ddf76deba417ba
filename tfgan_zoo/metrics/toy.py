"""Mode-collapse probes on the 2-D toy datasets (`ring8`, `grid25`).

The protocol of Srivastava et al. (VEEGAN, 2017) and Lin et al. (PacGAN,
2018): a generated point is *high quality* if it lies within 3 standard
deviations of its nearest mode; a mode is *covered* when enough
high-quality points fall on it. Here "enough" is 10% of a fair share
(`0.1 * n / modes`, at least 1), so a mode with a stray point or two does
not count.

Example:

>>> import numpy as np
>>> from tfgan_zoo import data
>>> centers, std = data.toy_modes("ring8")
>>> real, _ = data.load_arrays("ring8")
>>> mode_coverage(real[:2000], centers, std)["modes_covered"]
8
>>> collapsed = np.repeat(centers[:1], 500, axis=0)
>>> mode_coverage(collapsed, centers, std)["modes_covered"]
1
"""

import numpy as np


def mode_coverage(samples, centers, std, num_std=3.0, min_fraction=0.1):
    """Modes covered and the high-quality fraction of 2-D samples.

    Args:
        samples: generated points `[n, 2]`.
        centers: the modes' centres `[modes, 2]`.
        std: the modes' standard deviation.
        num_std: radius of a mode, in standard deviations.
        min_fraction: a mode is covered when it gets at least
            `min_fraction * n / modes` (and at least 1) high-quality points.

    Returns:
        A dict: `modes_covered` (int), `num_modes`, `high_quality_fraction`
        (in [0, 1]) and `counts` (high-quality points per mode).
    """
    samples = np.asarray(samples, np.float64)
    centers = np.asarray(centers, np.float64)
    if samples.ndim != 2 or samples.shape[1] != centers.shape[1] or len(samples) == 0:
        raise ValueError(
            f"`samples` must be a non-empty [n, {centers.shape[1]}] array. "
            f"Received: samples of shape {samples.shape}"
        )
    if not np.all(np.isfinite(samples)):
        raise ValueError("`samples` has NaN or Inf values. Received: non-finite samples")
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= num_std * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    threshold = max(1.0, min_fraction * len(samples) / len(centers))
    return {
        "modes_covered": int(np.sum(counts >= threshold)),
        "num_modes": int(len(centers)),
        "high_quality_fraction": float(good.mean()),
        "counts": counts.tolist(),
    }
