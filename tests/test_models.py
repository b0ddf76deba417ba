"""Behaviour of every registered model, parametrised over the registry."""

import functools
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_hparams
from helpers import random_batch
from helpers import tiny_model
from helpers import optimizer_kwargs
from helpers import trained_networks

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo.models.base import GAN

MODELS = tfgan_zoo.available_models()


@pytest.mark.parametrize("name", MODELS)
def test_every_registered_model_has_a_tiny_config(name):
    model = tiny_model(name, compile=False)
    for network in trained_networks(model):
        assert network.count_params() < 50_000, tiny_hparams(name)


def test_the_zoo_is_registered():
    assert {"vanilla_gan", "dcgan", "cgan", "wgan", "wgan_gp", "cramer_gan"} <= set(MODELS)


def _dataset(model, n=None, batch=None, seed=0):
    # Batches of a multiple of d_steps: each splits into d_steps equal minibatches.
    batch = batch or 4 * model.d_steps
    n = n or 2 * batch
    x, y = random_batch(model, n, seed)
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch, drop_remainder=True)


@pytest.mark.parametrize("name", MODELS)
def test_model_api(name):
    model = tiny_model(name)
    cls = type(model)
    assert isinstance(model, GAN) and isinstance(model, keras.Model)
    # A GAN train step, not Keras' supervised default.
    assert cls.train_step is not keras.Model.train_step
    assert isinstance(model.generator, keras.Model)
    assert isinstance(model.g_optimizer, keras.optimizers.Optimizer) and model.g_optimizer.built
    if model.discriminator is None:  # No discriminator, no second optimizer (gmmn).
        assert model.d_optimizer is None and model.discriminator_variables == []
    else:
        assert isinstance(model.discriminator, keras.Model)
        assert isinstance(model.d_optimizer, keras.optimizers.Optimizer)
        assert model.g_optimizer is not model.d_optimizer
        assert model.d_optimizer.built
    assert model.latent_dim == tiny_hparams(name)["latent_dim"]
    assert cls.model_name == name


@functools.lru_cache(maxsize=None)
def _fitted(name):
    """`(model, weights before, history)`: `name` tiny, after one epoch of
    two steps. Shared by the tests that only read it (one trace per model)."""
    model = tiny_model(name)
    before = [[w.copy() for w in net.get_weights()] for net in trained_networks(model)]
    return model, before, model.fit(_dataset(model), epochs=1, verbose=0)


@pytest.mark.parametrize("name", MODELS)
def test_fit_step_trains_both_networks(name):
    model, before, history = _fitted(name)
    for key in ("d_loss", "g_loss")[model.discriminator is None:]:
        assert np.isfinite(history.history[key][0]), history.history
    assert int(model.g_optimizer.iterations.numpy()) == 2
    if model.discriminator is not None:
        assert int(model.d_optimizer.iterations.numpy()) == 2 * model.d_steps
    for w0, net in zip(before, trained_networks(model)):
        assert any(not np.array_equal(a, b) for a, b in zip(w0, net.get_weights())), net.name


