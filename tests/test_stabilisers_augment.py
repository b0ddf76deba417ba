"""DiffAugment (`diff_augment`, Zhao et al. 2020): each transform against
its hand-computed effect on D's input gradient, gradients into G, the
policy's errors, the `.keras` round trip and 1-vs-2 replicas."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model
from test_models import _train_one_step

from tfgan_zoo import distribute
from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.stabilisers import augment

SIDE = 8


def _image_gan(weights, **options):
    """G(z) = a constant image; D(x) = Σ weights · x."""
    z = keras.Input((3,), name="z")
    image = keras.layers.Dense(SIDE * SIDE, kernel_initializer="zeros", bias_initializer="ones")(z)
    g = keras.Model(z, keras.layers.Reshape((SIDE, SIDE, 1))(image), name="generator")
    x = keras.Input((SIDE, SIDE, 1), name="x")
    logits = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(weights.reshape(-1, 1)),
                                name="logits")(keras.layers.Flatten()(x))
    gan = GAN(generator=g, discriminator=keras.Model(x, logits, name="discriminator"), seed=0, **options)
    gan.compile()
    return gan


def _input_gradient(gan, n=32, training=True):
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (n, SIDE, SIDE, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = gan.discriminate(x, training=training)
    return tape.gradient(out, x).numpy()[..., 0]


def _runs(mask):
    """The indices where `mask` is true, if they are one contiguous run."""
    where = np.flatnonzero(mask)
    return where if where.size and np.all(np.diff(where) == 1) else None


def test_cutout_zeroes_one_square_of_the_input_gradient_per_example():
    grads = _input_gradient(_image_gan(np.ones(SIDE * SIDE), diff_augment="cutout"))
    sizes = set()
    for grad in grads:
        assert set(np.unique(grad)) <= {0.0, 1.0}
        zero = grad == 0.0
        rows, cols = _runs(zero.any(1)), _runs(zero.any(0))
        assert rows is not None and cols is not None
        np.testing.assert_array_equal(zero, np.outer(zero.any(1), zero.any(0)))  # A rectangle,
        assert 2 <= len(rows) <= SIDE // 2 and 2 <= len(cols) <= SIDE // 2  # half the side, clipped at the border.
        sizes.add((rows[0], cols[0]))
    assert len(sizes) > 5  # Placed at random per example.
    assert np.all(_input_gradient(_image_gan(np.ones(SIDE * SIDE), diff_augment="cutout"), training=False) == 1.0)


def test_translation_shifts_the_input_gradient_by_at_most_an_eighth_filling_zeros():
    w = np.random.default_rng(1).normal(size=(SIDE, SIDE)).astype("float32")
    grads = _input_gradient(_image_gan(w, diff_augment="translation"))
    padded = np.pad(w, 1)
    shifts = []
    for grad in grads:
        # d/dx[a, b] of Σ w[i, j] x[i − dy, j − dx] is w[a + dy, b + dx] (0 outside).
        found = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                 if np.allclose(grad, padded[1 + dy:1 + dy + SIDE, 1 + dx:1 + dx + SIDE])]
        assert len(found) == 1, grad
        shifts.append(found[0])
    assert len(set(shifts)) > 4


def test_color_is_brightness_then_saturation_then_contrast():
    x = np.random.default_rng(2).uniform(-1, 1, (4, SIDE, SIDE, 3)).astype("float32")
    u = np.random.default_rng(3).uniform(size=(4, 7)).astype("float32")
    y = x + (u[:, 0] - 0.5)[:, None, None, None]
    m = y.mean(3, keepdims=True)
    y = (y - m) * 2 * u[:, 1, None, None, None] + m
    m = y.mean((1, 2, 3), keepdims=True)
    y = (y - m) * (u[:, 2] + 0.5)[:, None, None, None] + m
    np.testing.assert_allclose(augment._color(tf.constant(x), tf.constant(u)).numpy(), y, rtol=1e-5, atol=1e-6)


def test_the_generator_learns_through_the_augmentations():
    plain = tiny_model("dcgan")
    augmented = tiny_model("dcgan", diff_augment="color,translation,cutout")
    augmented.set_weights(plain.get_weights())
    real, _ = random_batch(plain, 8)

    def gradients(model):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model.generator_loss(tf.constant(real), None)[0])
        return tape.gradient(loss, model.generator.trainable_variables)

    grads, grads_plain = gradients(augmented), gradients(plain)
    assert all(g is not None and np.all(np.isfinite(g)) for g in grads)
    assert all(np.abs(g.numpy()).sum() > 0 for g in grads)
    assert not all(np.allclose(a, b) for a, b in zip(grads, grads_plain))


def test_the_policy_survives_the_keras_file(tmp_path):
    model = tiny_model("cgan", diff_augment="translation,color")
    x, y = random_batch(model, 16)
    assert np.isfinite(model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["d_loss"][0])
    model.save(str(tmp_path / "augmented.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "augmented.keras"))
    assert loaded.hparams["diff_augment"] == "translation,color"
    assert loaded._stabilisers.diff_augment == ("translation", "color")


@pytest.mark.parametrize("name, options, message", [
    ("dcgan", {"diff_augment": "colour,cutout"}, r"\['color', 'translation', 'cutout'\]. Received: diff_augment='colour,cutout'"),
    ("dcgan", {"diff_augment": "cutout,cutout"}, r"each once.*Received: diff_augment='cutout,cutout'"),
    ("dcgan", {"diff_augment": ""}, r"Received: diff_augment=''"),
    ("dcgan", {"diff_augment": 3}, r"Received: diff_augment=3"),
    ("vanilla_gan", {"sample_shape": (2,), "diff_augment": "color"}, r"Received: diff_augment='color', sample_shape=\(2,\)"),
    ("rcgan", {"diff_augment": "cutout"}, r"Received: diff_augment='cutout', sample_shape=\("),
    ("infogan", {"diff_augment": "cutout"}, r"GAN.discriminate, which InfoGAN overrides.*Received: diff_augment='cutout'"),
])
def test_bad_policies_and_non_image_models_are_refused(name, options, message):
    with pytest.raises(ValueError, match=message):
        tiny_model(name, compile=False, **options)


def test_two_replicas_train_like_one_with_diff_augment():
    options = {"diff_augment": "color,translation,cutout"}
    one, h1 = _train_one_step("vanilla_gan", tf.distribute.OneDeviceStrategy("/cpu:0"), 16, 2, **options)
    two, h2 = _train_one_step("vanilla_gan", distribute.get_strategy("mirrored", cpu_replicas=2), 16, 2, **options)
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for key in h1:
        assert h2[key][0] == pytest.approx(h1[key][0], rel=1e-5, abs=1e-5), key


@pytest.mark.parametrize("options", [{"diff_augment": "cutout"}, {"instance_noise": 0.1}], ids=lambda o: next(iter(o)))
def test_an_option_on_ds_inputs_is_refused_where_the_loss_bypasses_discriminate(options):
    # lapgan's losses call its level discriminators directly: the option would do nothing.
    model = tiny_model("lapgan", **options)
    x, _ = random_batch(model, 16)
    name, value = next(iter(options.items()))
    with pytest.raises(ValueError, match=rf"which the discriminator loss of LAPGAN does not call.*Received: {name}={value!r}"):
        model.fit(x, batch_size=8, epochs=1, verbose=0)
