"""Filter ablation: drop the generator filters that draw a concept.

Radford et al. (2015, section 6.2) found the filters of a trained
generator that fire on windows (by a spatial mask on the images), dropped
them, and the generator drew other objects where the windows had been.
Here a concept is chosen either per sample (`concept`: a boolean per
sample, e.g. "thick stroke" by `ink_mass` or a classifier's class) or
spatially (`spatial_mask`: where in the image it lies); a filter's score
is its mean activation on the concept minus off it. `ablated_copy` zeroes
the chosen filters in a copy of the model and leaves the original alone.

A filter is a channel of a generator layer: of a `BatchNormalization`
layer, whose scale and offset are zeroed (the normalised channel, and
after the ReLU the activation, is then exactly 0), or of a `Dense` /
`Conv2D` / `Conv2DTranspose` layer, whose kernel slice and bias are
zeroed. The default layer is the generator's last batch-norm layer (the
highest hidden layer of a DCGAN).
"""

import keras
import numpy as np

from tfgan_zoo.latent_tools import arithmetic
from tfgan_zoo.models import stabilisers

_WEIGHTED = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose)


def filter_layers(generator):
    """Names of the generator's layers whose channels `ablated_copy` can zero
    (its batch-norm and weighted layers, except the output layer)."""
    layers = [layer for layer in generator.layers if isinstance(layer, (keras.layers.BatchNormalization,) + _WEIGHTED)]
    weighted = [layer for layer in layers if isinstance(layer, _WEIGHTED)]
    return [layer.name for layer in layers if not (weighted and layer is weighted[-1])]


def default_layer(generator):
    """The last batch-norm layer of `generator` (else its last filter layer)."""
    names = filter_layers(generator)
    norms = [n for n in names if isinstance(generator.get_layer(n), keras.layers.BatchNormalization)]
    if not (norms or names):
        raise ValueError(f"The generator {generator.name!r} has no layer with filters to ablate. Received: layers "
                         f"{[layer.name for layer in generator.layers]}")
    return (norms or names)[-1]


def _layer(model, layer):
    layer = default_layer(model.generator) if layer is None else layer
    valid = filter_layers(model.generator)
    if layer not in valid:
        raise ValueError(f"Unknown generator layer {layer!r}. Valid: {valid}. Received: layer={layer!r}")
    return layer


def activations(model, z, labels=None, layer=None):
    """The activation after `layer` (its next activation layer, if any): `[n, h, w, channels]` or `[n, channels]`."""
    layer = _layer(model, layer)
    generator = model.generator
    names = [lay.name for lay in generator.layers]
    after = generator.layers[names.index(layer) + 1]
    tap = after if isinstance(after, (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.Activation)) else generator.get_layer(layer)
    probe = keras.Model(generator.inputs, tap.output)
    inputs = np.asarray(z, np.float32) if model.num_classes is None else [np.asarray(z, np.float32), np.asarray(labels, np.int32)]
    return np.asarray(probe.predict(inputs, verbose=0, batch_size=256), np.float32)


def _spatial_weights(mask, shape):
    import tensorflow as tf

    mask = np.asarray(mask, np.float32)
    if mask.ndim != 2:
        raise ValueError(f"`spatial_mask` must be [height, width]. Received: spatial_mask of shape {mask.shape}")
    return tf.image.resize(mask[..., None], shape, method="area").numpy()[..., 0]


def filter_scores(model, z, labels=None, concept=None, spatial_mask=None, layer=None):
    """Each filter's association with a concept: mean activation on it minus off it.

    Args:
        model: a tfgan_zoo GAN.
        z: `[n, latent_dim]` latent vectors (and `labels` if conditional).
        concept: boolean `[n]`: which samples show the concept.
        spatial_mask: `[height, width]` in image pixels, 1 where the concept
            lies (the paper's window boxes); resized to the layer's map.
        layer: the generator layer (default: `default_layer`).

    Returns:
        `[channels]` scores; the largest are the concept's filters.
    """
    if (concept is None) == (spatial_mask is None):
        raise ValueError(f"Pass one of concept or spatial_mask. Received: concept={concept is not None}, "
                         f"spatial_mask={spatial_mask is not None}")
    acts = activations(model, z, labels, layer)
    if concept is not None:
        concept = np.asarray(concept, bool)
        if concept.shape != (len(acts),) or concept.all() or not concept.any():
            raise ValueError(f"`concept` must be one bool per sample, with both values. Received: concept of shape "
                             f"{concept.shape} with {int(concept.sum())} True")
        per_sample = acts.reshape(len(acts), -1, acts.shape[-1]).mean(axis=1)
        return per_sample[concept].mean(axis=0) - per_sample[~concept].mean(axis=0)
    if acts.ndim != 4:
        raise ValueError(f"A spatial mask needs a spatial layer. Received: layer activations of shape {acts.shape}")
    w = _spatial_weights(spatial_mask, acts.shape[1:3])[None, :, :, None]
    inside = (acts * w).sum(axis=(1, 2)) / max(w.sum(), 1e-8)
    outside = (acts * (1 - w)).sum(axis=(1, 2)) / max((1 - w).sum(), 1e-8)
    return (inside - outside).mean(axis=0)


