"""`tabular_wgan_gp`: the conditional vector's draws, the table API
(`for_table`, `dataset`, `sample_rows`), the `.keras` round trip with the
transformer, and bad requests. The registry contract (fit, round trip,
replicas, export) runs in test_models / test_distribute / test_export."""

import re

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from test_tabular import tiny_table

from tfgan_zoo.models.tabular import TabularWGANGP
from tfgan_zoo.models.tabular import conditions

TINY = {"width": 8, "latent_dim": 4, "pac": 2, "critic_dropout": 0.0, "seed": 0}


def test_log_frequency_probabilities_by_hand():
    (p,) = conditions.log_frequency_probabilities([np.array([90.0, 10.0])])
    np.testing.assert_allclose(p, [np.log(91) / (np.log(91) + np.log(11)), np.log(11) / (np.log(91) + np.log(11))])


def test_training_by_sampling_frequencies_and_matching_rows():
    rng = np.random.default_rng(0)
    # Column 0: 900 rows of slot 0, 100 of slot 1; column 1: 500 / 500.
    codes = np.stack([np.repeat([0, 1], [900, 100]), rng.permutation(np.repeat([0, 1], 500))], axis=1)
    rows, conds = conditions.training_draws(codes, [2, 2], 40_000, np.random.default_rng(1))
    freq = np.bincount(conds, minlength=4) / len(conds)
    # A column uniformly (1/2), then log(1 + count) within it.
    p0 = np.log(901) / (np.log(901) + np.log(101))
    np.testing.assert_allclose(freq, [p0 / 2, (1 - p0) / 2, 0.25, 0.25], atol=0.01)
    # Every drawn row holds its condition.
    column, slot = np.where(conds < 2, 0, 1), np.where(conds < 2, conds, conds - 2)
    np.testing.assert_array_equal(codes[rows, column], slot)


def test_drawn_conditions_follow_the_frequencies():
    from tfgan_zoo.models.tabular import serving
    from tfgan_zoo.models.tabular.transformer import TableTransformer

    columns = [
        {"name": "a", "kind": "categorical", "dtype": "object", "categories": ["p", "q"], "missing": False},
        {"name": "v", "kind": "continuous", "dtype": "float64", "modes": 1, "missing": False},
        {"name": "b", "kind": "categorical", "dtype": "object", "categories": ["r", "s", "t"], "missing": False},
    ]
    transformer = TableTransformer(columns)
    transformer.params[0]["counts"].assign([90.0, 10.0])
    transformer.params[2]["counts"].assign([50.0, 50.0, 0.0])
    conds = serving.drawn_conditions(transformer, 40_000, tf.constant([1, 2])).numpy()
    # A column uniformly (1/2), then a slot by its count; a zero count never.
    freq = np.bincount(conds, minlength=5) / len(conds)
    np.testing.assert_allclose(freq, [0.45, 0.05, 0.25, 0.25, 0.0], atol=0.01)
    assert freq[4] == 0
    again, other = (serving.drawn_conditions(transformer, 50, tf.constant(s)).numpy() for s in ([5, 6], [5, 7]))
    np.testing.assert_array_equal(serving.drawn_conditions(transformer, 50, tf.constant([5, 6])).numpy(), again)
    assert not np.array_equal(again, other)


@pytest.fixture(scope="module")
def trained():
    frame = tiny_table(n=64)
    model = TabularWGANGP.for_table(frame, {"label": "label"}, max_modes=3, **TINY)
    model.fit(model.dataset(frame, batch_size=16, epochs=1, seed=0), epochs=1, verbose=0)
    return frame, model


def test_for_table_builds_the_layout_and_the_conditions(trained):
    frame, model = trained
    assert model.sample_shape == (model.transformer.output_dim,)
    assert model.num_classes == model.transformer.condition_size == 4 + 2
    assert int(model.g_optimizer.iterations.numpy()) == 64 // 16
    batch = next(iter(model.dataset(frame, batch_size=15, seed=0)))
    assert batch[0].shape == (14, model.transformer.output_dim)  # A multiple of pac.
    unconditional = TabularWGANGP.for_table(frame, condition_vector=False, max_modes=3, **TINY)
    assert unconditional.num_classes is None
    assert next(iter(unconditional.dataset(frame, batch_size=8))).shape == (8, unconditional.transformer.output_dim)


def test_sample_rows_are_valid_rows_of_the_table(trained):
    frame, model = trained
    rows = model.sample_rows(50, seed=3)
    assert list(rows.columns) == list(frame.columns) and rows.dtypes.to_dict() == frame.dtypes.to_dict()
    assert set(rows["label"]) <= {"no", "yes"} and set(rows["job"].dropna()) <= {"a", "b", "c"}
    for name in ("x", "count"):
        assert frame[name].min() <= rows[name].min() and rows[name].max() <= frame[name].max()
    pd.testing.assert_frame_equal(model.sample_rows(50, seed=3), rows)
    assert not model.sample_rows(50, seed=4).equals(rows)