@pytest.mark.parametrize("name", MODELS)
def test_keras_round_trip(name, tmp_path):
    model = _fitted(name)[0]
    z = np.random.default_rng(1).normal(size=(5, model.latent_dim)).astype("float32")
    labels = np.arange(5) % model.num_classes if model.conditional else None
    before = model.generate(z=z, labels=labels)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.generate(z=z, labels=labels), before)
    np.testing.assert_array_equal(loaded.generate(5, seed=3), model.generate(5, seed=3))
    # Hparams, optimizer config and optimizer state survive.
    config, loaded_config = model.get_config(), loaded.get_config()
    for key in set(config) - {"generator", "discriminator"}:
        assert loaded_config[key] == config[key], key
    assert loaded.g_optimizer.get_config() == model.g_optimizer.get_config()
    assert int(loaded.g_optimizer.iterations.numpy()) == int(model.g_optimizer.iterations.numpy())
    assert (loaded.d_optimizer is None) is (model.d_optimizer is None)
    for a, b in zip(*(m.d_optimizer.variables for m in (model, loaded) if m.d_optimizer is not None)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # It keeps training after loading.
    loaded.fit(_dataset(loaded), epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations.numpy()) == 4


@pytest.mark.parametrize("name", MODELS)
def test_generate(name):
    model = tiny_model(name)
    a = model.generate(6, seed=11)
    assert a.shape == (6,) + model.sample_shape and a.dtype == np.float32
    assert a.min() >= -1.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, model.generate(6, seed=11))
    assert not np.array_equal(a, model.generate(6, seed=12))
    # Unseeded calls draw new noise each time.
    assert not np.array_equal(model.generate(6), model.generate(6))
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match=re.escape(f"Received: num_samples={bad!r}")):
            model.generate(bad)
    with pytest.raises(ValueError, match=r"Received: batch_size=0"):
        model.generate(4, batch_size=0)
    z = np.zeros((3, model.latent_dim), np.float32)
    if model.conditional:
        labels = np.array([0, 1, 2])
        direct = model((tf.constant(z), tf.constant(labels)), training=False)
        np.testing.assert_allclose(model.generate(z=z, labels=labels), direct, atol=1e-6)
    else:
        np.testing.assert_allclose(model.generate(z=z), model(z, training=False), atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_generate_rejects_bad_requests(name):
    model = tiny_model(name)
    with pytest.raises(ValueError, match=r"Received: z of shape \(2, 3\)"):
        model.generate(z=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="num_samples=-1"):
        model.generate(-1)
    with pytest.raises(ValueError, match="disagree"):
        model.generate(num_samples=3, z=np.zeros((2, model.latent_dim)))
    if model.conditional:
        with pytest.raises(ValueError, match=r"out of range \[10, 12\]"):
            model.generate(labels=[1, 10, 12])
        with pytest.raises(ValueError, match=r"out of range \[-1\]"):
            model.generate(labels=[-1])
    else:
        with pytest.raises(ValueError, match="unconditional"):
            model.generate(labels=[0, 1])


@pytest.mark.parametrize("name", MODELS)
def test_fit_rejects_wrong_sample_shape(name):
    model = tiny_model(name)
    x = np.zeros((16, 9, 9, 1), np.float32)
    y = np.zeros(16, np.int32)
    with pytest.raises(ValueError, match=r"Received: batch of shape \(16, 9, 9, 1\)"):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)


@pytest.mark.parametrize("name", MODELS)
def test_fit_rejects_unscaled_uint8_images(name):
    model = tiny_model(name)
    x = np.zeros((16,) + model.sample_shape, np.uint8)
    with pytest.raises(ValueError, match="uint8"):
        model.fit(x, np.zeros(16, np.int32), batch_size=8, epochs=1, verbose=0)


def test_conditional_model_needs_labels():
    model = tiny_model("cgan")
    x, _ = random_batch(model, 16)
    with pytest.raises(ValueError, match="needs \\(samples, labels\\) batches"):
        model.fit(x, batch_size=8, epochs=1, verbose=0)


def test_conditional_fit_rejects_labels_out_of_range():
    model = tiny_model("cgan")
    x, y = random_batch(model, 16)
    y[3] = 10
    with pytest.raises(ValueError, match=r"Labels must be in \[0, 10\)\. Received: 1 labels outside it, in \[0, 10\]"):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)


