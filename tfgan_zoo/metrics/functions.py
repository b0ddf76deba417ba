"""Sample-quality metrics on precomputed features or logits (NumPy/SciPy).

These are pure functions: they take NumPy arrays (or anything
`np.asarray` accepts) of features or classifier logits, compute in
float64 and return Python floats (or tuples/dicts of floats). No
TensorFlow is involved, so they run anywhere and are easy to check.
Each metric lives in its own module; this one gathers them:

- `frechet`: `frechet_distance_from_statistics`, `frechet_distance` (alias
  `frechet_distance_from_activations`, TF-GAN's name): the Frechet
  distance between Gaussians fitted to two feature sets (FID when the
  features come from Inception; Heusel et al. 2017).
- `kid`: `kernel_distance`, the kernel inception distance, KID (Binkowski
  et al. 2018): unbiased MMD^2 with a cubic polynomial kernel, averaged
  over random subsets.
- `inception_score`: `classifier_score`, the inception score, IS (Salimans
  et al. 2016), from a classifier's logits or probabilities.
- `prdc`: `precision_recall`, improved precision and recall (Kynkaanniemi
  et al. 2019) and density and coverage (Naeem et al. 2020) from k-NN balls.
- `rbf_mmd`: `mmd`, squared maximum mean discrepancy with a mixture of RBF
  kernels (Gretton et al. 2012), for vectors `[n, d]` or sequences
  `[n, t, f]`.

Features are arrays of shape `[num_samples, num_features]`. Every function
checks its inputs (`checks`) and raises `ValueError` naming the received
value for wrong ranks, mismatched feature sizes, too few samples and NaN/Inf
values.

Example:

>>> import numpy as np
>>> from tfgan_zoo.metrics.functions import frechet_distance
>>> rng = np.random.default_rng(0)
>>> real = rng.normal(size=(500, 8))
>>> round(frechet_distance(real, real), 6)
0.0
>>> frechet_distance(real, real + 1.0) > 7.9  # ||mu1 - mu2||^2 = 8
True
"""

from tfgan_zoo.metrics.frechet import frechet_distance
from tfgan_zoo.metrics.frechet import frechet_distance_from_activations
from tfgan_zoo.metrics.frechet import frechet_distance_from_statistics
from tfgan_zoo.metrics.inception_score import classifier_score
from tfgan_zoo.metrics.kid import kernel_distance
from tfgan_zoo.metrics.prdc import precision_recall
from tfgan_zoo.metrics.rbf_mmd import mmd

__all__ = [
    "classifier_score",
    "frechet_distance",
    "frechet_distance_from_activations",
    "frechet_distance_from_statistics",
    "kernel_distance",
    "mmd",
    "precision_recall",
]
