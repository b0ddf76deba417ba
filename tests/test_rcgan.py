"""RCGAN: recurrent networks, per-step noise and logits, label conditioning,
the per-step cross-entropy, the WGAN-GP option and its errors. (The
registry-parametrised contract runs in test_models.py and test_export.py.)"""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import data
from tfgan_zoo.networks.recurrent import recurrent_pair


def test_networks_read_noise_and_label_per_step_and_give_a_logit_per_step():
    g, d = recurrent_pair(sequence_length=7, num_features=2, latent_dim=3, hidden_units=4, num_classes=2, seed=0)
    assert [tuple(t.shape) for t in g.inputs] == [(None, 7, 3), (None,)]
    assert tuple(g.output.shape) == (None, 7, 2)
    assert [tuple(t.shape) for t in d.inputs] == [(None, 7, 2), (None,)]
    assert tuple(d.output.shape) == (None, 7, 1)
    unconditional, _ = recurrent_pair(7, 1, 3, hidden_units=4)
    assert len(unconditional.inputs) == 1
    with pytest.raises(ValueError, match=r"Received: hidden_units=0"):
        recurrent_pair(7, 1, 3, hidden_units=0)


def test_shapes_and_prior():
    model = tiny_model("rcgan")
    steps = model.hparams["sequence_length"]
    assert model.sample_shape == (steps, 1) and model.latent_shape == (steps, model.latent_dim)
    assert tuple(model.prior.event_shape) == model.latent_shape
    assert tuple(model.sample_latent(4).shape) == (4, steps, model.latent_dim)
    out = model.generate(labels=[0, 1, 2, 2], seed=0)
    assert out.shape == (4, steps, 1) and np.abs(out).max() <= 1


def test_the_label_conditions_the_sequence():
    model = tiny_model("rcgan")
    z = np.random.default_rng(0).normal(size=(3, *model.latent_shape)).astype("float32")
    a = model.generate(z=z, labels=[0, 0, 0])
    b = model.generate(z=z, labels=[1, 1, 1])
    np.testing.assert_array_equal(a, model.generate(z=z, labels=[0, 0, 0]))
    assert np.abs(a - b).max() > 1e-4
    # Labels drawn from the seed when only z is given, as GAN.generate does.
    np.testing.assert_array_equal(model.generate(z=z, seed=5), model.generate(z=z, seed=5))


def test_a_2d_z_is_held_at_every_step():
    model = tiny_model("rcgan")
    steps = model.hparams["sequence_length"]
    z = np.random.default_rng(1).normal(size=(2, model.latent_dim)).astype("float32")
    held = np.repeat(z[:, None], steps, axis=1)
    np.testing.assert_array_equal(model.generate(z=z, labels=[0, 1]), model.generate(z=held, labels=[0, 1]))
    with pytest.raises(ValueError, match=re.escape(f"Received: z of shape (2, {steps + 1}, {model.latent_dim})")):
        model.generate(z=np.zeros((2, steps + 1, model.latent_dim)), labels=[0, 1])
    bad = held.copy()
    bad[0, 1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.generate(z=bad, labels=[0, 1])
    with pytest.raises(ValueError, match=r"out of range \[3\]"):
        model.generate(z=held, labels=[0, 3])


def test_rgan_without_num_classes():
    model = tiny_model("rcgan", num_classes=None)
    assert not model.conditional and len(model.generator.inputs) == 1
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(labels=[0, 1])
    x = np.random.default_rng(0).uniform(-1, 1, (16, *model.sample_shape)).astype("float32")
    assert np.isfinite(model.fit(x, batch_size=8, epochs=1, verbose=0).history["d_loss"][0])


def test_discriminator_loss_is_the_per_step_cross_entropy_averaged():
    model = tiny_model("rcgan")
    real_logits = tf.constant([[[0.0], [2.0]]])  # One example, two steps.
    fake_logits = tf.constant([[[0.0], [-1.0]]])
    model.discriminator_outputs = lambda real, labels, training: (None, real_logits, fake_logits)
    loss, logs = model.discriminator_loss(tf.zeros([1, 2, 1]), tf.constant([0]))
    # -log sigmoid(real) and -log(1 - sigmoid(fake)) per step, averaged over the steps.
    want = (math.log(2) + math.log1p(math.exp(-2))) / 2 + (math.log(2) + math.log1p(math.exp(-1))) / 2
    assert loss.shape == (1,) and float(loss[0]) == pytest.approx(want, rel=1e-6)
    assert float(logs["gradient_penalty"]) == 0.0


def test_wasserstein_with_gradient_penalty():
    model = tiny_model("rcgan", loss="wasserstein", gp_weight=10.0)
    x = np.random.default_rng(0).uniform(-1, 1, (16, *model.sample_shape)).astype("float32")
    history = model.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0).history
    assert history["gradient_penalty"][0] > 0 and np.isfinite(history["d_loss"][0])


