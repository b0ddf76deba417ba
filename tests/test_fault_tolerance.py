"""Backups that survive a kill, resuming, and stopping on NaN."""

import os
import shutil
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from helpers import REPO_ROOT
from helpers import random_batch
from helpers import run_module
from helpers import tiny_model

from tfgan_zoo import callbacks
from tfgan_zoo import export as export_lib


def test_backups_are_written_whole_and_restored(tmp_path):
    model = tiny_model("dcgan")
    x, _ = random_batch(model, 32)
    backup = callbacks.ResumableBackup(str(tmp_path), keep=2)
    model.fit(x, batch_size=8, epochs=3, verbose=0, callbacks=[backup])
    assert [e for e, _ in backup.backups(str(tmp_path))] == [2, 3]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")]
    # A fresh model restores weights, optimizer state and the epoch counter.
    fresh = tiny_model("dcgan")
    restore = callbacks.ResumableBackup(str(tmp_path))
    history = fresh.fit(x, batch_size=8, epochs=3, verbose=0, callbacks=[restore])
    assert restore.restored_epoch == 3 and history.history == {}  # Nothing left to train.
    for a, b in zip(model.generator.get_weights(), fresh.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(fresh.g_optimizer.iterations.numpy()) == 12
    for a, b in zip(model.d_optimizer.variables, fresh.d_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_torn_backups_are_ignored(tmp_path):
    model = tiny_model("dcgan")
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[callbacks.ResumableBackup(str(tmp_path))])
    # What a kill mid-write can leave: a temporary directory, and (had the
    # layout been written in place) a directory without its state file.
    (tmp_path / ".tmp-epoch-000003-abc").mkdir()
    (tmp_path / ".tmp-epoch-000003-abc" / "weights.weights.h5").write_bytes(b"torn")
    (tmp_path / "epoch-000004").mkdir()
    (tmp_path / "epoch-000004" / "weights.weights.h5").write_bytes(b"torn")
    fresh = tiny_model("dcgan")
    restore = callbacks.ResumableBackup(str(tmp_path))
    fresh.fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[restore])
    assert restore.restored_epoch == 2


def test_nan_stops_training_and_keeps_the_last_good_backup(tmp_path):
    model = tiny_model("dcgan")
    x, _ = random_batch(model, 32)

    def poison(batch, logs):
        if model.g_optimizer.iterations.numpy() == 6:  # Epoch 2, after its 2nd step.
            kernel = model.discriminator.get_layer("logits").kernel
            kernel.assign(np.full(kernel.shape, np.nan, np.float32))

    backup = callbacks.ResumableBackup(str(tmp_path))
    cbs = [callbacks.StopOnNaN(), backup, keras.callbacks.LambdaCallback(on_train_batch_end=poison)]
    with pytest.raises(callbacks.NonFiniteLossError, match=r"at epoch 2, step 3 \(generator step 7\)") as err:
        model.fit(x, batch_size=8, epochs=3, verbose=0, callbacks=cbs)
    assert "d_loss" in str(err.value) and "last good backup is kept" in str(err.value)
    # Epoch 1's backup is the newest; the NaN weights were never saved.
    assert [e for e, _ in backup.backups(str(tmp_path))] == [1]
    fresh = tiny_model("dcgan")
    fresh.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[callbacks.ResumableBackup(str(tmp_path))])
    assert all(np.all(np.isfinite(w)) for w in fresh.discriminator.get_weights())


