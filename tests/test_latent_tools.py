"""Latent tools: walks, vector arithmetic and inpainting (tfgan_zoo.latent_tools)."""

import numpy as np
import pytest
import tensorflow as tf

from helpers import tiny_model
from tfgan_zoo import sampling
from tfgan_zoo import latent_tools
from tfgan_zoo.latent_tools import arithmetic
from tfgan_zoo.latent_tools import inpainting
from tfgan_zoo.latent_tools import walks
from tfgan_zoo.latent_tools import masks as masks_lib


class AffineGenerator:
    """A fake trained model: `generate(z)` is `2 z + 1`, one 'pixel' per coordinate."""

    latent_dim = 3
    num_classes = None
    sample_shape = (3,)

    def generate(self, z=None, labels=None):
        assert labels is None
        return 2.0 * np.asarray(z, np.float32) + 1.0


# -- slerp / lerp -------------------------------------------------------------


def test_slerp_hand_checked_quarter_circle():
    z = latent_tools.slerp([2.0, 0.0], [0.0, 2.0], [0.0, 1 / 3, 0.5, 1.0])
    s = np.sqrt(2.0)
    # 30 degrees, then 45, on the circle of radius 2.
    np.testing.assert_allclose(z, [[2, 0], [np.sqrt(3), 1], [s, s], [0, 2]], atol=1e-12)


def test_slerp_endpoints_and_norms_on_the_shell():
    rng = np.random.default_rng(0)
    d = 100
    z0, z1 = rng.normal(size=(5, d)), rng.normal(size=(5, d))
    z1 *= (np.linalg.norm(z0, axis=1) / np.linalg.norm(z1, axis=1))[:, None]  # same radius
    walk = walks.latent_walk(z0, z1, 9, "slerp")
    np.testing.assert_allclose(walk[:, 0], z0, rtol=1e-6)
    np.testing.assert_allclose(walk[:, -1], z1, rtol=1e-6)
    norms = np.linalg.norm(walk, axis=2) / np.linalg.norm(z0, axis=1)[:, None]
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    # lerp's midpoint falls inside the shell, to about 1/sqrt(2) of the radius
    # for nearly orthogonal draws.
    mid = np.linalg.norm(walks.latent_walk(z0, z1, 3, "lerp")[:, 1], axis=1)
    assert np.all(mid / np.linalg.norm(z0, axis=1) < 0.85)


def test_slerp_parallel_endpoints_fall_back_to_lerp():
    np.testing.assert_allclose(latent_tools.slerp([1.0, 1.0], [2.0, 2.0], [0.5]), [[1.5, 1.5]])


def test_walk_errors_name_the_received_value():
    with pytest.raises(ValueError, match="Received: steps=1"):
        walks.latent_walk(np.zeros(2), np.ones(2), 1)
    with pytest.raises(ValueError, match="Received: method='cubic'"):
        walks.latent_walk(np.zeros(2), np.ones(2), 3, "cubic")
    with pytest.raises(ValueError, match=r"z0 of shape \(2,\), z1 of shape \(3,\)"):
        latent_tools.lerp(np.zeros(2), np.ones(3), [0.5])


def test_interpolate_decodes_the_walk():
    model = AffineGenerator()
    z0, z1 = np.zeros((2, 3)), np.ones((2, 3))
    images = latent_tools.interpolate(model, z0, z1, steps=5, method="lerp")
    assert images.shape == (2, 5, 3)
    np.testing.assert_allclose(images[1, :, 0], 2 * np.linspace(0, 1, 5) + 1, rtol=1e-6)
    with pytest.raises(ValueError, match=r"Received: z0 of shape \(2, 4\)"):
        latent_tools.interpolate(model, np.zeros((2, 4)), np.ones((2, 4)))


def test_interpolate_conditional_model_takes_one_label_per_walk():
    model = tiny_model("cgan", compile=False)
    z = model.prior.sample(4, seed=[0, 1]).numpy()
    images = latent_tools.interpolate(model, z[:2], z[2:], steps=3, labels=[3, 7])
    assert images.shape == (2, 3, 8, 8, 1)
    np.testing.assert_allclose(images[1, 0], model.generate(z=z[1:2], labels=[7])[0], atol=1e-5)
    with pytest.raises(ValueError, match="Received: labels=None"):
        latent_tools.interpolate(model, z[:2], z[2:], steps=3)


def test_interpolate_images_needs_an_encoder():
    with pytest.raises(ValueError, match="Received: a AffineGenerator without one"):
        latent_tools.interpolate_images(AffineGenerator(), np.zeros((1, 3)), np.zeros((1, 3)))


