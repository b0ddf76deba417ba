"""Behaviour tests for `tfgan_zoo.data`: every source, splits, and bad input."""

import gzip
import os
import re
import struct

import numpy as np
import pytest
import tensorflow as tf

from helpers import MNIST_DIR, requires_shared_mnist
from tfgan_zoo import data
from tfgan_zoo.data import checks
from tfgan_zoo.data import folder as folder_source

DIGITS_N = 1797


def _unit(k):
    """The [-1, 1] value of uint8 level `k`."""
    return np.float32(k) / np.float32(127.5) - np.float32(1.0)


def _all(ds):
    """Concatenates a (possibly labelled) batched dataset into NumPy arrays."""
    images, labels = [], []
    for batch in ds:
        if isinstance(batch, tuple):
            images.append(batch[0].numpy())
            labels.append(batch[1].numpy())
        else:
            images.append(batch.numpy())
    return np.concatenate(images), (np.concatenate(labels) if labels else None)


@pytest.fixture(scope="module")
def digits_arrays():
    return data.load_arrays("digits")


# ----------------------------------------------------------------------
# digits


def test_digits_load_arrays_shapes_dtypes_and_range(digits_arrays):
    images, labels = digits_arrays
    assert images.shape == (DIGITS_N, 8, 8, 1)
    assert images.dtype == np.float32
    assert labels.shape == (DIGITS_N,)
    assert labels.dtype == np.int32
    assert set(labels.tolist()) == set(range(10))
    assert images.min() == -1.0
    assert images.max() == 1.0
    # Many distinct grey levels, not just a binary image.
    assert len(np.unique(images)) > 10


