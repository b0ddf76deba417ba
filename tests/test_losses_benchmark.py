"""Which loss for which data (`tfgan_zoo.benchmarking.losses`, `benchmarks/losses.py`):
the arm mapping, the refusal of a loss that does not fit, the summaries,
and the script end to end on a few steps."""

import json
import os

import numpy as np
import pytest

import tfgan_zoo
from tfgan_zoo import losses
from tfgan_zoo.benchmarking import losses as study

from helpers import load_benchmark


def load_script():
    return load_benchmark("losses")


def test_losses_cover_every_loss_of_the_library():
    logit = set(losses.available_losses()) - {"wasserstein"}
    assert set(study.LOSSES) == logit | {"wasserstein", "wasserstein_gp", "cramer", "mmd"}
    assert len(study.LOSSES) == len(set(study.LOSSES)) == 13


def test_toy_and_mnist_arms_take_every_loss_and_build():
    for domain, shape in (("toy", (2,)), ("mnist", (8, 8, 1))):
        arms = study.loss_arms(domain)
        assert list(arms) == list(study.LOSSES)
        assert arms["wasserstein"][0] == "wgan" and arms["mmd"][0] == "mmd_gan"
        assert arms["hinge"] == (("vanilla_gan" if domain == "toy" else "dcgan"), {"loss": "hinge"})
        for name, (model, hparams) in arms.items():
            gan = tfgan_zoo.create(model, sample_shape=shape, width=4, latent_dim=2, compile=False, **hparams)
            if name in study.LOGIT_LOSSES:  # The arm's loss is the one the model trains with.
                assert gan._loss_pair == losses.get(name)
            assert gan.generate(2, seed=0).shape == (2, *shape)


def test_sequence_table_and_text_arms():
    waves = study.loss_arms("waves")
    assert set(waves) == set(study.LOGIT_LOSSES) | {"wasserstein_gp"}
    assert waves["wasserstein_gp"] == ("rcgan", {"loss": "wasserstein", "gp_weight": 10.0})
    assert study.loss_arms("adult") == {"wasserstein_gp": ("tabular_wgan_gp", {})}
    assert study.loss_arms("text") == {"wasserstein_gp": ("text_gan", {})}


def test_a_loss_that_does_not_fit_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"No model of the zoo trains the waves domain with loss 'mmd'.*Received: loss='mmd'"):
        study.loss_arm("waves", "mmd")
    with pytest.raises(ValueError, match=r"text domain.*'hinge'.*\['wasserstein_gp'\]"):
        study.loss_arm("text", "hinge")
    with pytest.raises(ValueError, match=r"Unknown loss 'bad'.*Received: loss='bad'"):
        study.loss_arm("toy", "bad")
    with pytest.raises(ValueError, match=r"Unknown domain 'audio'.*Received: domain='audio'"):
        study.loss_arm("audio", "hinge")
    assert study.loss_arm("toy", "cramer") == ("cramer_gan", {"network": "mlp"})


def test_vanilla_gan_takes_logit_losses_but_not_an_unconstrained_wasserstein():
    gan = tfgan_zoo.create("vanilla_gan", sample_shape=(2,), width=4, loss="least_squares", compile=False)
    assert gan._loss_pair == losses.get("least_squares")
    with pytest.raises(ValueError, match=r"wgan or wgan_gp.*Received: loss='wasserstein'"):
        tfgan_zoo.create("vanilla_gan", sample_shape=(2,), width=4, loss="wasserstein")
    with pytest.raises(ValueError, match=r"Received: loss='bad'"):
        tfgan_zoo.create("vanilla_gan", sample_shape=(2,), width=4, loss="bad")


def test_prior_arms():
    arms = study.prior_arms()
    assert list(arms) == ["normal/2", "normal/10", "normal/100", "uniform/2", "uniform/10", "uniform/100"]
    assert arms["normal/100"] == {"loss": "non_saturating", "prior": "normal", "latent_dim": 100}