def test_interpolate_images_through_an_encoder():
    model = AffineGenerator()
    model.sample_shape = (3,)
    model.encoder = lambda x, training=False: (np.asarray(x) - 1.0) / 2.0  # G's inverse.
    images = latent_tools.interpolate_images(model, np.full((1, 3), -1.0), np.full((1, 3), 1.0), steps=3, method="lerp")
    np.testing.assert_allclose(images[0, :, 0], [-1.0, 0.0, 1.0], atol=1e-6)


# -- vector arithmetic ----------------------------------------------------------


def test_vector_arithmetic_on_a_known_generator():
    model = AffineGenerator()
    z = np.arange(18, dtype=np.float32).reshape(6, 3)
    out = latent_tools.vector_arithmetic(model, z, a=[0, 1], b=[2], c=[4, 5], num_variants=4, noise_scale=0.0)
    expected = (z[0] + z[1]) / 2 - z[2] + (z[4] + z[5]) / 2  # [1.5, 2.5, 3.5] - [6, 7, 8] + [13.5, 14.5, 15.5]
    np.testing.assert_allclose(expected, [9.0, 10.0, 11.0])
    np.testing.assert_allclose(out["z"], np.tile(expected, (4, 1)))
    np.testing.assert_allclose(out["images"][0], 2 * expected + 1)
    np.testing.assert_allclose(out["means"][1], 2 * z[2] + 1)


def test_vector_arithmetic_noise_is_bounded_and_seeded():
    z = np.zeros((3, 3), np.float32)
    out = latent_tools.vector_arithmetic(AffineGenerator(), z, [0], [1], [2], num_variants=50, noise_scale=0.25, seed=1)
    np.testing.assert_array_equal(out["z"][0], 0.0)
    assert 0.2 < np.abs(out["z"][1:]).max() <= 0.25
    again = latent_tools.vector_arithmetic(AffineGenerator(), z, [0], [1], [2], num_variants=50, seed=1)
    np.testing.assert_array_equal(out["z"], again["z"])


def test_vector_arithmetic_errors_name_the_received_value():
    z = np.zeros((3, 3), np.float32)
    with pytest.raises(ValueError, match=r"Received: b out of range \[3\]"):
        latent_tools.vector_arithmetic(AffineGenerator(), z, [0], [3], [2])
    with pytest.raises(ValueError, match=r"Received: a=\[\]"):
        latent_tools.vector_arithmetic(AffineGenerator(), z, [], [1], [2])
    with pytest.raises(ValueError, match="Received: labels=1"):
        latent_tools.vector_arithmetic(AffineGenerator(), z, [0], [1], [2], labels=1)


def test_ink_mass_and_selection():
    images = np.stack([np.full((2, 2, 1), v) for v in (-1.0, 0.0, 1.0, 0.5)])
    np.testing.assert_allclose(arithmetic.ink_mass(images), [0.0, 0.5, 1.0, 0.75])
    high, low = latent_tools.select_by_attribute(arithmetic.ink_mass(images), 2)
    assert list(high) == [2, 3] and list(low) == [0, 1]
    with pytest.raises(ValueError, match="Received: k=3"):
        latent_tools.select_by_attribute(arithmetic.ink_mass(images), 3)


# -- masks ------------------------------------------------------------------------


def test_masks_kinds():
    assert masks_lib.random_mask(200, (8, 8, 1), 0.8, seed=0).mean() == pytest.approx(0.2, abs=0.02)
    half = masks_lib.half_mask(1, (4, 4, 1), "left")[0, :, :, 0]
    np.testing.assert_array_equal(half, [[0, 0, 1, 1]] * 4)
    assert masks_lib.center_mask(2, (8, 8, 1)).sum() == 2 * (64 - 16)
    with pytest.raises(ValueError, match="Received: mask='ring'"):
        latent_tools.make_masks("ring", 1, (8, 8, 1))


def test_mask_from_png(tmp_path):
    from tfgan_zoo import images as images_lib

    png = np.full((4, 4, 1), 255, np.uint8)
    png[:2] = 0
    path = images_lib.save_png(str(tmp_path / "m.png"), png)
    mask = latent_tools.make_masks(path, 2, (8, 8, 1))
    assert mask.shape == (2, 8, 8, 1) and mask[:, :4].sum() == 0 and mask[:, 4:].min() == 1


