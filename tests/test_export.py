"""SavedModel export: versions, signatures, the C++-side loader, numerics,
request validation, atomicity, metadata, `load`, and TF Serving.

Parametrised over `tfgan_zoo.available_models()` with the tiny configs, so a
newly registered variant is exported and checked automatically.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import run_many
from helpers import SAVED_MODEL_CLI_CALL
from helpers import tiny_hparams
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import export as export_lib
from tfgan_zoo import serving

MODELS = tfgan_zoo.available_models()
MAX_SAMPLES = 8  # Small, so that the limit is testable.


# ----------------------------------------------------------------------------
# Shared exports and helpers.


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """`get(name) -> (model, version_dir, base_dir)`: one export per model, cached."""
    cache = {}

    def get(name):
        if name not in cache:
            model = tiny_model(name)
            base = str(tmp_path_factory.mktemp(f"export_{name}") / name)
            path = export_lib.export(
                model,
                base,
                max_samples=MAX_SAMPLES,
                dataset="digits",
                metrics={"fid": 12.5, "inception_score": 3.25},
            )
            cache[name] = (model, path, base)
        return cache[name]

    return get


def _z(model, n, seed=0):
    # float32 values, so that a decimal literal round-trips exactly.
    return np.random.default_rng(seed).normal(size=(n, model.latent_dim)).astype(np.float32)


def _labels(model, n, seed=0):
    if not model.conditional:
        return None
    return np.random.default_rng(seed + 100).integers(0, model.num_classes, n).astype(np.int32)


def _serve(loaded, model, z, labels=None):
    inputs = {"z": tf.constant(z, tf.float32)}
    if model.conditional:
        inputs["labels"] = tf.constant(labels, tf.int32)
    return {k: v.numpy() for k, v in loaded.signatures["serving_default"](**inputs).items()}


def _is_table(model):
    """A table model: its `sample` serves rows, one output per column
    (its rows and conditions: tests/test_tabular_export.py)."""
    return hasattr(model, "sample_endpoint")


def _sample(loaded, model, num_samples, seed, labels=None):
    inputs = {
        "num_samples": tf.constant(num_samples, tf.int32),
        "seed": tf.constant(seed, tf.int64),
    }
    if _is_table(model):
        inputs.update(condition_column=tf.constant(""), condition_value=tf.constant(""))
    elif model.conditional:
        inputs["labels"] = tf.constant([] if labels is None else labels, tf.int32)
    return {k: v.numpy() for k, v in loaded.signatures["sample"](**inputs).items()}


def _expected_uint8(images, model):
    """The model's sample range onto [0, 255]: (x + 1) * 127.5 for images in
    [-1, 1], x * 255 for gan3d's voxels in [0, 1]."""
    low, high = (np.float32(v) for v in model.sample_range)
    images = np.asarray(images, np.float32)
    return np.clip(np.round((images - low) * (np.float32(255.0) / (high - low))), 0, 255).astype(np.uint8)


def _literal(array):
    """A Python literal (nested lists) for saved_model_cli's safe `--input_exprs`."""
    return repr(np.asarray(array).tolist()).replace(" ", "")


