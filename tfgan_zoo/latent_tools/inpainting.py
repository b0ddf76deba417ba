"""Semantic inpainting by searching the latent space (Yeh et al. 2017).

To fill the missing pixels of an image `y` (mask `M`: 1 known, 0 missing),
find the generator's closest image to the known pixels:

    z_hat = argmin_z  |W * (G(z) - y)|_1  +  lambda * log(1 - D(G(z)))

The first term is the contextual loss: `W` is the paper's importance
weighting, `W_i = M_i * mean_{j in window(i)} (1 - M_j)`, which counts a
known pixel by how many missing ones surround it (`weighting="none"`: `W =
M`). The second, the perceptual loss, keeps `G(z)` realistic to the
discriminator (`log(1 - sigmoid(logit)) = -softplus(logit)`; a critic's
score enters the same way). Adam on `z`, from `restarts` random starts
(the best final loss wins), with `z` clipped to the prior's support
(uniform) or its 3-sigma box (normal) after each step. The completion is
`M * y + (1 - M) * G(z_hat)` (or Poisson blending, `blend="poisson"`).
With `combine="mean"` the hole gets the mean of the restarts' images
instead of the winner's: an estimate of the posterior mean, blurrier but
closer to the missing pixels on average (higher PSNR: on MNIST's centre
block 8.3 dB against the best start's 7.1; README, "Latent-space tools").

`inpaint_graph` is the whole search as TensorFlow ops with a fixed number
of steps and restarts and a seed input, ready for `tf.function` and a
SavedModel signature; it validates its inputs in the graph (mask shape and
values in {0, 1}, images finite and in [-1, 1]) with `tf.debugging`
asserts, which raise `InvalidArgumentError` naming the received values.
`inpaint` is the NumPy front end (checked arguments, batches, blending).
"""

import numpy as np
import tensorflow as tf

from tfgan_zoo import sampling
from tfgan_zoo.latent_tools import masks as masks_lib

DEFAULTS = {
    "steps": 300,
    "restarts": 4,
    "lambda_perceptual": 0.003,  # The paper's lambda.
    "learning_rate": 0.03,
    "weighting": "importance",
    "window": 7,  # The paper's neighbourhood.
    "combine": "best",
}
WEIGHTINGS = ("importance", "none")
COMBINES = ("best", "mean")
BLENDS = ("none", "poisson")
_ADAM = (0.9, 0.999, 1e-8)


def latent_box(prior):
    """`(low, high)` that `z` is clipped to: the support of a uniform prior,
    +-3 scale of a normal one, no bound otherwise."""
    base = getattr(prior, "distribution", prior)
    if hasattr(base, "low") and hasattr(base, "high"):
        return float(base.low), float(base.high)
    if hasattr(base, "scale"):
        loc, scale = float(getattr(base, "loc", 0.0)), float(base.scale)
        return loc - 3.0 * scale, loc + 3.0 * scale
    return -np.inf, np.inf


def importance_weights(masks, window=7):
    """Yeh et al.'s `W`: each known pixel weighted by the fraction of
    missing pixels in the `window x window` square around it."""
    missing_near = tf.nn.avg_pool2d(1.0 - masks, window, 1, "SAME")
    return masks * missing_near


