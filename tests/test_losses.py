"""Loss values against hand computation."""

import math

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses

LOG2 = math.log(2.0)


def softplus(x):
    return math.log1p(math.exp(x))


def test_zero_logits_give_log2_values():
    zeros = np.zeros((4, 1), np.float32)
    assert float(losses.minimax_discriminator_loss(zeros, zeros)) == pytest.approx(2 * LOG2, rel=1e-6)
    assert float(losses.modified_discriminator_loss(zeros, zeros)) == pytest.approx(2 * LOG2, rel=1e-6)
    assert float(losses.modified_generator_loss(zeros)) == pytest.approx(LOG2, rel=1e-6)
    assert float(losses.minimax_generator_loss(zeros)) == pytest.approx(-LOG2, rel=1e-6)


def test_discriminator_loss_by_hand():
    # -log sigmoid(2) - log(1 - sigmoid(-1)) = softplus(-2) + softplus(-1)
    expected = softplus(-2.0) + softplus(-1.0)
    assert expected == pytest.approx(0.440189, abs=1e-6)
    got = losses.modified_discriminator_loss(np.array([2.0]), np.array([-1.0]))
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_generator_losses_by_hand():
    logits = np.array([1.5, -0.5], np.float32)
    modified = np.mean([softplus(-1.5), softplus(0.5)])  # -log D(G(z))
    minimax = np.mean([-softplus(1.5), -softplus(-0.5)])  # log(1 - D(G(z)))
    assert float(losses.modified_generator_loss(logits)) == pytest.approx(modified, rel=1e-6)
    assert float(losses.minimax_generator_loss(logits)) == pytest.approx(minimax, rel=1e-6)
    # log(1 - sigmoid(x)) computed directly:
    direct = np.mean(np.log(1 - 1 / (1 + np.exp(-logits.astype(np.float64)))))
    assert float(losses.minimax_generator_loss(logits)) == pytest.approx(direct, rel=1e-6)


def test_one_sided_label_smoothing_by_hand():
    # Real target 0.75: 0.75 * softplus(-2) + 0.25 * softplus(2); fake untouched.
    real, fake = np.array([2.0]), np.array([0.0])
    expected = 0.75 * softplus(-2.0) + 0.25 * softplus(2.0) + softplus(0.0)
    got = losses.modified_discriminator_loss(real, fake, label_smoothing=0.25)
    assert float(got) == pytest.approx(expected, rel=1e-6)
    # Fake logits are not smoothed: changing smoothing leaves the fake term alone.
    a = losses.minimax_discriminator_loss(np.array([0.0]), np.array([3.0]), label_smoothing=0.0)
    b = losses.minimax_discriminator_loss(np.array([0.0]), np.array([3.0]), label_smoothing=0.5)
    assert float(a) == pytest.approx(float(b), rel=1e-6)  # real logit 0: smoothing-invariant


@pytest.mark.parametrize("bad", [-0.1, 1.0, 2.0])
def test_label_smoothing_out_of_range(bad):
    with pytest.raises(ValueError, match=f"label_smoothing={bad}"):
        losses.modified_discriminator_loss(np.zeros(2), np.zeros(2), label_smoothing=bad)


def test_reductions():
    real = np.array([[1.0], [2.0], [-3.0]], np.float32)
    fake = np.array([[0.5], [-1.0], [4.0]], np.float32)
    per = losses.modified_discriminator_loss(real, fake, reduction="none").numpy()
    assert per.shape == (3,)
    expected = [softplus(-r) + softplus(f) for r, f in zip(real[:, 0], fake[:, 0])]
    np.testing.assert_allclose(per, expected, rtol=1e-6)
    total = losses.modified_discriminator_loss(real, fake, reduction="sum")
    mean = losses.modified_discriminator_loss(real, fake, reduction="mean")
    assert float(total) == pytest.approx(sum(expected), rel=1e-6)
    assert float(mean) == pytest.approx(np.mean(expected), rel=1e-6)
    with pytest.raises(ValueError, match="reduction='max'"):
        losses.modified_generator_loss(fake, reduction="max")


def test_patch_logits_are_averaged_per_example():
    logits = np.arange(8, dtype=np.float32).reshape(2, 2, 2) - 4.0
    per = losses.modified_generator_loss(logits, reduction="none").numpy()
    expected = [np.mean([softplus(-v) for v in row.ravel()]) for row in logits]
    np.testing.assert_allclose(per, expected, rtol=1e-6)