def test_digits_batches_shapes_dtypes_and_range():
    ds = data.load("digits", batch_size=32, seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (32, 8, 8, 1)
    assert images.dtype == tf.float32
    assert labels.shape == (32,)
    assert labels.dtype == tf.int32
    x = images.numpy()
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert x.min() <= -0.99 and x.max() >= 0.99
    assert np.all((labels.numpy() >= 0) & (labels.numpy() <= 9))


def test_digits_resize_to_28x28(digits_arrays):
    ds = data.load("digits", batch_size=64, image_shape=(28, 28, 1), seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (64, 28, 28, 1)
    assert images.dtype == tf.float32
    x = images.numpy()
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert x.min() <= -0.99 and x.max() >= 0.9
    arrays, _ = data.load_arrays("digits", image_shape=(28, 28, 1))
    assert arrays.shape == (DIGITS_N, 28, 28, 1)
    assert arrays.min() >= -1.0 and arrays.max() <= 1.0
    # Resizing keeps the picture: the mean intensity barely changes.
    native, _ = digits_arrays
    assert np.abs(arrays.mean(axis=(1, 2, 3)) - native.mean(axis=(1, 2, 3))).max() < 0.05


def test_digits_batches_pair_images_with_their_labels(digits_arrays):
    images, labels = digits_arrays
    by_bytes = {img.tobytes(): int(lab) for img, lab in zip(images, labels)}
    assert len(by_bytes) == DIGITS_N  # every digits image is distinct
    x, y = next(iter(data.load("digits", batch_size=64, seed=3)))
    for img, lab in zip(x.numpy(), y.numpy()):
        assert by_bytes[img.tobytes()] == lab


def test_digits_without_shuffle_keeps_source_order(digits_arrays):
    images, labels = digits_arrays
    x, y = _all(data.load("digits", batch_size=100, shuffle=False, drop_remainder=False))
    assert np.array_equal(x, images)
    assert np.array_equal(y, labels)


def test_digits_with_labels_false_yields_images_only():
    ds = data.load("digits", batch_size=16, with_labels=False, seed=0)
    batch = next(iter(ds))
    assert isinstance(batch, tf.Tensor)
    assert batch.shape == (16, 8, 8, 1)
    assert ds.element_spec.shape.as_list() == [16, 8, 8, 1]


def test_digits_seeded_shuffle_is_reproducible():
    def first(seed):
        x, y = next(iter(data.load("digits", batch_size=32, seed=seed)))
        return x.numpy(), y.numpy()

    a, b, c = first(1), first(1), first(2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # And it is actually shuffled: not the source's first 32 rows.
    unshuffled = next(iter(data.load("digits", batch_size=32, shuffle=False)))[0].numpy()
    assert not np.array_equal(a[0], unshuffled)


def test_digits_reshuffles_every_epoch_and_covers_everything(digits_arrays):
    ds = data.load("digits", batch_size=599, seed=0, with_labels=False)
    epoch1, _ = _all(ds)
    epoch2, _ = _all(ds)
    assert epoch1.shape == (3 * 599, 8, 8, 1)
    assert not np.array_equal(epoch1, epoch2)
    # 1797 = 3 * 599: every example exactly once per epoch.
    images, _ = digits_arrays
    want = sorted(img.tobytes() for img in images)
    assert sorted(img.tobytes() for img in epoch1) == want


@pytest.mark.parametrize("drop_remainder, sizes", [(True, [500, 500, 500]), (False, [500, 500, 500, 297])])
def test_digits_drop_remainder_batch_sizes(drop_remainder, sizes):
    ds = data.load("digits", batch_size=500, drop_remainder=drop_remainder, seed=0)
    assert [int(x.shape[0]) for x, _ in ds] == sizes
    if drop_remainder:
        assert ds.element_spec[0].shape.as_list() == [500, 8, 8, 1]


def test_digits_repeat_goes_past_one_epoch():
    ds = data.load("digits", batch_size=500, repeat=True, seed=0, with_labels=False)
    batches = list(ds.take(5))  # one epoch holds only 3 full batches
    assert len(batches) == 5
    assert all(b.shape == (500, 8, 8, 1) for b in batches)


def test_info_digits():
    got = data.info("digits")
    assert got == data.DataInfo(DIGITS_N, (8, 8, 1), 10, [str(i) for i in range(10)])
    assert data.info("digits", split="train[:10%]").num_examples == 179
    assert data.info("digits", split="train[90%:]").num_examples == DIGITS_N - DIGITS_N * 90 // 100


def test_digits_percent_splits_are_disjoint_and_cover_everything(digits_arrays):
    images, labels = digits_arrays
    head, head_labels = data.load_arrays("digits", split="train[:90%]")
    tail, tail_labels = data.load_arrays("digits", split="train[90%:]")
    assert len(head) + len(tail) == DIGITS_N
    assert len(head) == data.info("digits", split="train[:90%]").num_examples
    assert len(tail) == data.info("digits", split="train[90%:]").num_examples
    head_bytes = {img.tobytes() for img in head}
    tail_bytes = {img.tobytes() for img in tail}
    assert len(head_bytes) == len(head) and len(tail_bytes) == len(tail)
    assert head_bytes.isdisjoint(tail_bytes)
    assert head_bytes | tail_bytes == {img.tobytes() for img in images}
    # Fixed (unshuffled) slices: together they are the source, in order.
    assert np.array_equal(np.concatenate([head, tail]), images)
    assert np.array_equal(np.concatenate([head_labels, tail_labels]), labels)


def test_digits_percent_split_pipelines_do_not_leak(digits_arrays):
    # Shuffled pipelines over the two slices never share an example.
    train, _ = _all(data.load("digits", batch_size=64, split="train[:90%]", seed=5, drop_remainder=False))
    held, _ = _all(data.load("digits", batch_size=64, split="train[90%:]", seed=5, drop_remainder=False))
    train_bytes = {img.tobytes() for img in train}
    held_bytes = {img.tobytes() for img in held}
    assert len(train) == DIGITS_N * 90 // 100
    assert train_bytes.isdisjoint(held_bytes)
    assert len(train_bytes | held_bytes) == DIGITS_N


def test_digits_middle_slice():
    images, labels = data.load_arrays("digits", split="train[10%:20%]")
    full, full_labels = data.load_arrays("digits")
    start, stop = DIGITS_N * 10 // 100, DIGITS_N * 20 // 100
    assert np.array_equal(images, full[start:stop])
    assert np.array_equal(labels, full_labels[start:stop])


# ----------------------------------------------------------------------
# idx: on the real shared MNIST test files


def _hand_parse_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">i", raw[:4])[0]
    if magic == 2049:
        (count,) = struct.unpack(">i", raw[4:8])
        return magic, np.frombuffer(raw[8:], np.uint8).reshape(count)
    assert magic == 2051
    count, rows, cols = struct.unpack(">iii", raw[4:16])
    return magic, np.frombuffer(raw[16:], np.uint8).reshape(count, rows, cols)


@pytest.fixture(scope="module")
def mnist_arrays():
    return data.load_arrays(f"idx:{MNIST_DIR}", split="test")


@requires_shared_mnist()
def test_idx_real_mnist_shapes_and_labels(mnist_arrays):
    images, labels = mnist_arrays
    assert images.shape == (10_000, 28, 28, 1)
    assert images.dtype == np.float32
    assert labels.dtype == np.int32
    assert labels.shape == (10_000,)
    magic, raw_labels = _hand_parse_idx(os.path.join(MNIST_DIR, "t10k-labels-idx1-ubyte.gz"))
    assert magic == 2049
    assert len(raw_labels) == 10_000
    # The well-known first MNIST test labels, and all of them vs. the hand parse.
    assert raw_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert labels[:10].tolist() == raw_labels[:10].tolist()
    assert np.array_equal(labels, raw_labels)
    assert set(labels.tolist()) == set(range(10))


@requires_shared_mnist()
def test_idx_real_mnist_pixels_map_0_to_minus1_and_255_to_1(mnist_arrays):
    images, _ = mnist_arrays
    magic, raw = _hand_parse_idx(os.path.join(MNIST_DIR, "t10k-images-idx3-ubyte.gz"))
    assert magic == 2051 and raw.shape == (10_000, 28, 28)
    first = raw[:50]
    got = images[:50, ..., 0]
    assert (first == 0).any() and (first == 255).any()
    assert np.all(got[first == 0] == -1.0)
    assert np.all(got[first == 255] == 1.0)
    np.testing.assert_allclose(got, first / 127.5 - 1.0, atol=1e-6)
    assert images.min() == -1.0 and images.max() == 1.0


@requires_shared_mnist()
def test_idx_real_mnist_pipeline_and_info():
    ds = data.load(f"idx:{MNIST_DIR}", batch_size=16, split="test", seed=0)
    x, y = next(iter(ds))
    assert x.shape == (16, 28, 28, 1) and x.dtype == tf.float32
    assert y.dtype == tf.int32
    got = data.info(f"idx:{MNIST_DIR}", split="test")
    assert got.num_examples == 10_000
    assert got.image_shape == (28, 28, 1)
    assert got.num_classes == 10


@requires_shared_mnist()
def test_idx_real_mnist_single_file_set_serves_train_split_too():
    # Only t10k files are on disk: "train" falls back to them.
    assert data.info(f"idx:{MNIST_DIR}", split="train[:10%]").num_examples == 1000


# ----------------------------------------------------------------------
# idx: on tiny files written here


def _idx_bytes(magic, array):
    array = np.asarray(array, np.uint8)
    header = struct.pack(">ii", magic, array.shape[0])
    if magic == 2051:
        header += struct.pack(">ii", array.shape[1], array.shape[2])
    return header + array.tobytes()


def _write(path, payload, gz):
    path = str(path) + (".gz" if gz else "")
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(payload)
    return path


def _write_idx_pair(directory, prefix, images, labels=None, gz=True):
    ip = _write(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), _idx_bytes(2051, images), gz)
    lp = None
    if labels is not None:
        lp = _write(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), _idx_bytes(2049, labels), gz)
    return ip, lp


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_idx_tiny_files_round_trip(tmp_path, gz):
    rng = np.random.default_rng(0)
    raw = rng.integers(0, 256, (6, 3, 5), dtype=np.uint8)
    raw[0, 0, 0], raw[0, 0, 1] = 0, 255
    _write_idx_pair(tmp_path, "t10k", raw, [0, 1, 2, 3, 4, 5], gz=gz)
    images, labels = data.load_arrays(f"idx:{tmp_path}", split="test")
    assert images.shape == (6, 3, 5, 1)
    assert labels.tolist() == [0, 1, 2, 3, 4, 5]
    assert images[0, 0, 0, 0] == -1.0 and images[0, 0, 1, 0] == 1.0
    np.testing.assert_allclose(images[..., 0], raw / 127.5 - 1.0, atol=1e-6)