def input_checks(images, masks, sample_shape, labels=None, num_classes=None):
    """The in-graph request checks (a list of ops); each failure names the received value."""
    h, w, c = (int(d) for d in sample_shape)
    m_shape, i_shape = tf.shape(masks), tf.shape(images)
    channels = "1" if c == 1 else f"1 or {c}"
    shape_ok = tf.reduce_all(
        [
            tf.equal(tf.rank(masks), 4),
            tf.equal(m_shape[0], i_shape[0]),
            tf.equal(m_shape[1], h),
            tf.equal(m_shape[2], w),
            tf.logical_or(tf.equal(m_shape[-1], 1), tf.equal(m_shape[-1], c)),
        ]
    )
    ops = [
        tf.debugging.Assert(
            shape_ok,
            [f"masks must have shape [batch, {h}, {w}, {channels}], batch as the images. Received: masks of shape",
             m_shape, "for images of shape", i_shape],
            summarize=4,
        ),
        tf.debugging.Assert(
            tf.reduce_all(tf.logical_or(tf.equal(masks, 0.0), tf.equal(masks, 1.0))),
            ["masks must be 0 (missing) or 1 (known). Received: mask values",
             tf.boolean_mask(masks, tf.logical_and(masks != 0.0, masks != 1.0))[:10]],
        ),
        tf.debugging.Assert(
            tf.reduce_all(tf.logical_and(images >= -1.0, images <= 1.0)),  # False for NaN.
            ["images must be finite and in [-1, 1]. Received: images with min", tf.reduce_min(images),
             "and max", tf.reduce_max(images)],
        ),
    ]
    if num_classes is not None:
        ops.append(
            tf.debugging.Assert(
                tf.logical_and(tf.equal(tf.shape(labels)[0], i_shape[0]),
                               tf.reduce_all(tf.logical_and(labels >= 0, labels < num_classes))),
                [f"labels must be one per image, in [0, {num_classes}). Received: labels", labels[:10],
                 "of batch", tf.shape(labels)[0]],
            )
        )
    return ops


def _search_losses(model, z, targets, weights, labels, lambda_perceptual):
    """Per-row `(total, contextual, perceptual)` losses of `G(z)`."""
    generated = tf.cast(model.generate_batch(z, labels, training=False), tf.float32)
    contextual = tf.reduce_sum(tf.abs(weights * (generated - targets)), axis=[1, 2, 3])
    if lambda_perceptual == 0:
        perceptual = tf.zeros_like(contextual)
    else:
        logits = tf.cast(model.discriminate(generated, labels, training=False), tf.float32)
        perceptual = -tf.math.softplus(tf.reduce_mean(tf.reshape(logits, [tf.shape(z)[0], -1]), axis=1))
    return contextual + lambda_perceptual * perceptual, contextual, perceptual