@pytest.fixture(scope="module")
def cli_runs(exported, tmp_path_factory):
    """`get(name) -> {"procs": {"show", "serve", "sample"}, ...}`: saved_model_cli's
    runs of every model's export, all made at the first call in one process
    (saved_model_cli's own show and run, `helpers.run_many`)."""
    runs, jobs = {}, {}
    for name in MODELS:
        model, path, _ = exported(name)
        out = tmp_path_factory.mktemp(f"cli_{name}")
        z = _z(model, 3, seed=11)
        serve_exprs = f"z={_literal(z)}"
        serve_labels = [0, model.num_classes - 1, 1] if model.conditional else None
        if serve_labels:
            serve_exprs += f";labels={_literal(serve_labels)}"
        sample_exprs = "num_samples=4;seed=7"
        sample_labels = [1, 0, model.num_classes - 1, 1] if model.conditional and not _is_table(model) else None
        if _is_table(model):
            sample_exprs += ";condition_column='';condition_value=''"
        elif sample_labels:
            sample_exprs += f";labels={_literal(sample_labels)}"
        run = ["run", "--dir", path, "--tag_set", "serve"]
        jobs[f"{name}/show"] = ["show", "--dir", path, "--all"]
        jobs[f"{name}/serve"] = run + ["--signature_def", "serving_default", "--input_exprs", serve_exprs, "--outdir", str(out / "serve")]
        jobs[f"{name}/sample"] = run + ["--signature_def", "sample", "--input_exprs", sample_exprs, "--outdir", str(out / "sample")]
        runs[name] = {"out": out, "z": z, "serve_labels": serve_labels, "sample_labels": sample_labels}
    done = {}

    def get(name):
        if not done:
            done.update(run_many(SAVED_MODEL_CLI_CALL, jobs))
        return {**runs[name], "procs": {kind: done[f"{name}/{kind}"] for kind in ("show", "serve", "sample")}}

    return get


def _parse_show(text):
    """`{signature: {"inputs": {key: (dtype, shape)}, "outputs": ..., "method": str}}`."""
    sigs = {}
    blocks = re.split(r"^signature_def\['([^']+)'\]:\s*$", text, flags=re.M)
    for name, body in zip(blocks[1::2], blocks[2::2]):
        body = body.split("The MetaGraph with tag set")[0]
        entry = {"inputs": {}, "outputs": {}, "method": None}
        for kind, key, dtype, shape in re.findall(
            r"(inputs|outputs)\['([^']+)'\] tensor_info:\s*dtype: (\w+)\s*shape: (\([^)]*\)|unknown_rank)", body
        ):
            dims = [int(d) for d in re.findall(r"-?\d+", shape)]
            entry[kind][key] = (dtype, dims)
        method = re.search(r"Method name is: (\S+)", body)
        entry["method"] = method.group(1) if method else None
        sigs[name] = entry
    return sigs


def _expected_signatures(model):
    shape = [-1, *model.sample_shape]
    outputs = {"images": ("DT_FLOAT", shape), "images_uint8": ("DT_UINT8", shape)}
    serve = {"z": ("DT_FLOAT", [-1, model.latent_dim])}
    sample = {"num_samples": ("DT_INT32", []), "seed": ("DT_INT64", [])}
    if model.conditional:
        serve["labels"] = ("DT_INT32", [-1])
        sample["labels"] = ("DT_INT32", [-1])
    expected = {
        "serving_default": {"inputs": serve, "outputs": outputs},
        "sample": {"inputs": sample, "outputs": outputs},
    }
    if _is_table(model):  # One output per column.
        condition = {"condition_column": ("DT_STRING", []), "condition_value": ("DT_STRING", [])}
        columns = {
            key: ("DT_STRING" if column["kind"] == "categorical" else "DT_FLOAT", [-1])
            for column, key in zip(model.transformer.columns, model.export_metadata()["sample_outputs"])
        }
        count_seed = {k: sample[k] for k in ("num_samples", "seed")}
        expected["sample"] = {"inputs": {**count_seed, **condition}, "outputs": columns}
    images = {"images": ("DT_FLOAT", shape)}
    if getattr(model, "encoder", None) is not None:  # bigan, ali, aae.
        encode_inputs = {**images, **({"labels": ("DT_INT32", [-1])} if model.conditional else {})}
        expected["encode"] = {"inputs": encode_inputs, "outputs": {"z": ("DT_FLOAT", [-1, model.latent_dim])}}
        expected["reconstruct"] = {"inputs": encode_inputs, "outputs": outputs}
    elif hasattr(model, "q_codes"):  # infogan: Q's codes.
        codes = {"categorical": ("DT_FLOAT", [-1, model.categorical_dim]), "continuous": ("DT_FLOAT", [-1, model.continuous_dim])}
        expected["encode"] = {"inputs": images, "outputs": codes}
        # `continuous` has an unknown rank, so that `[]` asks for the seed's codes.
        code_inputs = {"categorical": ("DT_INT32", [-1]), "continuous": ("DT_FLOAT", [])}
        expected["sample_codes"] = {"inputs": {**sample, **code_inputs}, "outputs": outputs}
    return expected


