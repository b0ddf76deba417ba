"""Tables: reading (schema, missing values, bad input) and the reversible
`TableTransformer` (mode-specific normalisation, one-hot, round trip)."""

import os
import re

import keras
import numpy as np
import pandas as pd
import pytest
from helpers import SHARED_DATA

from tfgan_zoo.data import table
from tfgan_zoo.models.tabular import TableTransformer

ADULT = os.path.join(SHARED_DATA, "adult", "adult.data")
requires_adult = pytest.mark.skipif(not os.path.isfile(ADULT), reason=f"UCI Adult not found at {ADULT} (../shared is absent)")


def tiny_table(n=60, seed=0):
    """Two modes in `x`, an int column, a float column with a hole, a categorical with a hole."""
    rng = np.random.default_rng(seed)
    x = np.where(rng.random(n) < 0.5, rng.normal(-5, 0.5, n), rng.normal(10, 1.0, n))
    f = rng.uniform(0, 1, n)
    f[3] = np.nan
    job = rng.choice(["a", "b", "c"], n).astype(object)
    job[5] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "count": rng.integers(0, 50, n).astype("int64"),
            "f": f,
            "job": pd.Series(job, dtype="str"),
            "label": pd.Series(rng.choice(["no", "yes"], n), dtype="str"),
        }
    )


def _write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ----------------------------------------------------------------------------
# Reading.


def test_read_csv_infers_the_schema_and_marks_missing_values(tmp_path):
    path = _write(tmp_path, "age, job, pay\n30, a, 1.5\n?, b, \n41, ?, 2\n")
    frame, schema = table.read_csv(path, label="job")
    assert schema == {"continuous": ["age", "pay"], "categorical": ["job"], "label": "job"}
    assert frame["age"].isna().tolist() == [False, True, False]
    assert frame["job"].isna().tolist() == [False, False, True]
    assert frame["pay"].dtype == np.float64 and np.isnan(frame["pay"][1])
    assert frame["job"][0] == "a"


def test_declared_schema_wins_over_inference(tmp_path):
    path = _write(tmp_path, "code, v\n1, 2\n2, 3\n")
    frame, schema = table.read_csv(path, categorical=["code"])
    assert schema["categorical"] == ["code"] and schema["continuous"] == ["v"]
    assert frame["code"].tolist() == ["1", "2"] and frame["v"].dtype == np.int64


def test_ragged_csv_names_the_line(tmp_path):
    path = _write(tmp_path, "a, b\n1, 2\n3, 4, 5\n")
    with pytest.raises(ValueError, match=re.escape("line 3 has 3 fields, the header has 2")):
        table.read_csv(path)


def test_unparseable_continuous_value_names_row_and_column(tmp_path):
    path = _write(tmp_path, "a, b\n1, x\n2, y\nthree, z\n")
    with pytest.raises(ValueError, match=re.escape("Received: a='three' at row 4")):
        table.read_csv(path, continuous=["a"])


def test_unknown_column_in_the_schema_is_named(tmp_path):
    path = _write(tmp_path, "a, b\n1, x\n")
    with pytest.raises(ValueError, match=re.escape("Received: continuous=['nope']")):
        table.read_csv(path, continuous=["nope"])
    with pytest.raises(ValueError, match=re.escape("Received: label='Salary'")):
        table.table_schema(pd.DataFrame({"a": [1]}), label="Salary")


def test_missing_csv_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="Received: path="):
        table.read_csv(str(tmp_path / "none.csv"))


# ----------------------------------------------------------------------------
# The transformer.


def test_round_trip_restores_rows_names_dtypes_and_missing_values():
    frame = tiny_table()
    transformer = TableTransformer.fit(frame, {"label": "label"}, max_modes=4, seed=0)
    encoded = transformer.transform(frame, seed=1)
    assert encoded.shape == (len(frame), transformer.output_dim) and encoded.dtype == np.float32
    for seed in (None, 5):  # One-hot rows decode to themselves, sampled or not.
        back = transformer.inverse_transform(encoded, seed=seed)
        assert list(back.columns) == list(frame.columns)
        assert back.dtypes.to_dict() == frame.dtypes.to_dict()
        pd.testing.assert_frame_equal(back, frame, check_exact=False, rtol=1e-5)
    assert back["count"].tolist() == frame["count"].tolist()  # Integers exactly.


def test_mode_specific_normalisation_finds_the_modes_and_encodes_in_the_mode():
    frame = tiny_table(n=400)
    transformer = TableTransformer.fit(frame, max_modes=5, seed=0)
    params = transformer.params[0]
    means = np.sort(params["means"].numpy())
    # The two clusters of `x` (at -5 and 10) are each near a mode.
    assert np.min(np.abs(means + 5)) < 1.0 and np.min(np.abs(means - 10)) < 1.5
    encoded = transformer.transform(frame)
    start, width, activation = transformer.layout[0]
    assert (start, width, activation) == (0, 1, "tanh")
    # Scalars within a mode are mostly within +-1 (4 sigma).
    assert np.mean(np.abs(encoded[:, 0]) <= 1) > 0.98
    modes = encoded[:, 1 : 1 + transformer.slots(transformer.columns[0])]
    np.testing.assert_array_equal(modes.sum(axis=1), 1.0)