def inpaint_graph(model, images, masks, seed, labels=None, **options):
    """Latent-search inpainting as TensorFlow ops (see the module docstring).

    Args:
        model: a tfgan_zoo GAN (uses `generate_batch`, `discriminate`,
            `prior`, `latent_dim`, `sample_shape`, `num_classes`).
        images: float32 `[batch, h, w, c]` in [-1, 1].
        masks: float32 `[batch, h, w, 1 or c]`, 1 known, 0 missing.
        seed: int64 scalar (or `[2]` stateless seed): the random starts.
        labels: int32 `[batch]` for a conditional model.
        **options: `steps`, `restarts`, `lambda_perceptual`,
            `learning_rate`, `weighting`, `window`, `combine` (Python
            values, fixed at trace time; defaults in `DEFAULTS`).

    Returns:
        A dict of tensors: `completed` (`M * y + (1 - M) * generated`),
        `generated` (`G(z)` of the winning start, or with
        `combine="mean"` the mean of every start's `G(z)`), and the
        winning start's `z`, `contextual_loss` and `perceptual_loss`
        (`[batch]`).
    """
    opts = check_options(options)
    steps, restarts, lam, lr = opts["steps"], opts["restarts"], opts["lambda_perceptual"], opts["learning_rate"]
    if lam and model.discriminator is None:
        raise ValueError(f"The perceptual loss needs a discriminator and {type(model).__name__} has none: "
                         f"pass lambda_perceptual=0. Received: lambda_perceptual={lam!r}")
    images = tf.convert_to_tensor(images, tf.float32)
    masks = tf.convert_to_tensor(masks, tf.float32)
    if model.num_classes is not None:
        labels = tf.cast(labels, tf.int32)
    with tf.control_dependencies(input_checks(images, masks, model.sample_shape, labels, model.num_classes)):
        images, masks = tf.identity(images), tf.broadcast_to(masks, tf.shape(images))
    batch = tf.shape(images)[0]
    weights = importance_weights(masks, opts["window"]) if opts["weighting"] == "importance" else masks
    targets = tf.tile(images, [restarts, 1, 1, 1])
    weights = tf.tile(weights, [restarts, 1, 1, 1])
    tiled_labels = None if labels is None else tf.tile(labels, [restarts])
    z, _ = sampling.generator_inputs(model.prior, None, restarts * batch, seed)
    low, high = latent_box(model.prior)
    beta_1, beta_2, epsilon = _ADAM

    def step(i, z, m, v):
        with tf.GradientTape() as tape:
            tape.watch(z)
            total = tf.reduce_sum(_search_losses(model, z, targets, weights, tiled_labels, lam)[0])
        grad = tape.gradient(total, z)
        m = beta_1 * m + (1.0 - beta_1) * grad
        v = beta_2 * v + (1.0 - beta_2) * tf.square(grad)
        t = tf.cast(i + 1, tf.float32)
        update = (m / (1.0 - beta_1**t)) / (tf.sqrt(v / (1.0 - beta_2**t)) + epsilon)
        return i + 1, tf.clip_by_value(z - lr * update, low, high), m, v

    zeros = tf.zeros_like(z)
    _, z, _, _ = tf.while_loop(lambda i, *_: i < steps, step, [tf.constant(0), z, zeros, zeros])
    total, contextual, perceptual = _search_losses(model, z, targets, weights, tiled_labels, lam)
    best = tf.argmin(tf.reshape(total, [restarts, batch]), axis=0, output_type=tf.int32)
    rows = best * batch + tf.range(batch)
    if opts["combine"] == "mean":
        every = tf.cast(model.generate_batch(z, tiled_labels, training=False), tf.float32)
        generated = tf.reduce_mean(tf.reshape(every, tf.concat([[restarts, batch], tf.shape(every)[1:]], 0)), axis=0)
    z = tf.gather(z, rows)
    if opts["combine"] == "best":
        generated = tf.cast(model.generate_batch(z, labels, training=False), tf.float32)
    return {
        "completed": masks * images + (1.0 - masks) * generated,
        "generated": generated,
        "z": z,
        "contextual_loss": tf.gather(contextual, rows),
        "perceptual_loss": tf.gather(perceptual, rows),
    }


def check_options(options):
    """`DEFAULTS` updated with `options`, checked; unknown names are refused."""
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"Unknown inpainting option(s) {unknown}. Valid: {sorted(DEFAULTS)}. Received: {options}")
    opts = {**DEFAULTS, **options}
    for name in ("steps", "restarts", "window"):
        value = opts[name]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if name == "steps" else 1):
            raise ValueError(f"`{name}` must be a{' non-negative' if name == 'steps' else ' positive'} int. Received: {name}={value!r}")
    for name in ("lambda_perceptual", "learning_rate"):
        if not np.isfinite(opts[name]) or opts[name] < 0:
            raise ValueError(f"`{name}` must be finite and >= 0. Received: {name}={opts[name]!r}")
    for name, valid in (("weighting", WEIGHTINGS), ("combine", COMBINES)):
        if opts[name] not in valid:
            raise ValueError(f"Unknown {name} {opts[name]!r}. Valid: {list(valid)}. Received: {name}={opts[name]!r}")
    return opts


def _check_model(model):
    missing = [name for name in ("generate_batch", "discriminate", "prior") if not hasattr(model, name)]
    if missing:
        raise ValueError(
            "Inpainting searches z through the generator and the discriminator: pass a tfgan_zoo GAN "
            f"(e.g. loaded from .keras). Received: a {type(model).__name__} without {missing}"
        )


