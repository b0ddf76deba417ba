"""Latent vector arithmetic (Radford et al. 2015, section 6.3).

Single samples make poor concept vectors; the paper averaged the `z` of
three exemplars per concept, decoded `mean(A) - mean(B) + mean(C)` ("smiling
woman - neutral woman + neutral man = smiling man"), and added uniform
noise of scale 0.25 to the result to show that the answer is stable around
it. The exemplars are chosen by the user as indices into a generated grid,
or by a measurable attribute (`select_by_attribute`, e.g. `ink_mass` for
MNIST stroke thickness) or a classifier's labels.

Example:

>>> z = np.eye(3, dtype="float32")
>>> concept_arithmetic(z, a=[0], b=[1], c=[2])
array([ 1., -1.,  1.], dtype=float32)
"""

import numpy as np


def _indices(z, indices, name):
    idx = np.asarray(indices)
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"`{name}` must be a non-empty list of int indices. Received: {name}={indices!r}")
    bad = idx[(idx < -len(z)) | (idx >= len(z))]
    if bad.size:
        raise ValueError(f"`{name}` indexes {len(z)} latent vectors. Received: {name} out of range {bad.tolist()}")
    return idx


def concept_mean(z, indices, name="indices"):
    """The mean of `z[indices]` (`z` is `[n, latent_dim]`)."""
    z = np.asarray(z, np.float32)
    if z.ndim != 2:
        raise ValueError(f"`z` must be [n, latent_dim]. Received: z of shape {z.shape}")
    return z[_indices(z, indices, name)].mean(axis=0)


def concept_arithmetic(z, a, b, c):
    """`mean(z[a]) - mean(z[b]) + mean(z[c])`, a `[latent_dim]` vector."""
    return concept_mean(z, a, "a") - concept_mean(z, b, "b") + concept_mean(z, c, "c")


def with_noise(z, num_variants, noise_scale, seed=0):
    """`[num_variants, d]`: `z` itself first, then `z` + U(-noise_scale, noise_scale) noise."""
    if isinstance(num_variants, bool) or int(num_variants) != num_variants or num_variants < 1:
        raise ValueError(f"`num_variants` must be an int >= 1. Received: num_variants={num_variants!r}")
    if not np.isfinite(noise_scale) or noise_scale < 0:
        raise ValueError(f"`noise_scale` must be finite and >= 0. Received: noise_scale={noise_scale!r}")
    z = np.asarray(z, np.float32)
    noise = np.random.default_rng(seed).uniform(-noise_scale, noise_scale, (int(num_variants) - 1, z.shape[-1]))
    return np.concatenate([z[None], z[None] + noise.astype(np.float32)])


def vector_arithmetic(model, z, a, b, c, labels=None, num_variants=8, noise_scale=0.25, seed=0):
    """Decodes `mean(A) - mean(B) + mean(C)` and noisy variants around it.

    Args:
        model: a trained model with `generate(z=, labels=)`.
        z: `[n, latent_dim]` latent vectors (e.g. those of a generated grid).
        a, b, c: lists of indices into `z`: the exemplars of each concept
            (the paper used three).
        labels: conditional models: the class to decode with (one int).
        num_variants: images to decode: the result, then noisy copies.
        noise_scale: half-width of the uniform noise added to the copies
            (paper: 0.25).
        seed: seeds the noise.

    Returns:
        A dict: `z` (`[num_variants, d]`, the result first), `images` (its
        decodings), and `means` (the decodings of mean(A), mean(B), mean(C)).
    """
    z = np.asarray(z, np.float32)
    if z.ndim != 2 or z.shape[1] != model.latent_dim:
        raise ValueError(
            f"`z` must have shape [n, {model.latent_dim}] (the model's latent_dim). Received: z of shape {z.shape}"
        )
    means = np.stack([concept_mean(z, a, "a"), concept_mean(z, b, "b"), concept_mean(z, c, "c")])
    result = with_noise(means[0] - means[1] + means[2], num_variants, noise_scale, seed)
    if model.num_classes is None:
        if labels is not None:
            raise ValueError(f"The model is unconditional and takes no labels. Received: labels={labels!r}")
        mean_labels = result_labels = None
    else:
        if labels is None or isinstance(labels, bool) or int(labels) != labels:
            raise ValueError(f"The model is conditional: pass one int class as labels. Received: labels={labels!r}")
        mean_labels, result_labels = np.full(3, labels, np.int32), np.full(len(result), labels, np.int32)
    return {
        "z": result,
        "images": model.generate(z=result, labels=result_labels),
        "means": model.generate(z=means, labels=mean_labels),
    }


def ink_mass(images):
    """Mean brightness of each image in [0, 1] (images in [-1, 1]): MNIST stroke thickness."""
    images = np.asarray(images, np.float32)
    return ((images + 1.0) / 2.0).reshape(len(images), -1).mean(axis=1)


def select_by_attribute(values, k):
    """`(high, low)`: the indices of the `k` largest and `k` smallest `values`."""
    values = np.asarray(values)
    if values.ndim != 1 or not 1 <= int(k) <= len(values) // 2:
        raise ValueError(
            f"`k` must be in [1, len(values) // 2] for 1-D values. Received: k={k!r}, values of shape {values.shape}"
        )
    order = np.argsort(values, kind="stable")
    return order[::-1][: int(k)], order[: int(k)]