def test_a_value_held_by_many_rows_is_its_own_mode_and_comes_back_exactly():
    rng = np.random.default_rng(0)
    gain = np.where(rng.random(400) < 0.6, 0, rng.integers(3000, 9000, 400)).astype(np.int64)
    frame = pd.DataFrame({"gain": gain, "label": rng.choice(["a", "b"], 400)})
    transformer = TableTransformer.fit(frame, {"continuous": ["gain"], "label": "label"}, max_modes=4, seed=0)
    params = transformer.params[0]
    means, weights = params["means"].numpy(), params["weights"].numpy()
    assert means[0] == 0.0 and weights[0] == pytest.approx(np.mean(gain == 0), abs=1e-6)
    encoded = transformer.transform(frame, seed=0)
    in_spike = encoded[:, 1] == 1.0
    np.testing.assert_array_equal(in_spike, gain == 0)
    # A generator's scalar is never exact: +-0.5 in the spike's mode still decodes to 0.
    noisy = encoded.copy()
    noisy[:, 0] += rng.uniform(-0.5, 0.5, len(noisy))
    back = transformer.inverse_transform(noisy)
    assert (back["gain"][in_spike] == 0).all()


def test_min_max_option_and_layout():
    frame = tiny_table()
    transformer = TableTransformer.fit(frame, mode_normalization=False)
    encoded = transformer.transform(frame)
    # x and count: one scalar each in [-1, 1]; f: a scalar and [present, missing].
    assert transformer.layout == [(0, 1, "tanh"), (1, 1, "tanh"), (2, 1, "tanh"), (3, 2, "softmax"), (5, 4, "softmax"), (9, 2, "softmax")]
    assert encoded[:, :3].min() >= -1 - 1e-6 and encoded[:, :3].max() <= 1 + 1e-6
    assert encoded[3, 4] == 1.0 and encoded[3, 2] == 0.0  # f's hole: the missing slot, scalar 0.
    assert encoded[5, 8] == 1.0  # job's hole: its missing category (after a, b, c).
    pd.testing.assert_frame_equal(transformer.inverse_transform(encoded), frame, check_exact=False, rtol=1e-5)


def test_generated_rows_are_valid():
    frame = tiny_table()
    transformer = TableTransformer.fit(frame, max_modes=4, seed=0)
    rng = np.random.default_rng(0)
    rows = rng.uniform(-1, 1, (200, transformer.output_dim))
    back = transformer.inverse_transform(rows, seed=0)
    assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    for name in ("x", "count"):
        assert back[name].min() >= frame[name].min() and back[name].max() <= frame[name].max()
    assert set(back["job"].dropna()) <= {"a", "b", "c"} and set(back["label"]) <= {"no", "yes"}


def test_conditions_index_the_categorical_slots():
    frame = tiny_table()
    transformer = TableTransformer.fit(frame, {"label": "label"}, mode_normalization=False)
    assert transformer.condition_size == 4 + 2  # job: a, b, c, missing; label: no, yes.
    assert transformer.condition_index("label", "yes") == 5
    assert transformer.condition_index("job", np.nan) == 3
    encoded = transformer.transform(frame)
    positions = transformer.condition_positions
    codes = transformer.category_codes(frame)
    np.testing.assert_array_equal(encoded[np.arange(len(frame)), positions[codes[:, 1] + 4]], 1.0)
    with pytest.raises(ValueError, match=re.escape("Received: label='maybe'")):
        transformer.condition_index("label", "maybe")
    with pytest.raises(ValueError, match=re.escape("Received: column='x'")):
        transformer.condition_index("x", 1.0)


def test_bad_tables_are_refused_naming_the_value():
    frame = tiny_table()
    with pytest.raises(ValueError, match=re.escape("Received: f=nan at row 3")):
        TableTransformer.fit(frame, missing="error")
    single = frame.assign(job="only")
    with pytest.raises(ValueError, match=re.escape("Received: job values=['only']")):
        TableTransformer.fit(single)
    transformer = TableTransformer.fit(frame.dropna(), mode_normalization=False)
    with pytest.raises(ValueError, match=re.escape("Received: f=nan at row 3")):
        transformer.transform(frame.fillna({"job": "a"}))
    unseen = frame.dropna().assign(label="other")
    with pytest.raises(ValueError, match=re.escape("Received: label='other'")):
        transformer.transform(unseen)
    with pytest.raises(ValueError, match=re.escape("Received: columns=['x']")):
        transformer.transform(frame[["x"]])
    with pytest.raises(ValueError, match=r"Received: rows of shape \(2, 3\)"):
        transformer.inverse_transform(np.zeros((2, 3)))


def test_transformer_config_and_weights_rebuild_it():
    frame = tiny_table()
    transformer = TableTransformer.fit(frame, max_modes=4, seed=0)
    clone = keras.layers.deserialize(keras.layers.serialize(transformer))
    assert clone.get_config() == transformer.get_config()
    clone.set_weights(transformer.get_weights())
    encoded = transformer.transform(frame, seed=2)
    np.testing.assert_array_equal(clone.transform(frame, seed=2), encoded)
    pd.testing.assert_frame_equal(clone.inverse_transform(encoded), frame, check_exact=False, rtol=1e-5)


@requires_adult
def test_adult_round_trips_every_row():
    frame, schema = table.read_csv(ADULT, label="Salary")
    assert frame.shape == (32561, 15)
    assert schema["continuous"] == ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    assert int(frame["workclass"].isna().sum()) == 1836  # The '?' cells.
    transformer = TableTransformer.fit(frame.iloc[:3000], schema, max_modes=10, seed=0)
    rows = frame.iloc[:3000]
    back = transformer.inverse_transform(transformer.transform(rows), seed=0)
    pd.testing.assert_frame_equal(back, rows.reset_index(drop=True))