def inpaint(model, images, masks, labels=None, seed=0, blend="none", batch_size=64, **options):
    """Completes the missing pixels of `images` (see the module docstring).

    Args:
        model: a trained tfgan_zoo GAN (a `.keras` model: the search needs
            its discriminator).
        images: `[n, *sample_shape]` in [-1, 1].
        masks: `[n, h, w, 1]` (or `[n, h, w, c]`) of 0 (missing) and 1
            (known); see `tfgan_zoo.latent_tools.masks`.
        labels: `[n]` classes for a conditional model.
        seed: int: seeds the random starts (batch `k` uses `seed + k`).
        blend: `"none"` (paste the generated pixels into the hole) or
            `"poisson"` (Poisson blending, `poisson_blend`).
        batch_size: images searched at once.
        **options: `steps`, `restarts`, `lambda_perceptual`,
            `learning_rate`, `weighting`, `window`, `combine` (see
            `DEFAULTS`).

    Returns:
        A dict of NumPy arrays: `completed`, `generated`, `z`,
        `contextual_loss`, `perceptual_loss`.
    """
    _check_model(model)
    opts = check_options(options)
    if blend not in BLENDS:
        raise ValueError(f"Unknown blend {blend!r}. Valid: {list(BLENDS)}. Received: blend={blend!r}")
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != tuple(model.sample_shape) or len(images) == 0:
        raise ValueError(
            f"`images` must have shape [n, {', '.join(map(str, model.sample_shape))}]. Received: images of shape {images.shape}"
        )
    if not (np.all(np.isfinite(images)) and images.min() >= -1.0 and images.max() <= 1.0):
        raise ValueError(f"`images` must be finite and in [-1, 1]. Received: min {images.min()}, max {images.max()}")
    masks = masks_lib.check_masks(masks, images)
    if model.num_classes is not None or labels is not None:
        _, _, labels = sampling.check_request(model.latent_dim, model.num_classes, num_samples=len(images), labels=labels)
        if labels is None:
            raise ValueError("The model is conditional: pass one label per image. Received: labels=None")
    run = tf.function(lambda x, m, s, y: inpaint_graph(model, x, m, s, y, **opts), reduce_retracing=True)
    parts = []
    for k, start in enumerate(range(0, len(images), int(batch_size))):
        chunk = slice(start, start + int(batch_size))
        out = run(images[chunk], masks[chunk], tf.constant(int(seed) + k, tf.int64),
                  None if labels is None else labels[chunk])
        parts.append({key: value.numpy() for key, value in out.items()})
    result = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    if blend == "poisson":
        result["completed"] = poisson_blend(images, result["generated"], masks)
    return result


def poisson_blend(images, generated, masks):
    """Fills the holes with `generated`'s gradients and `images`' known pixels
    at the border (Perez et al. 2003): per image and channel, the missing
    pixels solve the discrete Poisson equation, with `generated` as the
    guidance field (`scipy.sparse.linalg.spsolve`)."""
    from scipy import sparse
    from scipy.sparse import linalg

    out = np.array(images, np.float32, copy=True)
    masks = np.broadcast_to(masks, images.shape)
    n, h, w, c = images.shape
    for i in range(n):
        for ch in range(c):
            hole = masks[i, :, :, ch] == 0
            if not hole.any():
                continue
            ids = -np.ones((h, w), np.int64)
            ids[hole] = np.arange(hole.sum())
            rows, cols, vals, rhs = [], [], [], np.zeros(hole.sum())
            g, y = generated[i, :, :, ch], images[i, :, :, ch]
            for r, col in zip(*np.nonzero(hole)):
                k = ids[r, col]
                for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    rr, cc = r + dr, col + dc
                    if not (0 <= rr < h and 0 <= cc < w):
                        continue
                    rows.append(k), cols.append(k), vals.append(1.0)
                    rhs[k] += g[r, col] - g[rr, cc]
                    if hole[rr, cc]:
                        rows.append(k), cols.append(ids[rr, cc]), vals.append(-1.0)
                    else:
                        rhs[k] += y[rr, cc]
            a = sparse.csr_matrix((vals, (rows, cols)), shape=(len(rhs), len(rhs)))
            out[i, :, :, ch][hole] = np.clip(linalg.spsolve(a, rhs), -1.0, 1.0)
    return out
