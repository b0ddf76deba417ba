"""The figures of the latent tools, as `(images, rows)` ready for
`tfgan_zoo.images.save_grid`: what `launchers.explore` and
`benchmarks/latent_tools.py` draw.

- `walk_figure`: one row per walk between two prior draws;
- `arithmetic_figure`: rows A, B, C (exemplars, then their mean's
  decoding), then `mean(A) - mean(B) + mean(C)` and its noisy variants;
- `inpaint_figure`: rows original, masked (missing pixels grey) and completed,
  as in Yeh et al. (2017);
- `ablation_figure` (see `tfgan_zoo.latent_tools.ablation`): the same
  latent vectors before and after dropping filters.

Rows shorter than the longest are padded with blank (black) tiles.

Example:

>>> images, rows = pad_rows([np.zeros((2, 4, 4, 1)), np.ones((3, 4, 4, 1))])
>>> images.shape, rows
((6, 4, 4, 1), 2)
"""

import numpy as np

from tfgan_zoo import sampling
from tfgan_zoo.latent_tools import arithmetic
from tfgan_zoo.latent_tools import inpainting
from tfgan_zoo.latent_tools import walks

# The value a missing pixel is shown with in the masked row.
MISSING_SHADE = 0.0


def pad_rows(rows):
    """Stacks `rows` (each `[k, *shape]`) into one `[rows * cols, *shape]` batch."""
    cols = max(len(r) for r in rows)
    out = []
    for row in rows:
        row = np.asarray(row, np.float32)
        blank = -np.ones((cols - len(row),) + row.shape[1:], np.float32)
        out.append(np.concatenate([row, blank]))
    return np.concatenate(out), len(rows)


def prior_draws(model, n, seed, labels=None):
    """`(z, labels)`: `n` latent vectors (and labels) from `model.prior`, as `generate(seed=)` draws them."""
    z, drawn = sampling.generator_inputs(model.prior, model.num_classes, n, seed, labels)
    return z.numpy(), None if drawn is None else drawn.numpy()


def walk_figure(model, num_walks=6, steps=8, method="slerp", seed=0, labels=None):
    """`num_walks` rows of `steps` images, each a walk between two prior draws."""
    z, walk_labels = prior_draws(model, 2 * num_walks, seed)
    if model.num_classes is not None:
        walk_labels = walk_labels[:num_walks] if labels is None else np.resize(np.asarray(labels, np.int32), num_walks)
    images = walks.interpolate(model, z[:num_walks], z[num_walks:], steps, method, walk_labels)
    return images.reshape((-1,) + images.shape[2:]), num_walks


def attribute_exemplars(values, k=3):
    """`(a, b, c)` index lists for "high - low + low": the `k` highest
    `values`, and two disjoint sets of `k` among the lowest."""
    high, low = arithmetic.select_by_attribute(values, 2 * k)
    return list(high[:k]), list(low[:k]), list(low[k : 2 * k])


def arithmetic_figure(model, grid_size=64, a=None, b=None, c=None, label=None, num_variants=8, noise_scale=0.25, seed=0):
    """Vector arithmetic on a generated grid of `grid_size` samples.

    Without `a`, `b`, `c`, the exemplars are chosen by ink mass
    (`attribute_exemplars`): thick - thin + thin, which should decode to a
    thick stroke. Returns `(images, rows, result)`, `result` the dict of
    `vector_arithmetic` plus `grid` (the samples) and `a`, `b`, `c`.
    """
    labels = None if model.num_classes is None else np.full(grid_size, 0 if label is None else label, np.int32)
    z, _ = prior_draws(model, grid_size, seed, labels)
    grid = model.generate(z=z, labels=labels)
    if a is None and b is None and c is None:
        a, b, c = attribute_exemplars(arithmetic.ink_mass(grid))
    elif a is None or b is None or c is None:
        raise ValueError(f"Pass all of a, b and c, or none (chosen by ink mass). Received: a={a}, b={b}, c={c}")
    out = arithmetic.vector_arithmetic(
        model, z, a, b, c, labels=None if labels is None else int(labels[0]),
        num_variants=num_variants, noise_scale=noise_scale, seed=seed,
    )
    rows = [np.concatenate([grid[idx], out["means"][i : i + 1]]) for i, idx in enumerate((a, b, c))]
    images, n_rows = pad_rows(rows + [out["images"]])
    return images, n_rows, {**out, "grid": grid, "a": list(a), "b": list(b), "c": list(c)}


def masked_view(images, masks):
    """`images` with their missing pixels shown as `MISSING_SHADE`."""
    masks = np.broadcast_to(masks, np.shape(images))
    return np.where(masks == 0, MISSING_SHADE, images).astype(np.float32)


def inpaint_figure(images, masks, completed):
    """Rows: originals, masked, completed (`[3 * n, ...]`, 3 rows)."""
    return np.concatenate([images, masked_view(images, masks), completed]), 3


def inpaint_on(model, images, masks, labels=None, seed=0, blend="none", **options):
    """`(figure images, rows, result)` of `inpainting.inpaint` on `images`."""
    result = inpainting.inpaint(model, images, masks, labels=labels, seed=seed, blend=blend, **options)
    figure, rows = inpaint_figure(images, masks, result["completed"])
    return figure, rows, result
