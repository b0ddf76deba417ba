"""Which class a voxel grid shows, for the class coverage of a 3-D generator.

A small 3-D CNN trained for minutes on the CPU tells the six
`voxel_shapes` classes apart only about as well as chance allows at 32^3
(0.23 to 0.64 held-out accuracy in `benchmarks/gan3d_voxels.py`'s trials),
so the classifier here reads shape descriptors that do not change under
the shapes' random rotation, size and position, and a scikit-learn random
forest learns the classes from them:

- the principal axes' spreads (square roots of the eigenvalues of the
  occupied voxels' covariance), relative to the largest, and the largest
  relative to the grid;
- the share of the principal-axis bounding box that is filled, the share
  of occupied voxels on the surface, whether the centroid is occupied (a
  torus has a hole there), the share of the grid occupied, and the box's
  extents relative to the longest;
- the histogram of the voxels' distances to the centroid (10 bins, over
  the largest distance), the absolute skewness along each principal axis,
  and the sorted profile of the occupancy along the main axis (8 slices).

The descriptors read the grid's largest connected component (faces
touching), the shape: a few stray voxels, which generators leave around
their shapes, would otherwise set the extents and the largest distance on
their own. On the whole grid, 0.1% of background voxels turned on at random
(33 of 32^3) dropped the held-out accuracy from 0.997 to 0.21 (95% called
cones); on the largest component it stays 0.987 (0.923 at 1%).
`stray_share` gives what the component leaves out, to report beside.

Generated shapes are rough: a near-sphere stretched by a few percent, a
ragged surface. A forest trained on perfect shapes alone called such
shapes anything but what they are (0.67 held-out accuracy on real shapes
passed through `degrade`; no generated sample of a 25-minute `gan3d` run
got "sphere", although several are round). `fit_shape_classifier` so
trains on each shape and one `degrade`d copy of it (each axis stretched
by up to 15%, up to 30% of the surface voxels removed and of the voxels
just outside added): 0.990 on clean held-out shapes, 0.960 on degraded
ones (`benchmarks/gan3d_voxels.py`).

`fit_shape_classifier(side)` trains it on `voxel_shapes` drawn with
another seed than the GAN's data; `class_histogram` is the share of
samples in each class, optionally of those only whose class the forest
gives at least `min_confidence` (`CONFIDENT`, 0.5: 98% of degraded real
shapes at 32^3 reach it, and about half of a 25-minute `gan3d` run's
samples; the forest calls every grid something, a fragment too). Grids with fewer than 4 occupied voxels get all-zero
descriptors (they are no shape; count them apart).

Example:

>>> from tfgan_zoo.data import voxels
>>> clf = fit_shape_classifier(side=16, num_examples=120, seed=1)
>>> x, y = voxels.voxel_shapes(60, 16, seed=2)
>>> bool((clf.predict(shape_descriptors(x)) == y).mean() > 0.8)
True
"""

import numpy as np
from scipy import ndimage

NUM_DESCRIPTORS = 32
CONFIDENT = 0.5  # `class_histogram`'s `min_confidence` for a confident coverage.
_MIN_VOXELS = 4


