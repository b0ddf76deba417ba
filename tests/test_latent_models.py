"""The latent-structure models: InfoGAN, BiGAN/ALI and AAE.

Hand-computed losses on known network outputs, the code and encoder APIs,
their errors, and the exported encoder signatures. The registry's
parametrised contract (tests/test_models.py, test_distribute.py,
test_export.py) covers fit, round trips, replicas and export for each.
"""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo.networks import encoders

# ----------------------------------------------------------------------------
# InfoGAN.


def test_infogan_latent_layout_and_prior():
    model = tiny_model("infogan")  # latent 8 = noise 3 + categorical 3 + continuous 2
    assert (model.noise_dim, model.categorical_dim, model.continuous_dim) == (3, 3, 2)
    z = model.prior.sample(500, seed=tf.constant([1, 2])).numpy()
    noise, one_hot, continuous = (t.numpy() for t in model.split_latent(tf.constant(z)))
    assert noise.shape == (500, 3) and one_hot.shape == (500, 3) and continuous.shape == (500, 2)
    np.testing.assert_array_equal(one_hot.sum(1), 1.0)
    assert set(np.unique(one_hot)) == {0.0, 1.0}
    assert continuous.min() >= -1 and continuous.max() <= 1
    assert set(one_hot.argmax(1)) == {0, 1, 2}


def test_infogan_info_penalty_by_hand():
    model = tiny_model("infogan", lambda_categorical=1.0, lambda_continuous=0.1)
    # Codes: categorical 1, continuous (0.5, -1).
    z = np.array([[9, 9, 9, 0, 1, 0, 0.5, -1.0]], np.float32)
    q = np.array([[1.0, 2.0, 0.0, 0.0, 0.5]], np.float32)  # logits, then means
    cross_entropy = -math.log(math.exp(2) / (math.exp(1) + math.exp(2) + 1))
    gaussian_nll = 0.5 * (0.5**2 + 1.5**2) + math.log(2 * math.pi)  # two unit-scale codes
    want = cross_entropy + 0.1 * gaussian_nll
    got = model.info_penalty(tf.constant(q), tf.constant(z)).numpy()
    np.testing.assert_allclose(got, [want], rtol=1e-5)


def test_infogan_learned_scale_penalty_by_hand():
    model = tiny_model("infogan", learn_continuous_scale=True, lambda_categorical=0.0, lambda_continuous=1.0)
    assert model.discriminator.outputs[1].shape[-1] == 3 + 2 * 2
    z = np.array([[0, 0, 0, 1, 0, 0, 1.0, 0.0]], np.float32)
    q = np.array([[0, 0, 0, 0.0, 0.0, math.log(2.0), 0.0]], np.float32)  # means 0, scales (2, 1)
    want = (0.5 * (1 / 2) ** 2 + math.log(2) + 0.5 * math.log(2 * math.pi)) + 0.5 * math.log(2 * math.pi)
    np.testing.assert_allclose(model.info_penalty(tf.constant(q), tf.constant(z)).numpy(), [want], rtol=1e-5)


def test_infogan_losses_add_the_penalty_to_both_players():
    model = tiny_model("infogan")
    x = np.random.default_rng(0).uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    seed = tf.constant([3, 4])
    z = model.sample_latent(6, seed=seed)
    logit, q = model.discriminator(model.generate_batch(z, training=True), training=True)
    real_logit = model.discriminate(tf.constant(x), training=True)
    penalty = model.info_penalty(q, z).numpy()
    softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731
    d_want = softplus(-real_logit.numpy()[:, 0]) + softplus(logit.numpy()[:, 0]) + penalty
    g_want = softplus(-logit.numpy()[:, 0]) + penalty

    # The losses draw the same z when the seed generator is in the same state.
    model.sample_latent = lambda n, seed_=None: z
    d_loss, _ = model.discriminator_loss(tf.constant(x), None, training=True)
    g_loss, logs = model.generator_loss(tf.constant(x), None, training=True)
    np.testing.assert_allclose(d_loss.numpy(), d_want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g_loss.numpy(), g_want, rtol=1e-4, atol=1e-5)
    assert float(logs["info_loss"]) == pytest.approx(penalty.mean(), rel=1e-5)


