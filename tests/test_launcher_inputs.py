"""Bad launcher input, table-driven: each row is refused with one `error:`
line naming the flag and its value, the right exit code, no traceback, and
nothing written.

`BAD_INPUTS` rows are `(launcher, args, expected substring, exit code)`;
`{name}` in args and expected text is filled from the `paths` fixture
(models made in-process, tiny). The rows of one launcher run in ONE
subprocess (one TensorFlow import): each re-parses the flags with the
launcher's own parser and calls its `main`. The train launcher's cases that
need a trained run (a finished run, `--export_only`, failing data) are in
`test_launchers.py`.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import REPO_ROOT
from helpers import tiny_model
from test_launcher_output import CPP_LINE

from launchers import cli
from tfgan_zoo import export as export_lib
from tfgan_zoo import images as images_lib
from tfgan_zoo import training

GEN, EXP, EVAL, TRAIN = "launchers.generate", "launchers.export", "launchers.evaluate", "launchers.train"
MAX_SAMPLES = 16  # The dcgan export's limit, to test batched requests.
BATCHED = 40  # Samples asked of that export: requests of 16, 16 and 8.
PLAIN = "holds a plain Keras Sequential ('plain'), not a tfgan_zoo GAN"
FOREIGN = "SavedModel without tfgan_zoo's metadata"

_gen = ["--model_path={dcgan_export}", "--output={root}/out.png"]
_exp = ["--model_path={dcgan_keras}", "--export_dir={root}/exported"]
_eval = ["--dataset=digits", "--metrics=fid", "--num_samples=16", "--results={root}/results.jsonl",
         "--cache_dir={root}/cache"]
_train = ["--model=dcgan", "--dataset=digits", "--epochs=1", "--workdir={root}/run", "--export_dir={root}/sm"]

BAD_INPUTS = [
    # launchers.generate: checked before the model is loaded.
    (GEN, [*_gen, "--num_samples=0"], "--num_samples=0: must be a positive integer", 2),
    (GEN, [*_gen, "--num_samples=-5"], "--num_samples=-5: must be a positive integer", 2),
    (GEN, [*_gen, "--num_samples=abc"], "--num_samples=abc", 2),
    (GEN, [*_gen, "--output={a_file}/out.png"], "--output={a_file}/out.png: {a_file} is a file", 2),
    (GEN, [*_gen, "--output={root}"], "--output={root}: is a directory", 2),
    (GEN, [*_gen, "--labels=a,1"], "--labels=a,1: labels must be integers. Received: ['a']", 2),
    (GEN, [*_gen, "stray"], "unexpected arguments ['stray']", 2),
    (GEN, ["--output={root}/out.png"], "--model_path", 2),
    # ... and after: what the path holds, and labels against the model.
    (GEN, ["--model_path={root}/missing", "--output={root}/out.png"], "--model_path={root}/missing", 2),
    (GEN, ["--model_path={plain_keras}", "--output={root}/out.png"], f"--model_path={{plain_keras}}: {{plain_keras}} {PLAIN}", 2),
    (GEN, ["--model_path={foreign_sm}", "--output={root}/out.png"], f"--model_path={{foreign_sm}}: {{foreign_sm}} is a {FOREIGN}", 2),
    (GEN, [*_gen, "--labels=3"], "--labels=3: The model is unconditional", 2),
    (GEN, ["--model_path={cgan_keras}", "--output={root}/out.png", "--labels=3,12"], "--labels=3,12: Labels must be in [0, 10)", 2),
    # launchers.export: checked before the model is loaded.
    (EXP, [*_exp, "--metrics=notjson"], "--metrics=notjson: not JSON", 2),
    (EXP, [*_exp, "--metrics=[1]"], "--metrics=[1]: must be a JSON object", 2),
    (EXP, [*_exp, "--max_samples=0"], "--max_samples=0: must be a positive integer", 2),
    (EXP, [*_exp, "--version=-1"], "--version=-1: must be a non-negative integer", 2),
    (EXP, ["--model_path={dcgan_keras}", "--export_dir={a_file}/sm"], "--export_dir={a_file}/sm: {a_file} is a file", 2),
    (EXP, [*_exp, "--model_config={a_file}/models.config"], "--model_config={a_file}/models.config: {a_file} is a file", 2),
    (EXP, ["--model_path={root}/none.keras"], "--model_path={root}/none.keras: no .keras file there", 2),
    (EXP, ["--model_path={dcgan_export}"], "--model_path={dcgan_export}: no .keras file there", 2),
    (EXP, ["--model_path={plain_keras}", "--export_dir={root}/exported"], f"--model_path={{plain_keras}}: {{plain_keras}} {PLAIN}", 2),
    (EXP, ["--model_path={dcgan_keras}", "--export_dir={dcgan_base}", "--version=1"], "--export_dir={dcgan_base}: {dcgan_base}/1 exists", 2),
    # launchers.evaluate: what --model_path holds, before any classifier is trained.
    (EVAL, ["--model_path={plain_keras}", *_eval], f"--model_path={{plain_keras}}: {{plain_keras}} {PLAIN}", 2),
    (EVAL, ["--model_path={foreign_sm}", *_eval], f"--model_path={{foreign_sm}}: {{foreign_sm}} is a {FOREIGN}", 2),
    (EVAL, ["--model_path={dcgan_export}", *_eval[:2], "--num_samples=1"], "--num_samples=1: must be at least 2", 2),
    # launchers.train: checked before any work (the cases that need a
    # trained run are in test_launchers.py).
    *[(TRAIN, [*_train, f"--{flag}={value}"], f"--{flag}={value}: must be a positive integer", 2)
      for flag, value in [("epochs", 0), ("epochs", -1), ("steps_per_epoch", 0), ("steps_per_epoch", -3),
                          ("steps_per_execution", 0), ("grid_samples", 0), ("batch_size", 0), ("cpu_replicas", 0)]],
    (TRAIN, [*_train, "--workdir={a_file}/run"], "--workdir={a_file}/run: {a_file} is a file", 2),
    (TRAIN, [*_train, "--export_dir={a_file}/sm"], "--export_dir={a_file}/sm: {a_file} is a file", 2),
    (TRAIN, [*_train, "--epochs=abc"], "--epochs=abc", 2),
    (TRAIN, [*_train, "--verbose=7"], "--verbose=7", 2),
    (TRAIN, [*_train, "stray"], "unexpected arguments ['stray']", 2),
    (TRAIN, ["--workdir={plain_run}", "--export_dir={root}/sm", "--export_only"], f"{{plain_run}}/model.keras {PLAIN}", 2),
]

# Runs `[args]` through one launcher module in ONE process; argv[1] is the
# module, argv[2] a JSON list of argument lists.
_DRIVER = r"""
import contextlib, importlib, io, json, sys, traceback
from absl import flags
from launchers import cli
module = importlib.import_module(sys.argv[1])
parse = getattr(module, "parse_flags", cli.parse_flags)
results = []
for args in json.loads(sys.argv[2]):
    flags.FLAGS.unparse_flags()
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            module.main(parse(["launcher", *args]))
        except SystemExit as e:
            code = e.code
        except Exception:
            code = "uncaught"
            traceback.print_exc()
    results.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print("RESULTS " + json.dumps(results))