def test_trains_on_the_waves_data():
    model = tfgan_zoo.create("rcgan", sequence_length=30, hidden_units=4, latent_dim=2, num_classes=2, seed=0)
    ds = data.load("waves", batch_size=16, seed=0).take(2)
    model.fit(ds, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 2
    assert model.generate(labels=[0, 1], seed=0).shape == (2, 30, 1)


def test_bad_hparams_and_networks_name_the_value():
    with pytest.raises(ValueError, match=r"Received: gp_weight=-1"):
        tfgan_zoo.create("rcgan", gp_weight=-1.0)
    with pytest.raises(ValueError, match=r"Received: sequence_length=0"):
        tfgan_zoo.create("rcgan", sequence_length=0)
    _, d = recurrent_pair(6, 1, 3, hidden_units=4)
    wrong_g = tfgan_zoo.networks.mlp_generator((6, 1), 3, hidden_units=(4,))
    with pytest.raises(ValueError, match=r"Received: z of shape \(None, 3\)"):
        tfgan_zoo.get_model_class("rcgan")(generator=wrong_g, discriminator=d, latent_dim=3)
    model = tiny_model("rcgan")
    with pytest.raises(ValueError, match=r"Received: batch of shape \((None|8|16), 7, 1\)"):
        model.fit(np.zeros((16, 7, 1), np.float32), np.zeros(16, np.int32), batch_size=8, verbose=0)


def test_held_noise_draws_one_vector_per_sequence_and_serves_it(tmp_path):
    model = tiny_model("rcgan", noise="held")
    steps = model.hparams["sequence_length"]
    assert model.latent_shape == (model.latent_dim,) and tuple(model.prior.event_shape) == (model.latent_dim,)
    assert tuple(model.sample_latent(4).shape) == (4, model.latent_dim)
    # A seeded draw is the prior's vector read at every step.
    z, labels = tfgan_zoo.sampling.generator_inputs(model.prior, model.num_classes, 3, 7)
    held = np.repeat(z.numpy()[:, None], steps, axis=1)
    np.testing.assert_allclose(model.generate(3, seed=7), model.generate(z=held, labels=labels.numpy()), atol=1e-6)
    # Training and the .keras round trip keep the setting; the export's `sample` draws the same way.
    x = np.random.default_rng(0).uniform(-1, 1, (16, *model.sample_shape)).astype("float32")
    model.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    model.save(tmp_path / "held.keras")
    loaded = keras.models.load_model(tmp_path / "held.keras")
    assert loaded.noise == "held"
    np.testing.assert_allclose(loaded.generate(3, seed=7), model.generate(3, seed=7), atol=1e-6)
    version = tfgan_zoo.export.export(model, tmp_path / "export")
    served = tfgan_zoo.export.load(version).generate(3, labels=labels.numpy(), seed=7)
    np.testing.assert_allclose(served, model.generate(3, labels=labels.numpy(), seed=7), atol=1e-5)
    with pytest.raises(ValueError, match=r"Received: noise='per_sequence'"):
        tfgan_zoo.create("rcgan", noise="per_sequence")


def test_generator_average_applies_to_rcgan():
    model = tiny_model("rcgan", ema_decay=0.5)
    x = np.random.default_rng(0).uniform(-1, 1, (16, *model.sample_shape)).astype("float32")
    model.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    averages = [w.numpy() for w in model.generator.non_trainable_weights if w.name.startswith("ema_")]
    copy = keras.models.clone_model(model.generator)
    copy.set_weights(averages)
    z = np.random.default_rng(1).normal(size=(3, model.latent_dim)).astype("float32")  # Held at every step.
    held = np.repeat(z[:, None], model.hparams["sequence_length"], axis=1)
    labels = np.array([0, 1, 2], np.int32)
    np.testing.assert_allclose(model.generate(z=z, labels=labels), copy([held, labels]).numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(model.generate(z=z, labels=labels), model.generator([held, labels]).numpy())
