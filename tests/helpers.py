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
TINY_D_STEPS = 2
# Optional choices for coverage: the parametrised tests then also run a
# conditional critic.
TINY_COVERAGE = {"wgan_gp": {"num_classes": 10}}


def tiny_hparams(name):
    """Tiny hparams for the registered model `name`."""
    import tfgan_zoo

    valid = tfgan_zoo.model_hparams(name)
    hparams = {k: v for k, v in TINY_COMMON.items() if k in valid}
    # At most TINY_D_STEPS discriminator steps: `train_step` unrolls them in
    # its graph, so the critics' 5 would trace (and cost) 5 updates per test.
    if (valid.get("d_steps") or 0) > TINY_D_STEPS:
        hparams["d_steps"] = TINY_D_STEPS
    return {**hparams, **tfgan_zoo.get_model_class(name).tiny_hparams, **TINY_COVERAGE.get(name, {})}


def tiny_model(name, compile=True, **overrides):
    """The registered model `name` in its tiny config, seeded."""
    import tfgan_zoo

    overrides = tfgan_zoo.registry.canonical_hparams(overrides)  # image_shape= -> sample_shape=
    hparams = {"seed": 0, **tiny_hparams(name), **overrides}
    return tfgan_zoo.create(name, compile=compile, **hparams)


def trained_networks(model):
    """The networks `model`'s optimizers train: the generator, the
    discriminator where it has one (`gmmn` has none, and no `d_optimizer`),
    and the encoder and reconstruction discriminator of the models with them."""
    others = [getattr(model, name, None) for name in ("discriminator", "encoder", "reconstruction_discriminator")]
    return [model.generator] + [net for net in others if net is not None]


def optimizer_kwargs(model, g_optimizer, d_optimizer):
    """`compile` kwargs: `d_optimizer` only for a model with a discriminator."""
    return {"g_optimizer": g_optimizer, **({} if model.discriminator is None else {"d_optimizer": d_optimizer})}


def random_batch(model, n=16, seed=0):
    """`(samples in the model's sample_range, labels)` shaped for `model`."""
    rng = np.random.default_rng(seed)
    low, high = model.sample_range or (-1, 1)
    samples = rng.uniform(low, high, (n,) + tuple(model.sample_shape)).astype("float32")
    labels = rng.integers(0, model.num_classes or 10, n).astype("int32")
    return samples, labels


def load_benchmark(name):
    """The script `benchmarks/<name>.py` as a fresh module (its `main`, `parse_args`, helpers)."""
    import importlib.util

    scripts = os.path.join(REPO_ROOT, "benchmarks")
    if scripts not in sys.path:  # As when run as a script: its siblings (figures.py) import.
        sys.path.append(scripts)
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", os.path.join(REPO_ROOT, "benchmarks", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


# Many absl command lines in ONE process (one TensorFlow import for all,
# instead of ~10 s each): each case re-parses the flags and runs `{call}`
# (with `argv` its arguments), its exit code, stdout and stderr captured.
# argv[1] is a JSON list of [key, argv].
_MANY_DRIVER = r"""
import contextlib, io, json, sys, traceback
from absl import flags
{imports}
results = {{}}
for key, argv in json.loads(sys.argv[1]):
    flags.FLAGS.unparse_flags()
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            {call}
        except SystemExit as e:
            code = e.code
        except Exception:
            code = 1
            traceback.print_exc()
    results[key] = {{"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}}
print("RESULTS " + json.dumps(results))
"""
# `launchers.train`'s flags and main.
TRAIN_CALL = ("from launchers import train", 'flags.FLAGS(["train", *argv]); train.main(["train"])')
# `launchers.generate`'s flags and main.
GENERATE_CALL = ("from launchers import generate", 'flags.FLAGS(["generate", *argv]); generate.main(["generate"])')


def launcher_call(name):
    """A `run_many` call of `launchers.<name>` as `app.run` makes it: the
    launcher's flag parser (flag errors as one `error:` line), then `main`.
    `--help` needs a process of its own (absl lists the main module's flags)."""
    return f"from launchers import cli, {name}", f'{name}.main(cli.parse_flags(["{name}", *argv]))'


# saved_model_cli's own `show` and `run` commands (argv: `["show", "--dir", d, "--all"]`, ...).
SAVED_MODEL_CLI_CALL = (
    "from tensorflow.python.tools import saved_model_cli",
    'command = flags.FLAGS(["saved_model_cli", *argv])[1]; {"show": saved_model_cli.show, "run": saved_model_cli.run}[command]()',
)


def run_many(call, cases, timeout=900):
    """`{key: result}` of `cases` (`[(key, argv)]` or a dict), run in order
    in one subprocess by `call` (`TRAIN_CALL`, `SAVED_MODEL_CLI_CALL`).
    Each result has `returncode`, `stdout`, `stderr`, and `outer_stderr`
    (what the process itself wrote to stderr outside the cases)."""
    import json
    import subprocess
    import types

    imports, statement = call
    cases = list(cases.items()) if isinstance(cases, dict) else list(cases)
    proc = subprocess.run(
        [sys.executable, "-c", _MANY_DRIVER.format(imports=imports, call=statement), json.dumps(cases)],
        cwd=REPO_ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=REPO_ROOT),
        capture_output=True, text=True, timeout=timeout,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert line, f"the driver failed (exit code {proc.returncode}):\n{proc.stderr[-4000:]}"
    return {k: types.SimpleNamespace(**v, outer_stderr=proc.stderr) for k, v in json.loads(line[8:]).items()}