"""


def run_cases(module, cases):
    """`[result dict]` of `cases` (argument lists) run through `module`, and the process' own stderr."""
    env = dict(os.environ, PYTHONPATH=REPO_ROOT)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # conftest sets it; the launchers must quiet TensorFlow themselves.
    proc = subprocess.run([sys.executable, "-c", _DRIVER, module, json.dumps(cases)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert line, f"the driver failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return json.loads(line[len("RESULTS "):]), proc.stderr


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    """Tiny models and the odd files the rows name."""
    root = tmp_path_factory.mktemp("inputs")
    p = {"root": str(root), "a_file": str(root / "a_file"), "good": str(tmp_path_factory.mktemp("good"))}
    with open(p["a_file"], "w") as f:
        f.write("not a directory")
    dcgan = tiny_model("dcgan")
    p["dcgan_keras"] = str(root / "dcgan.keras")
    dcgan.save(p["dcgan_keras"])
    p["dcgan_base"] = str(root / "sm" / "dcgan")
    p["dcgan_export"] = export_lib.export(dcgan, p["dcgan_base"], max_samples=MAX_SAMPLES)
    p["cgan_keras"] = str(root / "cgan.keras")
    tiny_model("cgan").save(p["cgan_keras"])
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="plain")
    p["plain_keras"] = str(root / "plain.keras")
    plain.save(p["plain_keras"])
    p["foreign_sm"] = str(root / "foreign_sm")
    plain.export(p["foreign_sm"], verbose=False)
    # A finished run whose model.keras is a plain Keras model.
    p["plain_run"] = str(root / "plain_run")
    os.makedirs(p["plain_run"])
    plain.save(os.path.join(p["plain_run"], "model.keras"))
    run = training.run_record("dcgan", {}, "digits", "train", 8, None)
    training.mark_finished(p["plain_run"], run, 1, {})
    return p


def _fill(text, paths):
    return text.format(**paths)


# Runs that must succeed, in the same subprocesses as the rows: `{launcher: [args]}`.
GOOD_RUNS = {
    GEN: [["--model_path={dcgan_base}", f"--num_samples={BATCHED}", "--output={good}/batched.png", "--seed=3"]],
}


def _files(root):
    """The files and directories under `root`."""
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, dirs, files in os.walk(root) for f in dirs + files)


