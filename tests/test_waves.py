"""The `waves` data: sines and sawtooths, in memory and as a tfds builder."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from helpers import REPO_ROOT

from tfgan_zoo import data
from tfgan_zoo.data import waves


def test_shapes_range_and_balance():
    x, y = waves.waves(1000, seed=0)
    assert x.shape == (1000, 30, 1) and x.dtype == np.float32
    assert y.dtype == np.int32 and np.bincount(y).tolist() == [500, 500]
    assert np.abs(x).max() <= 0.9
    # Amplitudes drawn from [0.1, 0.9]: each wave's peak lies in that range
    # (a sawtooth or a sine of >= 1 cycle over 30 steps comes close to it).
    peak = np.abs(x).max(axis=(1, 2))
    assert peak.min() > 0.05 and peak.max() <= 0.9
    multi, _ = waves.waves(10, num_features=3, seed=0)
    assert multi.shape == (10, 30, 3)
    assert not np.allclose(multi[:, :, 0], multi[:, :, 1])  # Channels draw their own waves.


def test_a_seed_gives_the_same_waves():
    a, la = waves.waves(50, seed=3)
    b, lb = waves.waves(50, seed=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.allclose(a, waves.waves(50, seed=4)[0])


def _sine_residual(x):
    """How far `x` is from a sinusoid: a sampled sinusoid satisfies
    x[t+1] + x[t-1] = 2 cos(w) x[t] for one constant; the least-squares
    residual of that fit, relative to the signal's size."""
    lhs, rhs = x[2:] + x[:-2], x[1:-1]
    c = lhs @ rhs / (rhs @ rhs)
    return np.linalg.norm(lhs - c * rhs) / np.linalg.norm(lhs)


def test_sines_and_sawtooths_are_as_defined():
    x, y = waves.waves(200, seed=0)
    for wave, label in zip(x[:, :, 0], y):
        diffs = np.diff(wave)
        if label == 0:  # A sampled sinusoid.
            assert _sine_residual(wave) < 1e-4
        else:  # Rises at one slope, A * 2f / 30 per step, and drops at most 6 times (f <= 5).
            steady = np.isclose(diffs, np.median(diffs), atol=1e-5)
            assert steady.sum() >= len(diffs) - 6 and np.median(diffs) > 0
            assert _sine_residual(wave) > 1e-2
    assert waves.FREQUENCY == (1.0, 5.0) and waves.AMPLITUDE == (0.1, 0.9)


def test_load_gives_batches_and_splits():
    ds = data.load("waves", batch_size=16, seed=0)
    x, y = next(iter(ds))
    assert tuple(x.shape) == (16, 30, 1) and tuple(y.shape) == (16,)
    assert data.info("waves").num_examples == 10_000
    assert data.info("waves:3", split="test").image_shape == (30, 3)
    train, _ = data.load_arrays("waves")
    test, _ = data.load_arrays("waves", split="test")
    assert len(train) == 10_000 and len(test) == 2_000
    assert not np.isin(test[:, 0, 0], train[:, 0, 0]).any()  # Different draws.
    np.testing.assert_array_equal(data.load_arrays("waves", split="test[:5]")[0], test[:5])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: data.load("waves:0", batch_size=4), r"Received: spec='waves:0'"),
        (lambda: data.load("waves:x", batch_size=4), r"Received: spec='waves:x'"),
        (lambda: data.load("waves", batch_size=4, image_shape=(20, 1)), r"Received: image_shape=\(20, 1\)"),
        (lambda: data.load("waves:3", batch_size=4, image_shape=(30, 1)), r"Received: image_shape=\(30, 1\)"),
        (lambda: data.load("waves", batch_size=4, split="validation"), r"Received: split='validation'"),
        (lambda: waves.waves(0), r"Received: num_examples=0"),
    ],
)
def test_bad_requests_name_the_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


_NO_NETWORK_LOAD = textwrap.dedent(
    """
    import socket, sys
    def no_network(*args, **kwargs):
        raise OSError("network disabled by the test")
    socket.create_connection = socket.getaddrinfo = socket.socket.connect = no_network
    import numpy as np
    import tensorflow_datasets as tfds
    import tfgan_zoo.data
    for config in ("waves", "waves/3d"):
        ds = tfds.load(config, split="test", data_dir=sys.argv[1], shuffle_files=False)
        x = np.stack([ex["sequence"].numpy() for ex in ds])
        y = np.array([ex["label"].numpy() for ex in ds])
        want = tfgan_zoo.data.waves.split_arrays("test", x.shape[-1])
        order = lambda v: np.lexsort(v.reshape(len(v), -1).T)
        same = np.array_equal(x[order(x)], want[0][order(want[0])]) and np.bincount(y).tolist() == [1000, 1000]
        print(config, x.shape, same)
    """
)


