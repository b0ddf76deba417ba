"""The Wasserstein family: weight clipping, gradient penalty, Cramér GAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model

import tfgan_zoo

CRITIC_MODELS = ["wgan", "wgan_gp", "cramer_gan"]


def _fit(model, steps=2, seed=0):
    per_step = 4 * model.d_steps
    x, y = random_batch(model, per_step * steps, seed)
    return model.fit(x, y, batch_size=per_step, epochs=1, verbose=0, shuffle=False).history


@pytest.mark.parametrize("clip_value", [0.01, 0.05])
def test_wgan_clips_every_critic_weight_after_a_step(clip_value):
    model = tiny_model("wgan", clip_value=clip_value)
    weights = model.discriminator.trainable_weights
    # The N(0, 0.02) initial weights exceed 0.01, so clipping has work to do.
    assert max(float(np.abs(w.numpy()).max()) for w in weights) > 0.01
    _fit(model, steps=1)
    for w in weights:
        assert float(np.abs(w.numpy()).max()) <= clip_value + 1e-7, w.path
    assert any(float(np.abs(w.numpy()).max()) == pytest.approx(clip_value) for w in weights)


def test_wgan_clips_after_every_critic_update_not_only_the_last():
    seen = []

    class Spy(type(tiny_model("wgan"))):
        def generator_step(self, real, labels):
            seen.append(max(tf.reduce_max(tf.abs(w)) for w in self.discriminator_variables))
            return super().generator_step(real, labels)

    model = Spy(sample_shape=(8, 8, 1), latent_dim=8, width=4, seed=0, n_critic=2)
    model.compile(run_eagerly=True)
    _fit(model, steps=1)
    assert float(seen[0]) <= 0.01 + 1e-7


@pytest.mark.parametrize("name", CRITIC_MODELS)
@pytest.mark.parametrize("n_critic", [1, 3])
def test_critic_makes_n_critic_updates_per_generator_update(name, n_critic):
    model = tiny_model(name, n_critic=n_critic)
    assert model.d_steps == n_critic == model.hparams["d_steps"]  # n_critic is an alias
    _fit(model, steps=3)
    assert int(model.g_optimizer.iterations.numpy()) == 3
    assert int(model.d_optimizer.iterations.numpy()) == 3 * n_critic


def test_wasserstein_distance_is_logged():
    history = _fit(tiny_model("wgan"))
    # Without a penalty, the critic loss is minus the distance estimate.
    assert history["wasserstein_distance"][0] == pytest.approx(-history["d_loss"][0], rel=1e-5)
    history = _fit(tiny_model("wgan_gp", gp_weight=10.0))
    expected = -history["wasserstein_distance"][0] + 10.0 * history["gradient_penalty"][0]
    assert history["d_loss"][0] == pytest.approx(expected, rel=1e-4)


def _linear_wgan_gp(w, gp_weight=10.0):
    generator = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")], name="generator"
    )
    critic = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1, use_bias=False)], name="discriminator"
    )
    critic.layers[0].kernel.assign(np.asarray(w, np.float32).reshape(2, 1))
    model = tfgan_zoo.models.WGANGP(
        image_shape=(2,),
        latent_dim=3,
        generator=generator,
        discriminator=critic,
        gp_weight=gp_weight,
        seed=0,
    )
    model.compile()
    return model


def test_wgan_gp_critic_loss_by_hand_for_a_linear_critic():
    # D(x) = w . x with ||w|| = 5: the penalty is (5 - 1)^2 = 16 for every
    # x_hat, and the critic loss is the Wasserstein term plus 10 * 16.
    model = _linear_wgan_gp([3.0, 4.0])
    real = tf.constant(np.random.default_rng(0).normal(size=(8, 2)), tf.float32)
    loss, logs = model.discriminator_loss(real, None)
    assert float(logs["gradient_penalty"]) == pytest.approx(16.0, rel=1e-5)
    assert float(tf.reduce_mean(loss)) == pytest.approx(-float(logs["wasserstein_distance"]) + 160.0, rel=1e-5)
    # The penalty's gradient pulls ||w|| towards 1: d/dw 10 (||w|| - 1)^2 = 20 (1 - 1/5) w.
    model = _linear_wgan_gp([3.0, 4.0])  # Fresh: the same noise as `plain` below.
    with tf.GradientTape() as tape:
        loss, _ = model.discriminator_loss(real, None)
        mean = tf.reduce_mean(loss)
    grad = tape.gradient(mean, model.discriminator.trainable_variables)[0].numpy().ravel()
    # The Wasserstein part's gradient is mean(fake) - mean(real); remove it by
    # comparing with gp_weight=0 on the same noise.
    plain = _linear_wgan_gp([3.0, 4.0], gp_weight=0.0)
    with tf.GradientTape() as tape:
        loss0, _ = plain.discriminator_loss(real, None)
        mean0 = tf.reduce_mean(loss0)
    grad0 = tape.gradient(mean0, plain.discriminator.trainable_variables)[0].numpy().ravel()
    np.testing.assert_allclose(grad - grad0, 20 * (1 - 1 / 5) * np.array([3.0, 4.0]), rtol=1e-4)


def test_wgan_gp_critic_has_no_batch_norm():
    model = tiny_model("wgan_gp", image_shape=(16, 16, 1))  # Two conv layers.
    kinds = {type(layer).__name__ for layer in model.discriminator.layers}
    assert "BatchNormalization" not in kinds and "LayerNormalization" in kinds
    none = tiny_model("wgan_gp", image_shape=(16, 16, 1), critic_norm="none")
    assert not {"BatchNormalization", "LayerNormalization"} & {
        type(layer).__name__ for layer in none.discriminator.layers
    }
    with pytest.raises(ValueError, match="critic_norm='batch'"):
        tiny_model("wgan_gp", critic_norm="batch")
    with pytest.raises(ValueError, match="critic_norm='batch'"):
        tiny_model("cramer_gan", critic_norm="batch")


def test_hparams_are_recorded_once_under_their_one_name():
    wgan = tiny_model("wgan", n_critic=4, clip_value=0.02)
    assert (wgan.d_steps, wgan.clip_value) == (4, 0.02)
    config = wgan.get_config()
    # `n_critic` is an alias of the one name, `d_steps`.
    assert config["d_steps"] == 4 and config["clip_value"] == 0.02 and "n_critic" not in config
    gp = tiny_model("wgan_gp", gp_weight=5.0)
    assert gp.gp_weight == 5.0 and gp.get_config()["gp_weight"] == 5.0
    cramer = tiny_model("cramer_gan", gp_weight=3.0, n_critic=2)
    assert (cramer.gp_weight, cramer.d_steps) == (3.0, 2)
    with pytest.raises(ValueError, match=r"`n_critic` is another name for `d_steps`.*Received: n_critic=2, d_steps=3"):
        tiny_model("wgan", n_critic=2, d_steps=3)
    assert tuple(cramer.discriminator.output.shape) == (None, 8)
    with pytest.raises(ValueError, match="clip_value=0"):
        tiny_model("wgan", clip_value=0)
    with pytest.raises(ValueError, match="gp_weight=-1"):
        tiny_model("wgan_gp", gp_weight=-1)


def test_paper_default_optimizers():
    wgan = tiny_model("wgan")
    for opt in (wgan.g_optimizer, wgan.d_optimizer):
        assert isinstance(opt, keras.optimizers.RMSprop)
        assert float(opt.learning_rate.numpy()) == pytest.approx(5e-5)
    for name in ("wgan_gp", "cramer_gan"):
        model = tiny_model(name)
        for opt in (model.g_optimizer, model.d_optimizer):
            assert isinstance(opt, keras.optimizers.Adam)
            assert float(opt.learning_rate.numpy()) == pytest.approx(1e-4)
            assert (opt.beta_1, opt.beta_2) == (0.5, 0.9)
    defaults = {n: tfgan_zoo.model_hparams(n) for n in CRITIC_MODELS}
    assert defaults["wgan"]["d_steps"] == 5 and defaults["wgan"]["clip_value"] == 0.01
    assert defaults["wgan_gp"]["gp_weight"] == 10.0 and defaults["wgan_gp"]["d_steps"] == 5


@pytest.mark.parametrize("name", CRITIC_MODELS)
@pytest.mark.parametrize("network", ["mlp", "dcgan"])
def test_critic_models_train_with_both_network_families(name, network):
    model = tiny_model(name, network=network, n_critic=2)
    history = _fit(model, steps=1)
    assert all(np.isfinite(v[0]) for v in history.values()), history


@pytest.mark.parametrize("name", ["wgan_gp", "cramer_gan"])
def test_class_conditioning(name):
    model = tiny_model(name, num_classes=3, n_critic=2)
    assert model.conditional and [t.name for t in model.discriminator.inputs] == ["x", "labels"]
    x, y = random_batch(model, 16)
    model.fit(x, y % 3, batch_size=8, epochs=1, verbose=0)
    assert model.generate(labels=[0, 2, 1], seed=0).shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="needs \\(samples, labels\\)"):
        model.fit(x, batch_size=8, epochs=1, verbose=0)


def test_cramer_generator_loss_uses_two_independent_generated_batches():
    model = tiny_model("cramer_gan")
    batches = []
    original = model.generate_batch

    def spy(z, labels=None, training=False):
        batches.append(z)
        return original(z, labels, training=training)

    model.generate_batch = spy
    real, _ = random_batch(model, 4)
    model.generator_loss(tf.constant(real), None)
    assert len(batches) == 2
    assert not np.allclose(batches[0].numpy(), batches[1].numpy())
