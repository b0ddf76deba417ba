"""Voxel grids: procedurally generated shapes (a tfds builder and a source)
and user grids from `.npz` / `.npy` files.

`voxel_shapes(n, side, seed)` draws occupancy grids of six classes
(`CLASSES`: box, sphere, cylinder, cone, torus, chair made of boxes), each
of random size, position and rotation (the chair turns about its vertical
axis only, so that it stands), as uint8 `{0, 1}` arrays `[n, d, d, d]`.
The same seed gives the same shapes.

- `tfds.load("voxel_shapes/d32")` (also `d16`, `d8`): the shapes as a
  tensorflow-datasets builder that generates them itself, so it prepares
  with no network. Importing this module registers it.
- `data.load("voxel_shapes", ..., image_shape=(32, 32, 32, 1))`: the same
  shapes (seed 0, `VOXEL_EXAMPLES` of them), generated in memory at the
  asked side.
- `data.load("voxels:<file.npz | dir>", ...)`: your grids: an `.npz` with
  `voxels` `[n, d, d, d]` (and optionally `labels`), or a directory of
  `.npy` grids `[d, d, d]` (class subdirectories become labels).

Samples come out as float32 `[n, d, d, d, 1]` in {0, 1} (occupancy; the
3D-GAN's sigmoid output range), not in [-1, 1] like images. Grids of
another rank, not cubic, or with values outside {0, 1} are refused with
the received value.

Example:

>>> voxels, labels = voxel_shapes(6, side=16, seed=0)
>>> voxels.shape, voxels.dtype.name, sorted(np.unique(voxels).tolist())
((6, 16, 16, 16), 'uint8', [0, 1])
>>> [CLASSES[i] for i in labels]
['box', 'sphere', 'cylinder', 'cone', 'torus', 'chair']
"""

import glob
import os

import numpy as np
import tensorflow_datasets as tfds
from scipy.spatial.transform import Rotation

from tfgan_zoo.data import checks
from tfgan_zoo.data.sources import DataInfo, Source, register_source

CLASSES = ("box", "sphere", "cylinder", "cone", "torus", "chair")
VOXEL_EXAMPLES = 2400  # 400 per class.


def _inside(kind, p, size, rng):
    """Occupancy of points `p` `[..., 3]` (in the shape's frame, unit scale)."""
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    if kind == "box":
        half = rng.uniform(0.35, 1.0, 3)
        return np.max(np.abs(p) / half, axis=-1) <= 1
    if kind == "sphere":
        return x**2 + y**2 + z**2 <= 1
    if kind == "cylinder":
        r, h = rng.uniform(0.4, 0.8), rng.uniform(0.5, 1.0)
        return (x**2 + y**2 <= r**2) & (np.abs(z) <= h)
    if kind == "cone":
        r, h = rng.uniform(0.5, 0.9), rng.uniform(0.6, 1.0)
        return (np.abs(z) <= h) & (np.sqrt(x**2 + y**2) <= r * (h - z) / (2 * h))
    if kind == "torus":
        big = rng.uniform(0.55, 0.7)
        small = rng.uniform(0.22, 0.3)
        return (np.sqrt(x**2 + y**2) - big) ** 2 + z**2 <= small**2
    # A chair: seat, back and four legs, all boxes; z is up.
    t = max(2.0 / size, rng.uniform(0.12, 0.18))  # Plank thickness: at least a voxel.
    seat_h = rng.uniform(-0.2, 0.1)
    parts = [((0, 0, seat_h), (0.8, 0.8, t)), ((-0.8 + t, 0, (seat_h + 1) / 2), (t, 0.8, (1 - seat_h) / 2))]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(((sx * (0.8 - t), sy * (0.8 - t), (seat_h - 1) / 2), (t, t, (seat_h + 1) / 2)))
    occupied = np.zeros(p.shape[:-1], bool)
    for center, half in parts:
        occupied |= np.max(np.abs(p - np.array(center)) / np.array(half), axis=-1) <= 1
    return occupied


def _one_shape(kind, side, rng):
    axis = (np.arange(side) + 0.5) / side * 2 - 1  # Voxel centres in [-1, 1].
    grid = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1)
    scale = rng.uniform(0.55, 0.85)
    center = rng.uniform(-1, 1, 3) * (0.95 - scale)
    if kind == "chair":
        rotation = Rotation.from_euler("z", rng.uniform(0, 360), degrees=True)
    else:
        rotation = Rotation.random(random_state=rng)
    # Into the shape's frame: undo the translation, rotation and scale.
    local = rotation.inv().apply((grid - center).reshape(-1, 3)).reshape(grid.shape) / scale
    return _inside(kind, local, side * scale, rng).astype(np.uint8)


def voxel_shapes(num_examples, side=32, seed=0):
    """`(voxels uint8 [n, side, side, side] in {0, 1}, labels int32 [n])`.

    Classes cycle through `CLASSES` (example `i` has class `i % 6`); every
    shape has at least one occupied voxel.
    """
    if isinstance(side, bool) or not isinstance(side, (int, np.integer)) or side < 4:
        raise ValueError(f"`side` must be an int >= 4. Received: side={side!r}")
    side = int(side)
    rng = np.random.default_rng(seed)
    labels = np.arange(int(num_examples), dtype=np.int32) % len(CLASSES)
    voxels = np.zeros((len(labels), side, side, side), np.uint8)
    for i, label in enumerate(labels):
        shape = _one_shape(CLASSES[label], side, rng)
        while not shape.any():  # Too small for this grid: draw again.
            shape = _one_shape(CLASSES[label], side, rng)
        voxels[i] = shape
    return voxels, labels


