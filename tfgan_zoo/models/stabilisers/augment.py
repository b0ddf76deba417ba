"""DiffAugment (Zhao et al. 2020): differentiable augmentations of D's inputs.

`diff_augment="color,translation,cutout"` (any of them, each once, in
the order given) transforms every training input of the discriminator,
real and fake alike, with ops that gradients flow through to the
generator; inference calls see none. As in the authors' code:

- `color`: brightness `x + (u − 0.5)`, then saturation (the deviation from
  the channel mean times `2u`), then contrast (the deviation from the
  image mean times `u + 0.5`), each `u ~ U[0, 1)` per example;
- `translation`: a shift of up to 1/8 of the side (rounded) along each
  axis, per example, filling with zeros;
- `cutout`: a square of half the side (rounded) set to 0 at a random
  position per example (clipped at the border).

The random values are drawn for the global batch and sliced per replica
(`GAN.sample_global`), so N replicas train like one.
"""

import tensorflow as tf

from tfgan_zoo import checks

TRANSFORMS = ("color", "translation", "cutout")
# The uniform draws per example: 3 for color, 2 each for translation and cutout.
_DRAWS = 7


def parse_policy(policy):
    """The transforms of a policy string (None: `()`), checked.

    Example:

    >>> parse_policy("translation, cutout")
    ('translation', 'cutout')
    """
    if policy is None:
        return ()
    names = tuple(part.strip() for part in checks.string(policy, "diff_augment").split(","))
    if any(name not in TRANSFORMS for name in names) or len(set(names)) != len(names):
        raise ValueError(
            f"`diff_augment` is a comma-separated list of DiffAugment transforms, each once, from "
            f"{list(TRANSFORMS)}. Received: diff_augment={policy!r}"
        )
    return names


def check_images(policy, sample_shape):
    """Refuses DiffAugment on samples that are not images `(height, width, channels)`."""
    if policy and len(sample_shape) != 3:
        raise ValueError(
            "DiffAugment transforms images (samples of shape (height, width, channels)); this model's samples "
            f"are not. Received: diff_augment={','.join(policy)!r}, sample_shape={tuple(sample_shape)}"
        )


def augment(model, images, policy):
    """`images` `[batch, h, w, c]` through the transforms of `policy`."""
    if not policy:
        return images
    images = tf.convert_to_tensor(images)
    uniform = model.sample_global(tf.shape(images)[0], lambda n, s: tf.random.stateless_uniform([n, _DRAWS], seed=s))
    uniform = tf.cast(uniform, images.dtype)
    for name in policy:
        images = _APPLY[name](images, uniform)
    return images


def _color(x, u):
    def per_example(column):
        return tf.reshape(u[:, column], [-1, 1, 1, 1])

    x = x + (per_example(0) - 0.5)
    mean = tf.reduce_mean(x, axis=3, keepdims=True)
    x = (x - mean) * (2.0 * per_example(1)) + mean
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * (per_example(2) + 0.5) + mean


def _translation(x, u, ratio=0.125):
    for axis, column in ((1, 3), (2, 4)):
        size = int(x.shape[axis])
        limit = int(size * ratio + 0.5)
        shift = tf.cast(tf.floor(tf.cast(u[:, column], tf.float32) * (2 * limit + 1)), tf.int32) - limit
        source = tf.range(size)[None, :] - shift[:, None]  # Output position i reads input i − shift.
        inside = tf.cast((source >= 0) & (source < size), x.dtype)
        x = tf.gather(x, tf.clip_by_value(source, 0, size - 1), axis=axis, batch_dims=1)
        x = x * (inside[:, :, None, None] if axis == 1 else inside[:, None, :, None])
    return x


def _cutout(x, u, ratio=0.5):
    kept = []
    for axis, column in ((1, 5), (2, 6)):
        size = int(x.shape[axis])
        cut = int(size * ratio + 0.5)
        centre = tf.cast(tf.floor(tf.cast(u[:, column], tf.float32) * (size + 1 - cut % 2)), tf.int32)
        start = centre - cut // 2
        position = tf.range(size)[None, :]
        kept.append((position < start[:, None]) | (position >= start[:, None] + cut))
    keep = kept[0][:, :, None] | kept[1][:, None, :]
    return x * tf.cast(keep, x.dtype)[..., None]


_APPLY = {"color": _color, "translation": _translation, "cutout": _cutout}