def test_summarise_and_rows_hand_values():
    runs = [{"modes": 8, "hq": 0.5, "seconds": 1.0}, {"modes": 6, "hq": 0.3, "seconds": 3.0},
            {"modes": 0, "hq": float("nan"), "seconds": 2.0, "diverged": True}]
    s = study.summarise(runs, "modes", ("hq",))
    assert s["modes_mean"] == pytest.approx(14 / 3) and s["modes_std"] == pytest.approx(np.std([8, 6, 0]))
    assert s["hq_mean"] == pytest.approx(0.4) and s["hq_std"] == pytest.approx(0.1)  # NaN left out
    assert s["seconds_mean"] == 2.0 and s["diverged"] == 1
    rows = study.table_rows({"hinge": {"model": "vanilla_gan", "summary": s}}, "toy")
    assert rows == [["hinge", "vanilla_gan", "4.67±3.4", "0.4±0.1", "1", "2"]]
    assert study.table_header("mnist")[2] == "fid (lower is better)"
    fid = {"fid_mean": 1444.4, "fid_std": 120.6, "classes_mean": 9.0, "classes_std": 0.0, "diverged": 0, "seconds_mean": 30.2}
    assert study.table_rows({"hinge": {"model": "dcgan", "summary": fid}}, "mnist")[0][2:4] == ["1444±121", "9±0"]


def test_waves_run_scores_a_discriminative_score():
    settings = {"steps": 2, "hidden_units": 4, "latent_dim": 2, "d_steps": 1, "batch_size": 8,
                "learning_rate": 1e-3, "num_samples": 20}
    run = study.score("waves", "rcgan", {"loss": "hinge"}, 0, settings, {})
    assert 0.0 <= run["disc"] <= 0.5 and run["steps"] == 2 and not run["diverged"]


def test_script_end_to_end_json_tables_and_figure(tmp_path, capsys):
    script = load_script()
    output, figures = tmp_path / "losses.json", tmp_path / "figures"
    script.main(["--domains", "toy,text", "--losses", "hinge,least_squares", "--seeds", "0,1", "--toy_steps", "4",
                 "--priors", "", "--output", str(output), "--figures", str(figures)])
    report = json.loads(output.read_text())
    toy = report["domains"]["toy"]["arms"]
    assert list(toy) == ["hinge", "least_squares"] and toy["hinge"]["model"] == "vanilla_gan"
    assert toy["least_squares"]["hparams"] == {"loss": "least_squares"}
    assert [r["seed"] for r in toy["hinge"]["runs"]] == [0, 1] and toy["hinge"]["runs"][0]["steps"] == 4
    summary = toy["hinge"]["summary"]
    assert summary["modes_mean"] == np.mean([r["modes"] for r in toy["hinge"]["runs"]])
    assert "text" not in report["domains"]  # text_gan is WGAN-GP only.
    assert report["not_measured"]["text"]["losses"] == ["hinge", "least_squares"]
    assert report["figure"].endswith("losses.png") and (figures / "losses.png").read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr().out
    assert "modes (higher is better)" in out and "vanilla_gan" in out


def test_plot_from_draws_saved_reports_in_one_figure(tmp_path):
    script = load_script()
    arm = {"model": "vanilla_gan", "hparams": {}, "runs": [],
           "summary": {"modes_mean": 8.0, "modes_std": 0.0, "hq_mean": 0.5, "hq_std": 0.1, "diverged": 0, "seconds_mean": 1.0}}
    losses_run = {"domains": {"toy": {"arms": {"hinge": arm}}}, "priors": {}}
    priors_run = {"domains": {}, "priors": {"toy": {"normal/2": arm}}}
    assert list(script.panels_from([losses_run, priors_run])) == ["toy (losses)", "toy (prior/latent_dim)"]
    paths = []
    for name, report in (("a.json", losses_run), ("b.json", priors_run)):
        paths.append(str(tmp_path / name))
        (tmp_path / name).write_text(json.dumps(report))
    assert script.main(["--plot_from", ",".join(paths), "--figures", str(tmp_path), "--output", "both.json"]) == 0
    assert (tmp_path / "both.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(SystemExit, match="Received: --figures=''"):
        script.main(["--plot_from", paths[0]])


def test_script_refuses_unknown_flags_values():
    script = load_script()
    with pytest.raises(SystemExit):
        script.parse_args(["--losses", "hinge,wgan"])
    args = script.parse_args(["--domains", "toy", "--seeds", "3"])
    assert args.domains == ["toy"] and args.seeds == [3] and args.toy_steps == 1500