def test_conditional_model_accepts_one_hot_labels():
    model = tiny_model("cgan")
    x, y = random_batch(model, 16)
    history = model.fit(x, np.eye(10, dtype=np.float32)[y], batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_unconditional_model_ignores_labels():
    model = tiny_model("dcgan")
    x, y = random_batch(model, 16)
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0)
    model.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    model.fit(tf.data.Dataset.from_tensor_slices({"image": x, "label": y}).batch(8), epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 6


@pytest.mark.parametrize("d_steps", [2, 3])
def test_d_steps_per_generator_step(d_steps):
    model = tiny_model("vanilla_gan", d_steps=d_steps)
    x, _ = random_batch(model, 8 * d_steps * 4)
    model.fit(x, batch_size=8 * d_steps, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 4
    assert int(model.d_optimizer.iterations.numpy()) == 4 * d_steps


def test_split_batch_gives_disjoint_minibatches_covering_the_batch():
    model = tiny_model("cgan", d_steps=3)
    x = tf.reshape(tf.range(12, dtype=tf.float32), [12, 1])
    y = tf.range(12)
    chunks = model.split_batch(x, y)
    assert len(chunks) == 3
    seen = np.concatenate([c[0].numpy().ravel() for c in chunks])
    assert sorted(seen.tolist()) == list(range(12))
    for xs, ys in chunks:  # Labels stay with their samples.
        np.testing.assert_array_equal(xs.numpy().ravel(), ys.numpy())
    with pytest.raises(ValueError, match="Received: a batch of 2"):
        model.split_batch(x[:2], y[:2])


def test_each_discriminator_step_sees_its_own_minibatch():
    seen = []

    class Spy(type(tiny_model("vanilla_gan"))):
        def discriminator_step(self, real, labels):
            seen.append(real)
            return super().discriminator_step(real, labels)

    model = Spy(seed=0, d_steps=2, **tiny_hparams("vanilla_gan"))
    model.compile(run_eagerly=True)
    x, _ = random_batch(model, 8)
    model.fit(x, batch_size=8, epochs=1, verbose=0, shuffle=False)
    assert len(seen) == 2
    np.testing.assert_array_equal(seen[0].numpy(), x[0::2])
    np.testing.assert_array_equal(seen[1].numpy(), x[1::2])


def test_create_errors_list_valid_choices():
    with pytest.raises(ValueError, match=r"Unknown model 'nope'.*'cgan'.*'dcgan'.*Received: name='nope'"):
        tfgan_zoo.create("nope")
    with pytest.raises(ValueError, match=r"Unknown hparam\(s\) \['filters'\].*Valid hparams: \[.*'width'"):
        tfgan_zoo.create("dcgan", filters=3)
    with pytest.raises(ValueError, match=r"Unknown loss 'wasserstein2'"):
        tfgan_zoo.create("dcgan", loss="wasserstein2")
    with pytest.raises(ValueError, match=r"d_steps=0"):
        tfgan_zoo.create("dcgan", d_steps=0)
    with pytest.raises(ValueError, match=r"Unknown prior 'cauchy'"):
        tfgan_zoo.create("dcgan", prior="cauchy")
    with pytest.raises(ValueError, match=r"Unknown optimizer 'rmsprop'"):
        tfgan_zoo.create("vanilla_gan", optimizer="rmsprop")
    with pytest.raises(ValueError, match=r"Received: sample_shape=\(30, 30, 1\)"):
        tfgan_zoo.create("dcgan", image_shape=(30, 30, 1))


def test_model_hparams_come_from_the_constructor():
    hp = tfgan_zoo.model_hparams("dcgan")
    assert hp["sample_shape"] == (28, 28, 1) and hp["latent_dim"] == 100
    assert "generator" not in hp and "kwargs" not in hp
    assert tfgan_zoo.model_hparams("vanilla_gan")["loss"] == "non_saturating"


def test_paper_default_optimizers():
    dcgan = tiny_model("dcgan")
    for opt in (dcgan.g_optimizer, dcgan.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert opt.learning_rate.numpy() == pytest.approx(2e-4)
        assert opt.beta_1 == pytest.approx(0.5)
    sgd = tiny_model("vanilla_gan")
    assert isinstance(sgd.d_optimizer, keras.optimizers.SGD) and sgd.d_optimizer.momentum > 0
    adam = tiny_model("vanilla_gan", optimizer="adam")
    assert isinstance(adam.d_optimizer, keras.optimizers.Adam)
    assert dcgan.jit_compile is False


def test_compile_rejects_keras_supervised_arguments_and_shared_optimizer():
    model = tiny_model("dcgan", compile=False)
    with pytest.raises(ValueError, match="Received: loss='mse'"):
        model.compile(loss="mse")
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimizer objects"):
        model.compile(g_optimizer=opt, d_optimizer=opt)
    model.compile(g_optimizer="sgd", d_optimizer=keras.optimizers.RMSprop(1e-3))
    assert isinstance(model.d_optimizer, keras.optimizers.RMSprop)


def test_minimax_and_non_saturating_generator_losses_differ():
    a = tiny_model("vanilla_gan", loss="minimax")
    b = tiny_model("vanilla_gan", loss="non_saturating")
    x, _ = random_batch(a, 16)
    ha = a.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False).history
    hb = b.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False).history
    # Same weights and noise: the D losses agree, and G's minimax loss is
    # log(1 - D) < 0 while the non-saturating one is -log D > 0.
    assert ha["d_loss"][0] == pytest.approx(hb["d_loss"][0], rel=1e-5)
    assert ha["g_loss"][0] < 0 < hb["g_loss"][0]


def _train_one_step(name, strategy, global_batch, d_steps=1, **hparams):
    with strategy.scope():
        steps = {"d_steps": d_steps} if "d_steps" in tfgan_zoo.model_hparams(name) else {}  # gmmn has no D.
        model = tiny_model(name, compile=False, **steps, **_sync_bn(name), **hparams)
        # SGD, not Adam: Adam is invariant to a constant gradient scale, so
        # it would hide a loss averaged per replica instead of per global batch.
        # A small rate: with two critic steps, a large one amplifies float
        # rounding differences (the order of the all-reduce sums) past 1e-5.
        model.compile(**optimizer_kwargs(model, keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05)))
    x, y = random_batch(model, global_batch, seed=5)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)
    history = model.fit(ds, epochs=1, verbose=0)
    weights = [w for net in trained_networks(model) for w in net.get_weights()]
    return [np.asarray(w) for w in weights], history.history