def test_idx_without_label_file_is_unlabelled(tmp_path):
    _write_idx_pair(tmp_path, "t10k", np.full((4, 2, 2), 9), labels=None)
    images, labels = data.load_arrays(f"idx:{tmp_path}")
    assert images.shape == (4, 2, 2, 1) and labels is None
    batch = next(iter(data.load(f"idx:{tmp_path}", batch_size=2, with_labels=True)))
    assert isinstance(batch, tf.Tensor) and batch.shape == (2, 2, 2, 1)
    assert data.info(f"idx:{tmp_path}").num_classes is None


def test_idx_picks_train_or_t10k_by_split(tmp_path):
    _write_idx_pair(tmp_path, "train", np.full((3, 2, 2), 10), [1, 1, 1])
    _write_idx_pair(tmp_path, "t10k", np.full((2, 2, 2), 200), [2, 2])
    train, train_labels = data.load_arrays(f"idx:{tmp_path}", split="train")
    test, test_labels = data.load_arrays(f"idx:{tmp_path}", split="test")
    assert train.shape == (3, 2, 2, 1) and np.all(train == _unit(10))
    assert train_labels.tolist() == [1, 1, 1]
    assert test.shape == (2, 2, 2, 1) and np.all(test == _unit(200))
    assert test_labels.tolist() == [2, 2]
    assert data.info(f"idx:{tmp_path}", split="train").num_examples == 3
    assert data.info(f"idx:{tmp_path}", split="test").num_examples == 2
    with pytest.raises(ValueError, match=r"split='validation'"):
        data.load_arrays(f"idx:{tmp_path}", split="validation")


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_idx_wrong_magic_names_the_file(tmp_path, gz):
    # An image file whose header carries the label magic number.
    bad = _write(tmp_path / "t10k-images-idx3-ubyte", _idx_bytes(2049, np.zeros(4)), gz)
    with pytest.raises(ValueError, match=re.escape(bad) + r".*magic number 2049, expected 2051"):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_wrong_magic_in_label_file_names_the_file(tmp_path):
    _write(tmp_path / "t10k-images-idx3-ubyte", _idx_bytes(2051, np.zeros((2, 2, 2))), True)
    bad = _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(2051, np.zeros((2, 1, 1))), True)
    with pytest.raises(ValueError, match=re.escape(bad) + r".*magic number 2051, expected 2049"):
        data.load_arrays(f"idx:{tmp_path}")


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_idx_truncated_data_names_the_file(tmp_path, gz):
    payload = _idx_bytes(2051, np.zeros((3, 4, 4)))[:-5]
    bad = _write(tmp_path / "t10k-images-idx3-ubyte", payload, gz)
    with pytest.raises(ValueError, match=re.escape(bad) + r".*43 bytes.*\(3, 4, 4\)"):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_extra_trailing_bytes_error(tmp_path):
    payload = _idx_bytes(2051, np.zeros((3, 4, 4))) + b"\x00"
    bad = _write(tmp_path / "t10k-images-idx3-ubyte", payload, False)
    with pytest.raises(ValueError, match=re.escape(bad)):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_file_shorter_than_a_header_names_the_file(tmp_path):
    bad = _write(tmp_path / "t10k-images-idx3-ubyte", b"\x00\x00\x08", False)
    with pytest.raises(ValueError, match=re.escape(bad) + r" is too short"):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_truncated_image_header_gives_clear_error(tmp_path):
    bad = _write(tmp_path / "t10k-images-idx3-ubyte", struct.pack(">iii", 2051, 2, 28), False)
    with pytest.raises(ValueError, match=re.escape(bad)):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_truncated_gzip_stream_errors(tmp_path):
    full = gzip.compress(_idx_bytes(2051, np.arange(2 * 20 * 20).reshape(2, 20, 20) % 251))
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(Exception):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_truncated_gzip_stream_gives_clear_error(tmp_path):
    full = gzip.compress(_idx_bytes(2051, np.arange(2 * 20 * 20).reshape(2, 20, 20) % 251))
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(ValueError, match=re.escape(str(path))):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_label_image_count_mismatch(tmp_path):
    ip, lp = _write_idx_pair(tmp_path, "t10k", np.zeros((3, 2, 2)), [0, 1])
    with pytest.raises(ValueError, match=re.escape(ip) + r" has 3 images but " + re.escape(lp) + r" has 2 labels"):
        data.load_arrays(f"idx:{tmp_path}")


