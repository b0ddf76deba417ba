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
    with pytest.raises(ValueError, match=r"Unknown loss 'hinge2'.*Valid losses: \[.*'minimax'"):
        losses.get("hinge2")
    assert losses.supports_label_smoothing(pair)
