"""The kernel models (`gmmn`, `mmd_gan`) and the one MMD they share with the
metrics (`tfgan_zoo.losses.mmd`). Their contract (fit, `.keras`, export,
1-vs-2 replicas, ...) is the registry-parametrised tests'."""

import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo.losses import mmd as mmd_lib
from tfgan_zoo.metrics import mmd as metric_mmd


def _toy_gmmn(**hparams):
    return tfgan_zoo.create("gmmn", sample_shape=(2,), network="mlp", width=8, latent_dim=4, seed=0, **hparams)


def _points(n, seed, shift=0.0):
    return (np.random.default_rng(seed).uniform(-0.8, 0.8, (n, 2)) + shift).astype("float32")


@pytest.mark.parametrize("bandwidths", [None, (0.3, 1.0, 3.0)])
def test_gmmn_loss_is_the_metric_mmd_of_the_same_batch(bandwidths):
    model = _toy_gmmn(bandwidths=bandwidths)
    real = _points(16, 0)
    fake = model.generate(16, seed=3)
    loss = float(model.batch_mmd(tf.constant(real), tf.constant(fake)))
    assert loss == pytest.approx(metric_mmd(real, fake, bandwidths=bandwidths), rel=1e-4, abs=1e-6)
    # The training loss is that statistic, carried by each example.
    per_example, _ = model.generator_loss(tf.constant(real), None)
    assert per_example.shape == (16,) and np.ptp(per_example.numpy()) == 0.0


def test_gmmn_has_no_discriminator_and_one_optimizer():
    model = _toy_gmmn()
    assert model.discriminator is None and model.d_optimizer is None and model.discriminator_variables == []
    assert not {"discriminator", "d_steps", "loss", "r1_weight", "num_classes"} & set(tfgan_zoo.model_hparams("gmmn"))
    with pytest.raises(ValueError, match=r"no discriminator.*Received: d_optimizer='adam'"):
        model.compile(d_optimizer="adam")
    history = model.fit(_points(64, 1), batch_size=32, epochs=1, verbose=0)
    assert sorted(history.history) == ["g_loss"] and int(model.g_optimizer.iterations) == 2


def test_the_mmd_is_differentiable_and_its_descent_matches_samples():
    x = tf.constant(_points(32, 0), tf.float64)
    y = tf.Variable(_points(32, 1, shift=0.5), dtype=tf.float64)
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            value = mmd_lib.mmd_squared(x, y, bandwidths=(0.5, 1.0))
        y.assign_sub(5.0 * tape.gradient(value, y))
        losses.append(float(value))
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.2 * losses[0]


def test_rational_quadratic_kernel_by_hand():
    # k(a, b) = (1 + d^2 / 2)^-1 at alpha 1: Kxx = Kyy = 1, Kxy = 2/3.
    value = mmd_lib.mmd_squared([[0.0]], [[1.0]], bandwidths=[1.0], unbiased=False, kernel="rational_quadratic")
    assert float(value) == pytest.approx(2.0 - 4.0 / 3.0, rel=1e-6)
    # Two scales sum: alpha 2 gives (1 + 1/4)^-2 = 0.64.
    value = mmd_lib.mmd_squared([[0.0]], [[1.0]], bandwidths=[1.0, 2.0], unbiased=False, kernel="rational_quadratic")
    assert float(value) == pytest.approx(4.0 - 2.0 * (2.0 / 3.0 + 0.64), rel=1e-6)


@pytest.mark.parametrize("bad", [0.0, -1.0, [1.0, -0.5], [], "wide"])
def test_a_bandwidth_that_is_not_positive_is_refused_naming_it(bad):
    message = "Received: bandwidths=" + repr(bad).replace("[", r"\[").replace("]", r"\]")
    with pytest.raises(ValueError, match=message):
        _toy_gmmn(bandwidths=bad)
    with pytest.raises(ValueError, match=message):
        tfgan_zoo.create("mmd_gan", sample_shape=(2,), network="mlp", width=8, bandwidths=bad)
    with pytest.raises(ValueError, match=message):
        metric_mmd(_points(4, 0), _points(4, 1), bandwidths=bad)


def test_mmd_gan_refuses_an_unknown_kernel():
    with pytest.raises(ValueError, match=r"Valid: \['rational_quadratic', 'rbf'\]. Received: kernel='cubic'"):
        tfgan_zoo.create("mmd_gan", sample_shape=(2,), network="mlp", width=8, kernel="cubic")


def test_the_batch_statistic_is_the_global_batch_s_under_two_replicas():
    model = _toy_gmmn(bandwidths=(0.5, 2.0))
    real, fake = _points(8, 0), _points(8, 1, shift=0.3)
    whole = float(model.batch_mmd(tf.constant(real), tf.constant(fake)))
    strategy = distribute.get_strategy("mirrored", cpu_replicas=2)
    inputs = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((real, fake)).batch(8))
    per_replica = strategy.run(lambda r, f: model.batch_mmd(r, f), args=next(iter(inputs)))
    values = [float(v) for v in strategy.experimental_local_results(per_replica)]
    assert values == pytest.approx([whole, whole], rel=1e-5)
    # Each replica alone (half the batch) would give another value.
    assert float(model.batch_mmd(tf.constant(real[:4]), tf.constant(fake[:4]))) != pytest.approx(whole, rel=1e-3)


def test_mmd_gan_trains_its_critic_on_the_mmd_with_the_penalty():
    model = tiny_model("mmd_gan", sample_shape=(2,), network="mlp", d_steps=2)
    history = model.fit(_points(32, 0), batch_size=16, epochs=1, verbose=0).history
    assert sorted(history) == ["d_loss", "g_loss", "gradient_penalty", "mmd"]
    assert history["gradient_penalty"][0] >= 0 and np.isfinite(history["mmd"][0])
    assert model.hparams["gp_weight"] == 1.0 and model.bandwidths == (0.2, 0.5, 1.0, 2.0, 5.0)
    assert tiny_model("mmd_gan", kernel="rbf").bandwidths == (1.0, 2.0, 4.0, 8.0, 16.0)


def test_gmmn_inpaints_without_the_perceptual_loss_in_an_export(tmp_path):
    from tfgan_zoo.latent_tools import serving

    model = tiny_model("gmmn")
    with pytest.raises(ValueError, match=r"needs a discriminator.*Received: lambda_perceptual=0.003"):
        serving.inpaint_endpoint(model, steps=1, restarts=1)[0](
            tf.zeros((1,) + model.sample_shape), tf.ones((1,) + model.sample_shape[:2] + (1,)), tf.constant(0, tf.int64))
    endpoint = serving.inpaint_endpoint(model, steps=2, restarts=1, lambda_perceptual=0.0)
    path = tfgan_zoo.export.export(model, str(tmp_path), signatures={"inpaint": endpoint})
    loaded = tf.saved_model.load(path)
    images = np.random.default_rng(0).uniform(-1, 1, (2,) + model.sample_shape).astype("float32")
    masks = np.ones((2,) + model.sample_shape[:2] + (1,), "float32")
    out = loaded.signatures["inpaint"](images=images, masks=masks, seed=tf.constant(1, tf.int64))
    # Every pixel known: the completion is the image itself.
    np.testing.assert_array_equal(out["images"].numpy(), images)
    assert out["generated"].shape == images.shape
