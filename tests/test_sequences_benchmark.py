"""`benchmarks/sequences.py`: the checks on the means over judge seeds, the
flags' refusals, and a tiny run that saves, loads and judges a model."""

import functools
import json
import os

import pytest

from helpers import load_benchmark


def load_script():
    return load_benchmark("sequences")


def test_checks_use_the_means_over_judge_seeds():
    script = load_script()
    names = ["disc_gru_1k", "tstr_gru_1k", "cacc_seq_gru_1k"]
    generated = {"disc_gru_1k": [0.1, 0.3], "tstr_gru_1k": [0.12, 0.16], "cacc_seq_gru_1k": [0.94, 0.98]}
    reference = {"disc_gru_1k": [0.0, 0.0], "tstr_gru_1k": [0.1, 0.1], "cacc_seq_gru_1k": [1.0, 1.0]}
    result = script.checks(names, generated, reference)
    assert result["disc <= 0.15"] == (pytest.approx(0.2), False)  # One seed alone (0.1) would pass.
    assert result["tstr <= 1.5 x trtr"] == (pytest.approx(1.4), True)
    assert result["cacc_seq >= 0.95"] == (pytest.approx(0.96), True)
    assert script.mean_std([0.1, 0.3]) == "0.2000 ± 0.1000"
    assert script.mean_std([0.25]) == "0.2500"


@pytest.mark.parametrize(
    "flags, message",
    [(["--judge_seeds", "a,b"], "Received: 'a,b'"), (["--judge_seeds", ","], "Received: ','"),
     (["--save", "model.h5"], "Received: 'model.h5'"), (["--load", "m"], "Received: 'm'")],
)
def test_bad_flags_are_refused_naming_the_value(flags, message, capsys):
    with pytest.raises(SystemExit):
        load_script().parse_args(flags)
    assert message in capsys.readouterr().err


def test_tiny_run_saves_loads_and_judges(tmp_path, capsys):
    script = load_script()
    # The class probe learns from 20 real waves, not 2,000 (the probes have their own tests).
    script.SequenceEvaluator = functools.partial(script.SequenceEvaluator, probe_train=20)
    saved, out = str(tmp_path / "rcgan.keras"), str(tmp_path / "run.json")
    common = ["--num_samples", "20"]  # No --threads: TensorFlow is already running in this process.
    assert script.main(["--minutes", "0.001", "--steps_per_chunk", "2", "--hidden_units", "4", "--batch_size", "20",
                        "--save", saved, "--output", out, "--judge_seeds", "0,1", *common]) in (0, 1)
    first = json.load(open(out))
    assert first["generator_steps"] == 2 and len(first["generated"]["disc_gru_20"]) == 2
    assert os.path.exists(saved) and not [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")]
    assert "judge seeds [0, 1]" in capsys.readouterr().out
    assert script.main(["--load", saved, "--output", out, "--judge_seeds", "0", *common]) in (0, 1)
    second = json.load(open(out))
    assert second["generator_steps"] is None and second["args"]["load"] == saved
    # The same model and judge seeds: the same samples, so the same MMD (the probes' scores may differ by float noise).
    assert second["generated"]["mmd_seq_gru_20"] == pytest.approx(first["generated"]["mmd_seq_gru_20"][:1], abs=1e-5)
