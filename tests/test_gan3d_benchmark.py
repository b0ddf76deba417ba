"""`benchmarks/gan3d_voxels.py`: a tiny run that trains in bfloat16, saves,
and scores the same model again from the file; the flags' refusals."""

import json
import os

import pytest

from helpers import load_benchmark
from tfgan_zoo import fileio


def test_tiny_run_saves_and_scores_again_from_the_file(tmp_path, capsys):
    script = load_benchmark("gan3d_voxels")
    script.CLASSIFIER_SHAPES = 60  # The judge's own accuracy is tested in test_voxel_classes.
    saved, out = str(tmp_path / "gan3d.keras"), str(tmp_path / "run.json")
    common = ["--num_samples", "12", "--output", out, "--figure", str(tmp_path / "f.png"), "--obj", ""]
    script.main(["--seconds", "1", "--train", "32", "--width", "2", "--precision", "bfloat16",
                 "--report_every", "0", "--save", saved, *common])
    first = json.load(open(out))
    assert "precision bfloat16" in capsys.readouterr().out
    assert first["args"]["precision"] == "bfloat16" and first["result"]["steps"] >= 2
    assert 0 <= first["result"]["classes_covered_confident"] <= first["result"]["classes_covered"] <= 6
    confident = sum(first["result"]["class_histogram_confident"].values())
    assert confident == pytest.approx(first["result"]["confident_share"], abs=3e-3) and confident <= shares_of(first)
    assert 0 <= first["result"]["flat_share"] <= 1 and 0.1 < first["result"]["flat_share_real"] < 0.3  # Tori: 1 in 6.
    assert shares_of(first) == pytest.approx(1 - first["result"]["empty_samples"] / 12, abs=1e-3)
    assert os.path.exists(saved) and os.path.exists(tmp_path / "f.png")
    assert fileio.load_keras_model(saved).precision == "bfloat16"
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")]

    script.main(["--load", saved, *common])
    second = json.load(open(out))
    assert second["result"]["steps"] is None and second["result"]["seconds_per_epoch"] is None
    # The saved model, bfloat16 and all, gives the same samples, so the same scores.
    assert second["result"]["class_histogram"] == first["result"]["class_histogram"]
    assert second["result"]["fid"] == pytest.approx(first["result"]["fid"], rel=1e-5)


def shares_of(run):
    return sum(run["result"]["class_histogram"].values())


@pytest.mark.parametrize(
    "flags, message",
    [(["--save", "m.h5"], "Received: 'm.h5'"), (["--load", "m"], "Received: 'm'"),
     (["--precision", "float8"], "'float8'")],
)
def test_bad_flags_are_refused_naming_the_value(flags, message, capsys):
    with pytest.raises(SystemExit):
        load_benchmark("gan3d_voxels").main(flags)
    assert message in capsys.readouterr().err