def test_idx_directory_without_image_file(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(FileNotFoundError, match=re.escape(f"idx:{tmp_path}")):
        data.load(f"idx:{tmp_path}", batch_size=2)


# ----------------------------------------------------------------------
# tfds (mocked)


@pytest.fixture
def mock_tfds():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=8):
        yield tfds


@pytest.mark.parametrize("spec", ["mnist", "tfds:mnist"])
def test_tfds_mnist_batches(mock_tfds, spec):
    ds = data.load(spec, batch_size=4, seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (4, 28, 28, 1)
    assert images.dtype == tf.float32
    assert labels.shape == (4,) and labels.dtype == tf.int32
    x = images.numpy()
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert x.min() < -0.5 and x.max() > 0.5  # mapped from uint8, not left in [0, 255]
    assert np.all((labels.numpy() >= 0) & (labels.numpy() <= 9))


def test_tfds_resize_and_images_only(mock_tfds):
    ds = data.load("tfds:mnist", batch_size=4, image_shape=(14, 14, 1), split="test", seed=0, with_labels=False)
    batch = next(iter(ds))
    assert isinstance(batch, tf.Tensor)
    assert batch.shape == (4, 14, 14, 1)
    assert batch.numpy().min() >= -1.0 and batch.numpy().max() <= 1.0


def test_tfds_drop_remainder(mock_tfds):
    sizes = [int(x.shape[0]) for x, _ in data.load("mnist", batch_size=3, shuffle=False, drop_remainder=False)]
    assert sizes == [3, 3, 2]
    sizes = [int(x.shape[0]) for x, _ in data.load("mnist", batch_size=3, shuffle=False)]
    assert sizes == [3, 3]


def test_tfds_info_mnist(mock_tfds):
    got = data.info("mnist")
    assert got.num_classes == 10
    assert got.image_shape == (28, 28, 1)
    assert got.class_names == [str(i) for i in range(10)]


def test_tfds_channel_mismatch_and_too_few_classes(mock_tfds):
    with pytest.raises(ValueError, match=re.escape("image_shape=(28, 28, 3)")):
        data.load("mnist", batch_size=4, image_shape=(28, 28, 3))
    with pytest.raises(ValueError, match=r"num_classes=5"):
        data.load("mnist", batch_size=4, num_classes=5)


def test_tfds_unknown_dataset(mock_tfds):
    with pytest.raises(ValueError, match=re.escape("spec='tfds:no_such_dataset_xyz'")):
        data.load("tfds:no_such_dataset_xyz", batch_size=4)


# ----------------------------------------------------------------------
# folder:


def _png(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(tf.io.encode_png(np.asarray(array, np.uint8)).numpy())


@pytest.fixture
def class_folder(tmp_path):
    """cat/ (value 20, 3 images) and dog/ (value 220, 2 images), 4x4 grayscale."""
    root = tmp_path / "pets"
    for i in range(3):
        _png(str(root / "cat" / f"{i}.png"), np.full((4, 4, 1), 20))
    for i in range(2):
        _png(str(root / "dog" / f"{i}.png"), np.full((4, 4, 1), 220))
    (root / "dog" / "notes.txt").write_text("not an image")
    return root


def test_folder_class_subfolders_become_sorted_labels(class_folder):
    images, labels = data.load_arrays(f"folder:{class_folder}")
    assert images.shape == (5, 4, 4, 1)  # notes.txt ignored
    assert images.dtype == np.float32
    assert labels.dtype == np.int32
    assert labels.tolist() == [0, 0, 0, 1, 1]
    # Labels follow the sorted subfolder index: cat=0 (value 20), dog=1 (value 220).
    for img, lab in zip(images, labels):
        assert np.all(img == _unit(20 if lab == 0 else 220))
    got = data.info(f"folder:{class_folder}")
    assert got == data.DataInfo(5, (4, 4, 1), 2, ["cat", "dog"])


def test_folder_pipeline_yields_labelled_batches(class_folder):
    ds = data.load(f"folder:{class_folder}", batch_size=5, seed=0)
    x, y = next(iter(ds))
    assert x.shape == (5, 4, 4, 1) and x.dtype == tf.float32 and y.dtype == tf.int32
    for img, lab in zip(x.numpy(), y.numpy()):
        assert np.all(img == _unit(20 if lab == 0 else 220))


def test_folder_flat_is_unlabelled(tmp_path):
    for i, v in enumerate([0, 128, 255]):
        _png(str(tmp_path / f"{i}.png"), np.full((3, 5, 3), v))
    (tmp_path / "list.csv").write_text("a,b\n")
    images, labels = data.load_arrays(f"folder:{tmp_path}")
    assert labels is None
    assert images.shape == (3, 3, 5, 3)
    assert images[0].max() == -1.0 and images[2].min() == 1.0
    ds = data.load(f"folder:{tmp_path}", batch_size=3, with_labels=True, shuffle=False)
    batch = next(iter(ds))
    assert isinstance(batch, tf.Tensor)
    assert batch.shape == (3, 3, 5, 3)
    assert data.info(f"folder:{tmp_path}").num_classes is None


def test_folder_grayscale_to_rgb_through_image_shape(class_folder):
    images, labels = data.load_arrays(f"folder:{class_folder}", image_shape=(4, 4, 3))
    assert images.shape == (5, 4, 4, 3)
    assert np.all(images[..., 0] == images[..., 1]) and np.all(images[..., 1] == images[..., 2])
    for img, lab in zip(images, labels):
        np.testing.assert_allclose(img, _unit(20 if lab == 0 else 220), atol=1e-6)


def test_folder_rgb_to_grayscale_through_image_shape(tmp_path):
    _png(str(tmp_path / "a.png"), np.full((4, 4, 3), 255))
    _png(str(tmp_path / "b.png"), np.zeros((4, 4, 3)))
    images, _ = data.load_arrays(f"folder:{tmp_path}", image_shape=(4, 4, 1))
    assert images.shape == (2, 4, 4, 1)
    assert np.all(images[0] == 1.0) and np.all(images[1] == -1.0)


def test_folder_mixed_sizes_need_image_shape(tmp_path):
    _png(str(tmp_path / "small.png"), np.full((4, 4, 1), 255))
    _png(str(tmp_path / "big.png"), np.zeros((6, 8, 1)))
    with pytest.raises(ValueError, match=r"several shapes.*image_shape=None"):
        data.load_arrays(f"folder:{tmp_path}")
    with pytest.raises(ValueError, match=r"several shapes"):
        data.load(f"folder:{tmp_path}", batch_size=1)
    images, _ = data.load_arrays(f"folder:{tmp_path}", image_shape=(5, 5, 1))
    assert images.shape == (2, 5, 5, 1)
    # Sorted file order: big.png (black), small.png (white); resizing keeps constants.
    np.testing.assert_allclose(images[0], -1.0, atol=1e-6)
    np.testing.assert_allclose(images[1], 1.0, atol=1e-6)
    x = next(iter(data.load(f"folder:{tmp_path}", batch_size=2, image_shape=(5, 5, 1), shuffle=False)))
    assert x.shape == (2, 5, 5, 1)


def test_folder_corrupt_png_names_the_file(tmp_path):
    _png(str(tmp_path / "good.png"), np.zeros((4, 4, 1)))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    with pytest.raises(ValueError, match=r"Cannot decode image " + re.escape(str(bad))):
        data.load_arrays(f"folder:{tmp_path}")
    with pytest.raises(ValueError, match=re.escape(str(bad))):
        data.load(f"folder:{tmp_path}", batch_size=1)


def test_folder_percent_split(tmp_path):
    for i in range(10):
        _png(str(tmp_path / f"{i:02d}.png"), np.full((2, 2, 1), i * 20))
    head, _ = data.load_arrays(f"folder:{tmp_path}", split="train[:70%]")
    tail, _ = data.load_arrays(f"folder:{tmp_path}", split="train[70%:]")
    assert len(head) == 7 and len(tail) == 3
    levels = [int(round((img.max() + 1) * 127.5)) for img in np.concatenate([head, tail])]
    assert levels == [i * 20 for i in range(10)]
    assert data.info(f"folder:{tmp_path}", split="train[:70%]").num_examples == 7


def test_folder_info_matches_load_arrays_for_percent_slices(tmp_path):
    for i in range(3):
        _png(str(tmp_path / f"{i}.png"), np.full((2, 2, 1), i))
    for split in ("train[:50%]", "train[50%:]", "train[33%:66%]"):
        images, _ = data.load_arrays(f"folder:{tmp_path}", split=split)
        assert data.info(f"folder:{tmp_path}", split=split).num_examples == len(images), split


def test_folder_streaming_path_matches_in_memory(class_folder, monkeypatch):
    in_memory, mem_labels = data.load_arrays(f"folder:{class_folder}", image_shape=(4, 4, 3))
    monkeypatch.setattr(folder_source, "_IN_MEMORY_FILES", 2)  # force streaming from disk
    with pytest.raises(ValueError, match=r"image_shape=None"):
        data.load(f"folder:{class_folder}", batch_size=2)
    ds = data.load(f"folder:{class_folder}", batch_size=2, image_shape=(4, 4, 3), shuffle=False, drop_remainder=False)
    x, y = _all(ds)
    assert x.shape == (5, 4, 4, 3) and x.dtype == np.float32 and y.dtype == np.int32
    np.testing.assert_allclose(x, in_memory, atol=1e-6)
    assert np.array_equal(y, mem_labels)
    with pytest.raises(ValueError, match=r"batch_size=6"):
        data.load(f"folder:{class_folder}", batch_size=6, image_shape=(4, 4, 1))


def test_folder_streaming_path_checks_num_classes(class_folder, monkeypatch):
    with pytest.raises(ValueError, match=r"num_classes=1"):
        data.load(f"folder:{class_folder}", batch_size=2, image_shape=(4, 4, 1), num_classes=1)
    monkeypatch.setattr(folder_source, "_IN_MEMORY_FILES", 2)
    with pytest.raises(ValueError, match=r"num_classes=1"):
        data.load(f"folder:{class_folder}", batch_size=2, image_shape=(4, 4, 1), num_classes=1)


# ----------------------------------------------------------------------
# Bad input: each error names the received value.


@pytest.mark.parametrize("spec", ["cifar", "idx:", "folder:", "tfds", "s3:bucket", ""])
def test_unknown_spec(spec):
    with pytest.raises(ValueError, match=re.escape(f"spec={spec!r}")):
        data.load(spec, batch_size=4)


def test_unknown_spec_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Valid specs.*digits.*folder:<dir>"):
        data.parse_spec("cifar")


def test_missing_idx_directory(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match=re.escape(f"idx:{missing}")):
        data.load(f"idx:{missing}", batch_size=4)
    with pytest.raises(FileNotFoundError, match=re.escape(f"idx:{missing}")):
        data.info(f"idx:{missing}")


def test_missing_folder(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match=re.escape(f"folder:{missing}")):
        data.load(f"folder:{missing}", batch_size=4)


def test_empty_folder(tmp_path):
    (tmp_path / "readme.md").write_text("no images")
    with pytest.raises(FileNotFoundError, match=r"No images.*" + re.escape(f"folder:{tmp_path}")):
        data.load(f"folder:{tmp_path}", batch_size=4)
    with pytest.raises(FileNotFoundError, match=re.escape(f"folder:{tmp_path}")):
        data.info(f"folder:{tmp_path}")


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 1, 1), (28, 28, 2), (28, 28, 5), (0, 28, 1), "abc"])
def test_bad_image_shape(shape):
    with pytest.raises(ValueError, match=re.escape(f"image_shape={shape!r}")):
        data.load("digits", batch_size=4, image_shape=shape)


