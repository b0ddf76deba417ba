"""Backups that survive a kill, resuming, and stopping on NaN."""

import os
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
