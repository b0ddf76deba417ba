"""The launchers on a table (issue #12): a 200-row CSV made here trains a
tiny `tabular_wgan_gp` end to end through `launchers.train` (one epoch,
then resumed to two), and `launchers.generate` writes CSV rows from its
`model.keras` and from its export.

Two subprocesses (`helpers.run_many`: one TensorFlow import each): the
train command lines, then the generate ones; each also runs the bad
table flags, which must fail with one `error: --flag=value` line.
"""

import io
import os

import keras
import numpy as np
import pandas as pd
import pytest
from helpers import GENERATE_CALL, TRAIN_CALL, run_many, tiny_model

import tfgan_zoo  # noqa: F401 (registers the model classes)
from tfgan_zoo import export as export_lib
from tfgan_zoo import training
from tfgan_zoo.data import table as table_lib
from tfgan_zoo.models.tabular import launch as table_launch
from tfgan_zoo.models.tabular.tabular_wgan_gp import TABLE_ASSET

COLUMNS = ["age", "hours", "job", "Salary"]
ROWS, BATCH, GRID, GENERATED = 200, 20, 10, 30
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _write_table(path):
    """Two numeric columns (an int, a bimodal float with 5 missing) and two
    categorical ones (a job with missing '?', the Salary label)."""
    rng = np.random.default_rng(0)
    age = rng.integers(18, 80, ROWS)
    hours = np.where(rng.random(ROWS) < 0.5, rng.normal(20, 3, ROWS), rng.normal(45, 4, ROWS)).round(2)
    job = rng.choice(["clerk", "driver", "nurse"], ROWS)
    salary = np.where(age + rng.normal(0, 10, ROWS) > 50, ">50K", "<=50K")
    with open(path, "w") as f:
        f.write(", ".join(COLUMNS) + "\n")
        for i in range(ROWS):
            h = "?" if i % 40 == 3 else hours[i]
            j = "?" if i % 25 == 7 else job[i]
            f.write(f"{age[i]}, {h}, {j}, {salary[i]}\n")


def _explain(result):
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    p = {"root": str(root), "csv": str(root / "people.csv"), "workdir": str(root / "run"), "sm": str(root / "sm")}
    _write_table(p["csv"])
    p["dcgan_keras"] = str(root / "dcgan.keras")
    tiny_model("dcgan").save(p["dcgan_keras"])
    table_args = [f"--dataset=csv:{p['csv']}", "--label=Salary", "--width=8", "--latent_dim=8", "--pac=2",
                  f"--batch_size={BATCH}", f"--grid_samples={GRID}", "--verbose=2", "--seed=0"]
    train = ["--model=tabular_wgan_gp", *table_args, f"--workdir={p['workdir']}", f"--export_dir={p['sm']}"]
    elsewhere = [f"--workdir={root}/bad", f"--export_dir={root}/bad_sm", "--epochs=1"]
    p["train"] = run_many(TRAIN_CALL, [
        ("first", [*train, "--epochs=1"]),
        ("resume", [*train, "--epochs=2"]),
        ("no_table", ["--model=tabular_wgan_gp", "--dataset=digits", *elsewhere]),
        ("image_model", ["--model=dcgan", f"--dataset=csv:{p['csv']}", *elsewhere]),
        ("bad_label", ["--model=tabular_wgan_gp", *table_args, "--label=Nope", *elsewhere]),
        ("label_of_images", ["--model=dcgan", "--dataset=digits", "--label=Salary", *elsewhere]),
        ("bad_split", ["--model=tabular_wgan_gp", *table_args, "--split=test", *elsewhere]),
        ("small_batch", ["--model=tabular_wgan_gp", *table_args, "--batch_size=1", *elsewhere]),
    ])
    keras_path = os.path.join(p["workdir"], "model.keras")
    export_base = os.path.join(p["sm"], "tabular_wgan_gp")
    out = {k: str(root / f"{k}.csv") for k in ("keras_rows", "export_rows", "conditioned")}
    p.update(out)
    p["generate"] = run_many(GENERATE_CALL, [
        ("keras", [f"--model_path={keras_path}", f"--output={out['keras_rows']}", f"--num_samples={GENERATED}", "--seed=3"]),
        ("export", [f"--model_path={export_base}", f"--output={out['export_rows']}", f"--num_samples={GENERATED}", "--seed=3"]),
        ("conditioned", [f"--model_path={keras_path}", f"--output={out['conditioned']}", "--num_samples=12",
                         "--condition=Salary=>50K", "--seed=1"]),
        ("png", [f"--model_path={keras_path}", f"--output={root}/rows.png"]),
        ("unknown_category", [f"--model_path={export_base}", f"--output={root}/x.csv", "--condition=Salary=maybe"]),
        ("no_pair", [f"--model_path={keras_path}", f"--output={root}/x.csv", "--condition=Salary"]),
        ("labels", [f"--model_path={keras_path}", f"--output={root}/x.csv", "--labels=1"]),
        ("image_csv", [f"--model_path={p['dcgan_keras']}", f"--output={root}/x.csv"]),
    ])
    p["keras"], p["export_base"] = keras_path, export_base
    return p


