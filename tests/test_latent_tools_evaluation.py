"""Inpainting measures and baselines (tfgan_zoo.latent_tools.evaluation)."""

import numpy as np
import pytest

from tfgan_zoo.latent_tools import evaluation


def test_hole_psnr_hand_checked():
    images = np.zeros((2, 2, 2, 1))
    masks = np.ones_like(images)
    masks[:, 0, 0] = 0  # Two missing pixels in all.
    completed = images.copy()
    completed[0, 0, 0], completed[1, 0, 0] = 0.1, 0.3  # MSE (0.01 + 0.09) / 2 = 0.05
    completed[0, 1, 1] = 1.0  # A known pixel: not counted.
    assert evaluation.hole_psnr(images, completed, masks) == pytest.approx(10 * np.log10(4 / 0.05))
    with pytest.raises(ValueError, match="Received: masks of all ones"):
        evaluation.hole_psnr(images, completed, np.ones_like(images))


def test_baseline_fills():
    train = np.stack([np.full((2, 2, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    images = np.array([[[[0.9], [0.9]], [[0.9], [-0.5]]]], np.float32)  # Known pixels near 1.
    masks = np.ones_like(images)
    masks[0, 1, 1] = 0
    np.testing.assert_allclose(evaluation.mean_fill(images, masks, train)[0, 1, 1], 0.0)
    filled = evaluation.nearest_neighbour_fill(images, masks, train, batch_size=1)
    np.testing.assert_allclose(filled[0, 1, 1], 1.0)  # From the all-ones image.
    np.testing.assert_allclose(filled[0, 0], images[0, 0])
