"""The training set-up (`tfgan_zoo.training`), in process: hparams from the
data, epoch sizing, the run record and the weights digest."""

import json
import os

import numpy as np
import pytest
from helpers import tiny_model

from tfgan_zoo import training
from tfgan_zoo.data import DataInfo

DIGITS = DataInfo(1797, (8, 8, 1), 10, [str(i) for i in range(10)])
TOY = DataInfo(1000, (2,), None, None)


# ----------------------------------------------------------------------------
# resolve_hparams


def test_resolve_keeps_the_default_resolution_for_same_channel_images():
    # dcgan keeps 28x28x1 for 8x8x1 images: the data is resized.
    assert training.resolve_hparams("dcgan", {}, DIGITS, seed=3) == {"seed": 3}


def test_resolve_takes_the_data_shape_for_other_channels_or_non_images():
    rgb = DataInfo(10, (32, 32, 3), None, None)
    assert training.resolve_hparams("dcgan", {}, rgb, seed=0)["sample_shape"] == (32, 32, 3)
    assert training.resolve_hparams("vanilla_gan", {}, TOY, seed=0)["sample_shape"] == (2,)


def test_resolve_given_hparams_win_and_aliases_are_renamed():
    hp = training.resolve_hparams("dcgan", {"image_shape": (16, 16, 1), "base_filters": 4}, DIGITS, seed=0)
    assert hp == {"sample_shape": (16, 16, 1), "width": 4, "seed": 0}


def test_resolve_num_classes_only_for_models_conditional_by_default():
    assert training.resolve_hparams("cgan", {}, DIGITS, seed=0)["num_classes"] == 10
    assert "num_classes" not in training.resolve_hparams("wgan_gp", {}, DIGITS, seed=0)
    assert training.resolve_hparams("wgan_gp", {"num_classes": 10}, DIGITS, seed=0)["num_classes"] == 10
    # Unlabelled data leaves cgan's default.
    assert "num_classes" not in training.resolve_hparams("cgan", {}, TOY, seed=0)


# ----------------------------------------------------------------------------
# epoch_plan / train_dataset


@pytest.mark.parametrize(
    "kwargs, want",
    [
        # d_steps=1: one pass over the data, no repeat.
        (dict(batch_size=32), (32, 32, None, 56, False)),
        # d_steps=5: the data repeats; an epoch is still examples // batch.
        (dict(batch_size=32, d_steps=5), (32, 160, 56, 56, True)),
        # Two replicas: the global batch doubles, the epoch halves.
        (dict(batch_size=32, replicas=2, d_steps=2), (64, 128, 28, 28, True)),
        # A given epoch length repeats the data.
        (dict(batch_size=32, steps_per_epoch=7), (32, 32, 7, 7, True)),
    ],
)
def test_epoch_plan(kwargs, want):
    assert tuple(training.epoch_plan(1797, **kwargs)) == want


@pytest.mark.parametrize("bad", [dict(batch_size=0), dict(batch_size=8, steps_per_epoch=0), dict(batch_size=8, d_steps=-1)])
def test_epoch_plan_refuses_non_positive_sizes(bad):
    name = [k for k, v in bad.items() if v < 1][0]
    with pytest.raises(ValueError, match=f"{name}="):
        training.epoch_plan(100, **bad)


def test_train_dataset_feeds_d_steps_minibatches_at_the_model_shape():
    model = tiny_model("wgan_gp", d_steps=3)  # Conditional in its tiny config.
    ds, plan = training.train_dataset("digits", model, DIGITS, batch_size=16, split="train[:200]")
    assert plan.fit_batch_size == 48 and plan.steps_per_epoch == 1797 // 16 and plan.repeat
    images, labels = next(iter(ds))
    assert images.shape == (48, *model.sample_shape) and labels.shape == (48,)
    history = model.fit(ds, epochs=1, steps_per_epoch=2, verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 2
    assert int(model.d_optimizer.iterations.numpy()) == 6 and np.isfinite(history.history["d_loss"][0])


def test_train_dataset_unconditional_yields_images_only():
    model = tiny_model("dcgan")
    ds, plan = training.train_dataset("digits", model, DIGITS, batch_size=64)
    assert plan.steps_per_epoch is None and not plan.repeat
    assert next(iter(ds)).shape == (64, 8, 8, 1)


# ----------------------------------------------------------------------------
# The run record.


def _record(**changes):
    base = dict(model="dcgan", hparams={"sample_shape": (8, 8, 1)}, dataset="digits", split="train",
                batch_size=32, steps_per_epoch=None, seed=0)
    base.update(changes)
    return training.run_record(**base)


def _add_backup(workdir, epoch=1):
    path = os.path.join(workdir, "backup", f"epoch-{epoch:06d}")
    os.makedirs(path)
    for name in ("weights.weights.h5", "state.json"):
        open(os.path.join(path, name), "w").close()


def test_run_record_is_json_with_lists(tmp_path):
    run = _record()
    assert run["hparams"] == {"sample_shape": [8, 8, 1]} and run["seed"] == 0
    training.write_run(str(tmp_path), run)
    assert training.read_run(str(tmp_path)) == json.loads(json.dumps(run))
    assert training.read_run(str(tmp_path / "none")) is None


def test_check_same_run_refuses_other_settings_of_a_trained_run(tmp_path):
    workdir = str(tmp_path)
    training.write_run(workdir, _record())
    _add_backup(workdir)
    training.check_same_run(workdir, _record(seed=5))  # Not a binding setting.
    with pytest.raises(ValueError, match=r"another run.*--workdir.*batch_size.*\(32, 64\)"):
        training.check_same_run(workdir, _record(batch_size=64))


def test_check_same_run_ignores_a_record_without_trained_state(tmp_path):
    # A run that failed before its first epoch (bad data) binds nothing.
    workdir = str(tmp_path)
    training.write_run(workdir, _record(split="train[:3]"))
    training.check_same_run(workdir, _record())
    open(os.path.join(workdir, "model.keras"), "w").close()
    with pytest.raises(ValueError, match="split"):
        training.check_same_run(workdir, _record())


def test_finished_epochs(tmp_path):
    workdir = str(tmp_path)
    assert training.finished_epochs(workdir) == 0
    training.write_run(workdir, _record())
    assert training.finished_epochs(workdir) == 0
    training.mark_finished(workdir, _record(), 4, {"keras": "model.keras"})
    assert training.finished_epochs(workdir) == 4
    assert training.read_run(workdir)["finished"]["outputs"] == {"keras": "model.keras"}


def test_weights_digest_tracks_the_generator_weights():
    a, b = tiny_model("dcgan"), tiny_model("dcgan")
    assert training.weights_digest(a) == training.weights_digest(b)
    weights = a.generator.get_weights()
    weights[0] = weights[0] + 1.0
    a.generator.set_weights(weights)
    assert training.weights_digest(a) != training.weights_digest(b)
    assert len(training.weights_digest(a)) == 64