def test_stable_for_extreme_logits():
    big = np.array([100.0, -100.0], np.float32)
    for value in (
        losses.modified_discriminator_loss(big, -big, reduction="none"),
        losses.minimax_generator_loss(big, reduction="none"),
        losses.modified_generator_loss(-big, reduction="none"),
    ):
        assert np.all(np.isfinite(value.numpy()))
    # softplus(100) = 100 exactly in float32; a naive log(sigmoid) would be inf.
    assert float(losses.modified_generator_loss(np.array([-100.0]))) == pytest.approx(100.0)


def test_minimax_generator_loss_saturates_and_modified_does_not():
    # Early in training D rejects fakes confidently (logit -10). The minimax
    # loss then gives almost no gradient; the non-saturating one does.
    logit = tf.Variable([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        minimax = losses.minimax_generator_loss(logit)
        modified = losses.modified_generator_loss(logit)
    g_minimax = float(tape.gradient(minimax, logit)[0])
    g_modified = float(tape.gradient(modified, logit)[0])
    assert abs(g_minimax) < 1e-4
    assert g_modified == pytest.approx(-1.0, abs=1e-4)


def test_float16_logits_are_computed_in_float32():
    logits = tf.constant([[20.0]], tf.float16)
    value = losses.modified_discriminator_loss(logits, -logits)
    assert value.dtype == tf.float32
    assert np.isfinite(float(value))


def test_registry_of_loss_pairs():
    assert {"minimax", "non_saturating"} <= set(losses.available_losses())
    pair = losses.get("non_saturating")
    assert pair.generator is losses.modified_generator_loss
    assert losses.get("modified") == pair
    assert losses.get("minimax").generator is losses.minimax_generator_loss
    with pytest.raises(ValueError, match=r"Unknown loss 'hinge2'.*Valid: \[.*'minimax'"):
        losses.get("hinge2")
    assert losses.supports_label_smoothing(pair)


# ----------------------------------------------------------------------
# Wasserstein, least squares, hinge.

REAL = np.array([[1.5], [-0.5], [2.0]], np.float32)
FAKE = np.array([[0.25], [-2.0], [0.5]], np.float32)


def test_wasserstein_losses_by_hand():
    d = losses.wasserstein_discriminator_loss(REAL, FAKE, reduction="none").numpy()
    np.testing.assert_allclose(d, (FAKE - REAL).ravel(), rtol=1e-6)
    assert float(losses.wasserstein_discriminator_loss(REAL, FAKE)) == pytest.approx(
        np.mean(FAKE) - np.mean(REAL), rel=1e-6
    )
    assert float(losses.wasserstein_generator_loss(FAKE)) == pytest.approx(-np.mean(FAKE), rel=1e-6)


def test_least_squares_losses_by_hand():
    d = losses.least_squares_discriminator_loss(REAL, FAKE, reduction="none").numpy()
    np.testing.assert_allclose(d, (0.5 * (REAL - 1) ** 2 + 0.5 * FAKE**2).ravel(), rtol=1e-6)
    g = losses.least_squares_generator_loss(FAKE, reduction="none").numpy()
    np.testing.assert_allclose(g, (0.5 * (FAKE - 1) ** 2).ravel(), rtol=1e-6)
    # Other targets (a, b, c of Mao et al.): b = 1, a = -1.
    d2 = losses.least_squares_discriminator_loss(REAL, FAKE, fake_label=-1.0, reduction="none")
    np.testing.assert_allclose(d2, (0.5 * (REAL - 1) ** 2 + 0.5 * (FAKE + 1) ** 2).ravel(), rtol=1e-6)


def test_hinge_losses_by_hand():
    d = losses.hinge_discriminator_loss(REAL, FAKE, reduction="none").numpy()
    expected = np.maximum(0, 1 - REAL) + np.maximum(0, 1 + FAKE)
    np.testing.assert_allclose(d, expected.ravel(), rtol=1e-6)
    np.testing.assert_allclose(d, [0.0 + 1.25, 1.5 + 0.0, 0.0 + 1.5], rtol=1e-6)
    assert float(losses.hinge_generator_loss(FAKE)) == pytest.approx(-np.mean(FAKE), rel=1e-6)


# ----------------------------------------------------------------------
# f-GAN: closed forms of Nowozin et al. (2016), Table 6, written out
# directly (output activation g_f and conjugate f*), in float64.


def _closed_form(divergence, v):
    v = v.astype(np.float64)
    if divergence == "kl":
        g = v
        conj = np.exp(g - 1)
    elif divergence == "reverse_kl":
        g = -np.exp(-v)
        conj = -1 - np.log(-g)
    elif divergence == "pearson":
        g = v
        conj = g**2 / 4 + g
    elif divergence == "squared_hellinger":
        g = 1 - np.exp(-v)
        conj = g / (1 - g)
    elif divergence == "jensen_shannon":
        g = np.log(2) - np.log(1 + np.exp(-v))
        conj = -np.log(2 - np.exp(g))
    return g, conj


@pytest.mark.parametrize("divergence", sorted(losses.F_DIVERGENCES))
def test_f_divergence_losses_match_closed_form(divergence):
    real = np.array([0.3, -1.2, 2.0, 0.0], np.float32)
    fake = np.array([-0.7, 1.1, 0.4, -2.5], np.float32)
    g_real, _ = _closed_form(divergence, real)
    g_fake, conj_fake = _closed_form(divergence, fake)
    d = losses.f_divergence_discriminator_loss(real, fake, divergence, reduction="none").numpy()
    np.testing.assert_allclose(d, -g_real + conj_fake, rtol=1e-5, atol=1e-6)
    g = losses.f_divergence_generator_loss(fake, divergence, reduction="none").numpy()
    np.testing.assert_allclose(g, -g_fake, rtol=1e-5, atol=1e-6)
    # The registered pair is the same function.
    pair = losses.get(f"f_{divergence}")
    assert float(pair.discriminator(real, fake)) == pytest.approx(float(np.mean(-g_real + conj_fake)), rel=1e-5)


def test_f_divergence_bound_is_tight_at_the_optimal_discriminator():
    # KL(P||Q) for two Bernoulli-like point masses: with the optimal
    # v*(x) = 1 + log(p(x)/q(x)), -E[d_loss] equals the divergence.
    p = np.array([0.2, 0.8])
    q = np.array([0.5, 0.5])
    v_star = 1 + np.log(p / q)
    bound = -(np.sum(p * -v_star) + np.sum(q * np.exp(v_star - 1)))
    assert bound == pytest.approx(np.sum(p * np.log(p / q)), rel=1e-9)


def test_unknown_f_divergence():
    with pytest.raises(ValueError, match=r"Unknown f-divergence 'tv'.*Received: divergence='tv'"):
        losses.f_divergence_generator_loss(np.zeros(2), "tv")


# ----------------------------------------------------------------------
# Cramér GAN.


def _np_norm(x):
    return np.sqrt(np.sum(x.astype(np.float64) ** 2, axis=1))


def test_cramer_generator_loss_matches_numpy():
    rng = np.random.default_rng(0)
    h_real, h_fake, h_fake2 = (rng.normal(size=(5, 7)).astype(np.float32) for _ in range(3))
    expected = _np_norm(h_real - h_fake) + _np_norm(h_real - h_fake2) - _np_norm(h_fake - h_fake2)
    got = losses.cramer_generator_loss(h_real, h_fake, h_fake2, reduction="none").numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # The energy distance estimate is symmetric in the two fake batches.
    swapped = losses.cramer_generator_loss(h_real, h_fake2, h_fake, reduction="none").numpy()
    np.testing.assert_allclose(got, swapped, rtol=1e-5)


def test_cramer_critic_and_discriminator_loss_match_numpy():
    rng = np.random.default_rng(1)
    h_real, h_fake, h_fake2 = (rng.normal(size=(4, 3)).astype(np.float32) for _ in range(3))

    def f(h):
        return _np_norm(h - h_fake2) - _np_norm(h)

    np.testing.assert_allclose(losses.cramer_critic(h_real, h_fake2).numpy(), f(h_real), rtol=1e-5)
    got = losses.cramer_discriminator_loss(h_real, h_fake, h_fake2, reduction="none").numpy()
    np.testing.assert_allclose(got, -(f(h_real) - f(h_fake)), rtol=1e-5)


def test_every_registered_loss_trains_a_model_by_name():
    import tfgan_zoo

    for name in losses.available_losses():
        gan = tfgan_zoo.create("dcgan", sample_shape=(8, 8, 1), width=4, loss=name, seed=0)
        data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
        history = gan.fit(data, batch_size=8, epochs=1, verbose=0).history
        assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0]), name


def test_tf_gan_names_are_aliases_of_the_one_name():
    assert losses.modified_generator_loss is losses.non_saturating_generator_loss
    assert losses.modified_discriminator_loss is losses.non_saturating_discriminator_loss
    assert losses.get("modified") is losses.get("non_saturating")
    assert not hasattr(losses, "register_loss")
