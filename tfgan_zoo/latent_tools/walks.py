"""Walks between latent points: spherical (slerp) and linear (lerp).

Radford et al. (2015) walked the latent space of a trained DCGAN to show
that it had learnt smooth transitions rather than memorised samples. With
a Gaussian prior in many dimensions, almost all the mass lies on a thin
shell of radius about `sqrt(latent_dim)`; the midpoint of a straight line
between two draws falls inside it (norm about `sqrt(latent_dim / 2)`),
where the generator saw no training noise. Spherical interpolation (White
2016, "Sampling Generative Networks") follows the great circle between
the two points instead, and keeps the norm when the endpoints share it.

`interpolate(model, z0, z1, steps)` decodes walks with any trained model
(`generate(z=..., labels=...)`: a Keras GAN or an export);
`interpolate_images(model, images0, images1, steps)` walks between real
images through the model's `encoder` (BiGAN/ALI, adversarial autoencoders).

Example:

>>> z = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), [0.0, 0.5, 1.0])
>>> np.round(z, 3)
array([[1.   , 0.   ],
       [0.707, 0.707],
       [0.   , 1.   ]])
"""

import numpy as np

METHODS = ("slerp", "lerp")


def _weights(t):
    t = np.asarray(t, np.float64)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise ValueError(f"`t` must be a non-empty 1-D array of finite weights. Received: t={t!r}")
    return t


def _endpoints(z0, z1):
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    if z0.shape != z1.shape or z0.ndim not in (1, 2) or z0.shape[-1] == 0:
        raise ValueError(
            "`z0` and `z1` must have the same shape, [latent_dim] or [n, latent_dim]. "
            f"Received: z0 of shape {z0.shape}, z1 of shape {z1.shape}"
        )
    if not (np.all(np.isfinite(z0)) and np.all(np.isfinite(z1))):
        raise ValueError("`z0` and `z1` must be finite. Received: NaN or Inf values")
    return z0, z1


def lerp(z0, z1, t):
    """Points `(1 - t) z0 + t z1`: `[len(t), d]` for `[d]` endpoints, `[n, len(t), d]` for `[n, d]`."""
    z0, z1 = _endpoints(z0, z1)
    t = _weights(t)[:, None]
    if z0.ndim == 2:
        return np.stack([lerp(a, b, t[:, 0]) for a, b in zip(z0, z1)])
    return (1.0 - t) * z0 + t * z1


def slerp(z0, z1, t):
    """Points on the great circle from `z0` to `z1` (shapes as `lerp`).

    `sin((1 - t) w) / sin(w) z0 + sin(t w) / sin(w) z1`, `w` the angle
    between them; (anti)parallel endpoints, where the circle is undefined,
    fall back to `lerp`.
    """
    z0, z1 = _endpoints(z0, z1)
    t = _weights(t)
    if z0.ndim == 2:
        return np.stack([slerp(a, b, t) for a, b in zip(z0, z1)])
    norms = np.linalg.norm(z0) * np.linalg.norm(z1)
    if norms == 0.0:
        return lerp(z0, z1, t)
    omega = np.arccos(np.clip(np.dot(z0, z1) / norms, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, t)
    t = t[:, None]
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def latent_walk(z0, z1, steps, method="slerp"):
    """`steps` evenly spaced points from `z0` to `z1` (both included), float32."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"`steps` must be an int >= 2. Received: steps={steps!r}")
    if method not in METHODS:
        raise ValueError(f"Unknown interpolation method {method!r}. Valid: {list(METHODS)}. Received: method={method!r}")
    walk = slerp if method == "slerp" else lerp
    return walk(z0, z1, np.linspace(0.0, 1.0, int(steps))).astype(np.float32)


def _check_model_width(model, z0):
    z0 = np.asarray(z0)
    if z0.ndim != 2 or z0.shape[1] != model.latent_dim:
        raise ValueError(
            f"`z0` and `z1` must have shape [n, {model.latent_dim}] (the model's latent_dim). "
            f"Received: z0 of shape {z0.shape}"
        )


def _walk_labels(model, labels, n, steps):
    if model.num_classes is None:
        if labels is not None:
            raise ValueError(f"The model is unconditional and takes no labels. Received: labels={labels!r}")
        return None
    if labels is None:
        raise ValueError("The model is conditional: pass one label per walk. Received: labels=None")
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"`labels` must have one entry per walk, shape ({n},). Received: labels of shape {labels.shape}")
    return np.repeat(labels.astype(np.int32), steps)


def interpolate(model, z0, z1, steps=8, method="slerp", labels=None):
    """Decodes walks from each `z0[i]` to `z1[i]`.

    Args:
        model: a trained model with `generate(z=, labels=)` and `latent_dim`
            (a `tfgan_zoo` GAN, or an export loaded with
            `tfgan_zoo.export.load`).
        z0, z1: `[n, latent_dim]` start and end points.
        steps: points per walk, endpoints included.
        method: `"slerp"` (default) or `"lerp"`.
        labels: conditional models: one class per walk, `[n]`.

    Returns:
        Images `[n, steps, *sample_shape]` (row i is walk i).
    """
    z0, z1 = np.asarray(z0), np.asarray(z1)
    _check_model_width(model, z0)
    walks = latent_walk(z0, z1, steps, method)  # [n, steps, d]
    n = len(z0)
    images = model.generate(z=walks.reshape(n * steps, -1), labels=_walk_labels(model, labels, n, steps))
    return images.reshape((n, steps) + tuple(images.shape[1:]))


def encode(model, images, labels=None):
    """`model.encoder` on `images` (and labels, if conditional): `[n, latent_dim]` float32."""
    encoder = getattr(model, "encoder", None)
    if encoder is None:
        raise ValueError(
            "Walking between real images needs a model with an encoder (e.g. bigan, aae). "
            f"Received: a {type(model).__name__} without one"
        )
    images = np.asarray(images, np.float32)
    if images.shape[1:] != tuple(model.sample_shape):
        raise ValueError(
            f"`images` must have shape [n, {', '.join(map(str, model.sample_shape))}]. "
            f"Received: images of shape {images.shape}"
        )
    inputs = images if model.num_classes is None else [images, np.asarray(labels, np.int32)]
    return np.asarray(encoder(inputs, training=False), np.float32)


def interpolate_images(model, images0, images1, steps=8, method="slerp", labels=None):
    """Walks between real images: encodes both ends (`model.encoder`), then `interpolate`.

    Returns `[n, steps, *sample_shape]`; the two end columns are the model's
    reconstructions of `images0` and `images1`.
    """
    z0, z1 = encode(model, images0, labels), encode(model, images1, labels)
    return interpolate(model, z0, z1, steps, method, labels)