def check_voxels(values, spec):
    """`values` as `[n, d, d, d]` uint8 occupancy; refuses another rank, a
    non-cubic grid or values outside {0, 1}, naming what it received."""
    values = np.asarray(values)
    if values.ndim == 5 and values.shape[-1] == 1:
        values = values[..., 0]
    if values.ndim != 4 or len(set(values.shape[1:])) != 1:
        raise ValueError(
            f"{spec}: voxel grids must be [n, d, d, d] (or [n, d, d, d, 1]) occupancy. "
            f"Received: voxels of shape {values.shape}"
        )
    if values.dtype == bool:
        return values.astype(np.uint8)
    bad = values[(values != 0) & (values != 1)] if np.issubdtype(values.dtype, np.number) else values.ravel()
    if bad.size:
        raise ValueError(
            f"{spec}: voxel grids hold occupancy, 0 or 1. Threshold them first (e.g. `grid > 0.5`). "
            f"Received: values outside {{0, 1}}: {sorted(set(bad.ravel().tolist()))[:5]}"
        )
    return values.astype(np.uint8)


def _check_voxel_shape(image_shape):
    if image_shape is None:
        return None
    shape = tuple(image_shape)
    if len(shape) != 4 or shape[-1] != 1 or len(set(shape[:3])) != 1 or not all(isinstance(d, int) for d in shape):
        raise ValueError(
            f"Voxel data has sample shape (d, d, d, 1), e.g. (32, 32, 32, 1). Received: image_shape={shape}"
        )
    return shape


def _read_user_voxels(path):
    """`(voxels, labels or None)` from an `.npz` file or a directory of `.npy` files."""
    if os.path.isfile(path):
        with np.load(path) as archive:
            if "voxels" not in archive:
                raise ValueError(f"An .npz of voxel grids needs a 'voxels' array. Received: keys {sorted(archive)}")
            labels = archive["labels"].astype(np.int32) if "labels" in archive else None
            return check_voxels(archive["voxels"], path), labels
    if not os.path.isdir(path):
        raise FileNotFoundError(f"No .npz file or directory of .npy voxel grids. Received: voxels:{path}")
    classes = sorted(d for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)))
    groups = [(i, glob.glob(os.path.join(path, c, "*.npy"))) for i, c in enumerate(classes)] or [
        (None, glob.glob(os.path.join(path, "*.npy")))
    ]
    files = [(label, f) for label, names in groups for f in sorted(names)]
    if not files:
        raise FileNotFoundError(f"No .npy voxel grids in {path}. Received: voxels:{path}")
    voxels = check_voxels(np.stack([np.load(f) for _, f in files]), path)
    labels = None if files[0][0] is None else np.array([label for label, _ in files], np.int32)
    return voxels, labels


@register_source("voxels")
class Voxels(Source):
    specs = ("voxel_shapes", "voxels:<file.npz|dir>")
    aliases = {"voxel_shapes": None}
    takes_argument = True

    def check_shape(self, image_shape, spec):
        return _check_voxel_shape(image_shape)

    def convert(self, values, image_shape, spec):
        side = values.shape[1]
        if image_shape is not None and image_shape[0] != side:
            raise ValueError(
                f"{spec} holds {side}^3 grids; build the model with sample_shape={(side,) * 3 + (1,)}. "
                f"Received: image_shape={tuple(image_shape)}"
            )
        return values[..., None].astype(np.float32)

    def info(self, arg, split_name, data_dir=None):
        if arg is None:
            checks.only_train(split_name, "voxel_shapes", VOXEL_EXAMPLES)
            return DataInfo(VOXEL_EXAMPLES, (32, 32, 32, 1), len(CLASSES), list(CLASSES))
        voxels, labels = _read_user_voxels(arg)
        classes = None if labels is None else int(labels.max()) + 1
        return DataInfo(len(voxels), voxels.shape[1:] + (1,), classes, None)

    def arrays(self, arg, split_name, image_shape, take):
        if arg is None:
            checks.only_train(split_name, "voxel_shapes", VOXEL_EXAMPLES)
            rows = take(VOXEL_EXAMPLES)
            side = 32 if image_shape is None else image_shape[0]
            voxels, labels = voxel_shapes(rows.stop, side, seed=0)
            return voxels[rows], labels[rows]
        voxels, labels = _read_user_voxels(arg)
        rows = take(len(voxels))
        return voxels[rows], None if labels is None else labels[rows]


class VoxelShapes(tfds.core.GeneratorBasedBuilder):
    """Procedural voxel shapes in six classes (`voxel_shapes`, seed 0), made
    here: nothing to download."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Boxes, spheres, cylinders, cones, tori and chairs."}
    BUILDER_CONFIGS = [
        tfds.core.BuilderConfig(name=f"d{side}", description=f"{side}^3 occupancy grids.")
        for side in (32, 16, 8)
    ]

    @property
    def side(self):
        return int(self.builder_config.name[1:])

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "voxels": tfds.features.Tensor(
                        shape=(self.side,) * 3, dtype=np.uint8, encoding=tfds.features.Encoding.ZLIB
                    ),
                    "label": tfds.features.ClassLabel(names=list(CLASSES)),
                    # The example's row in `voxel_shapes(VOXEL_EXAMPLES, side, seed=0)`
                    # (tfds stores examples in its own order).
                    "index": tfds.features.Scalar(dtype=np.int64),
                }
            ),
            supervised_keys=("voxels", "label"),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Nothing to download.
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        voxels, labels = voxel_shapes(VOXEL_EXAMPLES, self.side, seed=0)
        for i, (grid, label) in enumerate(zip(voxels, labels)):
            yield i, {"voxels": grid, "label": int(label), "index": i}
