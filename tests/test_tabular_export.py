"""The export of `tabular_wgan_gp` (issue #12): its `sample` signature
answers with table rows, one named output per column (`tf.string` for
categorical columns, float32 for continuous ones, NaN where missing),
conditions checked in the graph; `saved_model_cli run` sees the same.

A 60-row table made here (an int, a float with holes under a name with
spaces, a job with a missing category, the `Salary` label); untrained tiny
models. For the conditions, a model whose generator puts the condition's
one-hot into its column (what the condition loss trains a generator to
do): then a condition must come back in every row, through the lookup,
the generator's input and the decode.
"""

import json

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from helpers import SAVED_MODEL_CLI_CALL
from helpers import run_many

from tfgan_zoo import export as export_lib
from tfgan_zoo.models.tabular import TabularWGANGP
from tfgan_zoo.models.tabular import serving

TINY = {"width": 8, "latent_dim": 4, "pac": 2, "critic_dropout": 0.0, "seed": 0}
MAX_SAMPLES = 64
KEYS = {"age": "age", "hours_per_week": "hours per week", "job": "job", "Salary": "Salary"}


def _table(n=60):
    rng = np.random.default_rng(0)
    hours = rng.normal(40, 5, n).round(1)
    hours[[2, 9]] = np.nan
    job = rng.choice(["clerk", "nurse"], n).astype(object)
    job[4] = np.nan
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n).astype("int64"),
            "hours per week": hours,
            "job": pd.Series(job, dtype="str"),
            "Salary": pd.Series(rng.choice(["<=50K", ">50K"], n), dtype="str"),
        }
    )


@keras.saving.register_keras_serializable(package="test_tabular_export")
class HonourCondition(keras.layers.Layer):
    """Rows with the condition's column set to the condition's one-hot."""

    def __init__(self, positions, spans, **kwargs):
        super().__init__(**kwargs)
        self.positions, self.spans = [int(p) for p in positions], [[int(a), int(b)] for a, b in spans]

    def get_config(self):
        return {**super().get_config(), "positions": self.positions, "spans": self.spans}

    def call(self, rows, labels):
        width = rows.shape[-1]
        slot = tf.gather(tf.constant(self.positions), labels)
        # The condition column's slots (its span), then the chosen one.
        span = tf.constant([[s, e] for s, e in self.spans for _ in range(e - s)])
        start, end = tf.unstack(tf.gather(span, labels), axis=1)
        index = tf.range(width)[None, :]
        inside = (index >= start[:, None]) & (index < end[:, None])
        return tf.where(inside, tf.one_hot(slot, width), rows)


def _honouring(frame):
    base = TabularWGANGP.for_table(frame, {"label": "Salary"}, max_modes=2, compile=False, **TINY)
    t = base.transformer
    offsets = t._offsets()
    spans = [(offsets[i], offsets[i] + t.slots(t.columns[i])) for i in t.categorical]
    z, labels = keras.Input((base.latent_dim,)), keras.Input((), dtype="int32")
    rows = HonourCondition(t.condition_positions, spans)(base.generator([z, labels]), labels)
    return TabularWGANGP(transformer=t, generator=keras.Model([z, labels], rows), **TINY)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    frame = _table()
    root = tmp_path_factory.mktemp("tabular_export")
    model = TabularWGANGP.for_table(frame, {"label": "Salary"}, max_modes=2, **TINY)
    honest = _honouring(frame)
    unconditional = TabularWGANGP.for_table(frame, condition_vector=False, max_modes=2, **TINY)
    paths = {
        name: export_lib.export(m, str(root / name), max_samples=MAX_SAMPLES)
        for name, m in (("plain", model), ("honest", honest), ("unconditional", unconditional))
    }
    return {"frame": frame, "plain": model, "honest": honest, "paths": paths}


def _sample(path, n, seed, column="", value=""):
    sample = export_lib.load(path).signature("sample")
    out = sample(
        num_samples=tf.constant(n, tf.int32), seed=tf.constant(seed, tf.int64),
        condition_column=tf.constant(column), condition_value=tf.constant(value),
    )
    return {k: v.numpy() for k, v in out.items()}


def test_sample_has_one_named_output_per_column(exports):
    path = exports["paths"]["plain"]
    sample = export_lib.load(path).signature("sample")
    outputs = sample.structured_outputs
    assert list(export_lib.read_metadata(path)["sample_outputs"].items()) == list(KEYS.items())
    assert sorted(outputs) == sorted(KEYS)  # "hours per week" -> "hours_per_week".
    assert {k: v.dtype for k, v in outputs.items()} == {
        "age": tf.float32, "hours_per_week": tf.float32, "job": tf.string, "Salary": tf.string,
    }
    inputs = sample.structured_input_signature[1]
    assert {k: v.dtype for k, v in inputs.items()} == {
        "num_samples": tf.int32, "seed": tf.int64, "condition_column": tf.string, "condition_value": tf.string,
    }