def test_killed_run_resumes_and_finishes_with_a_complete_export(tmp_path):
    workdir, export_dir = tmp_path / "work", tmp_path / "sm"
    args = [
        "--model=dcgan",
        "--dataset=digits",
        "--image_shape=8,8,1",
        "--width=4",
        "--latent_dim=8",
        "--batch_size=32",
        "--epochs=6",
        "--verbose=2",
        f"--workdir={workdir}",
        f"--export_dir={export_dir}",
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=REPO_ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "launchers.train", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while not (workdir / "backup" / "epoch-000002").exists():
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no backup after 240 s"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # Mid-epoch 3 (or while backing up).
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not (workdir / "model.keras").exists() and not (export_dir / "dcgan").exists()

    resumed = run_module("launchers.train", *args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log = resumed.stdout + resumed.stderr
    assert "Epoch 1/6" not in log and "Epoch 6/6" in log
    model = keras.saving.load_model(str(workdir / "model.keras"))
    steps = 1797 // 32
    assert int(model.g_optimizer.iterations.numpy()) == 6 * steps
    assert int(model.d_optimizer.iterations.numpy()) == 6 * steps
    version = export_dir / "dcgan" / "1"
    assert (version / "saved_model.pb").exists() and (version / "variables").is_dir()
    assert export_lib.load(str(export_dir / "dcgan")).generate(num_samples=2, seed=0).shape == (2, 8, 8, 1)
    assert not [p for p in os.listdir(export_dir / "dcgan") if p.startswith(".tmp-")]
    assert sorted(os.listdir(workdir / "samples"))[-2:] == ["epoch_0006.png", "latest.png"]


class _NoiseAtEpochStart(keras.callbacks.Callback):
    """Records the training and sampling seed-generator states at each epoch start."""

    def __init__(self):
        super().__init__()
        self.states = {}

    def on_epoch_begin(self, epoch, logs=None):
        self.states[epoch] = {n: g.state.numpy().copy() for n, g in self.model.seed_generators.items()}


def test_resume_continues_the_noise_stream(tmp_path):
    x, _ = random_batch(tiny_model("dcgan"), 32)
    # Uninterrupted: two epochs.
    straight = _NoiseAtEpochStart()
    tiny_model("dcgan").fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[straight])
    # Interrupted after epoch 1 (a new process would build a fresh model),
    # then resumed from the backup.
    tiny_model("dcgan").fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[callbacks.ResumableBackup(str(tmp_path))])
    resumed = _NoiseAtEpochStart()
    fresh = tiny_model("dcgan")
    restore = callbacks.ResumableBackup(str(tmp_path))
    fresh.fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[restore, resumed])
    assert restore.restored_epoch == 1 and list(resumed.states) == [1]
    for name in ("train_seed", "sample_seed"):
        # Epoch 2's noise is not epoch 1's again, and is what the
        # uninterrupted run drew.
        np.testing.assert_array_equal(resumed.states[1][name], straight.states[1][name])
    assert not np.array_equal(resumed.states[1]["train_seed"], straight.states[0]["train_seed"])


# ----------------------------------------------------------------------
# Damaged backups: the newest good one is restored, the bad ones are kept
# aside under `corrupt-...`, and every step is printed.


@pytest.fixture(scope="module")
def three_backups(tmp_path_factory):
    """`(x, directory)`: backups of epochs 1, 2, 3 of a tiny dcgan."""
    directory = tmp_path_factory.mktemp("backups") / "backup"
    model = tiny_model("dcgan")
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=8, epochs=3, verbose=0, callbacks=[callbacks.ResumableBackup(str(directory), keep=3)])
    return x, directory


def _damage(path, how):
    weights, state = path / callbacks.ResumableBackup.WEIGHTS, path / callbacks.ResumableBackup.STATE
    if how == "state not JSON":
        state.write_text('{"epoch": 3, "lo')
    elif how == "state without epoch":
        state.write_text('{"logs": {}}')
    elif how == "state epoch not int":
        state.write_text('{"epoch": "three"}')
    elif how == "truncated weights":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif how == "random weights":
        weights.write_bytes(np.random.default_rng(0).bytes(4096))


def _epochs(directory):
    return [e for e, _ in callbacks.ResumableBackup.backups(str(directory))]


# (id, damaged epochs -> how, the epoch restored (None: none left), substrings printed)
DAMAGED_BACKUP_CASES = [
    ("state not JSON", {3: "state not JSON"}, 2, ["state.json is not a backup state", "Unterminated string"]),
    ("state without epoch", {3: "state without epoch"}, 2, ["no integer 'epoch'", "['logs']"]),
    ("state epoch not int", {3: "state epoch not int"}, 2, ["no integer 'epoch'"]),
    ("truncated weights", {3: "truncated weights"}, 2, ["not a readable HDF5 weights file (1000 bytes)"]),
    ("two newest bad", {3: "random weights", 2: "state not JSON"}, 1, ["4096 bytes", "state.json"]),
    ("all bad", {1: "truncated weights", 2: "truncated weights", 3: "state not JSON"}, None, ["1000 bytes"]),
]


