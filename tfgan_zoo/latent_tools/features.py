"""Discriminator features for classification (Radford et al. 2015, section 5.1).

The paper used a trained DCGAN discriminator as a feature extractor: every
convolutional layer's activations, max-pooled to a 4x4 grid and
flattened, concatenated, then a linear classifier on top. `linear_probe`
measures it; the baselines are the same probe on raw pixels and on a
randomly initialised discriminator of the same architecture
(`untrained_copy`).

Example:

>>> import tfgan_zoo
>>> gan = tfgan_zoo.create("dcgan", sample_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
>>> discriminator_features(gan, np.zeros((2, 8, 8, 1))).shape  # 4 channels on a 4x4 grid
(2, 64)
"""

import math

import keras
import numpy as np
import tensorflow as tf

_ACTIVATIONS = (keras.layers.LeakyReLU, keras.layers.ReLU, keras.layers.Activation)


def feature_layers(discriminator):
    """The layers whose outputs are the features: the activations of the
    spatial (4-D) layers, else every 4-D layer output."""
    spatial = [layer for layer in discriminator.layers[1:] if len(layer.output.shape) == 4]
    acts = [layer for layer in spatial if isinstance(layer, _ACTIVATIONS)]
    chosen = acts or spatial
    if not chosen:
        raise ValueError(f"The discriminator {discriminator.name!r} has no spatial layers to take features from. "
                         f"Received: layers {[layer.name for layer in discriminator.layers]}")
    return [layer.name for layer in chosen]


def pool_to_grid(x, grid):
    """Max-pools `[n, h, w, c]` to at most `grid x grid` and flattens it."""
    k = max(1, math.ceil(int(x.shape[1]) / grid))
    return tf.reshape(tf.nn.max_pool2d(x, k, k, "SAME"), [tf.shape(x)[0], -1])


def discriminator_features(model, images, labels=None, grid=4, batch_size=256):
    """`[n, features]`: each feature layer max-pooled to `grid x grid`, concatenated.

    Conditional discriminators see the labels too, so they need `labels`.
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != tuple(model.sample_shape):
        raise ValueError(f"`images` must have shape [n, {', '.join(map(str, model.sample_shape))}]. "
                         f"Received: images of shape {images.shape}")
    if isinstance(grid, bool) or int(grid) != grid or grid < 1:
        raise ValueError(f"`grid` must be a positive int. Received: grid={grid!r}")
    if model.num_classes is not None and labels is None:
        raise ValueError("A conditional discriminator sees the labels: pass them. Received: labels=None")
    d = model.discriminator
    probe = keras.Model(d.inputs, [d.get_layer(name).output for name in feature_layers(d)])

    @tf.function(reduce_retracing=True)
    def features(inputs):
        outputs = probe(inputs, training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return tf.concat([pool_to_grid(tf.cast(o, tf.float32), int(grid)) for o in outputs], axis=1)

    parts = []
    for start in range(0, len(images), int(batch_size)):
        x = images[start : start + int(batch_size)]
        inputs = [x] if model.num_classes is None else [x, np.asarray(labels[start : start + len(x)], np.int32)]
        parts.append(features(inputs).numpy())
    return np.concatenate(parts)


def untrained_copy(model, seed=1):
    """A freshly initialised model with `model`'s hparams (and `seed`): the random-discriminator baseline."""
    import tfgan_zoo

    return tfgan_zoo.create(model.model_name, compile=False, **{**model.hparams, "seed": seed})


def linear_probe(train_x, train_y, test_x, test_y, seed=0):
    """Test accuracy of a linear classifier (standardised inputs, multinomial
    logistic regression, scikit-learn) trained on `(train_x, train_y)`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    flat = lambda x: np.asarray(x, np.float32).reshape(len(x), -1)  # noqa: E731
    if len(np.unique(train_y)) < 2:
        raise ValueError(f"A probe needs at least 2 classes in train_y. Received: classes {np.unique(train_y).tolist()}")
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0, random_state=seed))
    probe.fit(flat(train_x), np.asarray(train_y))
    return float(probe.score(flat(test_x), np.asarray(test_y)))