def test_channel_mismatch_digits_rgb():
    with pytest.raises(ValueError, match=r"1-channel.*" + re.escape("image_shape=(28, 28, 3)")):
        data.load("digits", batch_size=4, image_shape=(28, 28, 3))


@requires_shared_mnist()
def test_channel_mismatch_idx_rgb():
    with pytest.raises(ValueError, match=re.escape("image_shape=(28, 28, 3)")):
        data.load_arrays(f"idx:{MNIST_DIR}", image_shape=(28, 28, 3))


def test_labels_out_of_range_via_num_classes():
    with pytest.raises(ValueError, match=r"outside \[0, 5\).*num_classes=5"):
        data.load("digits", batch_size=4, num_classes=5)
    # Enough classes is fine.
    data.load("digits", batch_size=4, num_classes=10)


def test_labels_out_of_range_in_idx_file(tmp_path):
    _write_idx_pair(tmp_path, "t10k", np.zeros((3, 2, 2)), [0, 1, 7])
    with pytest.raises(ValueError, match=r"\[7\].*index 2.*num_classes=3"):
        data.load_arrays(f"idx:{tmp_path}", num_classes=3)


def test_batch_larger_than_dataset_with_drop_remainder():
    with pytest.raises(ValueError, match=r"17 examples.*batch_size=32"):
        data.load("digits", batch_size=32, split="train[:1%]")
    # Without drop_remainder one partial batch is fine.
    ds = data.load("digits", batch_size=32, split="train[:1%]", drop_remainder=False)
    assert [int(x.shape[0]) for x, _ in ds] == [17]


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match=re.escape(f"batch_size={batch_size!r}")):
        data.load("digits", batch_size=batch_size)