def top_filters(scores, k):
    """The indices of the `k` largest `scores`, largest first."""
    if isinstance(k, bool) or int(k) != k or not 1 <= k <= len(scores):
        raise ValueError(f"`k` must be an int in [1, {len(scores)}]. Received: k={k!r}")
    return np.argsort(-np.asarray(scores), kind="stable")[: int(k)]


def copy_model(model):
    """A new model of the same class and config, with a copy of the weights."""
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def ablated_copy(model, filters, layer=None):
    """A copy of `model` whose generator has the channels `filters` of `layer` zeroed.

    The original is not changed. Returns the copy.
    """
    layer = _layer(model, layer)
    copy = copy_model(model)
    target = copy.generator.get_layer(layer)
    channels = int(target.get_weights()[0].shape[-1 if not isinstance(target, keras.layers.Conv2DTranspose) else -2])
    filters = np.asarray(filters, np.int64).reshape(-1)
    bad = filters[(filters < 0) | (filters >= channels)]
    if bad.size or filters.size == 0:
        raise ValueError(f"`filters` must be non-empty channel indices of {layer!r}, in [0, {channels}). "
                         f"Received: filters={filters.tolist()}")
    target.set_weights(_zero_filters(target, target.get_weights(), filters))
    # A model that samples from its weights' average (`ema_decay`): the same there.
    averages = stabilisers.weight_averages(copy.generator)
    if averages:
        index = {id(v): i for i, v in enumerate(copy.generator.trainable_variables)}
        mine = [averages[index[id(v)]] for v in target.trainable_variables]
        values = [np.array(a) for a in mine] + target.get_weights()[len(mine):]
        for average, value in zip(mine, _zero_filters(target, values, filters)):
            average.assign(value)
    return copy


def _zero_filters(target, weights, filters):
    """`weights` of the layer `target` (in `get_weights` order) with the
    channels `filters` zeroed."""
    if isinstance(target, keras.layers.BatchNormalization):
        # gamma and beta (the first two when both are on); the moving stats stay.
        for i in range(int(target.scale) + int(target.center)):
            weights[i][filters] = 0.0
    else:
        axis = -2 if isinstance(target, keras.layers.Conv2DTranspose) else -1
        kernel = np.moveaxis(weights[0], axis, 0)
        kernel[filters] = 0.0
        weights[0] = np.moveaxis(kernel, 0, axis)
        if len(weights) > 1:
            weights[1][filters] = 0.0
    return weights


def ablation_figure(model, num_filters=8, layer=None, num_samples=8, seed=0, pool=256):
    """Drops the filters most active on thick strokes (ink mass above the
    median of `pool` samples); rows: `num_samples` before, then after.

    Returns `(images, rows, info)`; `info` has the filters, and the mean ink
    mass of the samples before and after (theirs, and with as many random
    filters dropped instead).
    """
    from tfgan_zoo.latent_tools import figures

    z, labels = figures.prior_draws(model, pool, seed)
    before = model.generate(z=z, labels=labels)
    ink = arithmetic.ink_mass(before)
    scores = filter_scores(model, z, labels, concept=ink > np.median(ink), layer=layer)
    filters = top_filters(scores, num_filters)
    after = ablated_copy(model, filters, layer).generate(z=z, labels=labels)
    random_filters = np.random.default_rng(seed).choice(len(scores), size=len(filters), replace=False)
    random_after = ablated_copy(model, random_filters, layer).generate(z=z, labels=labels)
    info = {
        "layer": _layer(model, layer),
        "filters": filters.tolist(),
        "random_filters": random_filters.tolist(),
        "ink_before": float(ink.mean()),
        "ink_after": float(arithmetic.ink_mass(after).mean()),
        "ink_after_random": float(arithmetic.ink_mass(random_after).mean()),
    }
    return np.concatenate([before[:num_samples], after[:num_samples]]), 2, info
