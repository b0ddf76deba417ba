"""Bad requests to an export: refused in the graph (INVALID_ARGUMENT naming
the value) or by `ExportedGenerator.generate` (ValueError naming it).

Every case is a row `(id, call, exception type, substrings of the message
that name the received value)`; each test also checks that nothing was
written to the export and that good requests still work afterwards.
"""

import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

from tfgan_zoo import export as export_lib
from tfgan_zoo import graph_checks as checks

MAX_SAMPLES = 8
LATENT = 8  # tiny_model's latent_dim.
CLASSES = 10  # cgan's num_classes.


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """`{name: (model, version dir)}` for an unconditional and a conditional model."""
    out = {}
    for name in ("dcgan", "cgan"):
        model = tiny_model(name)
        assert model.latent_dim == LATENT
        out[name] = (model, export_lib.export(model, str(tmp_path_factory.mktemp(name) / name), max_samples=MAX_SAMPLES))
    assert out["cgan"][0].num_classes == CLASSES
    return out


def _tree_digest(path):
    """A digest of every file's name and bytes under `path`."""
    digest = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            digest.update(os.path.relpath(full, path).encode())
            with open(full, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def _z(n, nan_at=None, value=np.nan):
    z = np.random.default_rng(0).normal(size=(n, LATENT)).astype(np.float32)
    if nan_at is not None:
        z[nan_at] = value
    return z


# ----------------------------------------------------------------------------
# The signatures, called through tf.saved_model.load (as TF Serving runs them).

I32, I64 = tf.int32, tf.int64

# (id, model, signature, inputs, substrings naming the value)
SIGNATURE_CASES = [
    ("serve z NaN", "dcgan", "serving_default", {"z": _z(3, (1, 2))}, ["z must be finite", "1 NaN/Inf values", "index [1 2]: [nan]"]),
    ("serve z +Inf", "dcgan", "serving_default", {"z": _z(3, (2, 0), np.inf)}, ["z must be finite", "index [2 0]: [inf]"]),
    ("serve z -Inf", "cgan", "serving_default", {"z": _z(2, (0, 7), -np.inf), "labels": [0, 1]}, ["index [0 7]: [-inf]"]),
    ("serve z all NaN", "cgan", "serving_default", {"z": _z(2, (slice(None),)), "labels": [0, 1]}, ["with 16 NaN/Inf values"]),
    ("serve label -1", "cgan", "serving_default", {"z": _z(3), "labels": [0, -1, 1]}, ["labels must be in [0, 10)", "out of range [-1]"]),
    ("serve label 10", "cgan", "serving_default", {"z": _z(3), "labels": [0, 10, 1]}, ["out of range [10]"]),
    ("serve label 2**31-1", "cgan", "serving_default", {"z": _z(1), "labels": [2**31 - 1]}, ["out of range [2147483647]"]),
    ("serve labels vs z batch", "cgan", "serving_default", {"z": _z(3), "labels": [0, 1]}, ["labels of batch 2 and z of batch 3"]),
    ("serve labels as floats", "cgan", "serving_default", {"z": _z(1), "labels": tf.constant([1.7])}, ["int32", "float"]),
    (
        "serve labels as int64",
        "cgan",
        "serving_default",
        {"z": _z(1), "labels": tf.constant([2**32 + 1], I64)},
        ["int32", "int64"],
    ),
    ("serve z as float64", "dcgan", "serving_default", {"z": tf.constant(_z(1), tf.float64)}, ["float", "double"]),
    ("sample 0", "dcgan", "sample", {"num_samples": 0, "seed": 1}, ["num_samples must be in [1, 8]", "num_samples=0"]),
    ("sample -3", "dcgan", "sample", {"num_samples": -3, "seed": 1}, ["num_samples=-3"]),
    ("sample above max_samples", "dcgan", "sample", {"num_samples": 9, "seed": 1}, ["max_samples is set at export", "num_samples=9"]),
    ("sample 2**31-1", "cgan", "sample", {"num_samples": 2**31 - 1, "seed": 1, "labels": []}, ["num_samples=2147483647"]),
    ("sample num_samples float", "dcgan", "sample", {"num_samples": tf.constant(1.5), "seed": 1}, ["int32", "float"]),
    ("sample label 10", "cgan", "sample", {"num_samples": 2, "seed": 1, "labels": [0, 10]}, ["out of range [10]"]),
    ("sample 3 labels for 4", "cgan", "sample", {"num_samples": 4, "seed": 1, "labels": [0, 1, 2]}, ["3 labels for num_samples=4"]),
]


def _tensors(signature, inputs):
    dtypes = {"z": tf.float32, "labels": I32, "num_samples": I32, "seed": I64}
    return {k: v if isinstance(v, tf.Tensor) else tf.constant(v, dtypes[k]) for k, v in inputs.items()}


@pytest.fixture(scope="module")
def loaded(exports):
    return {name: tf.saved_model.load(path) for name, (_, path) in exports.items()}


@pytest.mark.parametrize("case", SIGNATURE_CASES, ids=[c[0] for c in SIGNATURE_CASES])
def test_bad_signature_inputs_are_invalid_argument(case, exports, loaded):
    _, name, signature, inputs, substrings = case
    model, path = exports[name]
    before = _tree_digest(path)
    loaded = loaded[name]
    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        loaded.signatures[signature](**_tensors(signature, inputs))
    for want in substrings:
        assert want in err.value.message, (want, err.value.message[:600])
    assert _tree_digest(path) == before
    # The same loaded model still answers a good request.
    good = {"z": _z(2)} if signature == "serving_default" else {"num_samples": 2, "seed": 1}
    if model.conditional:
        good["labels"] = [0, 1] if signature == "serving_default" else []
    assert loaded.signatures[signature](**_tensors(signature, good))["images"].shape[0] == 2


# ----------------------------------------------------------------------------
# saved_model_cli run: the graph's checks as a command-line client sees them.


def _cli(args):
    exe = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([exe, "run", "--tag_set", "serve", *args], capture_output=True, text=True, timeout=600, env=env)


# (id, model, signature, input_exprs, {name: array} for --inputs, substrings);
# three runs (each pays a TensorFlow start-up), the other checks are the
# same graph ops as above.
# `2**31 + 1` as a label: saved_model_cli converts it to int32 itself (it
# wraps to -2147483647), which the range check refuses rather than letting
# it through as a valid class.
CLI_CASES = [
    ("cli z NaN", "dcgan", "serving_default", "", {"z": _z(2, (0, 5))}, ["z must be finite", "index [0 5]: [nan]"]),
    ("cli above max_samples", "dcgan", "sample", "num_samples=9;seed=0", {}, ["num_samples=9"]),
    ("cli label 2**31+1", "cgan", "sample", "num_samples=1;seed=0;labels=[2147483649]", {}, ["out of range [-2147483647]"]),
]


def test_saved_model_cli_run_refuses_bad_inputs(exports, tmp_path):
    jobs = {}
    for case_id, name, signature, exprs, arrays, _ in CLI_CASES:
        args = ["--dir", exports[name][1], "--signature_def", signature, "--outdir", str(tmp_path / case_id)]
        if exprs:
            args += ["--input_exprs", exprs]
        if arrays:
            files = []
            for key, array in arrays.items():
                np.save(tmp_path / f"{case_id}-{key}.npy", array)
                files.append(f"{key}={tmp_path / f'{case_id}-{key}.npy'}")
            args += ["--inputs", ";".join(files)]
        jobs[case_id] = args
    before = {name: _tree_digest(path) for name, (_, path) in exports.items()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        procs = dict(zip(jobs, pool.map(_cli, jobs.values())))
    failures = []
    for case_id, *_, substrings in CLI_CASES:
        proc = procs[case_id]
        text = proc.stdout + proc.stderr
        if proc.returncode == 0:
            failures.append(f"{case_id}: exit 0")
        elif "InvalidArgumentError" not in text:
            failures.append(f"{case_id}: not InvalidArgument: {text[-800:]}")
        failures += [f"{case_id}: {s!r} not in the message {text[-800:]}" for s in substrings if s not in text]
        if (tmp_path / case_id).exists() and os.listdir(tmp_path / case_id):
            failures.append(f"{case_id}: wrote {os.listdir(tmp_path / case_id)}")
    assert not failures, "\n".join(failures)
    assert before == {name: _tree_digest(path) for name, (_, path) in exports.items()}


# ----------------------------------------------------------------------------
# ExportedGenerator.generate: checked before anything is sent.

# (id, model, kwargs, substrings naming the value)
GENERATE_CASES = [
    ("num_samples 1.5", "dcgan", {"num_samples": 1.5}, ["num_samples=1.5"]),
    ("num_samples 0", "dcgan", {"num_samples": 0}, ["num_samples=0"]),
    ("num_samples -1", "cgan", {"num_samples": -1}, ["num_samples=-1"]),
    ("num_samples '4'", "dcgan", {"num_samples": "4"}, ["num_samples='4'"]),
    ("num_samples 10**9", "dcgan", {"num_samples": 10**9}, ["max_samples=8", "num_samples=1000000000"]),
    ("batch_size 0", "dcgan", {"num_samples": 2, "batch_size": 0}, ["batch_size=0"]),
    ("batch_size -1", "cgan", {"num_samples": 2, "batch_size": -1}, ["batch_size=-1"]),
    ("batch_size 1.5", "dcgan", {"z": _z(2), "batch_size": 1.5}, ["batch_size=1.5"]),
    ("seed 1.5", "dcgan", {"num_samples": 2, "seed": 1.5}, ["seed=1.5"]),
    ("z NaN", "dcgan", {"z": _z(3, (2, 2))}, ["finite", "1 NaN/Inf"]),
    ("z too wide", "dcgan", {"z": np.zeros((2, LATENT + 1), np.float32)}, ["(2, 9)"]),
    ("labels as floats", "cgan", {"labels": [1.7, 2.0]}, ["float64"]),
    ("label 2**32+1", "cgan", {"labels": np.array([2**32 + 1], np.int64)}, ["4294967297"]),
    ("label 10", "cgan", {"labels": [0, 10]}, ["[10]"]),
    ("labels to unconditional", "dcgan", {"num_samples": 2, "labels": [0, 1]}, ["labels"]),
    ("z without labels", "cgan", {"z": _z(2)}, ["labels=None"]),
    ("counts disagree", "cgan", {"num_samples": 3, "labels": [0, 1]}, ["'num_samples': 3", "'labels': 2"]),
]


@pytest.fixture(scope="module")
def generators(exports):
    return {name: export_lib.load(path) for name, (_, path) in exports.items()}


@pytest.mark.parametrize("case", GENERATE_CASES, ids=[c[0] for c in GENERATE_CASES])
def test_exported_generate_refuses_bad_arguments(case, exports, generators):
    _, name, kwargs, substrings = case
    before = _tree_digest(exports[name][1])
    with pytest.raises(ValueError) as err:
        generators[name].generate(**kwargs)
    for want in substrings:
        assert want in str(err.value), (want, str(err.value))
    assert _tree_digest(exports[name][1]) == before


@pytest.mark.parametrize("name", ["dcgan", "cgan"])
def test_exported_generate_batches_z_past_max_samples(name, exports, generators):
    model, _ = exports[name]
    gen = generators[name]
    assert gen.max_samples == MAX_SAMPLES
    n = 2 * MAX_SAMPLES + 3
    z = _z(n)
    labels = None if not model.conditional else np.arange(n) % CLASSES
    whole = gen.generate(z=z, labels=labels)  # Three serving_default calls of at most 8.
    assert whole.shape == (n, *model.sample_shape)
    np.testing.assert_allclose(whole, model.generate(z=z, labels=labels), atol=1e-5)
    # The images do not depend on the batch size.
    np.testing.assert_allclose(gen.generate(z=z, labels=labels, batch_size=3), whole, atol=1e-6)
    # A seeded request within max_samples goes through `sample`; above, it is refused by name.
    np.testing.assert_allclose(gen.generate(num_samples=4, seed=2), model.generate(num_samples=4, seed=2), atol=1e-5)
    with pytest.raises(ValueError, match=f"max_samples={MAX_SAMPLES}.*Received: num_samples={MAX_SAMPLES + 1}"):
        gen.generate(num_samples=MAX_SAMPLES + 1, seed=0)


# ----------------------------------------------------------------------------
# The checks themselves (`tfgan_zoo.graph_checks`), eagerly and in a graph.

F = tf.float32
# (id, make checks, substrings); each check also passes on good input.
CHECK_CASES = [
    ("finite NaN", lambda: checks.finite(tf.constant([[1.0, np.nan]]), "x"), ["x must be finite", "index [0 1]: [nan]"]),
    ("finite Inf", lambda: checks.finite(tf.constant([np.inf, 2.0, -np.inf]), "images"), ["2 NaN/Inf values", "[inf -inf]"]),
    ("in_range high", lambda: checks.in_range(tf.constant([0.5, 1.5]), -1.0, 1.0, "images"), ["[-1.0, 1.0]", "max 1.5"]),
    ("in_range low", lambda: checks.in_range(tf.constant([-3.0, 0.0]), -1.0, 1.0, "images"), ["min -3"]),
    ("labels_in_range", lambda: checks.labels_in_range(tf.constant([3, -2, 9, 4]), 4), ["[0, 4)", "out of range [-2 9 4]"]),
    ("same_batch", lambda: checks.same_batch(tf.zeros([2]), tf.zeros([5, 3]), "a", "b"), ["a of batch 2 and b of batch 5"]),
    ("latent_width", lambda: checks.latent_width(tf.zeros([2, 3]), 4), ["[batch, 4]", "shape [2 3]"]),
    ("sample_count", lambda: checks.sample_count(tf.constant(17), 16), ["[1, 16]", "num_samples=17"]),
    ("labels_for_count", lambda: checks.labels_for_count(tf.constant([1, 2]), tf.constant(3)), ["2 labels for num_samples=3"]),
]
GOOD_CHECKS = [
    lambda: checks.finite(tf.constant([[1.0, -2.0]]), "x"),
    lambda: checks.in_range(tf.constant([-1.0, 1.0]), -1.0, 1.0, "images"),
    lambda: checks.labels_in_range(tf.constant([0, 3]), 4),
    lambda: checks.same_batch(tf.zeros([2]), tf.zeros([2, 3]), "a", "b"),
    lambda: checks.latent_width(tf.zeros([2, 4]), 4),
    lambda: checks.sample_count(tf.constant(16), 16),
    lambda: checks.labels_for_count(tf.zeros([0], tf.int32), tf.constant(3)),
]


@pytest.mark.parametrize("in_graph", [False, True], ids=["eager", "graph"])
@pytest.mark.parametrize("case", CHECK_CASES, ids=[c[0] for c in CHECK_CASES])
def test_each_check_names_the_value(case, in_graph):
    _, make, substrings = case

    def run():
        return checks.checked(make(), tf.constant(1.0))

    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        (tf.function(run, autograph=False) if in_graph else run)()
    for want in substrings:
        assert want in err.value.message, (want, err.value.message)


@pytest.mark.parametrize("in_graph", [False, True], ids=["eager", "graph"])
def test_checks_pass_good_input(in_graph):
    def run():
        return checks.checked([c for make in GOOD_CHECKS for c in make()], tf.constant(2.0))

    assert float((tf.function(run, autograph=False) if in_graph else run)()) == 2.0
