"""End-to-end runs of `launchers.train` and `launchers.generate` in real
subprocesses, on the bundled 8x8 `digits` data with tiny models (and the
generated `waves` and `voxel_shapes` for sequence and volume models).

Each subprocess pays a TensorFlow import (~10 s), so the runs are few, shared
through module-scoped fixtures, and independent ones run two at a time.
"""

import concurrent.futures
import csv
import functools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_hparams
from helpers import GENERATE_CALL
from helpers import run_many
from helpers import run_module
from helpers import TRAIN_CALL

import tfgan_zoo
from tfgan_zoo import callbacks as callbacks_lib
from tfgan_zoo import data as data_lib
from tfgan_zoo import export as export_lib
from tfgan_zoo import images as images_lib
from tfgan_zoo import precision as precision_lib
from tfgan_zoo import volumes
from tfgan_zoo.benchmarking import machine

MODELS = tfgan_zoo.available_models()
EPOCHS = 2
BATCH = 32
GRID_SAMPLES = 64  # The launcher's --grid_samples default.
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _flag_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    if value is None:
        return "none"
    return str(value)


def tiny_flags(name):
    """`tiny_hparams(name)` as launcher flags (`--sample_shape=8,8,1`, ...)."""
    return [f"--{hp}={_flag_value(v)}" for hp, v in tiny_hparams(name).items() if hp != "seed"]


# Models whose samples are not images train on data of their own kind,
# for a few steps an epoch: `{sample rank: (dataset, hparam flags, steps)}`.
# Tables have their own end-to-end test: tests/test_launcher_tables.py.
OTHER_KINDS = {2: ("waves", ["--sequence_length=30"], 4), 4: ("voxel_shapes", [], 4)}
# Models whose data is not what their sample rank says (strings are rank 2, as sequences).
MODEL_KINDS = {"text_gan": ("dates", ["--sequence_length=12"], 4)}


@functools.lru_cache(maxsize=None)
def sample_rank(name):
    return len(tfgan_zoo.create(name, **tiny_hparams(name)).sample_shape)


LAUNCHED = [m for m in MODELS if sample_rank(m) in (3, *OTHER_KINDS)]


def _kind(name, default):
    """`(dataset, hparam flags, steps)` of `name`'s data, or `default` for images."""
    return MODEL_KINDS.get(name) or OTHER_KINDS.get(sample_rank(name), default)


def launch_dataset(name):
    return _kind(name, ("digits",))[0]


def _launch_hparams(name):
    """The hparams the launch flags of OTHER_KINDS change (`--sequence_length=30`)."""
    flags_ = _kind(name, (None, []))[1]
    return {f[2:].split("=")[0]: int(f.split("=")[1]) for f in flags_}


def train_args(name, workdir, export_dir, epochs=EPOCHS, extra=()):
    dataset, flags_, steps = _kind(name, ("digits", [], None))
    steps = [f"--steps_per_epoch={steps}"] if steps else []
    return [
        f"--model={name}",
        f"--dataset={dataset}",
        *tiny_flags(name),
        *flags_,
        *steps,
        f"--epochs={epochs}",
        f"--batch_size={BATCH}",
        f"--workdir={workdir}",
        f"--export_dir={export_dir}",
        "--verbose=2",
        "--seed=0",
        *extra,
    ]


CASES = "train cases"  # The `_run_all` module keys of `helpers.run_many` jobs.
GENERATES = "generate cases"


def _run_all(jobs, workers=2):
    """Runs `{key: (module, args)}` (or saved_model_cli `(None, args)`, or
    `(CASES, [(name, train args)])` and `(GENERATES, [(name, generate
    args)])`, each in one subprocess, in order), two at a time."""

    def one(module, args):
        if module in (CASES, GENERATES):
            return run_many(TRAIN_CALL if module == CASES else GENERATE_CALL, args, timeout=600)
        if module is None:
            exe = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
            return subprocess.run([exe, *args], capture_output=True, text=True, timeout=600, env=env)
        return run_module(module, *args)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(one, m, a) for k, (m, a) in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def _explain(proc):
    return f"exit code {proc.returncode}\n--- stdout ---\n{proc.stdout[-2000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"


