"""Behaviour tests for `tfgan_zoo.images`: uint8 conversion, grids, PNGs."""

import os

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import images


def _unit(k):
    """The [-1, 1] float that `tfgan_zoo.data` produces for uint8 value `k`."""
    return np.float32(k) / np.float32(127.5) - np.float32(1.0)


def _constant_images(values, h, w, c):
    """A batch of constant images whose uint8 values are `values`."""
    return np.stack([np.full((h, w, c), _unit(v), np.float32) for v in values])


# ----------------------------------------------------------------------
# to_uint8.


def test_to_uint8_endpoints_and_midpoint():
    out = images.to_uint8(np.array([-1.0, 1.0, 0.0], np.float32))
    assert out.dtype == np.uint8
    # -1 -> 0, 1 -> 255; 0 -> 127.5 which rounds half to even (numpy) -> 128.
    assert out.tolist() == [0, 255, 128]
    assert np.round(127.5) == 128


def test_to_uint8_clips_out_of_range_values():
    out = images.to_uint8(np.array([-5.0, -1.01, 1.01, 3.0, 1e6, -1e6], np.float32))
    assert out.tolist() == [0, 0, 255, 255, 255, 0]


def test_to_uint8_inverts_the_data_pipeline_mapping_for_every_level():
    levels = np.arange(256)
    x = _unit(levels).astype(np.float32)
    assert np.array_equal(images.to_uint8(x), levels.astype(np.uint8))


def test_to_uint8_keeps_shape_and_accepts_lists_and_float64():
    x = np.linspace(-1, 1, 2 * 3 * 4 * 1).reshape(2, 3, 4, 1)
    out = images.to_uint8(x)
    assert out.shape == (2, 3, 4, 1)
    assert out.dtype == np.uint8
    assert images.to_uint8([[-1.0, 1.0]]).tolist() == [[0, 255]]
    # Monotonic.
    assert np.all(np.diff(out.ravel().astype(int)) >= 0)


# ----------------------------------------------------------------------
# make_grid.


def test_make_grid_places_tiles_row_major_with_padding():
    h, w, c, pad = 3, 4, 1, 1
    values = [10, 50, 90, 130, 170]
    batch = _constant_images(values, h, w, c)
    grid = images.make_grid(batch, rows=2, padding=pad, pad_value=255)
    rows, cols = 2, 3
    assert grid.dtype == np.uint8
    assert grid.shape == (rows * h + (rows + 1) * pad, cols * w + (cols + 1) * pad, c)
    tile_mask = np.zeros(grid.shape[:2], bool)
    for i, v in enumerate(values):
        r, col = divmod(i, cols)
        top, left = pad + r * (h + pad), pad + col * (w + pad)
        tile = grid[top : top + h, left : left + w]
        assert np.all(tile == v), f"tile {i} at row {r}, col {col}"
        tile_mask[top : top + h, left : left + w] = True
    # Everything else (padding lines and the empty 6th slot) is pad_value.
    assert np.all(grid[~tile_mask] == 255)
    # The empty slot (row 1, col 2) is exactly the padding colour.
    top, left = pad + 1 * (h + pad), pad + 2 * (w + pad)
    assert np.all(grid[top : top + h, left : left + w] == 255)


def test_make_grid_rgb_tiles_keep_their_colours():
    h, w = 2, 2
    red = np.zeros((h, w, 3), np.float32) - 1
    red[..., 0] = 1
    blue = np.zeros((h, w, 3), np.float32) - 1
    blue[..., 2] = 1
    grid = images.make_grid(np.stack([red, blue]), rows=1, padding=2, pad_value=7)
    assert grid.shape == (h + 4, 2 * w + 6, 3)
    assert np.all(grid[2:4, 2:4] == [255, 0, 0])
    assert np.all(grid[2:4, 6:8] == [0, 0, 255])
    mask = np.ones(grid.shape[:2], bool)
    mask[2:4, 2:4] = False
    mask[2:4, 6:8] = False
    assert np.all(grid[mask] == 7)


def test_make_grid_accepts_3d_grayscale_batch_and_zero_padding():
    batch = _constant_images([0, 255, 100, 200], 2, 3, 1)[..., 0]  # [n, h, w]
    grid = images.make_grid(batch, rows=2, cols=2, padding=0)
    assert grid.shape == (4, 6, 1)
    expected = np.array([[0, 255], [100, 200]], np.uint8)
    assert np.array_equal(grid[..., 0], np.kron(expected, np.ones((2, 3), np.uint8)))