def test_keras_round_trip_keeps_the_transformer(trained, tmp_path):
    frame, model = trained
    path = str(tmp_path / "tab.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.transformer.get_config() == model.transformer.get_config()
    pd.testing.assert_frame_equal(loaded.sample_rows(20, conditions={"label": "yes"}, seed=1), model.sample_rows(20, conditions={"label": "yes"}, seed=1))
    np.testing.assert_array_equal(loaded.transformer.transform(frame, seed=0), model.transformer.transform(frame, seed=0))


def test_gumbel_softmax_trains_and_generates_plain_softmax_outside_training():
    frame = tiny_table(n=32)
    model = TabularWGANGP.for_table(frame, max_modes=3, gumbel_softmax=True, temperature=0.5, **TINY)
    history = model.fit(model.dataset(frame, batch_size=16), epochs=1, verbose=0).history
    assert np.isfinite(history["g_loss"][0]) and history["condition_loss"][0] > 0
    z, labels = np.zeros((3, 4), np.float32), np.array([0, 1, 2], np.int32)
    rows = model.generate(z=z, labels=labels)
    np.testing.assert_allclose(rows, model.generator([tf.constant(z), tf.constant(labels)], training=False), atol=1e-6)
    start, width, _ = model.transformer.layout[-1]
    np.testing.assert_allclose(rows[:, start : start + width].sum(axis=1), 1.0, atol=1e-5)


def test_generator_average_applies_and_sample_rows_use_it():
    frame = tiny_table(n=32)
    model = TabularWGANGP.for_table(frame, max_modes=3, ema_decay=0.5, **TINY)
    model.fit(model.dataset(frame, batch_size=16), epochs=1, verbose=0)
    averages = [w.numpy() for w in model.generator.non_trainable_weights if w.name.startswith("ema_")]
    assert len(averages) == len(model.generator.trainable_weights)
    z, labels = np.random.default_rng(0).normal(size=(3, 4)).astype("float32"), np.array([0, 1, 2], np.int32)
    copy = keras.models.clone_model(model.generator)
    for var, value in zip(copy.trainable_weights, averages):
        var.assign(value)
    stats = [w for w in model.generator.non_trainable_weights if not w.name.startswith("ema_")]  # Batch norm's.
    for var, value in zip(copy.non_trainable_weights, stats):
        var.assign(value)
    np.testing.assert_allclose(model.generate(z=z, labels=labels), copy([z, labels]).numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(model.generate(z=z, labels=labels), model.generator([z, labels]).numpy())


def test_condition_loss_by_hand():
    model = TabularWGANGP(**TINY)  # The example layout: x (3), n (1), c (3); conditions are c's slots.
    model.compile()
    rows = np.zeros((2, 7), np.float32)
    rows[:, 4:7] = [[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]
    positions = tf.gather(model._positions, [0, 2])
    chosen = tf.gather(tf.constant(rows), positions, batch_dims=1).numpy()
    np.testing.assert_allclose(chosen, [0.5, 0.8])
    assert list(model.transformer.condition_positions) == [4, 5, 6]


def test_bad_requests_name_the_value(trained):
    frame, model = trained
    with pytest.raises(ValueError, match=re.escape("Received: label='maybe'")):
        model.sample_rows(3, conditions={"label": "maybe"})
    with pytest.raises(ValueError, match=re.escape("Received: column='nope'")):
        model.sample_rows(3, conditions={"nope": "a"})
    with pytest.raises(ValueError, match=r"one \{column: value\} pair. Received: conditions="):
        model.sample_rows(3, conditions={"label": "yes", "job": "a"})
    with pytest.raises(ValueError, match=re.escape("Received: pac=0")):
        TabularWGANGP(pac=0)
    with pytest.raises(ValueError, match=re.escape("Received: temperature=0")):
        TabularWGANGP(temperature=0)
    with pytest.raises(TypeError, match="Received: transformer of type DataFrame"):
        TabularWGANGP(transformer=frame)
    unconditional = TabularWGANGP(condition_vector=False, **TINY)
    with pytest.raises(ValueError, match="condition_vector=False"):
        unconditional.sample_rows(3, conditions={"c": "a"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of pac=2"):
        model.fit(np.zeros((3, model.sample_shape[0]), np.float32), np.zeros(3, np.int32), batch_size=3, verbose=0)


def test_in_graph_decode_and_condition_lookup_match_the_transformer(trained, tmp_path):
    from tfgan_zoo.models.tabular import serving

    frame, model = trained
    encoded = model.transformer.transform(frame, seed=0)
    decoded = {k: v.numpy() for k, v in serving.decode_tensors(model.transformer, encoded).items()}
    back = model.transformer.inverse_transform(encoded)
    np.testing.assert_allclose(decoded["x"], back["x"], rtol=1e-5)
    np.testing.assert_array_equal(decoded["count"], back["count"])
    assert np.isnan(decoded["f"][3]) and decoded["job"][5] == b""
    assert [v.decode() for v in decoded["label"]] == back["label"].tolist()

    # A SavedModel whose `sample` answers with one named output per column.
    class Rows(tf.Module):
        def __init__(self):
            self.model = model

        @tf.function(input_signature=[tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.string), tf.TensorSpec([], tf.string)])
        def sample(self, n, column, value):
            label = serving.condition_index(model.transformer, column, value)
            z = tf.random.stateless_normal([n, model.latent_dim], [1, 2])
            rows = model.generator([z, tf.fill([n], label)], training=False)
            return serving.decode_tensors(model.transformer, rows, seed=[3, 4])

    path = str(tmp_path / "rows")
    tf.saved_model.save(Rows(), path, signatures={"sample": Rows().sample})
    sample = tf.saved_model.load(path).signatures["sample"]
    out = sample(n=tf.constant(5), column=tf.constant("label"), value=tf.constant("yes"))
    assert set(out) == set(frame.columns) and out["label"].dtype == tf.string and out["x"].dtype == tf.float32
    assert out["count"].shape == (5,)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown condition"):
        sample(n=tf.constant(5), column=tf.constant("label"), value=tf.constant("maybe"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown condition"):
        sample(n=tf.constant(5), column=tf.constant("x"), value=tf.constant("1"))
