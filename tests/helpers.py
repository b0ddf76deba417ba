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

# Tiny hparams for every registered model, used by the parametrised tests.
# `test_every_registered_model_has_a_tiny_config` fails when a new variant is
# registered without an entry here.
TINY_HPARAMS = {
    "vanilla_gan": {"image_shape": (8, 8, 1), "latent_dim": 8, "width": 16},
    "dcgan": {"image_shape": (8, 8, 1), "latent_dim": 8, "base_filters": 4},
    "cgan": {"image_shape": (8, 8, 1), "latent_dim": 8, "width": 4, "num_classes": 10},
    "wgan": {"image_shape": (8, 8, 1), "latent_dim": 8, "width": 4},
    "wgan_gp": {"image_shape": (8, 8, 1), "latent_dim": 8, "width": 4, "num_classes": 10},
    "cramer_gan": {"image_shape": (8, 8, 1), "latent_dim": 8, "width": 4, "feature_dim": 8},
}


def critic_steps_hparam(name):
    """The hparam that sets discriminator steps per generator step."""
    import tfgan_zoo

    return "n_critic" if "n_critic" in tfgan_zoo.model_hparams(name) else "d_steps"


def tiny_model(name, compile=True, **overrides):
    """The registered model `name` in its tiny config, seeded."""
    import tfgan_zoo

    hparams = {"seed": 0, **TINY_HPARAMS[name], **overrides}
    return tfgan_zoo.create(name, compile=compile, **hparams)


def random_batch(model, n=16, seed=0):
    """`(samples in [-1, 1], labels)` shaped for `model`."""
    rng = np.random.default_rng(seed)
    samples = rng.uniform(-1, 1, (n,) + tuple(model.sample_shape)).astype("float32")
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