def _tmp_entries(base):
    return [e for e in os.listdir(base) if e.startswith(".tmp-")] if os.path.isdir(base) else []


# ----------------------------------------------------------------------------
# Versions and atomic writes (model-independent logic: one model suffices).


def test_versions_increment_and_existing_version_is_protected(tmp_path):
    model = tiny_model(MODELS[0])
    base = str(tmp_path / "m")
    assert export_lib.existing_versions(base) == []

    first = export_lib.export(model, base, dataset="a")
    assert first == os.path.join(base, "1")
    assert os.path.isfile(os.path.join(first, "saved_model.pb"))
    second = export_lib.export(model, base, dataset="b")
    assert second == os.path.join(base, "2")
    assert export_lib.existing_versions(base) == [1, 2]

    with pytest.raises(FileExistsError, match="overwrite"):
        export_lib.export(model, base, version=1, dataset="c")
    assert export_lib.read_metadata(first)["dataset"] == "a"  # Untouched.

    again = export_lib.export(model, base, version=1, overwrite=True, dataset="c")
    assert again == first
    assert export_lib.read_metadata(first)["dataset"] == "c"  # Replaced.
    assert export_lib.existing_versions(base) == [1, 2]

    # An explicit version; the next default is one more than the highest.
    assert export_lib.export(model, base, version=7) == os.path.join(base, "7")
    assert export_lib.export(model, base) == os.path.join(base, "8")
    assert export_lib.existing_versions(base) == [1, 2, 7, 8]
    assert _tmp_entries(base) == []


def test_existing_versions_ignores_non_version_entries(tmp_path):
    base = tmp_path / "m"
    for d in ("3", "10", ".tmp-4-abc", "latest", "5a"):
        (base / d).mkdir(parents=True)
    (base / "6").write_text("a file, not a version")
    assert export_lib.existing_versions(str(base)) == [3, 10]
    assert export_lib.existing_versions(str(tmp_path / "absent")) == []


def test_bad_export_arguments(tmp_path):
    model = tiny_model(MODELS[0])
    base = str(tmp_path / "m")
    with pytest.raises(ValueError, match="max_samples"):
        export_lib.export(model, base, max_samples=0)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="version"):
            export_lib.export(model, base, version=bad)
    assert not os.path.exists(base) or export_lib.existing_versions(base) == []


def test_interrupted_export_leaves_no_partial_version(tmp_path, monkeypatch):
    model = tiny_model(MODELS[0])
    base = str(tmp_path / "m")
    export_lib.export(model, base, dataset="good")

    # `keras.export.ExportArchive()` returns a backend subclass; patch the
    # class its instances really have.
    archive_cls = type(keras.export.ExportArchive())
    original = archive_cls.write_out

    def write_then_fail(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)  # A complete SavedModel...
        assert os.path.isfile(os.path.join(filepath, "saved_model.pb"))
        raise RuntimeError("killed midway")  # ...but no metadata yet.

    monkeypatch.setattr(archive_cls, "write_out", write_then_fail)
    with pytest.raises(RuntimeError, match="killed midway"):
        export_lib.export(model, base)
    assert export_lib.existing_versions(base) == [1]
    assert _tmp_entries(base) == []
    assert sorted(os.listdir(base)) == ["1"]

    # Replacing an existing version: the old one survives a failure.
    with pytest.raises(RuntimeError, match="killed midway"):
        export_lib.export(model, base, version=1, overwrite=True, dataset="bad")
    assert sorted(os.listdir(base)) == ["1"]
    assert export_lib.read_metadata(base)["dataset"] == "good"
    monkeypatch.undo()

    # A failure while writing the metadata file.
    def failing_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_lib.json, "dump", failing_dump)
    with pytest.raises(OSError, match="disk full"):
        export_lib.export(model, base)
    monkeypatch.undo()
    assert export_lib.existing_versions(base) == [1]
    assert _tmp_entries(base) == []

    # And the base still takes a new version afterwards.
    assert export_lib.export(model, base) == os.path.join(base, "2")
    assert export_lib.read_metadata(base)["dataset"] is None