def test_train_writes_rows_plots_model_and_export_and_resumes(run):
    first, resumed = run["train"]["first"], run["train"]["resume"]
    assert first.returncode == 0, _explain(first)
    assert resumed.returncode == 0, _explain(resumed)
    assert f"1 replica(s) x batch {BATCH} x 1 d_steps" in first.stdout and "ResumableBackup: resuming" in resumed.stdout
    record = training.read_run(run["workdir"])
    assert record["label"] == "Salary" and record["finished"]["epochs"] == 2
    outputs = record["finished"]["outputs"]
    assert outputs["samples"] == os.path.join(run["workdir"], "samples", "epoch_0002.csv")
    for name in ("epoch_0001.csv", "epoch_0002.csv", "latest.csv"):
        rows = pd.read_csv(os.path.join(run["workdir"], "samples", name))
        assert list(rows.columns) == COLUMNS and len(rows) == GRID
    report = pd.read_csv(outputs["samples_csv"])
    assert list(report.columns) == COLUMNS and len(report) == ROWS  # As many rows as the table.
    plots = sorted(os.listdir(outputs["plots"]))
    assert plots == ["00_age.png", "01_hours.png", "02_job.png", "03_Salary.png"]
    for name in plots:
        with open(os.path.join(outputs["plots"], name), "rb") as f:
            assert f.read(8) == PNG_MAGIC
    # One export per finished run, each with its transformer.
    assert export_lib.existing_versions(run["export_base"]) == [1, 2]
    assert outputs["export"] == os.path.join(run["export_base"], "2")
    for version in ("1", "2"):
        assert os.path.isfile(os.path.join(run["export_base"], version, "assets.extra", TABLE_ASSET))


def test_model_keras_samples_rows_of_the_table(run):
    model = keras.saving.load_model(run["keras"])
    table, _ = table_lib.read_csv(run["csv"], label="Salary")
    rows = model.sample_rows(50, seed=0)
    assert list(rows.columns) == COLUMNS and list(rows.dtypes) == list(table.dtypes)  # The input's dtypes.
    assert rows["age"].dtype.kind == "i" and rows["hours"].dtype.kind == "f"
    assert set(rows["Salary"]) <= {">50K", "<=50K"}
    assert set(rows["job"].dropna()) <= set(table["job"].dropna())
    assert rows["age"].between(table["age"].min(), table["age"].max()).all()
    assert model.transformer.label == "Salary" and model.pac == 2 and model.latent_dim == 8


