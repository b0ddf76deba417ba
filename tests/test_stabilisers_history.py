"""Historical averaging (`historical_averaging=λ`, Salimans et al. 2016):
the penalty against hand-computed means, its gradient, the state through
`.keras` and weight checkpoints, and 1-vs-2 replicas."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model
from test_models import _train_one_step
from test_stabilisers import _gan
from test_stabilisers import _linear_critic

from tfgan_zoo import distribute


def _history(model, prefix):
    return {w.name: np.array(w.numpy()) for w in model.non_trainable_weights if w.name.startswith(f"{prefix}_history")}


def test_the_penalty_is_the_squared_distance_to_the_mean_of_all_weights_so_far():
    lam, lr = 0.5, 0.1
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 2)).astype("float32"))
    gan = _gan(_linear_critic([3.0, 4.0]), sgd=lr, historical_averaging=lam)
    seen = []
    for _ in range(4):
        seen.append(gan.discriminator.get_weights()[0])
        mean = np.mean(seen, axis=0)  # The weights of every step so far, this one's included.
        logs = gan.discriminator_step(real, None)
        assert float(logs["d_historical"]) == pytest.approx(np.sum((seen[-1] - mean) ** 2), rel=1e-5, abs=1e-12)
    assert float(logs["d_historical"]) > 1e-4  # The weights moved: a penalty that is not trivially 0.
    history = _history(gan, "d")
    np.testing.assert_allclose(history["d_history_0"], np.mean(seen, axis=0), rtol=1e-6)
    assert history["d_history_count"] == 4.0
    # Its gradient 2λ(θ − θ̄): the step moves θ by −lr·2λ(θ − θ̄) more than
    # the same step without the option (constant G, linear D: the same
    # adversarial gradient).
    plain = _gan(_linear_critic([3.0, 4.0]), sgd=lr)
    theta = gan.discriminator.get_weights()[0]
    plain.discriminator.set_weights([theta])
    mean = np.mean(seen + [theta], axis=0)
    logs = gan.discriminator_step(real, None)
    logs_plain = plain.discriminator_step(real, None)
    penalty = np.sum((theta - mean) ** 2)
    assert float(logs["d_loss"] - logs_plain["d_loss"]) == pytest.approx(lam * penalty, rel=1e-4)
    moved = gan.discriminator.get_weights()[0] - plain.discriminator.get_weights()[0]
    np.testing.assert_allclose(moved, -lr * 2 * lam * (theta - mean), rtol=1e-4, atol=1e-8)


def test_both_players_are_penalised_and_fit_logs_it():
    model = tiny_model("vanilla_gan", historical_averaging=0.1)
    x, _ = random_batch(model, 16)
    history = model.fit(x, batch_size=8, epochs=2, verbose=0).history
    assert history["g_historical"][1] > 0 and history["d_historical"][1] > 0, history
    g = _history(model, "g")
    assert g["g_history_count"] == 4.0  # One fold per generator step.
    assert len(g) == 1 + len(model.generator.trainable_weights)
    assert len(_history(model, "d")) == 1 + len(model.discriminator.trainable_weights)


def test_the_means_survive_the_keras_file_and_weight_checkpoints(tmp_path):
    model = tiny_model("dcgan", historical_averaging=0.1)
    x, _ = random_batch(model, 16)
    model.fit(x, batch_size=8, epochs=1, verbose=0)
    saved = {**_history(model, "g"), **_history(model, "d")}
    assert saved["g_history_count"] == 2.0 and np.abs(saved["d_history_0"]).sum() > 0
    path = str(tmp_path / "history.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.hparams["historical_averaging"] == 0.1
    fresh = tiny_model("dcgan", historical_averaging=0.1)
    fresh.load_weights(_weights(model, tmp_path))  # What a resumed run restores.
    for other in (loaded, fresh):
        restored = {**_history(other, "g"), **_history(other, "d")}
        assert restored.keys() == saved.keys()
        for name, value in saved.items():
            np.testing.assert_array_equal(restored[name], value, err_msg=name)
    loaded.fit(x, batch_size=8, epochs=1, verbose=0)
    assert _history(loaded, "g")["g_history_count"] == 4.0  # It keeps counting.


def _weights(model, tmp_path):
    path = str(tmp_path / "backup.weights.h5")
    model.save_weights(path)
    return path


def test_two_replicas_train_like_one_with_historical_averaging():
    one, h1 = _train_one_step("vanilla_gan", tf.distribute.OneDeviceStrategy("/cpu:0"), 16, 2, historical_averaging=1.0)
    two, h2 = _train_one_step("vanilla_gan", distribute.get_strategy("mirrored", cpu_replicas=2), 16, 2,
                              historical_averaging=1.0)
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert h1["d_historical"][0] > 0
    for key in h1:
        assert h2[key][0] == pytest.approx(h1[key][0], rel=1e-5, abs=1e-5), key


@pytest.mark.parametrize("name, options, message", [
    ("bigan", {"historical_averaging": 0.1}, r"GAN.generator_variables, which BiGAN overrides.*Received: historical_averaging=0.1"),
    ("dcgan", {"historical_averaging": -1.0}, r"Received: historical_averaging=-1.0"),
])
def test_historical_averaging_is_refused_where_it_cannot_work(name, options, message):
    with pytest.raises(ValueError, match=message):
        tiny_model(name, compile=False, **options)


def test_a_resumed_run_trains_like_an_uninterrupted_one_with_the_new_options(tmp_path):
    from tfgan_zoo.callbacks import ResumableBackup

    options = {"historical_averaging": 0.5, "diff_augment": "color,translation,cutout", "minibatch_features": "stddev",
               "virtual_batch_norm": True}

    def model():
        gan = tiny_model("dcgan", compile=False, **options)
        gan.compile(g_optimizer=keras.optimizers.SGD(0.05), d_optimizer=keras.optimizers.SGD(0.05))
        return gan

    x, _ = random_batch(model(), 16)
    data = tf.data.Dataset.from_tensor_slices(x).batch(8)
    whole = model()
    whole.fit(data, epochs=2, verbose=0)
    model().fit(data, epochs=1, verbose=0, callbacks=[ResumableBackup(str(tmp_path))])  # Interrupted after epoch 1.
    resumed, backup = model(), ResumableBackup(str(tmp_path))
    history = resumed.fit(data, epochs=2, verbose=0, callbacks=[backup]).history
    assert backup.restored_epoch == 1 and len(history["d_loss"]) == 1  # It trained epoch 2 only,
    assert _history(resumed, "d")["d_history_count"] == 4.0  # on the restored means.
    for a, b in zip(whole.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