# ----------------------------------------------------------------------------
# saved_model_cli: the signatures as TF Serving sees them.


@pytest.mark.parametrize("name", MODELS)
def test_saved_model_cli_show_lists_signatures(name, exported, cli_runs):
    model = exported(name)[0]
    proc = cli_runs(name)["procs"]["show"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    sigs = _parse_show(proc.stdout)
    expected = _expected_signatures(model)
    for sig_name, want in expected.items():
        assert sig_name in sigs, f"{sig_name} missing; found {sorted(sigs)}"
        assert sigs[sig_name]["inputs"] == want["inputs"], sig_name
        assert sigs[sig_name]["outputs"] == want["outputs"], sig_name
        assert sigs[sig_name]["method"] == "tensorflow/serving/predict", sig_name


@pytest.mark.parametrize("name", MODELS)
def test_saved_model_cli_run_serving_default(name, exported, cli_runs):
    model = exported(name)[0]
    run = cli_runs(name)
    proc = run["procs"]["serve"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    images = np.load(run["out"] / "serve" / "images.npy")
    as_uint8 = np.load(run["out"] / "serve" / "images_uint8.npy")
    assert images.shape == (3, *model.sample_shape) and images.dtype == np.float32
    assert as_uint8.shape == images.shape and as_uint8.dtype == np.uint8
    want = model.generate(z=run["z"], labels=run["serve_labels"])
    np.testing.assert_allclose(images, want, atol=1e-5)
    np.testing.assert_array_equal(as_uint8, _expected_uint8(images, model))


@pytest.mark.parametrize("name", MODELS)
def test_saved_model_cli_run_sample(name, exported, cli_runs):
    model = exported(name)[0]
    run = cli_runs(name)
    proc = run["procs"]["sample"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    if _is_table(model):
        rows = model.sample_rows(4, seed=7)
        for key, column in model.export_metadata()["sample_outputs"].items():
            got = np.load(run["out"] / "sample" / f"{key}.npy", allow_pickle=True)
            want = rows[column].to_numpy()
            if got.dtype == object:
                assert [v.decode() for v in got] == want.tolist(), column
            else:
                np.testing.assert_allclose(got, want.astype(np.float32), atol=1e-5, err_msg=column)
        return
    images = np.load(run["out"] / "sample" / "images.npy")
    as_uint8 = np.load(run["out"] / "sample" / "images_uint8.npy")
    assert images.shape == (4, *model.sample_shape) and images.dtype == np.float32
    assert as_uint8.shape == images.shape and as_uint8.dtype == np.uint8
    want = model.generate(num_samples=4, seed=7, labels=run["sample_labels"])
    np.testing.assert_allclose(images, want, atol=1e-5)
    np.testing.assert_array_equal(as_uint8, _expected_uint8(images, model))


# ----------------------------------------------------------------------------
# Numerics through tf.saved_model.load.


@pytest.mark.parametrize("name", MODELS)
def test_exported_generator_matches_keras(name, exported):
    model, path, _ = exported(name)
    loaded = tf.saved_model.load(path)

    z, labels = _z(model, 5, seed=3), _labels(model, 5, seed=3)
    out = _serve(loaded, model, z, labels)
    assert out["images"].shape == (5, *model.sample_shape)
    assert out["images"].dtype == np.float32 and out["images_uint8"].dtype == np.uint8
    np.testing.assert_allclose(out["images"], model.generate(z=z, labels=labels), atol=1e-5)
    np.testing.assert_array_equal(out["images_uint8"], _expected_uint8(out["images"], model))
    assert np.all(np.abs(out["images"]) <= 1.0)

    if model.conditional:
        # The labels matter: other labels, other images.
        other = (labels + 1) % model.num_classes
        assert not np.allclose(_serve(loaded, model, z, other)["images"], out["images"])
    if _is_table(model):
        return

    # sample(seed=s) == model.generate(seed=s): same seed, same z (and labels).
    labels6 = _labels(model, 6, seed=4)
    for seed in (0, 7, -5, 2**40 + 3):
        got = _sample(loaded, model, 6, seed, labels6)
        want = model.generate(num_samples=6, seed=seed, labels=labels6)
        np.testing.assert_allclose(got["images"], want, atol=1e-5, err_msg=f"seed={seed}")
        np.testing.assert_array_equal(got["images_uint8"], _expected_uint8(got["images"], model))
    if model.conditional:
        # Empty labels: random labels, drawn as model.generate draws them.
        got = _sample(loaded, model, 6, 9, labels=None)
        np.testing.assert_allclose(got["images"], model.generate(num_samples=6, seed=9), atol=1e-5)

    a = _sample(loaded, model, 4, 123, _labels(model, 4))["images"]
    b = _sample(loaded, model, 4, 123, _labels(model, 4))["images"]
    c = _sample(loaded, model, 4, 124, _labels(model, 4))["images"]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c, rtol=0, atol=1e-6), "different seeds gave the same images"
    # Samples within one batch differ too (not one z repeated).
    assert not np.allclose(a[0], a[1], rtol=0, atol=1e-6)

    # Up to max_samples is accepted.
    full = _sample(loaded, model, MAX_SAMPLES, 1, _labels(model, MAX_SAMPLES))
    assert full["images"].shape == (MAX_SAMPLES, *model.sample_shape)


@pytest.mark.parametrize("name", MODELS)
def test_bad_requests_are_invalid_argument(name, exported):
    model, path, _ = exported(name)
    loaded = tf.saved_model.load(path)
    latent, k = model.latent_dim, model.num_classes

    def z(n, width=latent):
        return np.zeros((n, width), np.float32)

    cases = [
        ("z too wide", "z", lambda: _serve(loaded, model, z(3, latent + 1), _labels(model, 3))),
        ("z too narrow", "z", lambda: _serve(loaded, model, z(3, latent - 1), _labels(model, 3))),
        ("num_samples 0", "num_samples", lambda: _sample(loaded, model, 0, 1)),
        ("num_samples negative", "num_samples", lambda: _sample(loaded, model, -3, 1)),
        (
            "num_samples above max_samples",
            "num_samples",
            lambda: _sample(loaded, model, MAX_SAMPLES + 1, 1, _labels(model, MAX_SAMPLES + 1)),
        ),
        ("num_samples huge", "num_samples", lambda: _sample(loaded, model, 2**31 - 1, 1)),
    ]
    if model.conditional:
        cases += [
            ("serve label -1", "labels", lambda: _serve(loaded, model, z(3), [0, -1, 1])),
            ("serve label num_classes", "labels", lambda: _serve(loaded, model, z(3), [0, k, 1])),
            ("serve labels count != z batch", "", lambda: _serve(loaded, model, z(3), [0, 1])),
        ]
    if model.conditional and not _is_table(model):
        cases += [
            ("sample label -1", "labels", lambda: _sample(loaded, model, 2, 1, [-1, 0])),
            ("sample label num_classes", "labels", lambda: _sample(loaded, model, 2, 1, [0, k])),
            ("sample fewer labels", "labels", lambda: _sample(loaded, model, 4, 1, [0, 1, 2])),
            ("sample more labels", "labels", lambda: _sample(loaded, model, 2, 1, [0, 1, 2])),
        ]
    failures = []
    for case, keyword, call in cases:
        try:
            call()
        except tf.errors.InvalidArgumentError as e:
            if keyword not in e.message:
                failures.append(f"{case}: message does not mention {keyword!r}: {e.message[:300]}")
        except Exception as e:  # noqa: BLE001
            failures.append(f"{case}: {type(e).__name__} instead of InvalidArgumentError: {e}")
        else:
            failures.append(f"{case}: no error")
    assert not failures, "\n".join(failures)


# ----------------------------------------------------------------------------
# Metadata and load().


@pytest.mark.parametrize("name", MODELS)
def test_metadata(name, exported):
    model, path, base = exported(name)
    meta = export_lib.read_metadata(path)
    assert export_lib.read_metadata(base) == meta  # A base dir resolves too.
    with open(os.path.join(path, "assets.extra", export_lib.METADATA_FILE)) as f:
        assert json.load(f) == meta
    assert meta["model"] == name
    assert meta["latent_dim"] == model.latent_dim == tiny_hparams(name)["latent_dim"]
    assert meta["num_classes"] == model.num_classes
    assert meta["output_shape"] == list(model.sample_shape)
    assert meta["value_range"] == list(model.sample_range)  # gan3d: [0, 1]
    assert meta["package_version"] == tfgan_zoo.__version__
    assert meta["dataset"] == "digits"
    assert meta["metrics"] == {"fid": 12.5, "inception_score": 3.25}
    assert meta["max_samples"] == MAX_SAMPLES
    assert meta["signatures"] == list(_expected_signatures(model))  # In this order.
    for hp, value in tiny_hparams(name).items():
        want = list(value) if isinstance(value, tuple) else value
        assert meta["hparams"][hp] == want, hp
    assert "generator" not in meta["hparams"] and "discriminator" not in meta["hparams"]


@pytest.mark.parametrize("name", MODELS)
def test_load_resolves_highest_version_and_generates(name, tmp_path):
    old = tiny_model(name, seed=0)
    new = tiny_model(name, seed=1)
    base = str(tmp_path / name)
    export_lib.export(old, base)
    export_lib.export(new, base)

    gen = export_lib.load(base)
    assert gen.path == os.path.join(base, "2")
    assert gen.latent_dim == new.latent_dim
    assert gen.num_classes == new.num_classes
    assert gen.conditional == new.conditional
    assert gen.sample_shape == tuple(new.sample_shape)
    assert export_lib.load(os.path.join(base, "1")).path == os.path.join(base, "1")

    z, labels = _z(new, 4), _labels(new, 4)
    from_z = gen.generate(z=z, labels=labels)
    assert from_z.shape == (4, *new.sample_shape) and from_z.dtype == np.float32
    np.testing.assert_allclose(from_z, new.generate(z=z, labels=labels), atol=1e-5)
    # The highest version, not the first.
    assert not np.allclose(from_z, old.generate(z=z, labels=labels), atol=1e-5)

    from_seed = gen.generate(num_samples=3, seed=5)
    assert from_seed.shape == (3, *new.sample_shape)
    np.testing.assert_allclose(from_seed, new.generate(num_samples=3, seed=5), atol=1e-5)
    np.testing.assert_array_equal(from_seed, gen.generate(num_samples=3, seed=5))

    if new.conditional:
        wanted = [new.num_classes - 1, 0, 2, 2, 1]
        from_labels = gen.generate(labels=wanted, seed=2)  # num_samples = len(labels)
        assert from_labels.shape == (5, *new.sample_shape)
        np.testing.assert_allclose(from_labels, new.generate(labels=wanted, seed=2), atol=1e-5)
        with pytest.raises(ValueError, match="labels"):
            gen.generate(z=z)

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError):
        export_lib.load(str(empty))


# By the tiny model itself: tabular_wgan_gp sets num_classes from its table.
UNCONDITIONAL = [m for m in MODELS if not tiny_model(m, compile=False).conditional]


@pytest.mark.parametrize("name", UNCONDITIONAL)
def test_exported_generate_rejects_labels_when_unconditional(name, exported):
    model, path, _ = exported(name)
    with pytest.raises(ValueError, match="labels"):
        model.generate(num_samples=2, labels=[0, 1])  # The Keras model refuses them...
    gen = export_lib.load(path)
    with pytest.raises(ValueError, match="labels"):  # ...and so should the export.
        gen.generate(num_samples=2, labels=[0, 1])


# ----------------------------------------------------------------------------
# A real TF Serving server, where one is installed.


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(url, payload=None, timeout=10):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode())