def _sync_bn(name):
    return {"synchronized_bn": True} if "synchronized_bn" in tfgan_zoo.model_hparams(name) else {}


# Every model with two discriminator steps (minibatch slicing, several
# updates per step); the plain one-step case once; options that add a network.
@pytest.mark.parametrize(
    "name, d_steps, hparams",
    [(name, 2, None) for name in MODELS] + [("dcgan", 1, None), ("bigan", 2, {"reconstruction_adversarial": True}),
                                             ("gan3d", 2, {"packing": 2, "r1_weight": 1.0})],
)
def test_two_replicas_train_like_one(name, d_steps, hparams):
    one, h1 = _train_one_step(name, tf.distribute.OneDeviceStrategy("/cpu:0"), 16, d_steps, **(hparams or {}))
    mirrored = distribute.get_strategy("mirrored", cpu_replicas=2)
    assert mirrored.num_replicas_in_sync == 2
    two, h2 = _train_one_step(name, mirrored, 16, d_steps, **(hparams or {}))
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    # Logged values are float32 means that the two runs sum in another order
    # (per replica, then across replicas), and some are small differences of
    # large terms (cramer_gan's `surrogate` is ~7e-3 from terms ~1), where a
    # purely relative tolerance fails on rounding alone (1.05e-5 seen). An
    # absolute 1e-5 is ~100 float32 ulps of the O(1) terms; a per-replica
    # average instead of a global one would be off by far more.
    for key in h1:
        assert h2[key][0] == pytest.approx(h1[key][0], rel=1e-5, abs=1e-5), key


@pytest.mark.parametrize("name", MODELS)
def test_config_holds_every_constructor_argument(name):
    import inspect

    model = tiny_model(name)
    config = model.get_config()
    params = set(inspect.signature(type(model).__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    rebuilt = type(model).from_config(config)
    assert rebuilt.get_config() == config


def test_a_subclass_argument_is_in_the_config_without_being_stored():
    class Extra(type(tiny_model("dcgan"))):
        def __init__(self, extra=3, **kwargs):
            super().__init__(**kwargs)

    model = Extra(extra=5, sample_shape=(8, 8, 1), width=4, latent_dim=8)
    config = model.get_config()
    assert config["extra"] == 5 and config["width"] == 4 and config["sample_shape"] == (8, 8, 1)
    assert model.hparams["extra"] == 5 and "generator" not in model.hparams
    rebuilt = Extra.from_config(config)
    assert rebuilt.get_config() == config