@pytest.mark.parametrize("case", DAMAGED_BACKUP_CASES, ids=[c[0] for c in DAMAGED_BACKUP_CASES])
def test_a_damaged_backup_falls_back_to_the_newest_good_one(case, three_backups, tmp_path, capsys):
    _, damage, restored, substrings = case
    x, source = three_backups
    directory = tmp_path / "backup"
    shutil.copytree(source, directory)
    for epoch, how in damage.items():
        _damage(directory / f"epoch-{epoch:06d}", how)
    good = {e: (directory / f"epoch-{e:06d}" / "weights.weights.h5").read_bytes() for e in (1, 2, 3) if e not in damage}
    fresh = tiny_model("dcgan")
    restore = callbacks.ResumableBackup(str(directory), keep=3)
    fresh.fit(x, batch_size=8, epochs=restored or 1, verbose=0, callbacks=[restore])  # Nothing left to train.
    assert restore.restored_epoch == restored
    out = capsys.readouterr().out
    for epoch in damage:
        bad, aside = directory / f"epoch-{epoch:06d}", directory / f"corrupt-epoch-{epoch:06d}"
        assert f"the backup {bad} is damaged" in out and f"moved it to {aside}" in out, out
        assert aside.is_dir()  # Kept, out of the way.
    for want in substrings:
        assert want in out, (want, out)
    if restored is not None:
        assert f"resuming from {directory / f'epoch-{restored:06d}'} (epoch {restored})" in out
    # Every good backup is still there, byte for byte.
    for epoch, data in good.items():
        assert (directory / f"epoch-{epoch:06d}" / "weights.weights.h5").read_bytes() == data
    assert _epochs(directory) == sorted(good) or (restored is None and _epochs(directory) == [1])


def test_training_after_a_fallback_keeps_the_damaged_backup(three_backups, tmp_path, capsys):
    x, source = three_backups
    directory = tmp_path / "backup"
    shutil.copytree(source, directory)
    _damage(directory / "epoch-000003", "truncated weights")
    fresh = tiny_model("dcgan")
    restore = callbacks.ResumableBackup(str(directory), keep=2)
    history = fresh.fit(x, batch_size=8, epochs=4, verbose=0, callbacks=[restore])
    assert restore.restored_epoch == 2 and len(history.history["d_loss"]) == 2  # Epochs 3 and 4.
    assert _epochs(directory) == [3, 4]  # Rotation keeps `keep` good ones...
    assert (directory / "corrupt-epoch-000003").is_dir()  # ...and never touches the damaged one.
    # A second damaged epoch 3 goes beside the first.
    _damage(directory / "epoch-000003", "state not JSON")
    _damage(directory / "epoch-000004", "state not JSON")
    tiny_model("dcgan").fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[callbacks.ResumableBackup(str(directory))])
    assert (directory / "corrupt-epoch-000003-2").is_dir() and (directory / "corrupt-epoch-000004").is_dir()
    assert _epochs(directory) == [1]  # No good backup left: trained from the start.


def test_a_backup_of_another_model_raises_and_moves_nothing(three_backups, tmp_path):
    x, source = three_backups
    directory = tmp_path / "backup"
    shutil.copytree(source, directory)
    other = tiny_model("dcgan", width=8)  # Readable weights that do not fit.
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(ValueError, match="weights are unchanged") as err:
        other.fit(x, batch_size=8, epochs=4, verbose=0, callbacks=[callbacks.ResumableBackup(str(directory))])
    assert str(directory / "epoch-000003" / "weights.weights.h5") in str(err.value)
    assert _epochs(directory) == [1, 2, 3] and not list(directory.glob("corrupt-*"))
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_worker_skips_a_damaged_backup_without_moving_it(three_backups, tmp_path, capsys):
    x, source = three_backups
    directory = tmp_path / "backup"
    shutil.copytree(source, directory)
    _damage(directory / "epoch-000003", "state not JSON")
    restore = callbacks.ResumableBackup(str(directory), write_dir=str(tmp_path / "worker"))
    tiny_model("dcgan").fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[restore])
    assert restore.restored_epoch == 2
    assert "skipping the damaged backup" in capsys.readouterr().out
    assert _epochs(directory) == [1, 2, 3] and not list(directory.glob("corrupt-*"))  # The chief's to move.