def test_importance_weights_hand_checked():
    mask = np.ones((1, 1, 5, 1), np.float32)
    mask[0, 0, 2] = 0  # One missing pixel in a row of five.
    w = inpainting.importance_weights(tf.constant(mask), window=3).numpy()[0, 0, :, 0]
    # SAME average pooling counts only the pixels inside the image.
    np.testing.assert_allclose(w, [0, 1 / 3, 0, 1 / 3, 0], atol=1e-6)


# -- inpainting -----------------------------------------------------------------------

FAST = {"steps": 60, "restarts": 2, "learning_rate": 0.05}


@pytest.fixture(scope="module")
def dcgan():
    return tiny_model("dcgan", compile=False)


def test_inpaint_with_no_missing_pixels_returns_the_input(dcgan):
    images = np.random.default_rng(0).uniform(-1, 1, (3, 8, 8, 1)).astype("float32")
    out = latent_tools.inpaint(dcgan, images, np.ones((3, 8, 8, 1)), steps=2, restarts=1)
    np.testing.assert_array_equal(out["completed"], images)


def test_inpaint_recovers_a_generators_own_sample_better_than_random_z(dcgan):
    z = dcgan.prior.sample(6, seed=[3, 4]).numpy()
    target = dcgan.generate(z=z)
    mask = masks_lib.center_mask(6, (8, 8, 1))
    out = latent_tools.inpaint(dcgan, target, mask, seed=0, **FAST)
    hole = np.broadcast_to(mask == 0, target.shape)
    np.testing.assert_array_equal(out["completed"][~hole], target[~hole])
    searched = np.abs(out["generated"] - target)[hole].mean()
    random_z = dcgan.prior.sample(6, seed=[9, 9]).numpy()
    random_fill = np.abs(dcgan.generate(z=random_z) - target)[hole].mean()
    assert searched < 0.5 * random_fill, (searched, random_fill)
    low, high = inpainting.latent_box(dcgan.prior)
    assert (low, high) == (-3.0, 3.0) and out["z"].min() >= low and out["z"].max() <= high
    np.testing.assert_allclose(out["generated"], dcgan.generate(z=out["z"]), atol=1e-5)


def test_inpaint_restarts_keep_the_best_start(dcgan):
    # With no steps the search returns, per image, the start of least loss.
    target = dcgan.generate(z=dcgan.prior.sample(2, seed=[3, 4]).numpy())
    mask = masks_lib.random_mask(2, (8, 8, 1), 0.5, seed=0)
    out = latent_tools.inpaint(dcgan, target, mask, seed=5, steps=0, restarts=4, lambda_perceptual=0.0, weighting="none")
    starts, _ = sampling.generator_inputs(dcgan.prior, None, 8, 5)
    starts = starts.numpy().reshape(4, 2, -1)  # [restart, image, d]
    losses = np.abs(mask * (dcgan.generate(z=starts.reshape(8, -1)).reshape(4, 2, 8, 8, 1) - target)).sum(axis=(2, 3, 4))
    assert len(set(np.argmin(losses, axis=0))) > 0
    np.testing.assert_allclose(out["z"], starts[np.argmin(losses, axis=0), [0, 1]], atol=1e-6)
    np.testing.assert_allclose(out["contextual_loss"], losses.min(axis=0), rtol=1e-4)


def test_inpaint_combine_mean_fills_the_hole_with_the_mean_of_every_start(dcgan):
    target = dcgan.generate(z=dcgan.prior.sample(2, seed=[3, 4]).numpy())
    mask = masks_lib.center_mask(2, (8, 8, 1))
    out = latent_tools.inpaint(dcgan, target, mask, seed=5, steps=0, restarts=3, lambda_perceptual=0.0,
                               weighting="none", combine="mean")
    starts, _ = sampling.generator_inputs(dcgan.prior, None, 6, 5)
    mean = dcgan.generate(z=starts.numpy()).reshape(3, 2, 8, 8, 1).mean(axis=0)
    np.testing.assert_allclose(out["generated"], mean, atol=1e-5)
    np.testing.assert_allclose(out["completed"], mask * target + (1 - mask) * mean, atol=1e-5)
    best = latent_tools.inpaint(dcgan, target, mask, seed=5, steps=0, restarts=3, lambda_perceptual=0.0, weighting="none")
    np.testing.assert_allclose(out["z"], best["z"])  # z and the losses stay the winner's.
    assert not np.allclose(out["generated"], best["generated"])


