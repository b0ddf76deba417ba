"""The shape classifier behind gan3d's class coverage (`tfgan_zoo.metrics.voxel_classes`)."""

import numpy as np
import pytest

from tfgan_zoo.data import voxels
from tfgan_zoo.metrics import voxel_classes


@pytest.fixture(scope="module")
def classifier():
    return voxel_classes.fit_shape_classifier(side=16, num_examples=240, seed=1)


def test_it_tells_the_six_classes_apart_on_held_out_shapes(classifier):
    x, y = voxels.voxel_shapes(120, 16, seed=2)
    predicted = classifier.predict(voxel_classes.shape_descriptors(x))
    assert (predicted == y).mean() >= 0.9
    assert set(predicted) == set(range(len(voxels.CLASSES)))


def test_descriptors_do_not_change_under_a_quarter_turn_or_a_shift():
    x, _ = voxels.voxel_shapes(6, 16, seed=0)
    turned = np.rot90(x, axes=(2, 3))
    shifted = np.zeros_like(x)
    shifted[:, 1:] = x[:, :-1]
    keep = x[:, -1].reshape(6, -1).sum(1) == 0  # Shapes that the shift does not cut.
    base = voxel_classes.shape_descriptors(x)
    np.testing.assert_allclose(voxel_classes.shape_descriptors(turned), base, atol=1e-3)
    np.testing.assert_allclose(voxel_classes.shape_descriptors(shifted)[keep], base[keep], atol=1e-3)
    assert base.shape == (6, voxel_classes.NUM_DESCRIPTORS)


def test_class_histogram_counts_empty_grids_apart(classifier):
    x, y = voxels.voxel_shapes(6, 16, seed=0)
    grids = np.concatenate([x, np.zeros((2, 16, 16, 16), np.uint8)])[..., None]
    histogram, empty = voxel_classes.class_histogram(grids, classifier, len(voxels.CLASSES))
    assert empty == 2
    assert histogram.sum() == pytest.approx(6 / 8)
    assert histogram.max() <= 2 / 8  # One shape of each class, at most one mistake.


@pytest.mark.parametrize(
    "grids, message",
    [
        (np.zeros((2, 8, 8, 4)), r"\[n, d, d, d\].*Received: shape \(2, 8, 8, 4\)"),
        (np.full((1, 4, 4, 4), np.nan), "Received: NaN"),
    ],
)
def test_bad_grids_are_refused(grids, message):
    with pytest.raises(ValueError, match=message):
        voxel_classes.shape_descriptors(grids)