@pytest.mark.parametrize("split", ["train[:90%", "train[90%:10%]", "train[:150%]", "tr ain", "", "train[a:b]"])
def test_bad_split_syntax(split):
    with pytest.raises(ValueError, match=re.escape(f"split={split!r}")):
        data.load("digits", batch_size=4, split=split)


def test_check_finite_rejects_nan_images():
    # No public data source can hold floats (every decoder yields uint8), so
    # the check is exercised directly.
    good = np.zeros((3, 2, 2, 1), np.float32)
    checks.finite(good, "x")
    bad = good.copy()
    bad[1, 0, 0, 0] = np.nan
    bad[2, 1, 1, 0] = np.inf
    with pytest.raises(ValueError, match=r"src has 2 image\(s\) with NaN or Inf values, the first at index 1"):
        checks.finite(bad, "src")


def test_gan_fit_on_nan_data_raises_clear_error():
    import tfgan_zoo

    model = tfgan_zoo.create("dcgan", image_shape=(8, 8, 1), base_filters=4, seed=0)
    bad = np.zeros((16, 8, 8, 1), "float32")
    bad[3, 0, 0, 0] = bad[9, 1, 1, 0] = np.nan
    # An array is checked whole before training, naming the count...
    with pytest.raises(ValueError, match=r"training data has NaN or Inf values. Received: 2 NaN/Inf"):
        model.fit(bad, batch_size=8, epochs=1, verbose=0)
    # ...a dataset batch by batch, inside the step.
    ds = tf.data.Dataset.from_tensor_slices(bad).batch(8)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"training data has NaN or Inf"):
        model.fit(ds, epochs=1, verbose=0)


