"""The table measures on tiny tables, against values computed by hand."""

import re

import numpy as np
import pandas as pd
import pytest

from tfgan_zoo.metrics import tabular

SCHEMA = {"continuous": ["x", "y"], "categorical": ["c", "label"], "label": "label"}


def _table(x, y, c, label):
    return pd.DataFrame({"x": x, "y": y, "c": c, "label": label})


def test_total_variation_and_ks_by_hand():
    real = _table([1.0, 2, 3, 4], [0.0, 0, 0, 0], ["a", "a", "b", "b"], ["n", "n", "p", "p"])
    fake = _table([3.0, 4, 5, 6], [0.0, 0, 0, 0], ["a", "b", "b", np.nan], ["n", "n", "p", "p"])
    d = tabular.column_distances(real, fake, SCHEMA)
    assert d["x"] == pytest.approx(0.5)  # max |F_real - F_fake| at x in [2, 3).
    assert d["y"] == 0.0 and d["label"] == 0.0
    # c: real a .5 b .5; fake a .25 b .5 missing .25 -> 0.5 (0.25 + 0 + 0.25).
    assert d["c"] == pytest.approx(0.25)


def test_cramers_v_by_hand():
    assert tabular.cramers_v(pd.Series(list("aabb")), pd.Series(list("xxyy"))) == pytest.approx(1.0)
    assert tabular.cramers_v(pd.Series(list("aabb")), pd.Series(list("xyxy"))) == pytest.approx(0.0)
    # 2x2 table [[3, 1], [1, 3]]: chi2 = 2, n = 8 -> V = sqrt(2 / 8) = 0.5.
    a = pd.Series(list("aaaabbbb"))
    b = pd.Series(list("xxxyxyyy"))
    assert tabular.cramers_v(a, b) == pytest.approx(0.5)


def test_association_difference_by_hand():
    x = np.arange(8.0)
    real = _table(x, 2 * x, list("aaaabbbb"), list("nnnnpppp"))  # |r| = 1, V(c, label) = 1.
    same = _table(x, -x, list("aaaabbbb"), list("ppppnnnn"))  # |r| = 1, V = 1.
    assert tabular.association_difference(real, same, SCHEMA) == pytest.approx(0.0)
    other = _table(x, 2 * x, list("aaaabbbb"), list("nnnpnppp"))  # V = 0.5 (as above).
    # Off-diagonal defined pairs: (x, y) twice and (c, label) twice; one pair differs by 0.5.
    assert tabular.association_difference(real, other, SCHEMA) == pytest.approx(0.25)


def test_ml_efficacy_by_hand():
    rng = np.random.default_rng(0)
    x = rng.choice([-1.0, 1.0], 200) * (1 + np.abs(rng.normal(size=200)))  # A gap around 0.
    frame = _table(x, rng.normal(size=200), rng.choice(["a", "b"], 200), np.where(x > 0, "p", "n"))
    train, test = frame.iloc[:150], frame.iloc[150:]
    scores = tabular.ml_efficacy(train, test, SCHEMA, positive="p", classifiers=("decision_tree",))
    assert scores["decision_tree"] == pytest.approx(1.0) and scores["mean"] == scores["decision_tree"]
    # One class in training: everything predicted positive; F1 = 2 P / (P + n).
    positives = int((test["label"] == "p").sum())
    ones = train.assign(label="p")
    scores = tabular.ml_efficacy(ones, test, SCHEMA, positive="p")
    assert scores["mean"] == pytest.approx(2 * positives / (positives + len(test)))
    assert set(scores) == set(tabular.CLASSIFIERS) | {"mean"}


def test_closest_distances_by_hand():
    train = _table([0.0, 1.0], [0.0, 0.0], ["a", "b"], ["n", "p"])
    holdout = _table([0.5], [0.0], ["a"], ["n"])
    fake = _table([0.0, 1.0, 0.25], [0.0, 0.0, 0.0], ["a", "b", "a"], ["n", "p", "n"])
    d = tabular.closest_distances(train, holdout, fake, SCHEMA)
    # x min-max scaled by 1; y constant; one-hots equal for the nearest rows.
    assert d["holdout_dcr_median"] == pytest.approx(0.5)
    assert d["fake_dcr_median"] == pytest.approx(0.0) and d["exact_copies"] == pytest.approx(2 / 3)
    assert d["fake_dcr_p5"] == pytest.approx(0.0)


def test_bad_inputs_name_the_value():
    frame = _table([1.0, 2.0], [0.0, 1.0], ["a", "b"], ["n", "p"])
    with pytest.raises(ValueError, match=re.escape("Received: positive='>50K'")):
        tabular.ml_efficacy(frame, frame, SCHEMA, positive=">50K")
    with pytest.raises(ValueError, match=re.escape("Received: classifiers=['svm']")):
        tabular.ml_efficacy(frame, frame, SCHEMA, positive="p", classifiers=["svm"])
    with pytest.raises(ValueError, match="Received: schema="):
        tabular.ml_efficacy(frame, frame, {**SCHEMA, "label": None}, positive="p")
    with pytest.raises(ValueError, match=re.escape("Received: fake columns=['x']")):
        tabular.column_distances(frame, frame[["x"]], SCHEMA)


def test_the_table_metrics_are_registered():
    from tfgan_zoo.metrics import registry

    assert registry.available_metrics("table") == ["efficacy", "fidelity", "dcr"]
    rng = np.random.default_rng(0)
    x = rng.choice([-1.0, 1.0], 100) * (1 + np.abs(rng.normal(size=100)))
    frame = _table(x, rng.normal(size=100), rng.choice(["a", "b"], 100), np.where(x > 0, "p", "n"))
    inputs = registry.MetricInputs(real=frame.iloc[50:], fake=frame.iloc[:50], train=frame.iloc[:50], schema={**SCHEMA, "positive": "p"})
    assert registry.compute("dcr", inputs)["exact_copies"] == 1.0
    fidelity = registry.compute("fidelity", inputs)
    assert 0 <= fidelity["column_distance"] <= 1 and set(fidelity) == {"column_distance", "association_difference"}
    assert 0 < registry.compute("efficacy", inputs)["efficacy_f1"] <= 1