def test_inpaint_conditional_uses_labels():
    model = tiny_model("cgan", compile=False)
    target = model.generate(z=np.zeros((2, 8), np.float32), labels=[1, 2])
    out = latent_tools.inpaint(model, target, masks_lib.half_mask(2, (8, 8, 1)), labels=[1, 2], steps=3, restarts=1)
    assert out["completed"].shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="Received: labels=None"):
        latent_tools.inpaint(model, target, np.ones((2, 8, 8, 1)))


def test_inpaint_poisson_blend_keeps_known_pixels(dcgan):
    images = np.zeros((1, 8, 8, 1), np.float32)
    generated = np.full((1, 8, 8, 1), 0.7, np.float32)  # Flat: no gradients to add.
    mask = masks_lib.center_mask(1, (8, 8, 1))
    blended = inpainting.poisson_blend(images, generated, mask)
    np.testing.assert_allclose(blended, 0.0, atol=1e-6)  # Flat guidance, zero border: zero fill.


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"masks": np.full((2, 8, 8, 1), 0.5)}, r"Received: values \[0.5\]"),
        ({"masks": np.ones((2, 4, 4, 1))}, r"Received: masks of shape \(2, 4, 4, 1\)"),
        ({"images": np.full((2, 8, 8, 1), 2.0)}, "Received: min 2.0, max 2.0"),
        ({"steps": -1}, "Received: steps=-1"),
        ({"weighting": "gaussian"}, "Received: weighting='gaussian'"),
        ({"combine": "median"}, "Received: combine='median'"),
        ({"blend": "alpha"}, "Received: blend='alpha'"),
        ({"momentum": 0.9}, r"Unknown inpainting option\(s\) \['momentum'\]"),
    ],
)
def test_inpaint_refuses_bad_arguments(dcgan, kwargs, match):
    args = {"images": np.zeros((2, 8, 8, 1), np.float32), "masks": np.ones((2, 8, 8, 1)), **kwargs}
    with pytest.raises(ValueError, match=match):
        latent_tools.inpaint(dcgan, **args)


def test_inpaint_refuses_an_export_without_discriminator():
    with pytest.raises(ValueError, match=r"Received: a AffineGenerator without \['generate_batch'"):
        latent_tools.inpaint(AffineGenerator(), np.zeros((1, 3)), np.ones((1, 3)))


# -- the in-graph search in a SavedModel ---------------------------------------------


def test_inpaint_graph_traces_into_a_saved_model(dcgan, tmp_path):
    options = {"steps": 5, "restarts": 2}
    module = tf.Module()
    module.generator, module.discriminator = dcgan.generator, dcgan.discriminator
    module.inpaint = tf.function(
        lambda images, masks, seed: inpainting.inpaint_graph(dcgan, images, masks, seed, **options),
        input_signature=[
            tf.TensorSpec([None, 8, 8, 1], tf.float32, name="images"),
            tf.TensorSpec([None, None, None, None], tf.float32, name="masks"),
            tf.TensorSpec([], tf.int64, name="seed"),
        ],
    )
    path = str(tmp_path / "inpaint")
    tf.saved_model.save(module, path, signatures={"inpaint": module.inpaint})
    serve = tf.saved_model.load(path).signatures["inpaint"]
    images = dcgan.generate(4, seed=0)
    masks = masks_lib.center_mask(4, (8, 8, 1))
    out = serve(images=tf.constant(images), masks=tf.constant(masks), seed=tf.constant(7, tf.int64))
    eager = inpainting.inpaint_graph(dcgan, images, masks, tf.constant(7, tf.int64), **options)
    assert sorted(out) == ["completed", "contextual_loss", "generated", "perceptual_loss", "z"]
    np.testing.assert_allclose(out["completed"].numpy(), eager["completed"].numpy(), atol=1e-5)
    np.testing.assert_allclose(out["z"].numpy(), eager["z"].numpy(), atol=1e-5)
    bad = [
        (masks * 0.5, r"masks must be 0 \(missing\) or 1 \(known\). Received: mask values"),
        (masks[:, :4], r"masks must have shape \[batch, 8, 8, 1\].*Received: masks of shape\] \[4 4 8 1\]"),
        (masks[:2], r"batch as the images. Received: masks of shape\] \[2 8 8 1\] \[for images of shape\] \[4 8 8 1\]"),
    ]
    for bad_masks, match in bad:
        with pytest.raises(tf.errors.InvalidArgumentError, match=match):
            serve(images=tf.constant(images), masks=tf.constant(bad_masks), seed=tf.constant(0, tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images must be finite and in \[-1, 1\]"):
        serve(images=tf.constant(images + 2.0), masks=tf.constant(masks), seed=tf.constant(0, tf.int64))
