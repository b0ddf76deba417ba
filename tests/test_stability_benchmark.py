"""The mode-collapse benchmark's functions (`tfgan_zoo.benchmarking.stability`),
end to end on a few steps and one seed."""

import json
import math
import os

import numpy as np
import pytest

from tfgan_zoo import benchmarking as bench
from tfgan_zoo.benchmarking import stability


def test_mode_kl_hand_values():
    assert stability.mode_kl([3, 3, 3]) == 0.0
    # p = (3/4, 1/4, 0, 0) against 1/4 each: 3/4 log 3 + 1/4 log 1.
    assert stability.mode_kl([3, 1, 0, 0]) == pytest.approx(0.75 * math.log(3.0))
    assert math.isnan(stability.mode_kl([0, 0]))


def test_classes_covered_counts_classes_above_the_threshold():
    logits = np.eye(4)[[0] * 10 + [1] * 10 + [2] * 1]  # 21 samples; threshold 0.1 * 21 / 4 < 1 -> 1
    assert stability.classes_covered(logits) == 3
    assert stability.classes_covered(logits, min_fraction=1.0) == 2  # threshold 5.25
    with pytest.raises(ValueError, match=r"Received: shape \(3,\)"):
        stability.classes_covered(np.zeros(3))


def test_resolve_options_puts_the_budget_in_the_anneal():
    assert stability.resolve_options(stability.TOY_OPTIONS["instance_noise"], 700) == {
        "instance_noise": 0.1, "instance_noise_anneal_steps": 700}


def test_toy_benchmark_rows_json_and_figure(tmp_path):
    options = {"plain": {}, "r1+stddev": {"r1_weight": 1.0, "minibatch_features": "stddev"}}
    results = stability.toy_benchmark("ring8", options, seeds=[0], steps=3, log=lambda m: None, batch_size=16,
                                      num_samples=200, base={"width": 4, "latent_dim": 2}, steps_per_execution=1)
    assert list(results) == ["plain", "r1+stddev"]
    for r in results.values():
        (run,) = r["runs"]
        assert run["seed"] == 0 and 0 <= run["modes"] <= 8 and 0.0 <= run["hq"] <= 1.0
        assert r["samples"].shape == (200, 2)
        assert set(r["summary"]) == {"modes_mean", "modes_std", "modes_min", "hq_mean", "hq_std", "kl_mean", "kl_std",
                                     "seconds_mean"}
        assert r["summary"]["modes_std"] == 0.0  # one seed
    assert results["r1+stddev"]["options"] == options["r1+stddev"]
    rows = stability.toy_table_rows(results, 8)
    assert [row[0] for row in rows] == ["plain", "r1+stddev"] and all(len(row) == 5 for row in rows)
    figure = stability.plot_toy(str(tmp_path / "ring8.png"), "ring8", {n: r["samples"] for n, r in results.items()})
    with open(figure, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    path = bench.write_json(str(tmp_path / "out.json"), {"results": {n: r["runs"] for n, r in results.items()}})
    with open(path) as f:
        assert json.load(f)["results"]["plain"][0]["seed"] == 0
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")]


def test_time_budget_stops_fit_after_the_budget_and_counts_steps():
    import keras

    from tfgan_zoo.benchmarking import timing

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((8, 2), np.float32), np.zeros((8, 1), np.float32)
    budget = timing.TimeBudget(0.0)  # Every step is past the budget: fit stops after the first.
    model.fit(x, y, batch_size=1, epochs=3, verbose=0, callbacks=[budget])
    assert budget.steps == 1 and model.optimizer.iterations.numpy() == 1
    unlimited = timing.TimeBudget(None)
    model.fit(x, y, batch_size=2, epochs=3, verbose=0, callbacks=[unlimited])
    assert unlimited.steps == 12
