"""The batch-level options: minibatch discrimination and the minibatch
standard deviation (`minibatch_features`), and virtual batch norm
(`virtual_batch_norm`), against hand-computed values, their dependence on
the rest of the batch, the `.keras` round trip, refused combinations, and
what holds under a strategy (minibatch statistics are per replica; VBN
trains on two replicas as on one)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model
from test_models import _train_one_step

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo import networks
from tfgan_zoo.networks import minibatch
from tfgan_zoo.networks import virtual_batch_norm as vbn

KINDS = ("discrimination", "stddev")


def test_minibatch_discrimination_is_the_papers_closeness_to_the_other_examples():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(5, 4)).astype("float32")
    layer = minibatch.MinibatchDiscrimination(3, 2)
    layer.build((None, 4))
    kernel = rng.normal(size=(4, 6)).astype("float32")
    layer.kernel.assign(kernel)
    m = (f @ kernel).reshape(5, 3, 2)
    expected = np.array([[sum(np.exp(-np.abs(m[i, b] - m[j, b]).sum()) for j in range(5) if j != i) for b in range(3)]
                         for i in range(5)])
    out = np.asarray(layer(f))
    np.testing.assert_allclose(out[:, :4], f)
    np.testing.assert_allclose(out[:, 4:], expected, rtol=1e-5)


def test_minibatch_stddev_appends_the_mean_feature_std_over_the_batch():
    f = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    out = np.asarray(minibatch.MinibatchStddev()(f))
    np.testing.assert_allclose(out[:, :3], f)
    np.testing.assert_allclose(out[:, 3], np.full(6, np.sqrt(f.var(axis=0) + 1e-8).mean()), rtol=1e-5)


@pytest.mark.parametrize("name", ["vanilla_gan", "dcgan", "wgan"])
@pytest.mark.parametrize("kind", KINDS + (None,))
def test_an_examples_output_depends_on_the_other_examples_only_with_the_option(name, kind):
    model = tiny_model(name, minibatch_features=kind)
    x, _ = random_batch(model, 8)
    other = x.copy()
    other[5] = -other[5]  # Another example of the batch changes.
    # Inference mode: the minibatch layer sees the batch; batch norm does not.
    first = model.discriminate(tf.constant(x), training=False).numpy()[0]
    second = model.discriminate(tf.constant(other), training=False).numpy()[0]
    if kind is None:
        np.testing.assert_allclose(first, second, rtol=1e-6)
    else:
        assert np.abs(first - second).max() > 1e-6, (first, second)
    assert ("minibatch" in [layer.name for layer in model.discriminator.layers]) == (kind is not None)


def test_minibatch_options_are_hparams_that_the_keras_file_keeps(tmp_path):
    options = {"minibatch_features": "discrimination", "minibatch_kernels": 7, "minibatch_kernel_dim": 3}
    for name in ("dcgan", "cgan", "vanilla_gan", "wgan", "wgan_gp", "cramer_gan"):
        assert {k: tfgan_zoo.model_hparams(name)[k] for k in options} == {
            "minibatch_features": None, "minibatch_kernels": 100, "minibatch_kernel_dim": 5}, name
    model = tiny_model("cgan", **options)
    assert model.discriminator.get_layer("minibatch").kernel.shape == (model.discriminator.get_layer("flatten").output.shape[-1], 7 * 3)
    x, y = random_batch(model, 16)
    assert np.isfinite(model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["d_loss"][0])
    model.save(str(tmp_path / "minibatch.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "minibatch.keras"))
    assert {k: loaded.hparams[k] for k in options} == options
    batch = tf.constant(x[:8]), tf.constant(y[:8])
    np.testing.assert_allclose(loaded.discriminate(*batch).numpy(), model.discriminate(*batch).numpy(), rtol=1e-6)
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0)  # And it keeps training.


@pytest.mark.parametrize("name, options, message", [
    ("wgan_gp", {"minibatch_features": "discrimination"}, r"Received: gp_weight=10.0 with the discriminator's "
                                                          r"MinibatchDiscrimination layer 'minibatch'"),
    ("cramer_gan", {"minibatch_features": "discrimination"}, r"Received: gp_weight=10.0"),
    ("dcgan", {"minibatch_features": "std"}, r"Valid: \['discrimination', 'stddev'\] or None. Received: minibatch_features='std'"),
    ("dcgan", {"minibatch_kernels": 10}, r"Received: minibatch_kernels=10, minibatch_kernel_dim=5, minibatch_features=None"),
    ("dcgan", {"minibatch_features": "stddev", "minibatch_kernel_dim": 3}, r"minibatch_features='stddev'"),
    ("dcgan", {"minibatch_features": "discrimination", "minibatch_kernels": 0}, r"Received: minibatch_kernels=0"),
    ("infogan", {"minibatch_features": "stddev"}, r"MinibatchStddev.*Received: minibatch_features='stddev', discriminator="),
])
def test_minibatch_settings_that_cannot_work_are_refused(name, options, message):
    with pytest.raises(ValueError, match=message):
        tiny_model(name, compile=False, **options)


def test_the_stddev_layer_works_with_a_gradient_penalty_critic():
    model = tiny_model("wgan_gp", d_steps=1, minibatch_features="stddev")
    x, y = random_batch(model, 16)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()), history


@pytest.mark.parametrize("kind", KINDS)
def test_under_two_replicas_the_statistics_are_each_replicas_own(kind):
    # What holds instead of 1-vs-2 equivalence: each replica's outputs are
    # one replica's on its half of the global batch.
    strategy = distribute.get_strategy("mirrored", cpu_replicas=2)
    with strategy.scope():
        model = tiny_model("vanilla_gan", minibatch_features=kind)
    x, _ = random_batch(model, 16)
    ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices(x).batch(16))
    batch = next(iter(ds))
    per_replica = strategy.run(lambda b: (b, model.discriminate(b, training=True)), args=(batch,))
    inputs = strategy.experimental_local_results(per_replica[0])
    outputs = strategy.experimental_local_results(per_replica[1])
    assert [len(i) for i in inputs] == [8, 8]
    for half, out in zip(inputs, outputs):
        np.testing.assert_allclose(out.numpy(), model.discriminate(half, training=True).numpy(), rtol=1e-5, atol=1e-6)
    together = np.concatenate([o.numpy() for o in outputs])
    order = np.concatenate([i.numpy() for i in inputs])
    assert not np.allclose(together, model.discriminate(tf.constant(order), training=True).numpy(), atol=1e-6)
    # And two replicas train (finite, both steps taken).
    with strategy.scope():
        model.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01))
    history = model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()) and int(model.g_optimizer.iterations.numpy()) == 1


# ----------------------------------------------------------------------------
# Virtual batch normalisation (`virtual_batch_norm`, Salimans et al. 2016).


def test_virtual_batch_norm_combines_the_reference_statistics_with_each_example():
    rng = np.random.default_rng(2)
    r = 3
    x = rng.normal(size=(r + 2, 2, 2, 4)).astype("float32")
    layer = vbn.VirtualBatchNormalization(reference_size=r)
    layer.build(x.shape)
    layer.gamma.assign(rng.normal(size=4).astype("float32"))
    layer.beta.assign(rng.normal(size=4).astype("float32"))
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    ref = x[:r]
    ref_mean, ref_square = ref.mean((0, 1, 2)), (ref ** 2).mean((0, 1, 2))
    expected = [(ref - ref_mean) / np.sqrt(ref_square - ref_mean ** 2 + 1e-5) * gamma + beta]
    for example in x[r:]:
        mean = (example.mean((0, 1)) + r * ref_mean) / (r + 1)
        square = ((example ** 2).mean((0, 1)) + r * ref_square) / (r + 1)
        expected.append(((example - mean) / np.sqrt(square - mean ** 2 + 1e-5) * gamma + beta)[None])
    np.testing.assert_allclose(np.asarray(layer(x)), np.concatenate(expected), rtol=1e-4, atol=1e-5)


def _generate(model, z, training):
    labels = np.arange(len(z)) % model.num_classes if model.conditional else None
    inputs = [z, labels] if model.conditional else z
    return model.generator(inputs, training=training).numpy()


@pytest.mark.parametrize("name", ["dcgan", "cgan", "vanilla_gan", "wgan_gp"])
def test_with_virtual_batch_norm_an_examples_output_depends_on_its_own_z_only(name):
    model = tiny_model(name, virtual_batch_norm=True)
    z = np.random.default_rng(3).normal(size=(6, model.latent_dim)).astype("float32")
    other = z.copy()
    other[2:] = np.random.default_rng(4).normal(size=(4, model.latent_dim))
    for training in (True, False):
        np.testing.assert_allclose(_generate(model, z, training)[:2], _generate(model, other, training)[:2], rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(_generate(model, z[:1], training), _generate(model, z, training)[:1], rtol=1e-5,
                                   atol=1e-6)
    assert not [layer for layer in model.generator.layers if isinstance(layer, keras.layers.BatchNormalization)]


def test_without_it_batch_norm_makes_an_output_depend_on_the_batch():
    model = tiny_model("dcgan")
    z = np.random.default_rng(3).normal(size=(6, model.latent_dim)).astype("float32")
    other = z.copy()
    other[2:] = 0.0
    assert not np.allclose(_generate(model, z, True)[:2], _generate(model, other, True)[:2], atol=1e-4)


def _reference(model):
    return model.generator.get_layer("reference_batch").reference.numpy()


def test_the_reference_batch_is_drawn_once_from_the_prior_and_saved_with_the_model(tmp_path):
    model = tiny_model("cgan", virtual_batch_norm=True, ema_decay=0.5)
    reference = _reference(model)
    z = model.sample_latent(vbn.REFERENCE_SIZE, seed=tf.constant([0, 0x5EED])).numpy()
    np.testing.assert_allclose(reference[:, :model.latent_dim], z)
    np.testing.assert_array_equal(reference[:, model.latent_dim:].argmax(1), np.arange(vbn.REFERENCE_SIZE) % 10)
    assert not np.allclose(_reference(tiny_model("cgan", virtual_batch_norm=True, seed=1)), reference)
    x, y = random_batch(model, 16)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_array_equal(_reference(model), reference)  # Fixed: training does not move it.
    # A batch that no construction would draw, to tell the saved one from a redrawn one.
    mine = np.random.default_rng(5).uniform(size=reference.shape).astype("float32")
    model.generator.get_layer("reference_batch").reference.assign(mine)
    model.save(str(tmp_path / "vbn.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "vbn.keras"))
    assert loaded.hparams["virtual_batch_norm"] is True
    np.testing.assert_array_equal(_reference(loaded), mine)
    np.testing.assert_allclose(loaded.generate(4, seed=1), model.generate(4, seed=1), rtol=1e-5, atol=1e-6)
    model.save_weights(str(tmp_path / "vbn.weights.h5"))  # What a resumed run restores.
    fresh = tiny_model("cgan", virtual_batch_norm=True, ema_decay=0.5, seed=3)
    fresh.load_weights(str(tmp_path / "vbn.weights.h5"))
    np.testing.assert_array_equal(_reference(fresh), mine)


def test_virtual_batch_norm_settings_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match=r"Received: virtual_batch_norm=True, synchronized_bn=True"):
        tiny_model("dcgan", compile=False, virtual_batch_norm=True, synchronized_bn=True)
    plain = networks.dcgan_generator((8, 8, 1), latent_dim=8, width=4, name="mine")
    with pytest.raises(ValueError, match=r"Received: virtual_batch_norm=True, generator='mine'"):
        tfgan_zoo.get_model_class("dcgan")(sample_shape=(8, 8, 1), latent_dim=8, width=4, virtual_batch_norm=True,
                                          generator=plain)
    with pytest.raises(ValueError, match=r"Unknown hparam.*virtual_batch_norm"):  # Not one of a model with its own networks.
        tiny_model("gan3d", compile=False, virtual_batch_norm=True)


def test_two_replicas_train_like_one_with_virtual_batch_norm():
    # Every replica runs the whole reference batch: per-example statistics.
    one, h1 = _train_one_step("vanilla_gan", tf.distribute.OneDeviceStrategy("/cpu:0"), 16, 2, virtual_batch_norm=True)
    two, h2 = _train_one_step("vanilla_gan", distribute.get_strategy("mirrored", cpu_replicas=2), 16, 2,
                              virtual_batch_norm=True)
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for key in h1:
        assert h2[key][0] == pytest.approx(h1[key][0], rel=1e-5, abs=1e-5), key