@pytest.mark.parametrize("split", ["test", "tset", "validation[:10%]"])
def test_digits_rejects_split_names_it_does_not_have(split):
    with pytest.raises(ValueError, match=r"digits has one split.*Received: split="):
        data.load_arrays("digits", split=split)
    with pytest.raises(ValueError, match=r"Received: split="):
        data.load("digits", batch_size=8, split=split)


def test_idx_with_one_file_pair_rejects_unknown_split_names(tmp_path):
    images = np.zeros((4, 2, 2), np.uint8)
    with open(tmp_path / "t10k-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">iiii", 2051, 4, 2, 2) + images.tobytes())
    assert data.load_arrays(f"idx:{tmp_path}", split="train")[0].shape == (4, 2, 2, 1)
    with pytest.raises(ValueError, match=r"Received: split='tset'"):
        data.load_arrays(f"idx:{tmp_path}", split="tset")


def test_auto_shard_policy_is_chosen_per_source():
    policy = tf.data.experimental.AutoShardPolicy
    ds = data.load("digits", batch_size=8)
    assert ds.options().experimental_distribute.auto_shard_policy == policy.DATA
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=8):
        ds = data.load("mnist", batch_size=4)
    assert ds.options().experimental_distribute.auto_shard_policy == policy.AUTO


# ----------------------------------------------------------------------
# Split slices in tfds' syntax: indices are examples, `%` marks percents.