@pytest.fixture(scope="module")
def results(paths):
    """`rows`: `{row index: result}` of `BAD_INPUTS`; `good`: `{launcher:
    [result]}` of `GOOD_RUNS`; one subprocess per launcher, two at a time.
    `before`: the files under the root before the rows ran."""
    before = _files(paths["root"])
    groups = {}
    for index, (module, args, _, _) in enumerate(BAD_INPUTS):
        groups.setdefault(module, []).append([_fill(a, paths) for a in args])
    good = {module: [[_fill(a, paths) for a in args] for args in runs] for module, runs in GOOD_RUNS.items()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {module: pool.submit(run_cases, module, cases + good.get(module, []))
                   for module, cases in groups.items()}
        done = {module: future.result() for module, future in futures.items()}
    rows, outer, good_results = {}, {}, {}
    for module, (got, outer[module]) in done.items():
        indices = [i for i, row in enumerate(BAD_INPUTS) if row[0] == module]
        rows.update(zip(indices, got))
        good_results[module] = got[len(indices):]
    return {"rows": rows, "good": good_results, "outer": outer, "before": before}


@pytest.mark.parametrize("index", range(len(BAD_INPUTS)), ids=[f"{i}-{m.split('.')[1]}:{a[-1]}"
                                                               for i, (m, a, _, _) in enumerate(BAD_INPUTS)])
def test_bad_launcher_input_is_one_clear_error(index, paths, results):
    module, args, expected, code = BAD_INPUTS[index]
    got = results["rows"][index]
    explain = f"{module} {args}\nexit {got['code']}\n--- stdout ---\n{got['stdout']}\n--- stderr ---\n{got['stderr']}"
    assert got["code"] == code, explain
    assert "Traceback" not in got["stderr"], explain
    errors = [line for line in got["stderr"].splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, explain  # Said once (no absl `E` line as well).
    assert _fill(expected, paths) in errors[0], explain
    assert errors[0][len("error: "):] not in results["outer"][module], "also logged outside the case"


def test_bad_launcher_input_writes_nothing(paths, results):
    assert _files(paths["root"]) == results["before"]  # Not even a work directory.
    with open(paths["a_file"]) as f:
        assert f.read() == "not a directory"
    assert export_lib.existing_versions(paths["dcgan_base"]) == [1]


def test_launchers_keep_tensorflows_start_up_chatter_out(results):
    for module, stderr in results["outer"].items():
        for chatter in ("absl::InitializeLog", "cuInit", "cudart_stub", "cpu_feature_guard"):
            assert chatter not in stderr, f"{module}: {chatter!r} in\n{stderr[-3000:]}"
        assert not CPP_LINE.search(stderr), f"{module}:\n{stderr[-3000:]}"


# ----------------------------------------------------------------------------
# launchers.generate asks an export for more than its max_samples.


def test_generate_batches_requests_above_the_exports_max_samples(paths, results):
    got = results["good"][GEN][0]
    assert got["code"] == 0, got
    assert f"{BATCHED} images" in got["stdout"]
    output = os.path.join(paths["good"], "batched.png")
    # The grid holds the images of ONE request of BATCHED from the Keras model.
    model = keras.saving.load_model(paths["dcgan_keras"])
    want = images_lib.make_grid(model.generate(num_samples=BATCHED, seed=3))
    with open(output, "rb") as f:
        grid = tf.io.decode_png(f.read()).numpy()
    assert grid.shape == want.shape and np.abs(grid.astype(int) - want.astype(int)).max() <= 1


def test_generate_batched_equals_one_request(paths):
    exported = export_lib.load(paths["dcgan_base"])
    assert cli.batch_limit(exported) == MAX_SAMPLES  # From the export's metadata.
    model = keras.saving.load_model(paths["dcgan_keras"])
    assert cli.batch_limit(model) == export_lib.DEFAULT_MAX_SAMPLES
    want = model.generate(num_samples=BATCHED, seed=3)
    np.testing.assert_allclose(cli.generate_batched(exported, BATCHED, seed=3), want, atol=1e-5)
    np.testing.assert_allclose(cli.generate_batched(model, BATCHED, seed=3, limit=7), want, atol=1e-5)
    # Conditional, with given labels and with random ones.
    cgan = keras.saving.load_model(paths["cgan_keras"])
    labels = np.arange(10, dtype=np.int32).repeat(3)
    np.testing.assert_allclose(cli.generate_batched(cgan, 30, 5, labels, limit=8),
                               cgan.generate(labels=labels, seed=5), atol=1e-5)
    np.testing.assert_allclose(cli.generate_batched(cgan, 30, 5, limit=8), cgan.generate(30, seed=5), atol=1e-5)


@pytest.mark.parametrize("path_key, message", [("plain_keras", PLAIN), ("foreign_sm", FOREIGN)])
def test_load_generator_names_what_the_path_holds(paths, path_key, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        cli.load_generator(paths[path_key])
    assert paths[path_key] in str(info.value)
