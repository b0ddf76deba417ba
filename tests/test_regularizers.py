"""Gradient penalties against hand computation."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import regularizers


def _linear_critic(w):
    w = tf.constant(np.asarray(w, np.float32).reshape(-1, 1))
    return lambda x: tf.matmul(tf.reshape(x, [tf.shape(x)[0], -1]), w)


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.6, 0.8, 0.0, 0.0], [0.1, -0.2]])
def test_gradient_penalty_of_a_linear_critic_by_hand(w):
    # D(x) = w . x has gradient w everywhere: the penalty is (||w|| - 1)^2,
    # whatever the interpolation weights.
    norm = np.linalg.norm(w)
    expected = (norm - 1.0) ** 2
    rng = np.random.default_rng(0)
    real = rng.normal(size=(6, len(w))).astype(np.float32)
    fake = rng.normal(size=(6, len(w))).astype(np.float32)
    got = regularizers.gradient_penalty(_linear_critic(w), real, fake, seed=[1, 2]).numpy()
    np.testing.assert_allclose(got, np.full(6, expected), rtol=1e-5, atol=1e-6)
    # With lambda = 10, as WGAN-GP weights it:
    assert 10 * got.mean() == pytest.approx(10 * expected, rel=1e-5, abs=1e-5)


@pytest.mark.parametrize("shape", [(4, 6), (4, 5, 3), (4, 4, 4, 2)])
def test_gradient_penalty_for_vectors_sequences_and_images(shape):
    size = int(np.prod(shape[1:]))
    w = np.full(size, 2.0 / np.sqrt(size), np.float32)  # ||w|| = 2
    real = np.ones(shape, np.float32)
    fake = np.zeros(shape, np.float32)
    got = regularizers.gradient_penalty(_linear_critic(w), real, fake, alpha=np.linspace(0, 1, 4)).numpy()
    np.testing.assert_allclose(got, np.ones(4), rtol=1e-5)


def test_one_sided_penalty_ignores_norms_below_target():
    real, fake = np.ones((3, 2), np.float32), np.zeros((3, 2), np.float32)
    small = _linear_critic([0.3, 0.4])  # ||w|| = 0.5
    big = _linear_critic([3.0, 4.0])  # ||w|| = 5
    assert np.all(regularizers.gradient_penalty(small, real, fake, seed=[0, 1], one_sided=True).numpy() == 0)
    np.testing.assert_allclose(
        regularizers.gradient_penalty(small, real, fake, seed=[0, 1]).numpy(), 0.25, rtol=1e-5
    )
    np.testing.assert_allclose(
        regularizers.gradient_penalty(big, real, fake, seed=[0, 1], one_sided=True).numpy(), 16.0, rtol=1e-5
    )


def test_interpolation_uses_one_alpha_per_example():
    real = np.ones((3, 2, 2), np.float32)
    fake = np.zeros((3, 2, 2), np.float32)
    x_hat = regularizers.interpolate(real, fake, [0.0, 0.25, 1.0]).numpy()
    np.testing.assert_allclose(x_hat[:, 0, 0], [0.0, 0.25, 1.0])
    assert np.all(x_hat[1] == 0.25)


def test_default_alpha_is_uniform_not_normal():
    # Recover alpha from x_hat = alpha * 1 + (1 - alpha) * 0 through a critic
    # that records its input.
    seen = []

    def critic(x):
        seen.append(x)
        return tf.reduce_sum(x, axis=1, keepdims=True)

    n = 4000
    regularizers.gradient_penalty(critic, np.ones((n, 1), np.float32), np.zeros((n, 1), np.float32), seed=[3, 4])
    alpha = seen[0].numpy().ravel()
    assert alpha.min() >= 0.0 and alpha.max() <= 1.0
    assert alpha.mean() == pytest.approx(0.5, abs=0.03)
    assert alpha.var() == pytest.approx(1 / 12, abs=0.01)  # U[0,1]; N(0,1) would give ~1


def test_epsilon_keeps_the_penalty_gradient_finite_at_zero_gradient():
    # A critic whose input gradient is exactly 0 at x_hat: without the
    # epsilon inside the sqrt, d||g||/dg = g/||g|| is 0/0 = NaN.
    v = tf.Variable([[0.0], [0.0]])

    def critic(x):
        return tf.matmul(x, v)  # gradient wrt x is v^T = 0

    with tf.GradientTape() as tape:
        penalty = tf.reduce_mean(
            regularizers.gradient_penalty(critic, tf.ones((2, 2)), tf.zeros((2, 2)), seed=[0, 0])
        )
    grad = tape.gradient(penalty, v)
    assert float(penalty) == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.isfinite(grad.numpy()))


def test_r1_penalty_by_hand():
    got = regularizers.r1_penalty(_linear_critic([1.0, 2.0, 2.0]), np.ones((2, 3), np.float32)).numpy()
    np.testing.assert_allclose(got, [9.0, 9.0], rtol=1e-6)
    # Quadratic critic D(x) = sum(x^2): grad = 2x, R1 = 4 ||x||^2.
    x = np.array([[1.0, 2.0], [0.5, 0.0]], np.float32)
    got = regularizers.r1_penalty(lambda t: tf.reduce_sum(t**2, axis=1), x).numpy()
    np.testing.assert_allclose(got, 4 * np.sum(x**2, axis=1), rtol=1e-6)