def _read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(PNG_MAGIC), f"{path} is not a PNG"
    return tf.io.decode_png(data).numpy()


def _history(workdir):
    with open(os.path.join(workdir, "history.csv"), newline="") as f:
        return list(csv.DictReader(f))


def _tile_shape(sample_shape):
    """What one sample looks like in a grid: an image as it is, a voxel grid
    as three projections side by side, a sequence as a 32-pixel-high plot."""
    if len(sample_shape) == 4:
        d = sample_shape[0]
        return d, 3 * d, 1
    if len(sample_shape) == 2:
        return 32, 2 * sample_shape[0], 1
    return tuple(sample_shape)


def _expected_grid_shape(name, num_samples=GRID_SAMPLES, padding=1):
    h, w, c = _tile_shape(tfgan_zoo.create(name, **{**tiny_hparams(name), **_launch_hparams(name)}).sample_shape)
    num_classes = tiny_hparams(name).get("num_classes", tfgan_zoo.model_hparams(name).get("num_classes"))
    if num_classes:
        rows, cols = num_classes, max(1, num_samples // num_classes)
    else:
        cols = math.ceil(math.sqrt(num_samples))
        rows = math.ceil(num_samples / cols)
    return (rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding, c)


def _steps_per_epoch(name):
    # An epoch is `examples // batch` generator steps whatever d_steps is
    # (with d_steps > 1 the launcher repeats the data to make it that long).
    steps = _kind(name, (None, None, None))[2]
    return steps or data_lib.info("digits").num_examples // BATCH


def _load_keras(path):
    model = keras.saving.load_model(path)
    assert isinstance(model, tfgan_zoo.get_model_class(type(model).model_name))
    return model


# ----------------------------------------------------------------------------
# Fixtures: the runs, shared by the tests.


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One `EPOCHS`-epoch training run per registered model."""
    root = tmp_path_factory.mktemp("launch")
    dirs = {name: (str(root / name / "run"), str(root / name / "sm")) for name in LAUNCHED}
    # Two processes, half the models each: one TensorFlow import apiece.
    cases = [(name, train_args(name, *dirs[name])) for name in LAUNCHED]
    jobs = {f"half {i}": (CASES, cases[i::2]) for i in (0, 1)}
    procs = {name: proc for half in _run_all(jobs).values() for name, proc in half.items()}
    return {name: {"proc": procs[name], "workdir": dirs[name][0], "export_dir": dirs[name][1]} for name in LAUNCHED}


@pytest.fixture(scope="module")
def followups(trained, tmp_path_factory):
    """Runs that need a trained run: resume, a mismatched resume, generate, saved_model_cli."""
    for name in ("dcgan", "cgan"):
        if trained[name]["proc"].returncode != 0:
            pytest.fail(f"the {name} training run failed:\n{_explain(trained[name]['proc'])}")
    root = tmp_path_factory.mktemp("followups")

    def copy_run(name, dest):
        """A copy of a trained run (workdir and exports), to resume without touching it."""
        workdir, export_dir = os.path.join(root, dest, "run"), os.path.join(root, dest, "sm")
        shutil.copytree(trained[name]["workdir"], workdir)
        shutil.copytree(trained[name]["export_dir"], export_dir)
        return workdir, export_dir

    resume_dirs = copy_run("dcgan", "resume")
    mismatch_dirs = copy_run("dcgan", "mismatch")
    finished_dirs = copy_run("dcgan", "finished")
    cgan_keras = os.path.join(trained["cgan"]["workdir"], "model.keras")
    cgan_base = os.path.join(trained["cgan"]["export_dir"], "cgan")
    gen = {
        "from_keras": os.path.join(root, "g_keras.png"),
        "from_savedmodel": os.path.join(root, "g_sm.png"),
        "labels": os.path.join(root, "g_labels.png"),
    }
    dcgan_export = os.path.join(trained["dcgan"]["export_dir"], "dcgan", "1")
    # Three processes: the train runs (the resume first, so that no earlier
    # case can have shown its warnings already), the generate runs, saved_model_cli.
    resumes = [("resume", train_args("dcgan", *resume_dirs, epochs=3)),
               ("mismatch", train_args("dcgan", *mismatch_dirs, epochs=3, extra=["--loss=minimax"]))]
    generates = {
        "from_keras": [f"--model_path={cgan_keras}", f"--output={gen['from_keras']}", "--num_samples=20"],
        "from_savedmodel": [f"--model_path={cgan_base}", f"--output={gen['from_savedmodel']}", "--num_samples=20"],
        "labels": [f"--model_path={cgan_base}", f"--output={gen['labels']}", "--num_samples=20", "--labels=3,5"],
        "meshes": [f"--model_path={os.path.join(trained['gan3d']['workdir'], 'model.keras')}",
                   f"--output={os.path.join(root, 'g_vox.png')}", "--num_samples=4",
                   f"--meshes={os.path.join(root, 'meshes')}"],
        "meshes_of_images": [f"--model_path={cgan_keras}", f"--output={os.path.join(root, 'g_no.png')}",
                             f"--meshes={os.path.join(root, 'no_meshes')}"],
        "missing_model_path": [f"--model_path={root}/no_such_export", f"--output={root}/g.png"],
    }
    jobs = {
        "show": (None, ["show", "--dir", dcgan_export, "--all"]),
        "cases": (CASES, resumes + _bad_input_cases(root, finished_dirs)),
        "generates": (GENERATES, list(generates.items())),
    }
    # Snapshots taken before the resumes run.
    before = {
        "mismatch_run_json": open(os.path.join(mismatch_dirs[0], "run.json")).read(),
        "mismatch_history": _history(mismatch_dirs[0]),
    }
    procs = _run_all(jobs)
    procs = {"show": procs["show"], **procs["cases"], **procs["generates"]}
    return {
        "procs": procs,
        "cases": procs,
        "root": str(root),
        "resume_dirs": resume_dirs,
        "mismatch_dirs": mismatch_dirs,
        "finished_dirs": finished_dirs,
        "pngs": gen,
        "before": before,
        "cgan_base": cgan_base,
        "trained": trained,
    }


def _bad_input_cases(root, finished_dirs):
    """`[(name, train args)]` for a `CASES` job, in order: bad model choices
    (refused before any work; the other bad flags are rows of
    test_launcher_inputs.py), a finished run re-run and exported again, and a
    run whose data fails to load followed by the corrected command."""
    root = str(root)
    common = ["--dataset=digits", "--epochs=1", f"--workdir={root}/bad/run", f"--export_dir={root}/bad/sm", "--verbose=0"]
    data_run = [*tiny_flags("dcgan"), "--dataset=digits", "--batch_size=32", "--epochs=1", "--verbose=0",
                f"--workdir={root}/data/run", "--export=false"]
    return [
        ("unknown_model", ["--model=nope", *common]),
        ("bad_shape", ["--model=dcgan", "--image_shape=30,30,1", "--base_filters=4", *common]),
        ("foreign_hparam", ["--model=dcgan", "--num_classes=10", *common]),
        ("finished_rerun", train_args("dcgan", *finished_dirs)),
        ("export_only", train_args("dcgan", *finished_dirs, extra=["--export_only"])),
        ("bad_data", [*data_run, "--split=train[:10]"]),
        ("corrected_data", [*data_run, "--split=train[:64]"]),
    ]


# ----------------------------------------------------------------------------
# A training run of every registered model.


@pytest.mark.parametrize("name", LAUNCHED)
def test_train_launcher_end_to_end(name, trained):
    run = trained[name]
    proc, workdir, export_dir = run["proc"], run["workdir"], run["export_dir"]
    assert proc.returncode == 0, _explain(proc)

    # Sample grids after each epoch, and latest.png = the last one.
    samples = os.path.join(workdir, "samples")
    names = sorted(os.listdir(samples))
    assert names == [f"epoch_{e:04d}.png" for e in range(1, EPOCHS + 1)] + ["latest.png"], names
    for png in names:
        assert _read_png(os.path.join(samples, png)).shape == _expected_grid_shape(name), png
    last = os.path.join(samples, f"epoch_{EPOCHS:04d}.png")
    with open(last, "rb") as a, open(os.path.join(samples, "latest.png"), "rb") as b:
        assert a.read() == b.read()

    # history.csv: one row per epoch.
    rows = _history(workdir)
    assert [int(r["epoch"]) for r in rows] == list(range(EPOCHS))
    for r in rows:
        for key in tfgan_zoo.registry.get_model_class(name).logged:
            assert np.isfinite(float(r[key])), (key, r)

    # run.json records the run.
    with open(os.path.join(workdir, "run.json")) as f:
        meta = json.load(f)
    assert meta["model"] == name and meta["dataset"] == launch_dataset(name)
    assert meta["batch_size"] == BATCH and meta["seed"] == 0
    for hp, value in {**tiny_hparams(name), **_launch_hparams(name)}.items():
        want = list(value) if isinstance(value, tuple) else value
        assert meta["hparams"][hp] == want, hp
    # No --precision given: the launcher chose one for this machine, said so, and kept it.
    chosen, why = precision_lib.auto(name, machine.cpu_features()["bf16_units"])
    assert f"precision: {chosen} ({why}; --precision= chooses)" in proc.stdout
    assert meta["hparams"]["precision"] == chosen

    # model.keras: the trained model, with the optimizers' state.
    model = _load_keras(os.path.join(workdir, "model.keras"))
    assert type(model).model_name == name
    assert model.latent_dim == tiny_hparams(name)["latent_dim"]
    assert int(model.g_optimizer.iterations.numpy()) == EPOCHS * _steps_per_epoch(name)
    out = model.generate(num_samples=5, seed=0)
    assert out.shape == (5, *model.sample_shape) and np.all(np.isfinite(out))
    # The last grid came from this model and the fixed noise.
    z, labels, rows_ = callbacks_lib.fixed_grid_inputs(model, GRID_SAMPLES, seed=0)
    grid = images_lib.make_grid(images_lib.as_images(model.generate(z=z, labels=labels)), rows=rows_)
    diff = np.abs(grid.astype(int) - _read_png(last).astype(int))
    assert diff.max() <= 1, f"latest grid differs from model.keras by up to {diff.max()}"

    # The export: version 1, the same generator as model.keras.
    base = os.path.join(export_dir, name)
    assert export_lib.existing_versions(base) == [1]
    assert os.path.isfile(os.path.join(base, "1", "saved_model.pb"))
    assert export_lib.read_metadata(base)["model"] == name
    assert export_lib.read_metadata(base)["dataset"] == launch_dataset(name)
    exported = export_lib.load(base)
    z = np.random.default_rng(0).normal(size=(3, model.latent_dim)).astype(np.float32)
    lab = [0, 1, model.num_classes - 1] if model.conditional else None
    np.testing.assert_allclose(exported.generate(z=z, labels=lab), model.generate(z=z, labels=lab), atol=1e-5)


def test_saved_model_cli_shows_launcher_export(followups):
    proc = followups["procs"]["show"]
    assert proc.returncode == 0, _explain(proc)
    assert "signature_def['serving_default']" in proc.stdout
    assert "signature_def['sample']" in proc.stdout


# ----------------------------------------------------------------------------
# Resuming.


def test_resume_continues_from_the_last_epoch(trained, followups):
    proc = followups["procs"]["resume"]
    assert proc.returncode == 0, _explain(proc)
    workdir, export_dir = followups["resume_dirs"]

    # It trained epoch 3 only: no restart from epoch 1.
    assert "Epoch 3/3" in proc.stdout + proc.stderr
    assert "Epoch 1/3" not in proc.stdout + proc.stderr
    rows = _history(workdir)
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    first_rows = _history(trained["dcgan"]["workdir"])
    assert [r["d_loss"] for r in rows[:2]] == [r["d_loss"] for r in first_rows]
    samples = sorted(os.listdir(os.path.join(workdir, "samples")))
    assert samples == ["epoch_0001.png", "epoch_0002.png", "epoch_0003.png", "latest.png"]
    assert _read_png(os.path.join(workdir, "samples", "epoch_0003.png")).shape == _expected_grid_shape("dcgan")

    # It loaded the backup (weights and optimizer state) and trained on.
    before = _load_keras(os.path.join(trained["dcgan"]["workdir"], "model.keras"))
    after = _load_keras(os.path.join(workdir, "model.keras"))
    steps = _steps_per_epoch("dcgan")
    assert int(before.g_optimizer.iterations.numpy()) == 2 * steps
    assert int(after.g_optimizer.iterations.numpy()) == 3 * steps
    assert int(after.d_optimizer.iterations.numpy()) == 3 * steps * after.d_steps
    assert any(
        not np.allclose(a, b) for a, b in zip(before.generator.get_weights(), after.generator.get_weights())
    ), "the generator did not change in the resumed epoch"

    # A new export version; the old one stays.
    base = os.path.join(export_dir, "dcgan")
    assert export_lib.existing_versions(base) == [1, 2]
    z = np.random.default_rng(1).normal(size=(4, after.latent_dim)).astype(np.float32)
    np.testing.assert_allclose(export_lib.load(base).generate(z=z), after.generate(z=z), atol=1e-5)


def test_resume_restores_cleanly_without_optimizer_warnings(followups):
    proc = followups["procs"]["resume"]
    assert proc.returncode == 0, _explain(proc)
    workdir = followups["resume_dirs"][0]
    assert "Skipping variable loading" not in proc.stderr, _explain(proc)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _load_keras(os.path.join(workdir, "model.keras"))
    skipped = [str(w.message) for w in caught if "Skipping variable loading" in str(w.message)]
    assert not skipped, skipped


def test_resume_with_other_settings_is_refused(followups):
    proc = followups["procs"]["mismatch"]
    workdir, export_dir = followups["mismatch_dirs"]
    assert proc.returncode == 2, _explain(proc)
    assert "Traceback" not in proc.stderr, _explain(proc)
    assert "minimax" in proc.stderr and "--workdir" in proc.stderr, _explain(proc)
    # Nothing was trained, overwritten or exported.
    with open(os.path.join(workdir, "run.json")) as f:
        assert f.read() == followups["before"]["mismatch_run_json"]
    assert _history(workdir) == followups["before"]["mismatch_history"]
    assert not os.path.exists(os.path.join(workdir, "samples", "epoch_0003.png"))
    assert export_lib.existing_versions(os.path.join(export_dir, "dcgan")) == [1]


# ----------------------------------------------------------------------------
# launchers.generate on a conditional model.


def test_generate_conditional_one_row_per_class(followups):
    procs, pngs = followups["procs"], followups["pngs"]
    for key in ("from_keras", "from_savedmodel"):
        assert procs[key].returncode == 0, _explain(procs[key])
    from_keras = _read_png(pngs["from_keras"])
    from_sm = _read_png(pngs["from_savedmodel"])
    # 10 classes x 2 per row of 8x8 images, 1-pixel padding.
    assert from_keras.shape == (10 * 8 + 11, 2 * 8 + 3, 1)
    assert from_sm.shape == from_keras.shape
    # The same seed gives the same grid from the .keras file and the export.
    assert np.abs(from_keras.astype(int) - from_sm.astype(int)).max() <= 1


def test_generate_chosen_labels(followups):
    proc = followups["procs"]["labels"]
    assert proc.returncode == 0, _explain(proc)
    grid = _read_png(followups["pngs"]["labels"])
    assert grid.shape == (2 * 8 + 3, 10 * 8 + 11, 1)  # 2 rows of 10.
    # Row 1 is class 3, row 2 class 5.
    gen = export_lib.load(followups["cgan_base"])
    want = images_lib.make_grid(gen.generate(labels=np.repeat([3, 5], 10).astype(np.int32), seed=0), rows=2)
    assert np.abs(want.astype(int) - grid.astype(int)).max() <= 1


def test_generate_writes_a_mesh_per_volume_sample(followups):
    proc = followups["procs"]["meshes"]
    assert proc.returncode == 0, _explain(proc)
    directory = os.path.join(followups["root"], "meshes")
    written = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
    skipped = int(re.search(r"\((\d+) samples had no surface\)", proc.stdout).group(1))
    assert len(written) + skipped == 4 and written, proc.stdout
    model = _load_keras(os.path.join(followups["trained"]["gan3d"]["workdir"], "model.keras"))
    samples = model.generate(4, seed=0)
    for name in written:
        index = int(name[len("sample_") : -len(".obj")])
        with open(os.path.join(directory, name)) as f:
            text = f.read()
        # The same mesh as tfgan_zoo.volumes makes of that sample.
        assert text == volumes.obj_text(*volumes.mesh(samples[index, ..., 0]))


def test_generate_refuses_meshes_of_images(followups):
    _assert_clean_error(followups["procs"]["meshes_of_images"], r"--meshes=.*only volume models.*Received: a model of samples \(8, 8, 1\)")
    assert not os.path.exists(os.path.join(followups["root"], "no_meshes"))


# ----------------------------------------------------------------------------
# Bad flags.


def _assert_clean_error(proc, *needles):
    assert proc.returncode == 2, _explain(proc)
    assert "Traceback" not in proc.stderr, _explain(proc)
    for needle in needles:
        assert re.search(needle, proc.stderr), f"{needle!r} not in the error:\n{_explain(proc)}"
    # Said once: one `error:` line, not also as an absl `E...]` log line.
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, _explain(proc)
    message = errors[0][len("error: "):]
    assert proc.stderr.count(message) == 1 and message not in getattr(proc, "outer_stderr", ""), _explain(proc)


def test_unknown_model_lists_available_models(followups):
    cases = followups["cases"]
    _assert_clean_error(cases["unknown_model"], "nope", "Unknown model", *map(re.escape, MODELS))
    assert not os.path.exists(os.path.join(followups["root"], "bad", "sm"))


def test_bad_dcgan_image_shape_names_the_value(followups):
    _assert_clean_error(followups["cases"]["bad_shape"], r"sample_shape", r"30,\s*30,\s*1")
    assert not os.path.exists(os.path.join(followups["root"], "bad", "sm"))


def test_hparam_the_model_does_not_take_lists_valid_ones(followups):
    valid = [hp for hp in tfgan_zoo.model_hparams("dcgan") if hp != "seed"]
    _assert_clean_error(followups["cases"]["foreign_hparam"], "num_classes", *map(re.escape, valid))


def test_rerunning_a_finished_run_trains_and_exports_nothing(followups):
    proc = followups["cases"]["finished_rerun"]
    workdir, export_dir = followups["finished_dirs"]
    _assert_clean_error(proc, "finished run of 2 epoch", re.escape("--epochs=2"), "--export_only", re.escape(workdir))
    assert "export:" not in proc.stdout
    assert [int(r["epoch"]) for r in _history(workdir)] == [0, 1]


def test_export_only_exports_the_finished_run_again(followups):
    proc = followups["cases"]["export_only"]
    workdir, export_dir = followups["finished_dirs"]
    assert proc.returncode == 0, _explain(proc)
    base = os.path.join(export_dir, "dcgan")
    # Version 1 from the training run, 2 from --export_only (none from the re-run).
    assert export_lib.existing_versions(base) == [1, 2]
    assert f"export: {os.path.join(base, '2')}" in proc.stdout
    model = _load_keras(os.path.join(workdir, "model.keras"))
    z = np.random.default_rng(2).normal(size=(3, model.latent_dim)).astype(np.float32)
    np.testing.assert_allclose(export_lib.load(base).generate(z=z), model.generate(z=z), atol=1e-5)
    assert [int(r["epoch"]) for r in _history(workdir)] == [0, 1]  # Nothing trained.


def test_a_run_whose_data_fails_leaves_nothing_that_refuses_the_fix(followups):
    cases, workdir = followups["cases"], os.path.join(followups["root"], "data", "run")
    _assert_clean_error(cases["bad_data"], re.escape("train[:10]"), "fewer than one batch")
    proc = cases["corrected_data"]
    assert proc.returncode == 0, _explain(proc)
    with open(os.path.join(workdir, "run.json")) as f:
        run = json.load(f)
    assert run["split"] == "train[:64]" and run["finished"]["epochs"] == 1
    assert os.path.isfile(os.path.join(workdir, "model.keras"))


def test_generate_missing_model_path(followups):
    _assert_clean_error(followups["procs"]["missing_model_path"], re.escape("--model_path=") + ".*no_such_export")
    assert not os.path.exists(os.path.join(followups["root"], "g.png"))