def test_tfds_builder_prepares_with_no_network(tmp_path):
    # Where the machine allows it, in a namespace with no network at all.
    no_net = ["unshare", "-n"] if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0 else []
    args = [sys.executable, "-c", _NO_NETWORK_LOAD, str(tmp_path / "tfds")]
    proc = subprocess.run(no_net + args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [line for line in proc.stdout.splitlines() if line.startswith("waves")] == ["waves (2000, 30, 1) True", "waves/3d (2000, 30, 3) True"]


# ----------------------------------------------------------------------------
# seq:<file>: the user's own sequences.


def test_user_sequences_from_npy_and_npz(tmp_path):
    x, y = waves.waves(12, num_features=2, seed=0)
    np.save(tmp_path / "s.npy", x)
    np.savez(tmp_path / "s.npz", sequences=x, labels=y)
    a = data.load_arrays(f"seq:{tmp_path / 's.npy'}")
    b = data.load_arrays(f"seq:{tmp_path / 's.npz'}", split="train[:6]")
    np.testing.assert_array_equal(a[0], x)
    assert a[1] is None
    np.testing.assert_array_equal(b[0], x[:6])
    np.testing.assert_array_equal(b[1], y[:6])
    assert data.info(f"seq:{tmp_path / 's.npz'}").image_shape == (30, 2)
    batch, labels = next(iter(data.load(f"seq:{tmp_path / 's.npz'}", batch_size=4, image_shape=(30, 2))))
    assert tuple(batch.shape) == (4, 30, 2) and tuple(labels.shape) == (4,)


def _bad_file(tmp_path, name, **arrays):
    path = str(tmp_path / name)
    if name.endswith(".npz"):
        np.savez(path, **arrays)
    else:
        np.save(path, arrays["x"])
    return f"seq:{path}"


@pytest.mark.parametrize(
    "name, arrays, match",
    [
        ("flat.npy", {"x": np.zeros((4, 30))}, r"Received: an array of shape \(4, 30\)"),
        ("nan.npz", {"x": np.where(np.arange(30)[None, :, None] == 3, np.nan, 0.0) * np.ones((4, 1, 1))}, r"4 sequence\(s\) with NaN"),
        ("loud.npz", {"x": np.full((4, 30, 1), 2.0)}, r"scaled to \[-1, 1\]. Received: values in \[2, 2\]"),
        ("nox.npz", {"data": np.zeros((4, 30, 1))}, r"Received: arrays \['data'\]"),
        ("ragged.npz", {"x": np.zeros((4, 30, 1)), "y": np.zeros(3, np.int64)}, r"Received: labels of shape \(3,\)"),
    ],
)
def test_bad_user_sequences_name_the_value(tmp_path, name, arrays, match):
    with pytest.raises(ValueError, match=match):
        data.load_arrays(_bad_file(tmp_path, name, **arrays))


def test_user_sequences_of_another_length_are_refused(tmp_path):
    np.save(tmp_path / "s.npy", np.zeros((4, 20, 1), np.float32))
    with pytest.raises(ValueError, match=r"holds sequences of shape \(20, 1\). Received: image_shape=\(30, 1\)"):
        data.load(f"seq:{tmp_path / 's.npy'}", batch_size=2, image_shape=(30, 1))
    with pytest.raises(FileNotFoundError, match="Received: spec='seq:nope.npy'"):
        data.load_arrays("seq:nope.npy")


def _long_csv(x, y=None):
    """Long-format rows (series_id, step, f0, f1, ..., label) of `x [n, steps, features]`, shuffled."""
    import pandas as pd

    n, steps, features = x.shape
    table = pd.DataFrame({"series_id": np.repeat([f"s{i}" for i in range(n)], steps), "step": np.tile(np.arange(steps), n)})
    for f in range(features):
        table[f"f{f}"] = x[:, :, f].reshape(-1)
    if y is not None:
        table["label"] = np.repeat(y, steps)
    # Series stay in order of first appearance; steps within a series come in any order.
    table["order"] = np.repeat(np.arange(n), steps)
    return table.sample(frac=1, random_state=0).sort_values("order", kind="stable").drop(columns="order")


def test_user_sequences_from_a_long_format_csv(tmp_path):
    x, y = waves.waves(5, num_features=2, seed=0)
    _long_csv(x, y).to_csv(tmp_path / "s.csv", index=False)
    values, labels = data.load_arrays(f"seq:{tmp_path / 's.csv'}")
    np.testing.assert_allclose(values, x, atol=1e-6)
    np.testing.assert_array_equal(labels, y)
    _long_csv(x).to_csv(tmp_path / "unlabelled.csv", index=False)
    assert data.load_arrays(f"seq:{tmp_path / 'unlabelled.csv'}")[1] is None
    batch, _ = next(iter(data.load(f"seq:{tmp_path / 's.csv'}", batch_size=5, image_shape=(30, 2))))
    assert tuple(batch.shape) == (5, 30, 2)


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda t: t.drop(columns="step"), r"needs the columns 'series_id', 'step'.*Received: columns \['series_id', 'f0', 'label'\]"),
        (lambda t: t[~((t.series_id == "s2") & (t.step == 29))], r"Received: series_id='s2' with 29 steps"),
        (lambda t: pd_concat(t, t.iloc[:1]), r"Received: series_id='s0' step=\d+ twice"),
        (lambda t: t.assign(f0=np.where((t.series_id == "s1") & (t.step == 4), np.nan, t.f0)), r"1 series with missing.*series_id='s1'"),
        (lambda t: t.assign(f0=np.where(t.step == 4, "high", t.f0.astype(str))), r"column 'f0' must hold numbers. Received: 'high'"),
        (lambda t: t.assign(label=np.where((t.series_id == "s3") & (t.step == 0), 7, t.label)), r"Received: series_id='s3' with labels \[\d, 7\]"),
        (lambda t: t.assign(label=np.where(t.series_id == "s3", -1, t.label)), r"labels must be 4 non-negative ints"),
    ],
)
def test_bad_long_format_csv_names_the_value(tmp_path, edit, match):
    x, y = waves.waves(4, seed=0)
    edit(_long_csv(x, y)).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match=match):
        data.load_arrays(f"seq:{tmp_path / 'bad.csv'}")


def pd_concat(*tables):
    import pandas as pd

    return pd.concat(tables)
