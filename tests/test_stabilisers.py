"""The stabilisers (`tfgan_zoo.models.stabilisers`): hand-computed values,
the `.keras` round trip, refused combinations, and 1-vs-2 replicas."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model
from test_models import _train_one_step

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo.models.base import GAN
from tfgan_zoo.networks import minibatch

OPTIONS = ("instance_noise", "instance_noise_anneal_steps", "r1_weight", "spectral_norm", "ema_decay",
           "feature_matching", "feature_layer", "historical_averaging", "diff_augment", "minibatch_features",
           "minibatch_kernels", "minibatch_kernel_dim", "virtual_batch_norm")
# The options of issue #13 that are not above, each alone in tests/test_stabilisers_*.py.
BATCH_AND_HISTORY = {"historical_averaging": 0.1, "diff_augment": "color,translation,cutout",
                     "minibatch_features": "stddev", "virtual_batch_norm": True}


def _linear_critic(weights, name="discriminator"):
    """D(x) = x . weights, no bias."""
    x = keras.Input((len(weights),), name="x")
    out = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(np.reshape(weights, (-1, 1))),
                             name="logits")(x)
    return keras.Model(x, out, name=name)


def _constant_generator(value, latent_dim=3):
    """G(z) = value, whatever z."""
    z = keras.Input((latent_dim,), name="z")
    out = keras.layers.Dense(len(value), kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(value),
                             name="out")(z)
    return keras.Model(z, out, name="generator")


def _gan(discriminator, sgd=0.1, **options):
    gan = GAN(generator=_constant_generator([0.3, -0.2]), discriminator=discriminator, seed=0, **options)
    gan.compile(g_optimizer=keras.optimizers.SGD(sgd), d_optimizer=keras.optimizers.SGD(sgd))
    return gan


@pytest.mark.parametrize("name", ["dcgan", "cgan", "vanilla_gan", "wgan", "wgan_gp", "cramer_gan"])
def test_every_option_is_an_hparam_of_the_models_off_by_default(name):
    hparams = tfgan_zoo.model_hparams(name)
    assert {hp: hparams[hp] for hp in OPTIONS} == {
        "instance_noise": 0.0, "instance_noise_anneal_steps": 0, "r1_weight": 0.0, "spectral_norm": False,
        "ema_decay": 0.0, "feature_matching": 0.0, "feature_layer": None, "historical_averaging": 0.0,
        "diff_augment": None, "minibatch_features": None, "minibatch_kernels": 100, "minibatch_kernel_dim": 5,
        "virtual_batch_norm": False,
    }


def test_instance_noise_sigma_follows_the_linear_anneal():
    # D(x) = x_0 on x = 0: its training output is the noise itself.
    gan = _gan(_linear_critic([1.0, 0.0]), instance_noise=0.4, instance_noise_anneal_steps=10)
    zeros = tf.zeros((20000, 2))
    for step, sigma in [(0, 0.4), (5, 0.2), (10, 0.0), (25, 0.0)]:
        gan.d_optimizer.iterations.assign(step)
        out = gan.discriminate(zeros, training=True).numpy()
        assert out.std() == pytest.approx(sigma, rel=0.03, abs=1e-12), step
    gan.d_optimizer.iterations.assign(0)
    assert np.all(gan.discriminate(zeros, training=False).numpy() == 0.0)  # Inference: no noise.


def test_constant_instance_noise_without_anneal_steps():
    gan = _gan(_linear_critic([1.0, 0.0]), instance_noise=0.25)
    gan.d_optimizer.iterations.assign(10**6)
    assert gan.discriminate(tf.zeros((20000, 2)), training=True).numpy().std() == pytest.approx(0.25, rel=0.03)


def test_r1_adds_gamma_over_2_times_the_squared_input_gradient():
    # D(x) = 3 x_0 + 4 x_1: grad_x D = (3, 4), R1 = 25 for every example;
    # its weight gradient is gamma * w, so SGD moves w by -lr * gamma * w more.
    real = np.random.default_rng(0).uniform(-1, 1, (8, 2)).astype("float32")
    gamma, lr = 0.2, 0.1
    plain = _gan(_linear_critic([3.0, 4.0]), sgd=lr)
    r1 = _gan(_linear_critic([3.0, 4.0]), sgd=lr, r1_weight=gamma)
    logs_plain = plain.discriminator_step(tf.constant(real), None)
    logs_r1 = r1.discriminator_step(tf.constant(real), None)
    assert float(logs_r1["r1_penalty"]) == pytest.approx(25.0, rel=1e-6)
    assert float(logs_r1["d_loss"] - logs_plain["d_loss"]) == pytest.approx(gamma / 2 * 25.0, rel=1e-5)
    moved = r1.discriminator.get_weights()[0] - plain.discriminator.get_weights()[0]
    np.testing.assert_allclose(moved, -lr * gamma * np.array([[3.0], [4.0]]), rtol=1e-4)


def test_r1_of_a_packing_discriminator_is_per_pack():
    # Packs of 2: D(x_a, x_b) = 3 a_0 + 4 a_1 + 3 b_0 + 4 b_1, so each pack's input gradient has
    # squared norm 25 + 25 = 50, one penalty per logit (4 packs of 8 examples).
    x = keras.Input((2,), name="x")
    packed = minibatch.Pack(2, name="pack")(x)
    out = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant([[3.0], [4.0], [3.0], [4.0]]),
                             name="logits")(packed)
    real = np.random.default_rng(0).uniform(-1, 1, (8, 2)).astype("float32")
    plain = _gan(keras.Model(x, out, name="discriminator"))
    r1 = _gan(keras.models.clone_model(plain.discriminator), r1_weight=0.2)
    r1.discriminator.set_weights(plain.discriminator.get_weights())
    logs_plain = plain.discriminator_step(tf.constant(real), None)
    logs_r1 = r1.discriminator_step(tf.constant(real), None)
    assert float(logs_r1["r1_penalty"]) == pytest.approx(50.0, rel=1e-6)
    assert float(logs_r1["d_loss"] - logs_plain["d_loss"]) == pytest.approx(0.1 * 50.0, rel=1e-5)


def _mlp_critic():
    x = keras.Input((2,), name="x")
    h = keras.layers.Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0, seed=1),
                           bias_initializer=keras.initializers.RandomNormal(seed=2), name="hidden")(x)
    h = keras.layers.LeakyReLU(negative_slope=0.2, name="act")(h)
    return keras.Model(x, keras.layers.Dense(1, name="logits")(h), name="discriminator")


@pytest.mark.parametrize("layer", [None, "hidden"])
def test_feature_matching_is_the_squared_difference_of_feature_means(layer):
    real = np.random.default_rng(0).uniform(-1, 1, (8, 2)).astype("float32")
    weight = 0.5
    options = {"feature_matching": weight} if layer is None else {"feature_matching": weight, "feature_layer": layer}
    plain, matched = _gan(_mlp_critic()), _gan(_mlp_critic(), **options)
    matched.discriminator.set_weights(plain.discriminator.get_weights())
    kernel, bias = matched.discriminator.get_layer("hidden").get_weights()

    def features(x):  # By hand: the default is the last hidden layer (after the activation).
        h = x @ kernel + bias
        return h if layer == "hidden" else np.where(h > 0, h, 0.2 * h)

    fake = np.tile(np.array([[0.3, -0.2]], np.float32), (8, 1))  # The constant generator.
    expected = np.sum((features(real).mean(0) - features(fake).mean(0)) ** 2)
    logs_plain = plain.generator_step(tf.constant(real), None)
    logs = matched.generator_step(tf.constant(real), None)
    assert float(logs["feature_matching"]) == pytest.approx(expected, rel=1e-5)
    assert float(logs["g_loss"] - logs_plain["g_loss"]) == pytest.approx(weight * expected, rel=1e-4)


def test_spectral_norm_wraps_the_default_discriminator_layers():
    model = tiny_model("dcgan", spectral_norm=True)
    d_layers = model.discriminator.layers
    wrapped = [layer.layer.name for layer in d_layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert wrapped == ["conv_0", "logits"]  # The 8x8 discriminator's one conv and its logits.
    assert not any(isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) for layer in d_layers)
    assert not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in model.generator.layers)
    # Seeded, the power iteration's start vectors too: the same network every build.
    for a, b in zip(model.discriminator.get_weights(), tiny_model("dcgan", spectral_norm=True).discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    x, _ = random_batch(model, 8)
    for _ in range(10):
        model.discriminate(tf.constant(x), training=True)
    for layer in d_layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            kernel = layer.layer.kernel.numpy()
            top = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
            assert top == pytest.approx(1.0, abs=0.05), layer.name


def _averages(model):
    return [w.numpy() for w in model.generator.non_trainable_weights if w.name.startswith("ema_")]


def test_generator_average_moves_by_beta_and_inference_uses_it():
    model = tiny_model("vanilla_gan", ema_decay=0.9)
    w0 = [w.numpy() for w in model.generator.trainable_weights]
    for a, w in zip(_averages(model), w0):
        np.testing.assert_array_equal(a, w)
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=16, epochs=1, verbose=0)
    w1 = [w.numpy() for w in model.generator.trainable_weights]
    averages = _averages(model)
    assert len(averages) == len(w1)
    # One update (t = 1): the warm-up's beta_1 = min(0.9, 2/11).
    beta = 2.0 / 11.0
    for a, before, after in zip(averages, w0, w1):
        np.testing.assert_allclose(a, beta * before + (1 - beta) * after, rtol=1e-5, atol=1e-6)
    # generate runs the generator on the averages; training on the raw weights.
    z = np.random.default_rng(1).normal(size=(4, model.latent_dim)).astype("float32")
    copy = keras.models.clone_model(model.generator)
    copy.set_weights(averages)
    np.testing.assert_allclose(model.generate(z=z), copy(z).numpy(), rtol=1e-5, atol=1e-6)
    raw = model.generate_batch(tf.constant(z), training=True).numpy()
    np.testing.assert_allclose(raw, model.generator(z).numpy(), rtol=1e-6)
    assert not np.allclose(raw, model.generate(z=z))


def test_the_averaged_generator_has_batch_norm_statistics_of_its_own():
    from tfgan_zoo.models.stabilisers import averages as averages_lib

    model = tiny_model("dcgan", ema_decay=0.5)
    generator = model.generator
    before = [v.numpy() for v in generator.non_trainable_variables]
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=16, epochs=1, verbose=0)  # One generator update.
    pairs = averages_lib.averaged_statistics(generator)
    assert len(pairs) == 2 * sum(isinstance(layer, keras.layers.BatchNormalization) for layer in generator.layers) > 0
    # After update t = 1: one training-mode pass of the averaged weights, from
    # the statistics as they were, on the 64 latent vectors of seed (1, 0xE3A).
    averages = [keras.ops.convert_to_tensor(a) for a in averages_lib.weight_averages(generator)]
    z = model.sample_latent(64, seed=tf.constant([1, 0xE3A]))
    _, expected = generator.stateless_call(averages, [tf.constant(v) for v in before], z, training=True)
    index = {id(v): i for i, v in enumerate(generator.non_trainable_variables)}
    for statistic, copy in pairs:
        np.testing.assert_allclose(copy.numpy(), expected[index[id(statistic)]].numpy(), rtol=1e-5, atol=1e-6)
        assert not np.allclose(copy.numpy(), statistic.numpy())  # Not the raw weights' statistics.
    # generate = a copy of the generator with the averaged weights and their statistics.
    clone = keras.models.clone_model(generator)
    for layer, source in zip(clone.layers, generator.layers):
        layer.set_weights(source.get_weights())
    for variable, average in zip(clone.trainable_variables, averages):
        variable.assign(average)
    copies = {id(statistic): copy for statistic, copy in pairs}
    for layer, source in zip(clone.layers, generator.layers):
        if isinstance(source, keras.layers.BatchNormalization):
            layer.moving_mean.assign(copies[id(source.moving_mean)])
            layer.moving_variance.assign(copies[id(source.moving_variance)])
    z = np.random.default_rng(3).normal(size=(4, model.latent_dim)).astype("float32")
    np.testing.assert_allclose(model.generate(z=z), clone(z, training=False).numpy(), rtol=1e-4, atol=1e-5)


def test_the_export_serves_the_averaged_generator(tmp_path):
    from tfgan_zoo import export as export_lib

    model = tiny_model("vanilla_gan", ema_decay=0.5)
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=16, epochs=1, verbose=0)
    z = np.random.default_rng(2).normal(size=(3, model.latent_dim)).astype("float32")
    served = export_lib.load(export_lib.export(model, str(tmp_path / "ema"))).generate(z=z)
    np.testing.assert_allclose(served, model.generate(z=z), rtol=1e-5, atol=1e-6)
    assert not np.allclose(served, model.generator(z).numpy())


def test_keras_round_trip_keeps_the_options_and_the_average(tmp_path):
    options = {"instance_noise": 0.1, "instance_noise_anneal_steps": 100, "r1_weight": 1.0, "spectral_norm": True,
               "ema_decay": 0.9, "feature_matching": 0.5, **BATCH_AND_HISTORY}
    model = tiny_model("dcgan", **options)
    x, _ = random_batch(model, 16)
    history = model.fit(x, batch_size=8, epochs=1, verbose=0).history
    assert all(np.isfinite(history[k][0]) for k in ("d_loss", "g_loss", "r1_penalty", "feature_matching")), history
    path = str(tmp_path / "stabilised.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert {k: loaded.hparams[k] for k in options} == options
    for a, b in zip(_averages(model), _averages(loaded)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.generate(4, seed=2), model.generate(4, seed=2))
    assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in loaded.discriminator.layers) == 2
    loaded.fit(x, batch_size=8, epochs=1, verbose=0)  # And it keeps training.
    assert int(loaded.g_optimizer.iterations.numpy()) == 4


@pytest.mark.parametrize("name, extra", [("cgan", {"r1_weight": 1.0}), ("wgan_gp", {}), ("cramer_gan", {})])
def test_the_options_combine_on_conditional_and_critic_models(name, extra):
    options = {"instance_noise": 0.1, "spectral_norm": True, "ema_decay": 0.9, "feature_matching": 0.5,
               **BATCH_AND_HISTORY, **extra}
    model = tiny_model(name, d_steps=1, **options)
    x, y = random_batch(model, 16)
    data = (x, y) if model.conditional else (x,)
    history = model.fit(*data, batch_size=8, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()), history
    assert "feature_matching" in history
    assert np.all(np.isfinite(model.generate(4, seed=0)))


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("wgan_gp", {"r1_weight": 1.0}, r"r1_weight=1.0, gp_weight=10.0"),
        ("dcgan", {"instance_noise_anneal_steps": 10}, r"instance_noise_anneal_steps=10, instance_noise=0.0"),
        ("dcgan", {"feature_layer": "conv_0"}, r"feature_layer='conv_0', feature_matching=0.0"),
        ("dcgan", {"feature_matching": 1.0, "feature_layer": "nope"}, r"Valid: \[.*'conv_0'.*Received: feature_layer='nope'"),
        ("dcgan", {"ema_decay": 1.0}, r"Received: ema_decay=1.0"),
        ("dcgan", {"r1_weight": -1.0}, r"Received: r1_weight=-1.0"),
        ("text_gan", {"ema_decay": 0.9}, r"GAN.generate_batch, which TextGAN overrides.*Received: ema_decay=0.9"),
        ("infogan", {"instance_noise": 0.1}, r"GAN.discriminate, which InfoGAN overrides.*Received: instance_noise=0.1"),
        ("rcgan", {"spectral_norm": True}, r"SpectralNormalization.*Received: discriminator="),
    ],
)
def test_incompatible_settings_fail_at_construction(name, options, message):
    with pytest.raises(ValueError, match=message):
        tiny_model(name, compile=False, **options)


def test_a_bring_your_own_discriminator_without_spectral_layers_is_refused():
    with pytest.raises(ValueError, match=r"Received: discriminator='plain'"):
        GAN(generator=_constant_generator([0.0, 0.0]), discriminator=_linear_critic([1.0, 1.0], name="plain"),
            spectral_norm=True)


@pytest.mark.parametrize("options", [
    {"instance_noise": 0.3, "instance_noise_anneal_steps": 3},
    {"r1_weight": 1.0},
    {"spectral_norm": True},
    {"ema_decay": 0.5},
    {"feature_matching": 1.0},
], ids=lambda o: next(iter(o)))
def test_two_replicas_train_like_one_with_each_option(options):
    one, h1 = _train_one_step("vanilla_gan", tf.distribute.OneDeviceStrategy("/cpu:0"), 16, 2, **options)
    two, h2 = _train_one_step("vanilla_gan", distribute.get_strategy("mirrored", cpu_replicas=2), 16, 2, **options)
    assert len(one) == len(two)
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for key in h1:
        assert h2[key][0] == pytest.approx(h1[key][0], rel=1e-5, abs=1e-5), key


def test_the_options_of_issue_13_are_launcher_flags():
    from absl import flags
    from launchers import hparam_flags

    given = {"historical_averaging": "0.5", "diff_augment": "color,cutout", "minibatch_features": "discrimination",
             "minibatch_kernels": "16", "minibatch_kernel_dim": "3", "virtual_batch_norm": "true"}
    flag_values = flags.FlagValues()
    for hp in given:
        flags.DEFINE_string(hp, None, "", flag_values=flag_values)
    flag_values(["train"] + [f"--{hp}={text}" for hp, text in given.items()])
    parsed = hparam_flags.hparams_from_flags("dcgan", flag_values)
    assert parsed == {"historical_averaging": 0.5, "diff_augment": "color,cutout", "minibatch_features": "discrimination",
                      "minibatch_kernels": 16, "minibatch_kernel_dim": 3, "virtual_batch_norm": True}
    assert {k: tiny_model("dcgan", compile=False, **parsed).hparams[k] for k in parsed} == parsed


@pytest.mark.parametrize("policy, kind", [("mixed_bfloat16", "stddev"), ("mixed_float16", "discrimination")])
def test_the_options_of_issue_13_train_in_mixed_precision(policy, kind):
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = tiny_model("dcgan", ema_decay=0.5, **{**BATCH_AND_HISTORY, "minibatch_features": kind})
        x, _ = random_batch(model, 16)
        history = model.fit(x, batch_size=8, epochs=1, verbose=0).history
        assert all(np.isfinite(v[0]) for v in history.values()), history
        images = model.generate(4, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
    finally:
        keras.mixed_precision.set_global_policy("float32")
