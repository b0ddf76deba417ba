"""Strategies, multi-worker training, determinism and mixed precision.

The 1-replica vs 2-replica equivalence of every variant's train step is in
test_models.py (`test_two_replicas_train_like_one`).
"""

import concurrent.futures
import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import REPO_ROOT
from helpers import random_batch
from helpers import run_module
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import distribute

MODELS = tfgan_zoo.available_models()
TINY_DCGAN_FLAGS = [
    "--model=dcgan",
    "--dataset=digits",
    "--image_shape=8,8,1",
    "--width=4",
    "--latent_dim=8",
    "--batch_size=16",
    "--epochs=2",
    "--verbose=2",
    "--seed=0",
]


def test_get_strategy():
    assert distribute.get_strategy("default").num_replicas_in_sync == 1
    mirrored = distribute.get_strategy("mirrored", cpu_replicas=2)
    assert mirrored.num_replicas_in_sync == 2
    with pytest.raises(ValueError, match=r"Unknown strategy 'horovod'.*Received: strategy='horovod'"):
        distribute.get_strategy("horovod")


def test_multiworker_needs_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        distribute.get_strategy("multiworker")


@pytest.mark.parametrize(
    "config, chief",
    [
        (None, True),
        ({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}}, True),
        ({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}, False),
        ({"cluster": {"chief": ["c:0"], "worker": ["a:1"]}, "task": {"type": "chief", "index": 0}}, True),
        ({"cluster": {"chief": ["c:0"], "worker": ["a:1"]}, "task": {"type": "worker", "index": 0}}, False),
    ],
)
def test_only_the_chief_writes(config, chief, monkeypatch, tmp_path):
    if config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps(config))
    assert distribute.is_chief() is chief
    target = str(tmp_path / "workdir")
    out = distribute.output_dir(target)
    assert (out == target) is chief
    if not chief:
        assert os.path.isdir(out)
        distribute.cleanup_output_dirs()
        assert not os.path.exists(out)


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _digest(stdout):
    lines = [line for line in stdout.splitlines() if line.startswith("generator_sha256: ")]
    assert lines, stdout[-2000:]
    return lines[-1].split(": ")[1]


def test_two_workers_train_identically_and_only_the_chief_writes(tmp_path):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    workdir, export_dir = tmp_path / "work", tmp_path / "sm"
    procs, temps = [], []
    for index in range(2):
        temp = tmp_path / f"tmp{index}"  # Each worker's TMPDIR, to see its leftovers.
        temp.mkdir()
        temps.append(temp)
        env = dict(
            os.environ,
            TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
            TMPDIR=str(temp),
            TF_CPP_MIN_LOG_LEVEL="2",
            PYTHONPATH=REPO_ROOT,
        )
        args = TINY_DCGAN_FLAGS + [
            "--strategy=multiworker",
            "--synchronized_bn=true",
            f"--workdir={workdir}",
            f"--export_dir={export_dir}",
        ]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "launchers.train", *args],
                cwd=REPO_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    # Two workers of one replica each should train like one process with two
    # replicas: that reference run goes alongside the workers.
    mirrored_run = concurrent.futures.ThreadPoolExecutor(max_workers=1).submit(
        run_module,
        "launchers.train",
        *TINY_DCGAN_FLAGS,
        "--strategy=mirrored",
        "--cpu_replicas=2",
        "--synchronized_bn=true",
        f"--workdir={tmp_path / 'mirrored'}",
        "--export=false",
    )
    outputs = []
    try:
        for proc in procs:
            out, _ = proc.communicate(timeout=300)
            outputs.append(out)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, out in zip(procs, outputs):
        assert proc.returncode == 0, out[-3000:]
    # The same weights on both workers.
    assert _digest(outputs[0]) == _digest(outputs[1])
    # The chief (worker 0) wrote everything; worker 1 left nothing behind.
    assert sorted(os.listdir(workdir)) == ["backup", "history.csv", "model.keras", "run.json", "samples"]
    assert sorted(os.listdir(workdir / "backup")) == ["epoch-000001", "epoch-000002"]
    assert os.listdir(export_dir / "dcgan") == ["1"]
    assert "keras:" in outputs[0] and "keras:" not in outputs[1]
    assert not [p for p in os.listdir(temps[1]) if p.startswith("tfgan_zoo_")], os.listdir(temps[1])
    mirrored = mirrored_run.result()
    assert mirrored.returncode == 0, mirrored.stderr[-3000:]
    assert _digest(mirrored.stdout) == _digest(outputs[0])


def test_deterministic_runs_are_bitwise_identical(tmp_path):
    import concurrent.futures

    def run(name):
        return run_module(
            "launchers.train",
            *TINY_DCGAN_FLAGS,
            "--deterministic",
            f"--workdir={tmp_path / name}",
            "--export=false",
        )

    # The two runs go side by side: same results even when they compete for
    # the cores.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        procs = list(pool.map(run, ("a", "b")))
    for proc in procs:
        assert proc.returncode == 0, proc.stderr[-3000:]
    digests = [_digest(proc.stdout) for proc in procs]
    assert digests[0] == digests[1]
    a = keras.saving.load_model(str(tmp_path / "a" / "model.keras"))
    b = keras.saving.load_model(str(tmp_path / "b" / "model.keras"))
    for x, y in zip(a.generator.get_weights() + a.discriminator.get_weights(),
                    b.generator.get_weights() + b.discriminator.get_weights()):
        np.testing.assert_array_equal(x, y)


@pytest.fixture
def mixed_policy():
    def set_policy(name):
        keras.mixed_precision.set_global_policy(name)

    yield set_policy
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("name", MODELS)
def test_mixed_bfloat16_training_stays_finite(name, mixed_policy):
    mixed_policy("mixed_bfloat16")
    model = tiny_model(name)
    assert model.generator.layers[-2].compute_dtype == "bfloat16" or any(
        layer.compute_dtype == "bfloat16" for layer in model.generator.layers
    )
    x, y = random_batch(model, 8 * model.d_steps * 2)
    history = model.fit(x, y, batch_size=8 * model.d_steps, epochs=2, verbose=0).history
    for key, values in history.items():
        assert np.all(np.isfinite(values)), (key, values)
    images = model.generate(4, seed=0)
    assert images.dtype == np.float32 and np.all(np.isfinite(images))


def test_mixed_float16_scales_both_losses(mixed_policy):
    mixed_policy("mixed_float16")
    model = tiny_model("wgan_gp", n_critic=2)
    assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    x, y = random_batch(model, 16)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(history["gradient_penalty"][0]) and np.isfinite(history["d_loss"][0])
    # The penalty is computed from float32 interpolates and gradients.
    loss, logs = model.discriminator_loss(tf.constant(x[:4]), tf.constant(y[:4]))
    assert loss.dtype == tf.float32 and logs["gradient_penalty"].dtype == tf.float32