@pytest.mark.parametrize(
    "split, rows",
    [
        ("train[:50]", slice(0, 50)),
        ("train[10:20]", slice(10, 20)),
        ("train[-100:]", slice(DIGITS_N - 100, DIGITS_N)),
        ("train[:-100]", slice(0, DIGITS_N - 100)),
        ("train[:90%]", slice(0, DIGITS_N * 90 // 100)),
        ("train[90%:]", slice(DIGITS_N * 90 // 100, DIGITS_N)),
        ("train[-10%:]", slice(DIGITS_N * 90 // 100, DIGITS_N)),
        ("train[:1797]", slice(0, DIGITS_N)),
    ],
)
def test_split_slices_follow_tfds_syntax(digits_arrays, split, rows):
    images, labels = digits_arrays
    got, got_labels = data.load_arrays("digits", split=split)
    assert np.array_equal(got, images[rows]) and np.array_equal(got_labels, labels[rows])
    assert data.info("digits", split=split).num_examples == len(images[rows])


def test_absolute_slice_counts_examples_in_every_in_memory_source(tmp_path, class_folder):
    # `[:3]` is three examples, not 3% (which would be none of these sources).
    _write_idx_pair(tmp_path, "t10k", np.arange(6 * 4).reshape(6, 2, 2), [0, 1, 2, 0, 1, 2])
    images, labels = data.load_arrays(f"idx:{tmp_path}", split="test[:3]")
    assert images.shape == (3, 2, 2, 1) and labels.tolist() == [0, 1, 2]
    assert data.info(f"idx:{tmp_path}", split="test[-2:]").num_examples == 2
    assert len(data.load_arrays(f"folder:{class_folder}", split="train[:3]")[0]) == 3
    assert data.info(f"folder:{class_folder}", split="train[3:]").num_examples == 2
    assert len(data.load_arrays("ring8", split="train[:3]")[0]) == 3


@pytest.mark.parametrize("split", ["train[:0%]", "train[5:5]", "train[20:10]", "train[100%:]"])
def test_empty_slice_fails_naming_the_split(split):
    pattern = r"selects no examples of digits.*Received: split=" + re.escape(repr(split)) + "$"
    with pytest.raises(ValueError, match=pattern):
        data.load("digits", batch_size=1, split=split, drop_remainder=False)
    with pytest.raises(ValueError, match=pattern):
        data.info("digits", split=split)
    with pytest.raises(ValueError, match=pattern):
        data.load_arrays("digits", split=split)


@pytest.mark.parametrize(
    "split, message",
    [
        ("train[:1798]", r"asks for row 1798, but digits has 1797 examples"),
        ("train[-1798:]", r"asks for row -1798"),
        ("train[10%:50]", r"same unit"),
        ("train[1.5:3]", r"whole numbers"),
        ("train[:]", r"tfds slice"),
        ("train[5]", r"tfds slice"),
        ("train+test", r"joining splits with '\+'"),
    ],
)
def test_bad_slices_are_refused(split, message):
    with pytest.raises(ValueError, match=message + r".*Received: split=" + re.escape(repr(split)) + "$"):
        data.load_arrays("digits", split=split)


# ----------------------------------------------------------------------
# Class counts: declared where the format has them; IDX labels checked.


def _corrupt_labels():
    labels = np.repeat(np.arange(10), 50)
    labels[123] = 200  # one flipped byte
    return labels


def test_idx_refuses_a_rare_label_far_outside_the_others(tmp_path):
    _write_idx_pair(tmp_path, "t10k", np.zeros((500, 2, 2)), _corrupt_labels())
    pattern = r"1 row\(s\) with rare labels outside the range 0\.\.9.*rows \[123\].*201-class.*Received: 1 row\(s\) with label\(s\) \[200\]$"
    with pytest.raises(ValueError, match=pattern):
        data.info(f"idx:{tmp_path}")
    with pytest.raises(ValueError, match=pattern):
        data.load_arrays(f"idx:{tmp_path}")
    with pytest.raises(ValueError, match=pattern):
        data.load(f"idx:{tmp_path}", batch_size=8)


def test_idx_class_count_from_clean_labels(tmp_path):
    labels = np.repeat(np.arange(10), 50)
    labels[123] = 3  # a rare value inside the common range is fine
    _write_idx_pair(tmp_path, "t10k", np.zeros((500, 2, 2)), labels)
    assert data.info(f"idx:{tmp_path}").num_classes == 10
    # Few rows, every label as rare as the others: nothing is an outlier.
    _write_idx_pair(tmp_path, "train", np.zeros((3, 2, 2)), [0, 1, 7])
    assert data.info(f"idx:{tmp_path}", split="train").num_classes == 8


def test_idx_finds_labels_compressed_unlike_the_images(tmp_path):
    _write(tmp_path / "t10k-images-idx3-ubyte", _idx_bytes(2051, np.zeros((3, 2, 2))), True)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(2049, [2, 0, 1]), False)
    assert data.load_arrays(f"idx:{tmp_path}")[1].tolist() == [2, 0, 1]
    assert data.info(f"idx:{tmp_path}").num_classes == 3


def test_declared_classes_count_empty_classes(tmp_path):
    # folder: subfolder names are the classes, even one with no images yet.
    _png(str(tmp_path / "a" / "0.png"), np.zeros((2, 2, 1)))
    _png(str(tmp_path / "c" / "0.png"), np.zeros((2, 2, 1)))
    (tmp_path / "b").mkdir()
    assert data.info(f"folder:{tmp_path}") == data.DataInfo(2, (2, 2, 1), 3, ["a", "b", "c"])


# ----------------------------------------------------------------------
# info() reads headers, listings and known counts, not every example.


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_idx_info_reads_only_the_image_header(tmp_path, gz):
    # The header promises 500 images of 28x28; no pixel follows it.
    header = struct.pack(">iiii", 2051, 500, 28, 28)
    _write(tmp_path / "t10k-images-idx3-ubyte", header + bytes(10), gz)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(2049, np.repeat(np.arange(10), 50)), gz)
    assert data.info(f"idx:{tmp_path}", split="test[:90%]") == data.DataInfo(450, (28, 28, 1), 10, None)
    with pytest.raises(ValueError, match=r"10 bytes of data; its header says \(500, 28, 28\)"):
        data.load_arrays(f"idx:{tmp_path}")


def test_folder_info_decodes_only_the_first_image(tmp_path):
    _png(str(tmp_path / "a.png"), np.zeros((3, 5, 1)))
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n not a png")
    assert data.info(f"folder:{tmp_path}") == data.DataInfo(2, (3, 5, 1), None, None)
    with pytest.raises(ValueError, match=r"Cannot decode image"):
        data.load_arrays(f"folder:{tmp_path}")


@pytest.mark.parametrize("spec, count", [("digits", DIGITS_N), ("ring8", data.TOY_EXAMPLES), ("grid25", data.TOY_EXAMPLES)])
def test_info_of_known_sources_reads_no_examples(monkeypatch, spec, count):
    source = data.get_source(data.parse_spec(spec)[0])

    def no_reading(*args, **kwargs):
        raise AssertionError("info() read the examples")

    monkeypatch.setattr(type(source), "arrays", no_reading)
    monkeypatch.setattr("sklearn.datasets.load_digits", no_reading)
    assert data.info(spec).num_examples == count


# ----------------------------------------------------------------------
# The source registry: a new kind of data is one registered class.


def test_a_registered_source_gets_specs_splits_checks_and_the_pipeline(monkeypatch):
    from tfgan_zoo.data import sources

    monkeypatch.setattr(sources, "_REGISTRY", dict(sources._REGISTRY))

    @data.register_source("const")
    class Const(sources.Source):
        specs = ("const:<level>",)
        takes_argument = True

        def info(self, arg, split_name, data_dir=None):
            return data.DataInfo(10, (2, 2, 1), None, None)

        def arrays(self, arg, split_name, image_shape, take):
            return np.full((10, 2, 2, 1), int(arg), np.uint8)[take(10)], None

    assert data.parse_spec("const:255") == ("const", "255")
    assert "const:<level>" in sources.specs()
    assert data.info("const:255", split="train[:4]").num_examples == 4
    batch = next(iter(data.load("const:255", batch_size=4, split="train[-4:]")))
    assert batch.shape == (4, 2, 2, 1) and np.all(batch.numpy() == 1.0)
    with pytest.raises(ValueError, match=r"already registered"):
        data.register_source("const")(Const)