def _grids(voxels):
    x = np.asarray(voxels)
    if x.ndim == 5 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 4 or not x.shape[1] == x.shape[2] == x.shape[3]:
        raise ValueError(f"Voxel grids must be [n, d, d, d] or [n, d, d, d, 1]. Received: shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("Voxel grids must be finite. Received: NaN or inf values")
    return x > 0.5


def largest_component(grid):
    """The boolean grid's largest connected component (faces touching); an empty grid as is."""
    labels, count = ndimage.label(grid)
    if count <= 1:
        return grid
    sizes = np.bincount(labels.reshape(-1))[1:]
    return labels == 1 + int(np.argmax(sizes))


def stray_share(voxels):
    """`[n]`: the share of each grid's occupied voxels outside its largest component (0 for an empty grid)."""
    grids = _grids(voxels)
    counts = grids.reshape(len(grids), -1).sum(axis=1)
    kept = np.array([largest_component(g).sum() for g in grids])
    return np.where(counts > 0, 1.0 - kept / np.maximum(counts, 1), 0.0)


def _describe(grid, coords):
    grid = largest_component(grid)
    side = grid.shape[0]
    points = coords[grid.reshape(-1)]
    count = len(points)
    if count < _MIN_VOXELS:
        return np.zeros(NUM_DESCRIPTORS, np.float32)
    centre = points.mean(axis=0)
    centred = points - centre
    eigenvalues, axes = np.linalg.eigh(centred.T @ centred / count)
    spread = np.sqrt(np.maximum(eigenvalues[::-1], 1e-6))
    along = centred @ axes[:, ::-1]
    extent = along.max(axis=0) - along.min(axis=0) + 1
    radius = np.linalg.norm(centred, axis=1)
    radial = np.histogram(radius / max(radius.max(), 1e-6), bins=10, range=(0, 1))[0] / count
    skew = np.abs((along**3).mean(axis=0) / (along.std(axis=0) ** 3 + 1e-6))
    edges = np.linspace(along[:, 0].min(), along[:, 0].max() + 1e-6, 9)
    profile = np.histogram(along[:, 0], bins=edges)[0].astype(np.float32)
    centroid_voxel = tuple(np.clip(np.round(centre).astype(int), 0, side - 1))
    return np.concatenate([
        spread / spread[0],
        [spread[0] / side, count / np.prod(extent), (grid & ~ndimage.binary_erosion(grid)).sum() / count,
         float(grid[centroid_voxel]), count / side**3],
        extent / extent.max(),
        radial,
        skew,
        np.sort(profile / profile.max())[::-1],
    ]).astype(np.float32)


def shape_descriptors(voxels):
    """`[n, NUM_DESCRIPTORS]` float32 descriptors of grids `[n, d, d, d(, 1)]` (occupied: > 0.5)."""
    grids = _grids(voxels)
    side = grids.shape[1]
    coords = np.stack(np.meshgrid(*[np.arange(side)] * 3, indexing="ij"), -1).reshape(-1, 3).astype(np.float32)
    return np.stack([_describe(g, coords) for g in grids]) if len(grids) else np.zeros((0, NUM_DESCRIPTORS), np.float32)


def degrade(grid, rng, stretch=0.15, flip=0.3):
    """A rough copy of the boolean grid `[d, d, d]`: each axis scaled by a
    factor in `1 ± stretch` about the centre (nearest voxel), then a random
    share (up to `flip`) of the surface voxels removed and another of the
    voxels just outside added. `rng`: a NumPy Generator. An empty result
    returns the grid."""
    grid = np.asarray(grid, bool)
    centre = (grid.shape[0] - 1) / 2
    scale = 1 + rng.uniform(-stretch, stretch, 3)
    out = ndimage.affine_transform(grid.astype(np.float32), 1 / scale, offset=centre - centre / scale, order=0) > 0.5
    if not out.any():
        return grid
    surface = out & ~ndimage.binary_erosion(out)
    outside = ndimage.binary_dilation(out) & ~out
    out &= ~(surface & (rng.random(out.shape) < flip * rng.random()))
    return out | (outside & (rng.random(out.shape) < flip * rng.random()))


def fit_shape_classifier(side=32, num_examples=600, seed=1):
    """A random forest on the descriptors of `voxel_shapes(num_examples,
    side, seed)` and of one `degrade`d copy of each."""
    from sklearn.ensemble import RandomForestClassifier

    from tfgan_zoo.data import voxels

    x, y = voxels.voxel_shapes(num_examples, side, seed=seed)
    rng = np.random.default_rng(seed)
    rough = np.stack([degrade(g, rng) for g in x])
    features = shape_descriptors(np.concatenate([x.astype(bool), rough]))
    return RandomForestClassifier(n_estimators=300, random_state=seed).fit(features, np.concatenate([y, y]))


def class_histogram(voxels, classifier, num_classes, min_confidence=0.0):
    """The share of grids in each class, and the number of grids too empty
    to classify. With `min_confidence`, a grid counts only if the
    classifier gives its class at least that probability (the shares then
    sum to the recognised share)."""
    grids = _grids(voxels)
    empty = grids.reshape(len(grids), -1).sum(axis=1) < _MIN_VOXELS
    if not (~empty).any():
        return np.zeros(num_classes), int(empty.sum())
    probabilities = classifier.predict_proba(shape_descriptors(grids[~empty]))
    predicted = classifier.classes_[np.argmax(probabilities, axis=1)]
    predicted = predicted[probabilities.max(axis=1) >= min_confidence]
    return np.bincount(predicted, minlength=num_classes) / max(len(grids), 1), int(empty.sum())
