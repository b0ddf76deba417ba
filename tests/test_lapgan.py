"""LAPGAN: the Laplacian pyramid, the chain of level generators, the
per-level losses and the level-by-level schedule."""

import math
import re

import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo.networks import lapgan as lapgan_networks
from tfgan_zoo.networks import pyramid


def _dyadic_images(shape, seed=0):
    # Multiples of 1/16 in [-1, 1]: every blur and difference is exact in float64.
    return np.random.default_rng(seed).integers(-16, 17, shape).astype(np.float64) / 16.0


def test_pyramid_round_trip_is_exact():
    x = tf.constant(_dyadic_images((3, 16, 16, 2)))
    coarse, residuals = pyramid.laplacian_pyramid(x, levels=3)
    assert tuple(coarse.shape) == (3, 4, 4, 2)
    assert [tuple(h.shape) for h in residuals] == [(3, 8, 8, 2), (3, 16, 16, 2)]
    np.testing.assert_array_equal(pyramid.reconstruct(coarse, residuals).numpy(), x.numpy())
    # float32 images of any values: exact up to float32 rounding.
    x32 = tf.random.stateless_uniform([2, 28, 28, 1], seed=[1, 2], minval=-1, maxval=1)
    back = pyramid.reconstruct(*pyramid.laplacian_pyramid(x32, levels=3))
    np.testing.assert_allclose(back.numpy(), x32.numpy(), atol=1e-6)


def test_blur_keeps_constants_and_downsample_halves():
    x = tf.fill([1, 8, 8, 3], 0.25)
    np.testing.assert_array_equal(pyramid.blur(x).numpy(), x.numpy())
    np.testing.assert_array_equal(pyramid.downsample(x).numpy(), np.full((1, 4, 4, 3), 0.25))
    np.testing.assert_array_equal(pyramid.upsample(x).numpy(), np.full((1, 16, 16, 3), 0.25))
    # One bright pixel spreads as the binomial kernel's outer product.
    impulse = np.zeros((1, 9, 9, 1))
    impulse[0, 4, 4, 0] = 1.0
    blurred = pyramid.blur(tf.constant(impulse)).numpy()[0, 2:7, 2:7, 0]
    np.testing.assert_array_equal(blurred, np.outer(pyramid.BINOMIAL, pyramid.BINOMIAL))
    # A constant image has no band-pass residual.
    _, residuals = pyramid.laplacian_pyramid(tf.fill([1, 8, 8, 1], -0.5), levels=3)
    for h in residuals:
        np.testing.assert_array_equal(h.numpy(), 0.0)


@pytest.mark.parametrize(
    "shape, levels",
    [((30, 30, 1), 3), ((8, 8, 1), 4), ((8, 16, 1), 2), ((28, 28), 3)],
)
def test_images_that_do_not_fit_the_pyramid_are_refused(shape, levels):
    with pytest.raises(ValueError, match=re.escape(f"Received: sample_shape={shape}, levels={levels}")):
        tfgan_zoo.create("lapgan", sample_shape=shape, levels=levels, latent_dim=8, width=4)


def test_the_latent_vector_is_split_over_the_levels():
    assert lapgan_networks.latent_split(100, 3) == [34, 33, 33]
    assert lapgan_networks.latent_split(3, 3) == [1, 1, 1]
    with pytest.raises(ValueError, match=r"Received: latent_dim=2, levels=3"):
        tfgan_zoo.create("lapgan", sample_shape=(8, 8, 1), latent_dim=2, width=4)


def test_bad_schedule_and_level_counts_are_refused():
    with pytest.raises(ValueError, match=r"Received: schedule='greedy'"):
        tiny_model("lapgan", schedule="greedy")
    with pytest.raises(ValueError, match=r"Received: levels=0"):
        tiny_model("lapgan", levels=0)
    with pytest.raises(ValueError, match=r"Received: level_steps=0"):
        tiny_model("lapgan", level_steps=0)


def test_generate_return_pyramid_runs_the_chain_coarse_to_fine():
    model = tiny_model("lapgan")  # 8x8, three levels, z split 3 + 3 + 2.
    levels = model.generate(4, seed=3, return_pyramid=True)
    assert [lv.shape for lv in levels] == [(4, 2, 2, 1), (4, 4, 4, 1), (4, 8, 8, 1)]
    np.testing.assert_array_equal(levels[-1], model.generate(4, seed=3))
    for lv in levels:
        assert lv.dtype == np.float32 and np.all(np.abs(lv) <= 1.0)
    # Level k is the upsampled level k-1 plus the level generator's residual.
    z = np.random.default_rng(0).normal(size=(4, model.latent_dim)).astype(np.float32)
    levels = model.generate(z=z, return_pyramid=True)
    z1 = tf.constant(z[:, 3:6])
    up = pyramid.upsample(tf.constant(levels[0]))
    residual = model.level_generators[1]([z1, up], training=False)
    np.testing.assert_allclose(levels[1], np.clip(up + residual, -1, 1), atol=1e-6)
    # The finest level's noise changes only the finest level.
    other = z.copy()
    other[:, 6:] += 1.0
    moved = model.generate(z=other, return_pyramid=True)
    np.testing.assert_array_equal(moved[0], levels[0])
    np.testing.assert_array_equal(moved[1], levels[1])
    assert not np.allclose(moved[2], levels[2])