def test_rows_are_valid_seeded_and_those_of_sample_rows(exports):
    frame, model, path = exports["frame"], exports["plain"], exports["paths"]["plain"]
    out = _sample(path, 50, 3)
    assert all(v.shape == (50,) for v in out.values())
    assert set(out["Salary"].tolist()) <= {b"<=50K", b">50K"}
    assert set(out["job"].tolist()) <= {b"clerk", b"nurse", b""}  # "" is the missing category.
    assert np.array_equal(out["age"], np.round(out["age"]))
    assert frame["age"].min() <= out["age"].min() and out["age"].max() <= frame["age"].max()
    hours = out["hours_per_week"][~np.isnan(out["hours_per_week"])]
    assert frame["hours per week"].min() - 1e-3 <= hours.min() and hours.max() <= frame["hours per week"].max() + 1e-3
    again, other = _sample(path, 50, 3), _sample(path, 50, 4)
    for key in KEYS:
        np.testing.assert_array_equal(again[key], out[key])
    assert any(not np.array_equal(other[key], out[key]) for key in KEYS)
    # The model's own rows are the graph's (one function for both).
    rows = model.sample_rows(50, seed=3)
    assert list(rows.columns) == list(frame.columns) and rows.dtypes.to_dict() == frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(serving.rows_frame(model.transformer, {KEYS[k]: v for k, v in out.items()}), rows)


def test_a_condition_comes_back_in_every_row(exports):
    path = exports["paths"]["honest"]
    for column, value in (("Salary", ">50K"), ("Salary", "<=50K"), ("job", "nurse"), ("job", "")):
        out = _sample(path, 40, 5, column, value)
        key = column  # Both names are their own keys.
        assert set(out[key].tolist()) == {value.encode()}, (column, value)
    # Without a condition, both labels are drawn.
    assert set(_sample(path, 40, 5)["Salary"].tolist()) == {b"<=50K", b">50K"}
    rows = exports["honest"].sample_rows(40, conditions={"Salary": ">50K"}, seed=5)
    assert set(rows["Salary"]) == {">50K"}


@pytest.mark.parametrize(
    "name,column,value,named",
    [
        ("plain", "Nope", "a", "[Nope]"),
        ("plain", "Salary", "maybe", "[maybe]"),
        ("plain", "age", "30", "[age]"),  # Not categorical.
        ("unconditional", "Salary", ">50K", "condition_vector=False"),
    ],
)
def test_bad_conditions_are_invalid_argument_naming_the_value(exports, name, column, value, named):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Received") as info:
        _sample(exports["paths"][name], 4, 0, column, value)
    assert named in info.value.message


def test_num_samples_is_checked(exports):
    for n in (0, MAX_SAMPLES + 1):
        with pytest.raises(tf.errors.InvalidArgumentError, match="num_samples"):
            _sample(exports["paths"]["plain"], n, 0)


def test_warmup_request_matches_the_signature(exports):
    (sample,) = [r for r in export_lib.serving.read_warmup(exports["paths"]["plain"]) if r.model_spec.signature_name == "sample"]
    assert sorted(sample.inputs) == ["condition_column", "condition_value", "num_samples", "seed"]
    inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in sample.inputs.items()}
    assert inputs["condition_column"].numpy() == b"" and inputs["seed"].dtype == tf.int64
    out = export_lib.load(exports["paths"]["plain"]).signature("sample")(**inputs)  # TF Serving replays it on load.
    assert out["age"].shape == (16,)


def test_saved_model_cli_runs_a_conditioned_sample(exports, tmp_path):
    path = exports["paths"]["honest"]
    exprs = "num_samples=6;seed=2;condition_column='Salary';condition_value='>50K'"
    result = run_many(SAVED_MODEL_CLI_CALL, [
        ("run", ["run", "--dir", path, "--tag_set", "serve", "--signature_def", "sample",
                 "--input_exprs", exprs, "--outdir", str(tmp_path)]),
    ])["run"]
    assert result.returncode == 0, result.stderr[-3000:]
    got = {key: np.load(tmp_path / f"{key}.npy", allow_pickle=True) for key in KEYS}
    assert got["Salary"].tolist() == [b">50K"] * 6
    assert got["hours_per_week"].dtype == np.float32 and got["age"].shape == (6,)
    want = _sample(path, 6, 2, "Salary", ">50K")
    for key in KEYS:
        np.testing.assert_array_equal(got[key], want[key])
    assert json.loads(json.dumps(export_lib.read_metadata(path)["sample_outputs"])) == KEYS
