"""Goodfellow et al.'s Proposition 1 and Theorem 1, numerically (issue #19, point 1).

A discriminator trained with `losses.minimax_discriminator_loss` on fresh
draws of two fixed 1-D distributions must reach
D*(x) = p_data / (p_data + p_g) within 0.05 (max abs error over the grid
points where (p_data + p_g) is at least 10% of its maximum), and its value
V(D, G) on held-out draws must be within 0.02 of -log 4 + 2 JSD.
"""

import math

import numpy as np
import pytest
import tensorflow_probability as tfp

from tfgan_zoo import objective

tfd = tfp.distributions
D_TOLERANCE = 0.05
V_TOLERANCE = 0.02
GRID = np.linspace(-5.0, 6.0, 221)
TRAIN = {"steps": 2000, "batch_size": 256, "hidden_units": (32, 32), "eval_samples": 50_000, "seed": 0}


def _mixture():
    return tfd.MixtureSameFamily(tfd.Categorical(probs=[0.5, 0.5]), tfd.Normal([-2.0, 2.0], [0.5, 0.5]))


PAIRS = {
    "N(0,1) vs N(1,1)": lambda: (tfd.Normal(0.0, 1.0), tfd.Normal(1.0, 1.0)),
    "N(0,1) vs N(0,2)": lambda: (tfd.Normal(0.0, 1.0), tfd.Normal(0.0, 2.0)),
    "mixture vs N(0,1)": lambda: (_mixture(), tfd.Normal(0.0, 1.0)),
}


def test_hand_computed_values():
    p, q = tfd.Normal(0.0, 1.0), tfd.Normal(1.0, 1.0)
    # D* at x: 1 / (1 + exp(x - 1/2)) for unit Gaussians at 0 and 1.
    x = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_allclose(objective.optimal_discriminator(p, q, x), 1 / (1 + np.exp(x - 0.5)), atol=1e-6)
    assert objective.optimal_value(p, p) == pytest.approx(-math.log(4.0), abs=1e-6)
    # Disjoint supports: JSD = log 2, V(D*) = 0.
    far = tfd.Normal(50.0, 0.1)
    assert objective.jensen_shannon(tfd.Normal(0.0, 0.1), far) == pytest.approx(math.log(2.0), abs=1e-5)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_trained_discriminator_reaches_the_optimum(name):
    p_data, p_g = PAIRS[name]()
    result = objective.compare(p_data, p_g, GRID, **TRAIN)
    assert result["max_error"] <= D_TOLERANCE, result["max_error"]
    assert abs(result["value"] - result["optimal_value"]) <= V_TOLERANCE, (result["value"], result["optimal_value"])
    # Not the wrong formulas: the swapped D* = p_g / (p_data + p_g), and -log 4 + JSD.
    region = objective.central_region(p_data, p_g, GRID)
    assert np.abs(result["trained"] - (1 - result["optimal"]))[region].max() > 0.2
    if result["jsd"] > 3 * V_TOLERANCE:
        assert abs(result["value"] - (-math.log(4.0) + result["jsd"])) > V_TOLERANCE


def test_bad_inputs_name_the_value():
    p = tfd.Normal(0.0, 1.0)
    with pytest.raises(ValueError, match="Received: x with shape"):
        objective.optimal_discriminator(p, p, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="fraction=1.5"):
        objective.central_region(p, p, GRID, fraction=1.5)
    with pytest.raises(ValueError, match="stds="):
        objective.jensen_shannon(tfd.Cauchy(0.0, 1.0), p)