def test_the_discriminator_sees_each_levels_real_pair():
    model = tiny_model("lapgan")
    x = tf.random.stateless_uniform([5, 8, 8, 1], seed=[3, 4], minval=-1, maxval=1)
    logits = model.discriminator(x, training=False).numpy()
    assert logits.shape == (5, 3)
    coarse, residuals = pyramid.laplacian_pyramid(x, 3)
    gaussian = pyramid.gaussian_pyramid(x, 3)
    np.testing.assert_allclose(logits[:, :1], model.level_discriminators[0](coarse), atol=1e-6)
    for k in (1, 2):
        pair = [pyramid.upsample(gaussian[k - 1]), residuals[k - 1]]
        np.testing.assert_allclose(logits[:, k : k + 1], model.level_discriminators[k](pair), atol=1e-5)


def _silence_discriminators(model):
    """Zero every level discriminator's weights: all logits are 0."""
    for d in model.level_discriminators:
        d.set_weights([np.zeros_like(w) for w in d.get_weights()])


def test_losses_sum_the_levels_hand_computed():
    # With every logit 0, each level's non-saturating losses are
    # D: -log(1/2) - log(1/2) = 2 log 2 and G: -log(1/2) = log 2.
    model = tiny_model("lapgan")
    _silence_discriminators(model)
    real = tf.random.stateless_uniform([6, 8, 8, 1], seed=[5, 6], minval=-1, maxval=1)
    d_loss, _ = model.discriminator_loss(real, None)
    g_loss, _ = model.generator_loss(real, None)
    np.testing.assert_allclose(d_loss.numpy(), np.full(6, 3 * 2 * math.log(2)), rtol=1e-6)
    np.testing.assert_allclose(g_loss.numpy(), np.full(6, 3 * math.log(2)), rtol=1e-6)
    # Level by level: only the active level counts.
    levelwise = tiny_model("lapgan", schedule="levelwise", level_steps=5)
    _silence_discriminators(levelwise)
    d_loss, _ = levelwise.discriminator_loss(real, None)
    np.testing.assert_allclose(d_loss.numpy(), np.full(6, 2 * math.log(2)), rtol=1e-6)
    assert [float(w) for w in levelwise.level_weights()] == [1.0, 0.0, 0.0]
    levelwise.g_optimizer.iterations.assign(12)  # Steps 10-14: level 2.
    assert [float(w) for w in levelwise.level_weights()] == [0.0, 0.0, 1.0]
    levelwise.g_optimizer.iterations.assign(99)  # The last level keeps training.
    assert [float(w) for w in levelwise.level_weights()] == [0.0, 0.0, 1.0]


def test_levelwise_schedule_trains_one_level_at_a_time():
    model = tiny_model("lapgan", schedule="levelwise", level_steps=2)
    nets = model.level_generators + model.level_discriminators
    before = [[w.copy() for w in net.get_weights()] for net in nets]
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype(np.float32)
    model.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False)  # 2 steps: level 0 only.

    def moved(i):
        return any(not np.array_equal(a, b) for a, b in zip(before[i], nets[i].get_weights()))

    assert [moved(i) for i in range(6)] == [True, False, False, True, False, False]


def test_fit_rejects_images_of_another_size():
    model = tiny_model("lapgan")
    with pytest.raises(ValueError, match=r"Received: batch of shape \(\w+, 16, 16, 1\)"):
        model.fit(np.zeros((8, 16, 16, 1), np.float32), batch_size=4, epochs=1, verbose=0)


def test_mnist_sizes_build():
    model = tfgan_zoo.create("lapgan", sample_shape=(28, 28, 1), latent_dim=12, width=4, seed=0, compile=False)
    assert [lv.shape[1:] for lv in model.generate(2, seed=0, return_pyramid=True)] == [
        (7, 7, 1),
        (14, 14, 1),
        (28, 28, 1),
    ]


def test_trains_on_a_colour_tfds_dataset_through_data_load():
    # The `tfds:cifar10` path a user would take, with tfds' mock data
    # (32x32x3 uint8 images, random labels): 8 -> 16 -> 32 levels.
    tfds = pytest.importorskip("tensorflow_datasets")
    from tfgan_zoo import data

    with tfds.testing.mock_data(num_examples=16):
        ds = data.load("tfds:cifar10", batch_size=8, image_shape=(32, 32, 3), seed=0)
        images, _ = next(iter(ds))
        model = tiny_model("lapgan", sample_shape=(32, 32, 3))
        history = model.fit(ds.map(lambda x, y: x), epochs=1, verbose=0).history
    assert images.shape == (8, 32, 32, 3) and -1.0 <= images.numpy().min() < images.numpy().max() <= 1.0
    assert history["d_loss"] and all(np.isfinite(v[-1]) for v in history.values())
    levels = model.generate(2, seed=0, return_pyramid=True)
    assert [tuple(level.shape) for level in levels] == [(2, 8, 8, 3), (2, 16, 16, 3), (2, 32, 32, 3)]