@pytest.mark.parametrize(
    "n, rows, cols, expected",
    [
        (10, None, None, (3, 4)),  # about square: cols = ceil(sqrt(10)) = 4
        (16, None, None, (4, 4)),
        (1, None, None, (1, 1)),
        (10, None, 5, (2, 5)),
        (10, 3, None, (3, 4)),
        (7, 1, None, (1, 7)),
        (6, 2, 5, (2, 5)),  # explicit and larger than needed
    ],
)
def test_make_grid_infers_rows_and_cols(n, rows, cols, expected):
    h, w = 2, 3
    grid = images.make_grid(np.zeros((n, h, w, 1)), rows=rows, cols=cols, padding=1)
    r, c = expected
    assert grid.shape == (r * h + r + 1, c * w + c + 1, 1)


def test_make_grid_too_small_grid_raises():
    with pytest.raises(ValueError, match=r"rows=2, cols=2"):
        images.make_grid(np.zeros((5, 2, 2, 1)), rows=2, cols=2)


@pytest.mark.parametrize("shape", [(0, 4, 4, 1), (4, 4), (1, 2, 4, 4, 1)])
def test_make_grid_rejects_empty_or_misshaped_batches(shape):
    with pytest.raises(ValueError, match=r"Received: shape"):
        images.make_grid(np.zeros(shape))


def test_make_grid_zero_rows_raises_value_error():
    with pytest.raises(ValueError, match=r"rows=0"):
        images.make_grid(np.zeros((4, 2, 2, 1)), rows=0)


# ----------------------------------------------------------------------
# save_png / save_grid.


def _decode(path, channels=0):
    return tf.io.decode_png(tf.io.read_file(str(path)), channels=channels).numpy()


def test_save_png_round_trips_grayscale_exactly(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (7, 5, 1), dtype=np.uint8)
    path = tmp_path / "gray.png"
    assert images.save_png(str(path), image) == str(path)
    decoded = _decode(path)
    assert decoded.shape == (7, 5, 1)
    assert np.array_equal(decoded, image)
    assert sorted(os.listdir(tmp_path)) == ["gray.png"]


def test_save_png_accepts_2d_grayscale(tmp_path):
    image = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    path = tmp_path / "gray2d.png"
    images.save_png(str(path), image)
    decoded = _decode(path)
    assert decoded.shape == (3, 4, 1)
    assert np.array_equal(decoded[..., 0], image)


def test_save_png_round_trips_rgb_exactly_and_overwrites(tmp_path):
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (6, 9, 3), dtype=np.uint8)
    path = tmp_path / "rgb.png"
    images.save_png(str(path), np.zeros((2, 2, 3), np.uint8))
    images.save_png(str(path), image)
    decoded = _decode(path)
    assert decoded.shape == (6, 9, 3)
    assert np.array_equal(decoded, image)
    assert sorted(os.listdir(tmp_path)) == ["rgb.png"]


def test_save_grid_writes_make_grid(tmp_path):
    rng = np.random.default_rng(2)
    batch = rng.uniform(-1, 1, (5, 4, 4, 3)).astype(np.float32)
    path = tmp_path / "sub" / "grid.png"
    assert images.save_grid(str(path), batch, rows=2) == str(path)
    assert np.array_equal(_decode(path), images.make_grid(batch, rows=2))


def test_as_images_draws_each_kind_of_sample():
    # Images pass through.
    pictures = np.linspace(-1, 1, 2 * 4 * 4).reshape(2, 4, 4, 1).astype(np.float32)
    np.testing.assert_array_equal(images.as_images(pictures), pictures)
    # A sequence (1, then -1): the top row at step 0, the bottom row at step 1.
    curve = images.sequence_curves(np.array([[[1.0], [-1.0]]]), height=3, scale=1)
    np.testing.assert_array_equal(curve[0, ..., 0], [[1, -1], [-1, -1], [-1, 1]])
    assert images.as_images(np.zeros((5, 30, 2))).shape == (5, 32, 60, 1)
    # A voxel grid: three projections; one filled voxel lights one pixel in each.
    voxels = np.zeros((1, 4, 4, 4, 1), np.float32)
    voxels[0, 1, 2, 3] = 1.0
    views = images.as_images(voxels)
    assert views.shape == (1, 4, 12, 1) and int((views == 1).sum()) == 3
    with pytest.raises(ValueError, match=r"sample_rows`. Received: samples of shape \(3, 7\)"):
        images.as_images(np.zeros((3, 7)))
