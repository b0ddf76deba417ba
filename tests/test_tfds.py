"""tensorflow-datasets with no network: fast, clear failures and the package's own builders."""

import socket
import subprocess
import sys
import textwrap
import time

import pytest
from helpers import REPO_ROOT

from tfgan_zoo import data

tfds = pytest.importorskip("tensorflow_datasets")


def _no_network(*args, **kwargs):
    raise OSError("network disabled by the test")


@pytest.fixture
def offline(monkeypatch):
    """No connection can be opened, whatever this machine's network."""
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    monkeypatch.setattr(socket.socket, "connect", _no_network)


def test_unprepared_dataset_fails_fast_offline_naming_local_sources(offline, tmp_path):
    start = time.monotonic()
    with pytest.raises(ConnectionError, match=r"idx:<dir>.*folder:<dir>") as info:
        data.load("tfds:mnist", batch_size=4, data_dir=str(tmp_path))
    elapsed = time.monotonic() - start
    # tfds alone retries for about 3.5 minutes before it gives up.
    assert elapsed < 30, elapsed
    assert "'mnist'" in str(info.value)


def test_a_missing_module_is_named_not_blamed_on_the_network(monkeypatch, tmp_path):
    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'importlib_resources'", name="importlib_resources")

    monkeypatch.setattr(tfds, "load", missing)
    with pytest.raises(ImportError, match=r"needs the module 'importlib_resources'.*pip install importlib_resources") as info:
        data.load("tfds:mnist", batch_size=4, data_dir=str(tmp_path))
    assert "Offline" not in str(info.value)


def test_tfds_can_prepare_a_dataset():
    # The import tfds 4.9.10 makes when it prepares any dataset, and which
    # setup.py must install (tfds declares it only for old Pythons).
    import importlib_resources  # noqa: F401


_NO_NETWORK_LOAD = textwrap.dedent(
    """
    import socket, sys
    def no_network(*args, **kwargs):
        raise OSError("network disabled by the test")
    socket.create_connection = socket.getaddrinfo = socket.socket.connect = no_network
    import numpy as np
    import tensorflow_datasets as tfds
    import tfgan_zoo.data
    ds = tfds.load("toy_mixture/ring8", split="train", data_dir=sys.argv[1])
    points = np.stack([ex["point"].numpy() for ex in ds.take(2000)])
    labels = np.array([ex["label"].numpy() for ex in ds.take(2000)])
    radius = np.linalg.norm(points, axis=1)
    print("count", len(ds), "labels", sorted(set(labels.tolist())), "radius", radius.min(), radius.max())
    """
)


def test_package_builder_prepares_with_no_network_in_a_fresh_data_dir(tmp_path):
    command = [sys.executable, "-c", _NO_NETWORK_LOAD, str(tmp_path / "tfds")]
    # Where the machine allows it (root on Linux), a namespace with no
    # network at all, on top of the disabled sockets.
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n"] + command
    proc = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = proc.stdout.splitlines()[-1]
    assert line.startswith("count 10000 labels [0, 1, 2, 3, 4, 5, 6, 7] radius "), line
    rmin, rmax = (float(w) for w in line.split()[-2:])
    assert 0.75 < rmin < rmax < 0.85  # on the ring of radius 0.8


def test_every_package_builder_counts_as_local_and_tfds_mnist_does_not(tmp_path):
    from tfgan_zoo.data import tfds_builders

    # The offline fast-fail must never wait on a builder that generates its data.
    for name in ("toy_mixture/ring8", "waves", "voxel_shapes"):
        assert tfds_builders.is_package_builder(tfds.builder(name, data_dir=str(tmp_path))), name
    assert not tfds_builders.is_package_builder(tfds.builder("mnist", data_dir=str(tmp_path)))
