"""The minibatch-level options: minibatch discrimination and the minibatch
standard deviation (`minibatch_features`), against hand-computed values,
their dependence on the rest of the batch, the `.keras` round trip,
refused combinations, and what holds under a strategy (the statistics
are per replica)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import random_batch
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo.networks import minibatch

KINDS = ("discrimination", "stddev")


def test_minibatch_discrimination_is_the_papers_closeness_to_the_other_examples():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(5, 4)).astype("float32")
    layer = minibatch.MinibatchDiscrimination(3, 2)
    layer.build((None, 4))
    kernel = rng.normal(size=(4, 6)).astype("float32")
    layer.kernel.assign(kernel)
    m = (f @ kernel).reshape(5, 3, 2)
    expected = np.array([[sum(np.exp(-np.abs(m[i, b] - m[j, b]).sum()) for j in range(5) if j != i) for b in range(3)]
                         for i in range(5)])
    out = np.asarray(layer(f))
    np.testing.assert_allclose(out[:, :4], f)
    np.testing.assert_allclose(out[:, 4:], expected, rtol=1e-5)


def test_minibatch_stddev_appends_the_mean_feature_std_over_the_batch():
    f = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    out = np.asarray(minibatch.MinibatchStddev()(f))
    np.testing.assert_allclose(out[:, :3], f)
    np.testing.assert_allclose(out[:, 3], np.full(6, np.sqrt(f.var(axis=0) + 1e-8).mean()), rtol=1e-5)


@pytest.mark.parametrize("name", ["vanilla_gan", "dcgan", "wgan"])
@pytest.mark.parametrize("kind", KINDS + (None,))
def test_an_examples_output_depends_on_the_other_examples_only_with_the_option(name, kind):
    model = tiny_model(name, minibatch_features=kind)
    x, _ = random_batch(model, 8)
    other = x.copy()
    other[5] = -other[5]  # Another example of the batch changes.
    # Inference mode: the minibatch layer sees the batch; batch norm does not.
    first = model.discriminate(tf.constant(x), training=False).numpy()[0]
    second = model.discriminate(tf.constant(other), training=False).numpy()[0]
    if kind is None:
        np.testing.assert_allclose(first, second, rtol=1e-6)
    else:
        assert np.abs(first - second).max() > 1e-6, (first, second)
    assert ("minibatch" in [layer.name for layer in model.discriminator.layers]) == (kind is not None)


def test_minibatch_options_are_hparams_that_the_keras_file_keeps(tmp_path):
    options = {"minibatch_features": "discrimination", "minibatch_kernels": 7, "minibatch_kernel_dim": 3}
    for name in ("dcgan", "cgan", "vanilla_gan", "wgan", "wgan_gp", "cramer_gan"):
        assert {k: tfgan_zoo.model_hparams(name)[k] for k in options} == {
            "minibatch_features": None, "minibatch_kernels": 100, "minibatch_kernel_dim": 5}, name
    model = tiny_model("cgan", **options)
    assert model.discriminator.get_layer("minibatch").kernel.shape == (model.discriminator.get_layer("flatten").output.shape[-1], 7 * 3)
    x, y = random_batch(model, 16)
    assert np.isfinite(model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["d_loss"][0])
    model.save(str(tmp_path / "minibatch.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "minibatch.keras"))
    assert {k: loaded.hparams[k] for k in options} == options
    batch = tf.constant(x[:8]), tf.constant(y[:8])
    np.testing.assert_allclose(loaded.discriminate(*batch).numpy(), model.discriminate(*batch).numpy(), rtol=1e-6)
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0)  # And it keeps training.


@pytest.mark.parametrize("name, options, message", [
    ("wgan_gp", {"minibatch_features": "discrimination"}, r"Received: gp_weight=10.0 with the discriminator's "
                                                          r"MinibatchDiscrimination layer 'minibatch'"),
    ("cramer_gan", {"minibatch_features": "discrimination"}, r"Received: gp_weight=10.0"),
    ("dcgan", {"minibatch_features": "std"}, r"Valid: \['discrimination', 'stddev'\] or None. Received: minibatch_features='std'"),
    ("dcgan", {"minibatch_kernels": 10}, r"Received: minibatch_kernels=10, minibatch_kernel_dim=5, minibatch_features=None"),
    ("dcgan", {"minibatch_features": "stddev", "minibatch_kernel_dim": 3}, r"minibatch_features='stddev'"),
    ("dcgan", {"minibatch_features": "discrimination", "minibatch_kernels": 0}, r"Received: minibatch_kernels=0"),
    ("infogan", {"minibatch_features": "stddev"}, r"MinibatchStddev.*Received: minibatch_features='stddev', discriminator="),
])
def test_minibatch_settings_that_cannot_work_are_refused(name, options, message):
    with pytest.raises(ValueError, match=message):
        tiny_model(name, compile=False, **options)


def test_the_stddev_layer_works_with_a_gradient_penalty_critic():
    model = tiny_model("wgan_gp", d_steps=1, minibatch_features="stddev")
    x, y = random_batch(model, 16)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()), history


@pytest.mark.parametrize("kind", KINDS)
def test_under_two_replicas_the_statistics_are_each_replicas_own(kind):
    # What holds instead of 1-vs-2 equivalence: each replica's outputs are
    # one replica's on its half of the global batch.
    strategy = distribute.get_strategy("mirrored", cpu_replicas=2)
    with strategy.scope():
        model = tiny_model("vanilla_gan", minibatch_features=kind)
    x, _ = random_batch(model, 16)
    ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices(x).batch(16))
    batch = next(iter(ds))
    per_replica = strategy.run(lambda b: (b, model.discriminate(b, training=True)), args=(batch,))
    inputs = strategy.experimental_local_results(per_replica[0])
    outputs = strategy.experimental_local_results(per_replica[1])
    assert [len(i) for i in inputs] == [8, 8]
    for half, out in zip(inputs, outputs):
        np.testing.assert_allclose(out.numpy(), model.discriminate(half, training=True).numpy(), rtol=1e-5, atol=1e-6)
    together = np.concatenate([o.numpy() for o in outputs])
    order = np.concatenate([i.numpy() for i in inputs])
    assert not np.allclose(together, model.discriminate(tf.constant(order), training=True).numpy(), atol=1e-6)
    # And two replicas train (finite, both steps taken).
    with strategy.scope():
        model.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01))
    history = model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()) and int(model.g_optimizer.iterations.numpy()) == 1
