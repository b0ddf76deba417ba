"""The shape classifier behind gan3d's class coverage (`tfgan_zoo.metrics.voxel_classes`)."""

import numpy as np
import pytest
from scipy import ndimage

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


def test_stray_voxels_change_neither_the_descriptors_nor_the_class():
    x, y = voxels.voxel_shapes(60, 16, seed=2)
    rng = np.random.default_rng(0)
    # Isolated voxels: on even coordinates only, so no two touch by a face, and away from the shapes.
    lattice = np.zeros(x.shape[1:], bool)
    lattice[::2, ::2, ::2] = True
    far = ~np.stack([ndimage.binary_dilation(g, iterations=2) for g in x.astype(bool)])
    stray = lattice & far & (rng.random(x.shape) < 0.05)
    noisy = x.astype(bool) | stray
    assert stray.reshape(60, -1).sum(1).min() >= 5
    np.testing.assert_allclose(voxel_classes.shape_descriptors(noisy), voxel_classes.shape_descriptors(x), atol=1e-6)
    whole = voxel_classes.stray_share(x) == 0  # Most shapes are one component (a few touch only by edges).
    assert whole.sum() >= 50
    np.testing.assert_allclose(
        voxel_classes.stray_share(noisy)[whole], (stray.reshape(60, -1).sum(1) / noisy.reshape(60, -1).sum(1))[whole],
        rtol=1e-6,
    )
    grid = np.zeros((8, 8, 8), bool)
    grid[1:3, 1:3, 1:3] = True  # 8 voxels
    grid[5, 5, 5] = True  # 1 stray
    assert np.array_equal(voxel_classes.largest_component(grid), grid & ~(np.arange(8) == 5)[:, None, None])
    assert voxel_classes.stray_share(grid[None])[0] == pytest.approx(1 / 9)
    assert voxel_classes.stray_share(np.zeros((1, 8, 8, 8)))[0] == 0


def test_degrade_roughens_a_shape_without_losing_it():
    x, _ = voxels.voxel_shapes(12, 16, seed=3)
    grids = x.astype(bool)
    rough = np.stack([voxel_classes.degrade(g, np.random.default_rng(i)) for i, g in enumerate(grids)])
    again = np.stack([voxel_classes.degrade(g, np.random.default_rng(i)) for i, g in enumerate(grids)])
    assert np.array_equal(rough, again)  # The rng decides.
    iou = (rough & grids).reshape(12, -1).sum(1) / (rough | grids).reshape(12, -1).sum(1)
    assert 0.3 < iou.min() and iou.max() < 1.0
    # No stretch and no flips: the grid itself.
    assert np.array_equal(voxel_classes.degrade(grids[0], np.random.default_rng(0), stretch=0.0, flip=0.0), grids[0])


def test_the_classifier_knows_degraded_shapes(classifier):
    x, y = voxels.voxel_shapes(120, 16, seed=2)
    rng = np.random.default_rng(5)
    rough = np.stack([voxel_classes.degrade(g, rng) for g in x])
    assert (classifier.predict(voxel_classes.shape_descriptors(rough)) == y).mean() >= 0.8


def test_class_histogram_counts_empty_grids_apart(classifier):
    x, y = voxels.voxel_shapes(6, 16, seed=0)
    grids = np.concatenate([x, np.zeros((2, 16, 16, 16), np.uint8)])[..., None]
    histogram, empty = voxel_classes.class_histogram(grids, classifier, len(voxels.CLASSES))
    assert empty == 2
    assert histogram.sum() == pytest.approx(6 / 8)
    assert histogram.max() <= 2 / 8  # One shape of each class, at most one mistake.


def test_class_histogram_with_min_confidence_keeps_only_sure_grids():
    class Stub:  # Probabilities by hand: grid i gets row i.
        classes_ = np.array([0, 1, 2])

        def predict_proba(self, features):
            return np.array([[0.9, 0.1, 0.0], [0.4, 0.35, 0.25], [0.2, 0.3, 0.5]])[: len(features)]

    x, _ = voxels.voxel_shapes(3, 8, seed=0)
    grids = np.concatenate([x, np.zeros((1, 8, 8, 8), np.uint8)])
    every, empty = voxel_classes.class_histogram(grids, Stub(), 3)
    np.testing.assert_allclose(every, [2 / 4, 0, 1 / 4])
    sure, _ = voxel_classes.class_histogram(grids, Stub(), 3, min_confidence=0.5)
    np.testing.assert_allclose(sure, [1 / 4, 0, 1 / 4])  # Grid 1 (0.4) is dropped; grid 2 (0.5) stays.
    assert empty == 1


def test_real_shapes_reach_the_confidence_line(classifier):
    x, _ = voxels.voxel_shapes(120, 16, seed=2)
    rough = np.stack([voxel_classes.degrade(g, np.random.default_rng(i)) for i, g in enumerate(x)])
    sure, _ = voxel_classes.class_histogram(rough, classifier, len(voxels.CLASSES), voxel_classes.CONFIDENT)
    assert sure.sum() >= 0.85  # 0.89 at 16^3 with this small forest; 0.983 at 32^3 with the benchmark's.


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