@pytest.mark.parametrize("name", MODELS)
def test_tensorflow_model_server_serves_both_signatures(name, exported, tmp_path):
    server = shutil.which("tensorflow_model_server")
    if server is None:
        pytest.skip("tensorflow_model_server not on PATH; the TF Serving integration test needs the binary")
    model, _, base = exported(name)
    rest_port, grpc_port = _free_port(), _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [
            server,
            f"--port={grpc_port}",
            f"--rest_api_port={rest_port}",
            f"--model_name={name}",
            f"--model_base_path={os.path.abspath(base)}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{rest_port}/v1/models/{name}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            try:
                status = _http(url, timeout=5)
                states = [v.get("state") for v in status.get("model_version_status", [])]
                if "AVAILABLE" in states:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert time.monotonic() < deadline, "server did not make the model AVAILABLE in 120 s"
            time.sleep(0.5)

        z = _z(model, 3)
        inputs = {"z": z.tolist()}
        if model.conditional:
            inputs["labels"] = [0, 1, model.num_classes - 1]
        out = _http(f"{url}:predict", {"signature_name": "serving_default", "inputs": inputs}, timeout=60)
        images = np.asarray(out["outputs"]["images"], np.float32)
        assert images.shape == (3, *model.sample_shape)
        assert np.asarray(out["outputs"]["images_uint8"]).shape == images.shape
        np.testing.assert_allclose(
            images, model.generate(z=z, labels=inputs.get("labels")), atol=1e-5
        )
        if _is_table(model):
            return

        inputs = {"num_samples": 4, "seed": 7}
        if model.conditional:
            inputs["labels"] = [1, 2, 3, 0]
        out = _http(f"{url}:predict", {"signature_name": "sample", "inputs": inputs}, timeout=60)
        images = np.asarray(out["outputs"]["images"], np.float32)
        assert images.shape == (4, *model.sample_shape)
        assert np.asarray(out["outputs"]["images_uint8"]).shape == images.shape
        expected = model.generate(num_samples=4, seed=7, labels=inputs.get("labels"))
        np.testing.assert_allclose(images, expected, atol=1e-5)

        # The package's clients, over REST and gRPC.
        labels = inputs.get("labels")
        rest = serving.RestClient(f"http://127.0.0.1:{rest_port}", name, version=1)
        np.testing.assert_allclose(rest.sample(4, seed=7, labels=labels), expected, atol=1e-5)
        rows = serving.RestClient(f"http://127.0.0.1:{rest_port}", name, format="instances")
        np.testing.assert_allclose(rows.generate(z, labels=labels and labels[:3]), model.generate(z=z, labels=labels and labels[:3]), atol=1e-5)
        grpc_client = serving.GrpcClient(f"127.0.0.1:{grpc_port}", name)
        try:
            np.testing.assert_allclose(grpc_client.sample(4, seed=7, labels=labels), expected, atol=1e-5)
        finally:
            grpc_client.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