def test_export_answers_as_the_keras_model(run):
    model = keras.saving.load_model(run["keras"])
    exported = export_lib.load(run["export_base"])  # Its highest version.
    labels = np.array([0, 1, 2, 3, 4], np.int32)
    served = exported.generate(labels=labels, seed=7)  # Encoded rows: z from the seed, to `serving_default`.
    assert served.shape == (5, model.transformer.output_dim)
    np.testing.assert_allclose(served, model.generate(labels=labels, seed=7), rtol=1e-5, atol=1e-5)
    transformer = table_launch.table_transformer(exported)
    assert transformer.columns == model.transformer.columns
    for got, want in zip(transformer.get_weights(), model.transformer.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_any_export_of_a_table_model_carries_its_transformer(run, tmp_path):
    # export() itself writes it, in the version's atomic write: also
    # launchers.export and a user's own export calls.
    model = keras.saving.load_model(run["keras"])
    path = export_lib.export(model, str(tmp_path / "t"))
    assert sorted(os.listdir(os.path.join(path, "assets.extra"))) == [TABLE_ASSET, "tf_serving_warmup_requests", "tfgan_zoo.json"]
    transformer = table_launch.table_transformer(export_lib.load(path))
    for got, want in zip(transformer.get_weights(), model.transformer.get_weights()):
        np.testing.assert_array_equal(got, want)


def _assert_same_rows(got, want):
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    for column in ("job", "Salary"):
        assert got[column].fillna("").tolist() == want[column].fillna("").tolist(), column
    for column in ("age", "hours"):
        np.testing.assert_allclose(got[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-4, atol=1e-3)


def test_generate_writes_the_rows_of_sample_rows_from_keras_and_export(run):
    for key in ("keras", "export", "conditioned"):
        assert run["generate"][key].returncode == 0, _explain(run["generate"][key])
    assert f"wrote {run['keras_rows']}: {GENERATED} rows, columns {COLUMNS}" in run["generate"]["keras"].stdout
    model = keras.saving.load_model(run["keras"])
    from_keras, from_export = pd.read_csv(run["keras_rows"]), pd.read_csv(run["export_rows"])
    assert list(from_keras.columns) == COLUMNS and len(from_keras) == GENERATED
    # What the file holds is what the Python API gives, through the CSV text.
    expected = pd.read_csv(io.StringIO(model.sample_rows(GENERATED, seed=3).to_csv(index=False)))
    _assert_same_rows(from_keras, expected)
    _assert_same_rows(from_export, from_keras)
    conditioned = pd.read_csv(run["conditioned"])
    want = model.sample_rows(12, conditions={"Salary": ">50K"}, seed=1)
    _assert_same_rows(conditioned, pd.read_csv(io.StringIO(want.to_csv(index=False))))


BAD = {
    "train": {
        "no_table": "--dataset=digits: Model 'tabular_wgan_gp' trains on a table: pass csv:<path>",
        "image_model": "--dataset=csv:{csv}: Model 'dcgan' does not train on tables; the table models are ['tabular_wgan_gp']",
        "bad_label": "--label=Nope: The label must be one of the table's columns ['age', 'hours', 'job', 'Salary']. Received: label='Nope'",
        "label_of_images": "--label=Salary: only tables (--dataset=csv:<path>) have a label column",
        "bad_split": "--split=test: A CSV table is one split, 'train'",
        "small_batch": "--batch_size=1: The batch must hold at least one pack of pac=2 rows. Received: batch_size=1",
    },
    "generate": {
        "png": "--output={root}/rows.png: A table model writes its rows as CSV",
        "unknown_category": "--condition=Salary=maybe: Unknown category of 'Salary'",
        "no_pair": "--condition=Salary: A condition is column=value",
        "labels": "--labels=1: a table model takes --condition=column=value",
        "image_csv": "--output={root}/x.csv: Only table models write CSV rows",
    },
}


@pytest.mark.parametrize("launcher,key", [(launcher, key) for launcher, cases in BAD.items() for key in cases])
def test_bad_table_flags_are_one_error_naming_the_flag(run, launcher, key):
    result = run[launcher][key]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2 and len(errors) == 1 and "Traceback" not in result.stderr, _explain(result)
    assert errors[0].startswith("error: " + BAD[launcher][key].format(**run)), _explain(result)
    assert not os.path.exists(os.path.join(run["root"], "bad")) and not os.path.exists(os.path.join(run["root"], "x.csv"))
