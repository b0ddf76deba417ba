"""Looking at voxel grids: rendered views and `.obj` meshes.

- `render(voxels)`: three maximum projections (along depth, height and
  width) side by side, as images in [-1, 1] that `images.make_grid` and the
  sample-grid PNGs take: `[n, d, d, d, 1]` -> `[n, d, 3d, 1]`.
- `mesh(grid)`: the surface of one occupancy grid at `level` by marching
  cubes (scikit-image's `measure.marching_cubes`), `(vertices, faces)`.
- `write_obj(path, vertices, faces)`: a Wavefront `.obj`, written
  atomically (`tfgan_zoo.fileio`); `write_meshes` writes one per sample.

Example:

>>> grid = np.zeros((8, 8, 8), np.float32)
>>> grid[2:6, 2:6, 2:6] = 1.0
>>> vertices, faces = mesh(grid)
>>> vertices.shape[1], faces.shape[1], bool(vertices.min() >= 0 and vertices.max() <= 8)
(3, 3, True)
>>> render(grid[None, ..., None]).shape
(1, 8, 24, 1)
"""

import os

import numpy as np

from tfgan_zoo import fileio


def _grids(voxels, rank):
    voxels = np.asarray(voxels, np.float32)
    if voxels.ndim == rank + 1 and voxels.shape[-1] == 1:
        voxels = voxels[..., 0]
    if voxels.ndim != rank or len(set(voxels.shape[-3:])) != 1:
        want = "[n, d, d, d] or [n, d, d, d, 1]" if rank == 4 else "[d, d, d] or [d, d, d, 1]"
        raise ValueError(f"Voxel grids must be {want}. Received: voxels of shape {np.shape(voxels)}")
    return voxels


def render(voxels):
    """Maximum projections along the three axes, side by side, in [-1, 1].

    Args:
        voxels: occupancy `[n, d, d, d]` or `[n, d, d, d, 1]` in [0, 1].

    Returns:
        float32 `[n, d, 3d, 1]`: white where any voxel along the ray is
        occupied.
    """
    grids = np.clip(_grids(voxels, 4), 0.0, 1.0)
    views = [grids.max(axis=axis) for axis in (1, 2, 3)]
    return (np.concatenate(views, axis=2)[..., None] * 2.0 - 1.0).astype(np.float32)


def mesh(grid, level=0.5):
    """`(vertices [v, 3] float32 in voxel units, faces [f, 3] int)` of the
    `level` surface of one grid (padded by one empty voxel, so shapes that
    touch the border are closed).

    Raises:
        ValueError: naming the value, if the grid is not cubic or never
            crosses `level` (an empty or full grid has no surface).
    """
    from skimage import measure

    grid = _grids(grid, 3)
    if not grid.min() < level < grid.max():
        raise ValueError(
            f"The grid has no surface at level {level}: its values are in "
            f"[{grid.min():.3g}, {grid.max():.3g}]. Received: level={level}"
        )
    padded = np.pad(grid, 1)
    vertices, faces, _, _ = measure.marching_cubes(padded, level=level)
    return (vertices - 1.0).astype(np.float32), faces


def obj_text(vertices, faces):
    """The Wavefront `.obj` text of a triangle mesh (1-based face indices)."""
    lines = [f"v {x:.4f} {y:.4f} {z:.4f}" for x, y, z in np.asarray(vertices)]
    lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in np.asarray(faces)]
    return "\n".join(lines) + "\n"


def write_obj(path, vertices, faces):
    """Writes a mesh as `.obj` atomically; returns `path`."""
    fileio.write_bytes(path, obj_text(vertices, faces).encode())
    return path


def write_meshes(voxels, directory, level=0.5, prefix="sample"):
    """One `<prefix>_<i>.obj` per grid of `voxels` (grids with no surface
    are skipped); returns the paths written."""
    paths = []
    for i, grid in enumerate(_grids(voxels, 4)):
        if grid.min() < level < grid.max():
            paths.append(write_obj(os.path.join(directory, f"{prefix}_{i:03d}.obj"), *mesh(grid, level)))
    return paths