def test_infogan_generate_with_codes():
    model = tiny_model("infogan")
    z = model.latent_with_codes(categorical=[2, 0], continuous=[[0.5, -0.5], [1, 1]], seed=3)
    np.testing.assert_array_equal(z[:, 3:6], [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(z[:, 6:], [[0.5, -0.5], [1, 1]])
    # The noise is the seed's, as in generate(seed=...).
    drawn = model.latent_with_codes(2, seed=3)
    np.testing.assert_array_equal(z[:, :3], drawn[:, :3])
    images = model.generate(categorical=[2, 0], continuous=[[0.5, -0.5], [1, 1]], seed=3)
    np.testing.assert_allclose(images, model.generate(z=z), atol=1e-6)
    assert images.shape == (2, 8, 8, 1)
    # Codes change the image; only the categorical one given: the rest is the seed's.
    assert not np.allclose(model.generate(categorical=[0], seed=1), model.generate(categorical=[1], seed=1))
    given = model.latent_with_codes(z=drawn, categorical=[1, 1])
    np.testing.assert_array_equal(given[:, 6:], drawn[:, 6:])


def test_infogan_code_errors_name_the_value():
    model = tiny_model("infogan")
    with pytest.raises(ValueError, match=r"in \[0, 3\)\. Received: categorical out of range \[3, 7\]"):
        model.generate(categorical=[0, 3, 7])
    with pytest.raises(ValueError, match=r"\[n, 2\]\. Received: continuous of shape \(2, 3\)"):
        model.generate(continuous=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="disagree"):
        model.generate(categorical=[0, 1], continuous=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(categorical=[0], labels=[0])
    with pytest.raises(ValueError, match=r"must exceed categorical_dim \+ continuous_dim = 12\. Received: latent_dim=12"):
        tiny_model("infogan", categorical_dim=10, latent_dim=12)
    with pytest.raises(ValueError, match="Received: categorical_dim=1"):
        tiny_model("infogan", categorical_dim=1)
    with pytest.raises(ValueError, match="infer_codes"):
        model.encode(np.zeros((1, 8, 8, 1), np.float32))


def test_infogan_infer_codes():
    model = tiny_model("infogan")
    x = np.random.default_rng(1).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    codes = model.infer_codes(x, batch_size=2)
    assert codes["categorical"].shape == (5, 3) and codes["continuous"].shape == (5, 2)
    np.testing.assert_allclose(codes["categorical"].sum(1), 1.0, rtol=1e-5)
    q = model.discriminator(x, training=False)[1].numpy()
    np.testing.assert_allclose(codes["continuous"], q[:, 3:5], atol=1e-6)
    np.testing.assert_allclose(codes["categorical"], tf.nn.softmax(q[:, :3]).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match=r"Received: images of shape \(5, 9, 9, 1\)"):
        model.infer_codes(np.zeros((5, 9, 9, 1)))
    with pytest.raises(ValueError, match=r"\[-1, 1\]\. Received: images in \[0.0, 255.0\]"):
        model.infer_codes(np.full((2, 8, 8, 1), 255.0))
    with pytest.raises(ValueError, match="NaN"):
        model.infer_codes(np.full((2, 8, 8, 1), np.nan))


def test_q_discriminator_shares_one_trunk():
    d = encoders.q_discriminator("dcgan", (8, 8, 1), q_dim=5, width=4, hidden_units=8)
    logit, q = d.outputs
    assert tuple(logit.shape) == (None, 1) and tuple(q.shape) == (None, 5)
    # The two heads read the same features: both sit on the trunk's flatten.
    assert d.get_layer("logits").input is d.get_layer("q_hidden").input is d.get_layer("flatten").output
    assert isinstance(d.get_layer("q_hidden_bn"), keras.layers.BatchNormalization)  # Q's FC 128: BN, leaky ReLU.


def _chain(model):
    return [(layer.name, type(layer).__name__) for layer in model.layers[1:]]


def test_infogan_networks_are_the_papers(tmp_path):
    # Chen et al., appendix C (MNIST), at width 64: D conv64 - conv128 (BN) - FC1024 (BN) shared by the
    # logit and Q (FC128, BN); G FC1024 (BN) - FC 7x7x128 (BN) - deconv64 (BN) - deconv1; 4x4 kernels.
    model = tfgan_zoo.create("infogan", width=64, seed=0)
    d, g = model.discriminator, model.generator
    assert d.get_layer("conv_0").filters == 64 and d.get_layer("conv_1").filters == 128
    assert d.get_layer("conv_1").kernel_size == (4, 4) and g.get_layer("deconv_1").kernel_size == (4, 4)
    assert d.get_layer("shared").units == 1024 and d.get_layer("q_hidden").units == 128
    assert d.get_layer("logits").input is d.get_layer("q_hidden").input is d.get_layer("shared_act").output
    assert _chain(g) == [
        ("hidden", "Dense"), ("hidden_bn", "BatchNormalization"), ("hidden_act", "ReLU"),
        ("project", "Dense"), ("reshape", "Reshape"), ("project_bn", "FusedBatchNormalization"),
        ("project_relu", "ReLU"), ("deconv_1", "Conv2DTranspose"), ("deconv_1_bn", "FusedBatchNormalization"),
        ("deconv_1_relu", "ReLU"),
        ("deconv_out", "Conv2DTranspose"), ("tanh", "Activation"),
    ]
    assert g.get_layer("hidden").units == 1024 and g.get_layer("reshape").output.shape[1:] == (7, 7, 128)
    # Chen et al.'s learning rates: 1e-3 for G, 2e-4 for D (and Q), Adam with beta_1 = 0.5.
    model.compile()
    assert float(model.g_optimizer.learning_rate.numpy()) == pytest.approx(1e-3)
    assert float(model.d_optimizer.learning_rate.numpy()) == pytest.approx(2e-4)
    assert model.g_optimizer.beta_1 == model.d_optimizer.beta_1 == pytest.approx(0.5)
    # The tiny config's (tests/helpers) networks are the plain pair; with the FC layers, a .keras round trip.
    small = tiny_model("infogan", fc_units=8)
    small.save(tmp_path / "infogan.keras")
    loaded = keras.saving.load_model(tmp_path / "infogan.keras")
    np.testing.assert_allclose(loaded.generate(3, seed=1), small.generate(3, seed=1), atol=1e-6)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(loaded.infer_codes(x)["categorical"], small.infer_codes(x)["categorical"], atol=1e-6)
    # fc_units=0: the plain DCGAN pair.
    plain = tfgan_zoo.create("infogan", width=8, fc_units=0, seed=0)
    assert _chain(plain.generator)[0] == ("project", "Dense")
    assert plain.discriminator.get_layer("q_hidden").input is plain.discriminator.get_layer("flatten").output
    with pytest.raises(ValueError, match="Received: fc_units=-1"):
        tfgan_zoo.create("infogan", width=8, fc_units=-1)


# ----------------------------------------------------------------------------
# BiGAN / ALI.


def test_joint_discriminator_reads_x_and_z_on_their_own_paths():
    d = encoders.joint_discriminator("dcgan", (8, 8, 1), latent_dim=3, joint_units=4, width=4, seed=0)
    assert [tuple(t.shape) for t in d.inputs] == [(None, 8, 8, 1), (None, 3)]
    assert d.get_layer("x_and_z").input[1] is d.get_layer("z_1_lrelu").output
    rng = np.random.default_rng(0)
    x, z = rng.uniform(-1, 1, (2, 8, 8, 1)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")
    base = d([x, z]).numpy()
    assert not np.allclose(base, d([x, z + 1.0]).numpy())  # The logit depends on z...
    assert not np.allclose(base, d([-x, z]).numpy())  # ...and on x.
    with pytest.raises(ValueError, match="Received: joint_units=0"):
        encoders.joint_discriminator("dcgan", (8, 8, 1), latent_dim=3, joint_units=0)
    # A discriminator of x alone is refused by the model, naming what it has.
    x_only = encoders.discriminator("dcgan", (8, 8, 1), width=4)
    with pytest.raises(ValueError, match=r"joint D\(x, z\): inputs \[sample, z\].*Received: discriminator inputs=\[\(None, 8, 8, 1\)\]"):
        tfgan_zoo.get_model_class("bigan")(sample_shape=(8, 8, 1), latent_dim=3, width=4, discriminator=x_only)


def _softplus(t):
    return np.logaddexp(0.0, t)


@pytest.mark.parametrize("name, alice", [("bigan", False), ("ali", False), ("bigan", True), ("ali", True)])
def test_bigan_losses_on_joint_pairs_by_hand(name, alice):
    model = tiny_model(name, reconstruction_adversarial=alice)
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (6, 8, 8, 1)).astype("float32"))
    z = model.sample_latent(6, seed=tf.constant([5, 6]))
    model.sample_latent = lambda n, seed=None: z
    model.sample_global = lambda n, draw, seed=None: draw(n, tf.constant([1, 1]))  # The posterior's eps.
    code = model.encode_batch(x, training=True, sample=True)
    if name == "ali":  # A draw from q(z|x), not its mean.
        assert not np.allclose(code.numpy(), model.encode_batch(x, training=True).numpy())
    real = model.discriminator([x, code], training=True).numpy()[:, 0]
    fake = model.discriminator([model.generate_batch(z, training=True), z], training=True).numpy()[:, 0]
    d_want, g_want = _softplus(-real) + _softplus(fake), _softplus(real) + _softplus(-fake)
    if alice:  # ALICE: D_xx scores (x, x) as real, (x, G(E(x))) as generated, with the same E(x) draw.
        d_xx = model.reconstruction_discriminator
        same = d_xx(tf.concat([x, x], -1), training=True).numpy()[:, 0]
        rebuilt = d_xx(tf.concat([x, model.generate_batch(code, training=True)], -1), training=True).numpy()[:, 0]
        d_want, g_want = d_want + _softplus(-same) + _softplus(rebuilt), g_want + _softplus(-rebuilt)
    else:
        assert model.reconstruction_discriminator is None
    d_loss, d_logs = model.discriminator_loss(x, None)
    g_loss, g_logs = model.generator_loss(x, None)
    np.testing.assert_allclose(d_loss.numpy(), d_want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g_loss.numpy(), g_want, rtol=1e-4, atol=1e-5)
    if alice:
        assert float(d_logs["reconstruction_d_loss"]) == pytest.approx(np.mean(_softplus(-same) + _softplus(rebuilt)), rel=1e-4)
        assert float(g_logs["reconstruction_g_loss"]) == pytest.approx(np.mean(_softplus(-rebuilt)), rel=1e-4)
    else:
        assert d_logs == {} and g_logs == {}


def test_alice_trains_its_pair_discriminator_with_d_and_round_trips(tmp_path):
    model = tiny_model("bigan", reconstruction_adversarial=True)
    d_xx = model.reconstruction_discriminator
    assert tuple(d_xx.input.shape) == (None, 8, 8, 2)
    assert len(model.discriminator_variables) == len(model.discriminator.trainable_variables) + len(
        d_xx.trainable_variables
    )
    before = [w.copy() for w in d_xx.get_weights()]
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    history = model.fit(x, batch_size=16, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "reconstruction_d_loss", "reconstruction_g_loss"}
    assert any(not np.array_equal(a, b) for a, b in zip(before, d_xx.get_weights()))
    assert set(tiny_model("bigan").fit(x, batch_size=16, epochs=1, verbose=0).history) == {"d_loss", "g_loss"}
    path = str(tmp_path / "alice.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.hparams["reconstruction_adversarial"] is True
    pairs = np.concatenate([x, x[::-1]], axis=-1)
    np.testing.assert_array_equal(loaded.reconstruction_discriminator(pairs).numpy(), d_xx(pairs).numpy())
    with pytest.raises(ValueError, match="Received: reconstruction_adversarial='yes'"):
        tiny_model("bigan", reconstruction_adversarial="yes")


def test_bigan_trains_the_encoder_with_the_generator():
    model = tiny_model("bigan")
    assert len(model.generator_variables) == len(model.generator.trainable_variables) + len(
        model.encoder.trainable_variables
    )
    e0 = [w.copy() for w in model.encoder.get_weights()]
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    model.fit(x, batch_size=16, epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(e0, model.encoder.get_weights()))


@pytest.mark.parametrize("name", ["bigan", "ali"])
def test_encode_and_reconstruct(name):
    model = tiny_model(name)
    x = np.random.default_rng(2).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    z = model.encode(x, batch_size=2)
    assert z.shape == (5, 8) and z.dtype == np.float32
    np.testing.assert_allclose(z, model.encoder(x, training=False).numpy(), atol=1e-6)
    np.testing.assert_allclose(model.reconstruct(x), model.generate(z=z), atol=1e-6)
    assert model.posterior == ("gaussian" if name == "ali" else "deterministic")
    with pytest.raises(ValueError, match=r"Received: images of shape \(8, 8, 1\)"):
        model.encode(x[0])
    with pytest.raises(ValueError, match="unconditional"):
        model.encode(x, labels=np.zeros(5, np.int32))


def test_encoder_errors():
    with pytest.raises(ValueError, match="Received: posterior='normal'"):
        tiny_model("bigan", posterior="normal")
    bigan = tfgan_zoo.get_model_class("bigan")
    tiny = {"sample_shape": (8, 8, 1), "latent_dim": 8, "width": 4}
    wrong = encoders.encoder("dcgan", (8, 8, 1), latent_dim=3, width=4)
    with pytest.raises(ValueError, match=r"\[batch, 8\]\. Received: encoder inputs"):
        bigan(encoder=wrong, **tiny)
    deterministic = encoders.encoder("dcgan", (8, 8, 1), latent_dim=8, width=4)
    with pytest.raises(ValueError, match="GaussianCode"):
        bigan(encoder=deterministic, posterior="gaussian", **tiny)
    assert bigan(encoder=deterministic, **tiny).encoder is deterministic


# ----------------------------------------------------------------------------
# Adversarial autoencoders.


def test_aae_losses_by_hand():
    model = tiny_model("aae", num_classes=10)
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (6, 8, 8, 1)).astype("float32"))
    y = tf.constant(np.arange(6) % 10, tf.int32)
    prior_z = model.sample_latent(6, seed=tf.constant([2, 3]))
    model.sample_latent = lambda n, seed=None: prior_z
    codes = model.encoder([x, y], training=True)
    decoded = model.generator([codes, y], training=True).numpy()
    want = ((decoded - x.numpy()) ** 2).reshape(6, -1).mean(1)
    got, _ = model.reconstruction_loss(x, y)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    prior_logits = model.discriminator([prior_z, y]).numpy()[:, 0]
    code_logits = model.discriminator([codes, y]).numpy()[:, 0]
    d_loss, _ = model.discriminator_loss(x, y)
    np.testing.assert_allclose(d_loss.numpy(), _softplus(-prior_logits) + _softplus(code_logits), rtol=1e-4, atol=1e-5)
    g_loss, _ = model.generator_loss(x, y)
    np.testing.assert_allclose(g_loss.numpy(), _softplus(-code_logits), rtol=1e-4, atol=1e-5)


def test_aae_phases_and_their_optimizers():
    model = tiny_model("aae", d_steps=2)
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    g0, e0 = model.generator.get_weights(), model.encoder.get_weights()
    history = model.fit(x, batch_size=16, epochs=1, verbose=0).history
    assert sorted(history) == ["d_loss", "g_loss", "reconstruction_loss"]
    # Reconstruction: g_optimizer on decoder + encoder; regularisation:
    # d_optimizer d_steps times, then e_optimizer on the encoder.
    assert int(model.g_optimizer.iterations) == 2
    assert int(model.d_optimizer.iterations) == 4
    assert int(model.e_optimizer.iterations) == 2
    assert model.e_optimizer.get_config()["learning_rate"] == model.d_optimizer.get_config()["learning_rate"]
    assert any(not np.array_equal(a, b) for a, b in zip(g0, model.generator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(e0, model.encoder.get_weights()))


def test_aae_round_trip_keeps_the_third_optimizer(tmp_path):
    import keras

    model = tiny_model("aae", prior="mixture", latent_dim=2)
    model.compile(e_optimizer=keras.optimizers.SGD(0.01))
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    model.fit(x, batch_size=16, epochs=1, verbose=0)
    model.save(tmp_path / "aae.keras")
    loaded = keras.saving.load_model(tmp_path / "aae.keras")
    assert type(loaded.e_optimizer).__name__ == "SGD" and int(loaded.e_optimizer.iterations) == 2
    np.testing.assert_array_equal(loaded.encode(x[:4]), model.encode(x[:4]))
    np.testing.assert_array_equal(loaded.generate(4, seed=1), model.generate(4, seed=1))
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="optimizer of its own"):
        model.compile(d_optimizer=shared, e_optimizer=shared)


def test_aae_code_priors():
    from tfgan_zoo.models.latent import code_priors

    seed = tf.constant([4, 5])
    normal = code_priors.code_prior("normal", 2, 5.0).sample(20000, seed=seed).numpy()
    assert normal.std(0) == pytest.approx([5.0, 5.0], rel=0.03)
    mixture = code_priors.code_prior("mixture", 2, 5.0).sample(20000, seed=seed).numpy()
    radius, angle = np.hypot(*mixture.T), np.arctan2(mixture[:, 1], mixture[:, 0])
    assert np.median(radius) == pytest.approx(5.0, rel=0.05)
    # Ten clusters: the angles sit near multiples of 36 degrees (tangential sd
    # 0.25 at radius 5: ~2.9 degrees; uniform angles would give 16.2 here).
    offset = np.abs((np.degrees(angle) + 18) % 36 - 18)
    assert np.percentile(offset, 90) < 8
    roll = code_priors.code_prior("swiss_roll", 2, 5.0).sample(5000, seed=seed).numpy()
    assert np.hypot(*roll.T).max() < 5.5 and np.hypot(*roll.T).min() > 1.2
    with pytest.raises(ValueError, match="Received: latent_dim=3"):
        code_priors.code_prior("mixture", 3, 5.0)
    with pytest.raises(ValueError, match=r"Valid: \['mixture', 'normal', 'swiss_roll'\]\. Received: prior='box'"):
        tiny_model("aae", prior="box")
    with pytest.raises(ValueError, match="Received: prior_scale=0"):
        tiny_model("aae", prior_scale=0)


def test_supervised_aae_generates_the_requested_label():
    model = tiny_model("aae", num_classes=10)
    z = np.random.default_rng(0).normal(size=(4, model.latent_dim)).astype("float32")
    eights = model.generate(labels=[8] * 4, z=z)
    direct = model.generator([z, np.full(4, 8, np.int32)], training=False).numpy()
    np.testing.assert_allclose(eights, direct, atol=1e-6)
    assert not np.allclose(eights, model.generate(labels=[3] * 4, z=z))
    x = np.random.default_rng(1).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    with pytest.raises(ValueError, match="conditional; pass the images' labels. Received: labels=None"):
        model.encode(x)
    with pytest.raises(ValueError, match=r"out of range \[10\]"):
        model.encode(x, labels=[0, 1, 2, 10])
    codes = model.encode(x, labels=[0, 1, 2, 3])
    np.testing.assert_allclose(model.reconstruct(x, labels=[0, 1, 2, 3]), model.generate(z=codes, labels=[0, 1, 2, 3]), atol=1e-6)


# ----------------------------------------------------------------------------
# Serving: the encoder signatures, through saved_model_cli.


@pytest.mark.parametrize("name, overrides", [("bigan", {}), ("aae", {"num_classes": 10})])
def test_saved_model_cli_runs_encode_and_reconstruct(name, overrides, tmp_path):
    from helpers import SAVED_MODEL_CLI_CALL
    from helpers import run_many

    from tfgan_zoo import export as export_lib

    model = tiny_model(name, **overrides)
    path = export_lib.export(model, str(tmp_path / name))
    assert set(export_lib.read_metadata(path)["signatures"]) == {"serving_default", "sample", "encode", "reconstruct"}
    x = np.round(np.random.default_rng(3).uniform(-1, 1, (2, 8, 8, 1)), 2).astype("float32")
    exprs = f"images={x.tolist()!r}".replace(" ", "")
    labels = [7, 0] if model.conditional else None
    if labels:
        exprs += f";labels={labels!r}".replace(" ", "")
    jobs = {
        sig: ["run", "--dir", path, "--tag_set", "serve", "--signature_def", sig, "--input_exprs", exprs,
              "--outdir", str(tmp_path / sig)]
        for sig in ("encode", "reconstruct")
    }
    procs = run_many(SAVED_MODEL_CLI_CALL, jobs)  # saved_model_cli's own run, both in one process.
    for sig, proc in procs.items():
        assert proc.returncode == 0, f"{sig}: {proc.stderr[-2000:]}"
    np.testing.assert_allclose(np.load(tmp_path / "encode" / "z.npy"), model.encode(x, labels), atol=1e-5)
    images = np.load(tmp_path / "reconstruct" / "images.npy")
    np.testing.assert_allclose(images, model.reconstruct(x, labels), atol=1e-5)
    assert np.load(tmp_path / "reconstruct" / "images_uint8.npy").dtype == np.uint8


@pytest.mark.parametrize("name", ["infogan", "bigan", "aae"])
def test_exported_encode_checks_its_images_in_graph(name, tmp_path):
    from tfgan_zoo import export as export_lib

    model = tiny_model(name, compile=False)
    encode = tf.saved_model.load(export_lib.export(model, str(tmp_path / name))).signatures["encode"]
    x = np.random.default_rng(0).uniform(-1, 1, (3, *model.sample_shape)).astype(np.float32)
    out = encode(images=tf.constant(x))
    if name == "infogan":  # Q's codes, as infer_codes gives them.
        want = model.infer_codes(x)
        np.testing.assert_allclose(out["categorical"].numpy(), want["categorical"], atol=1e-5)
        np.testing.assert_allclose(out["continuous"].numpy(), want["continuous"], atol=1e-5)
    else:
        np.testing.assert_allclose(out["z"].numpy(), model.encode(x), atol=1e-5)
    x[1, 0, 0, 0] = np.nan
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images must be finite .* Received: images with 1 NaN/Inf"):
        encode(images=tf.constant(x))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images must be in \[-1.001, 1.001\]. Received: images with min 0 and max 255"):
        encode(images=tf.constant(np.linspace(0, 255, x.size, dtype=np.float32).reshape(x.shape)))


def test_exported_sample_codes_puts_the_codes_in_and_checks_them_in_graph(tmp_path):
    from tfgan_zoo import export as export_lib

    model = tiny_model("infogan", compile=False)  # categorical 3, continuous 2
    loaded = tf.saved_model.load(export_lib.export(model, str(tmp_path / "infogan"), max_samples=8))
    sample_codes = loaded.signatures["sample_codes"]

    def run(categorical=(), continuous=(), num_samples=2, seed=5):
        return sample_codes(
            num_samples=tf.constant(num_samples, tf.int32), seed=tf.constant(seed, tf.int64),
            categorical=tf.constant(categorical, tf.int32), continuous=tf.constant(continuous, tf.float32),
        )["images"].numpy()

    continuous = [[0.5, -0.5], [1.5, 1.0]]
    want = model.generate(categorical=[2, 0], continuous=continuous, seed=5)
    np.testing.assert_allclose(run([2, 0], continuous), want, atol=1e-5)
    # Empty codes: the seed's, as `sample` draws them; one block given, the other drawn.
    drawn = loaded.signatures["sample"](num_samples=tf.constant(2), seed=tf.constant(5, tf.int64))["images"].numpy()
    np.testing.assert_allclose(run(), drawn, atol=1e-5)
    np.testing.assert_allclose(run(categorical=[1, 1]), model.generate(categorical=[1, 1], seed=5), atol=1e-5)
    np.testing.assert_allclose(run(continuous=continuous), model.generate(continuous=continuous, seed=5), atol=1e-5)
    assert not np.allclose(run([0, 0]), run([1, 1]))

    errors = tf.errors.InvalidArgumentError
    with pytest.raises(errors, match=r"categorical must be in \[0, 3\)\. Received: categorical out of range \[3 -1\]"):
        run([3, -1])
    with pytest.raises(errors, match=r"categorical must be empty .* Received: 3 codes for num_samples=2"):
        run([0, 1, 2])
    with pytest.raises(errors, match=r"continuous must be empty .* \[num_samples, 2\]\. Received: continuous of shape \[2 3\]"):
        run(continuous=np.zeros((2, 3)))
    with pytest.raises(errors, match=r"Received: continuous of shape \[3 2\] for num_samples=2"):
        run(continuous=np.zeros((3, 2)))
    with pytest.raises(errors, match=r"Received: continuous of shape \[4\]"):
        run(continuous=np.zeros(4))
    with pytest.raises(errors, match=r"continuous must be finite .* Received: continuous with 1 NaN/Inf"):
        run(continuous=[[0.0, np.nan], [0.0, 0.0]])
    with pytest.raises(errors, match=r"num_samples must be in \[1, 8\]"):
        run(num_samples=9)


def test_saved_model_cli_runs_sample_codes(tmp_path):
    from helpers import SAVED_MODEL_CLI_CALL
    from helpers import run_many

    from tfgan_zoo import export as export_lib

    model = tiny_model("infogan", compile=False)
    path = export_lib.export(model, str(tmp_path / "infogan"))
    run = ["run", "--dir", path, "--tag_set", "serve", "--signature_def", "sample_codes", "--input_exprs"]
    cases = {
        "codes": run + ["num_samples=2;seed=3;categorical=[2,0];continuous=[[0.5,-1.0],[0.0,2.0]]", "--outdir", str(tmp_path / "codes")],
        "drawn": run + ["num_samples=2;seed=3;categorical=[];continuous=[]", "--outdir", str(tmp_path / "drawn")],
        "bad": run + ["num_samples=2;seed=3;categorical=[0,5];continuous=[]", "--outdir", str(tmp_path / "bad")],
    }
    results = run_many(SAVED_MODEL_CLI_CALL, cases)
    for key in ("codes", "drawn"):
        assert results[key].returncode == 0, results[key].stderr[-2000:]
    want = model.generate(categorical=[2, 0], continuous=[[0.5, -1.0], [0.0, 2.0]], seed=3)
    np.testing.assert_allclose(np.load(tmp_path / "codes" / "images.npy"), want, atol=1e-5)
    np.testing.assert_allclose(np.load(tmp_path / "drawn" / "images.npy"), model.generate(2, seed=3), atol=1e-5)
    assert results["bad"].returncode != 0
    assert "categorical must be in [0, 3). Received: categorical out of range [5]" in results["bad"].stderr
