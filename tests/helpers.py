"""Test helpers: tiny model configs, data paths, subprocess runs.

Import as `from helpers import ...` (pytest puts tests/ on sys.path).
"""

import os
import sys

import numpy as np
import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_DATA = os.path.abspath(os.path.join(REPO_ROOT, "..", "shared", "data"))
MNIST_DIR = os.path.join(SHARED_DATA, "mnist")

# The hparams that make any registered model tiny, where it takes them;
# a variant adds its own in its class's `tiny_hparams` (e.g. cramer_gan's
# feature_dim), so a new variant needs no entry here.
TINY_COMMON = {"sample_shape": (8, 8, 1), "latent_dim": 8, "width": 4}
# Optional choices for coverage: the parametrised tests then also run a
# conditional critic.
TINY_COVERAGE = {"wgan_gp": {"num_classes": 10}}


def tiny_hparams(name):
    """Tiny hparams for the registered model `name`."""
    import tfgan_zoo

    valid = tfgan_zoo.model_hparams(name)
    hparams = {k: v for k, v in TINY_COMMON.items() if k in valid}
    return {**hparams, **tfgan_zoo.get_model_class(name).tiny_hparams, **TINY_COVERAGE.get(name, {})}


def tiny_model(name, compile=True, **overrides):
    """The registered model `name` in its tiny config, seeded."""
    import tfgan_zoo

    overrides = tfgan_zoo.registry.canonical_hparams(overrides)  # image_shape= -> sample_shape=
    hparams = {"seed": 0, **tiny_hparams(name), **overrides}
    return tfgan_zoo.create(name, compile=compile, **hparams)


def random_batch(model, n=16, seed=0):
    """`(samples in the model's sample_range, labels)` shaped for `model`."""
    rng = np.random.default_rng(seed)
    low, high = model.sample_range or (-1, 1)
    samples = rng.uniform(low, high, (n,) + tuple(model.sample_shape)).astype("float32")
    labels = rng.integers(0, model.num_classes or 10, n).astype("int32")
    return samples, labels


def requires_shared_mnist():
    return pytest.mark.skipif(
        not os.path.isdir(MNIST_DIR),
        reason=f"real MNIST files not found at {MNIST_DIR} (../shared/data is absent)",
    )


def run_module(module, *args, timeout=600, cwd=None, env=None):
    """Runs `python -m module args...` in a subprocess; returns CompletedProcess."""
    import subprocess

    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    full_env["PYTHONPATH"] = REPO_ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd or REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# saved_model_cli's own `show` and `run` commands, many in one process: one
# TensorFlow import for all of them instead of one each (~10 s apiece).
# argv[1] is a JSON list of [key, saved_model_cli argv].
_SAVED_MODEL_CLI_DRIVER = r"""
import contextlib, io, json, sys, traceback
from absl import flags
from tensorflow.python.tools import saved_model_cli
results = {}
for key, argv in json.loads(sys.argv[1]):
    flags.FLAGS.unparse_flags()
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            command, *rest = flags.FLAGS(["saved_model_cli", *argv])[1:]
            {"show": saved_model_cli.show, "run": saved_model_cli.run}[command]()
        except SystemExit as e:
            code = e.code
        except Exception:
            code = 1
            traceback.print_exc()
    results[key] = {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
print("RESULTS " + json.dumps(results))
"""


def saved_model_cli_many(jobs, timeout=900):
    """`{key: result}` of `{key: saved_model_cli argv}` (`["show", "--dir", d,
    "--all"]`, `["run", ...]`), each result with `returncode`, `stdout` and
    `stderr`, all run by saved_model_cli's own functions in one subprocess.
    A single real `saved_model_cli` command is tested in test_launchers."""
    import json
    import subprocess
    import types

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(
        [sys.executable, "-c", _SAVED_MODEL_CLI_DRIVER, json.dumps(list(jobs.items()))],
        capture_output=True, text=True, timeout=timeout, env=env,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert line, f"the saved_model_cli driver failed (exit code {proc.returncode}):\n{proc.stderr[-4000:]}"
    return {k: types.SimpleNamespace(**v) for k, v in json.loads(line[8:]).items()}
