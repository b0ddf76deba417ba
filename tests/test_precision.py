"""`precision` as a model option (`tfgan_zoo.precision`): the dtype policy of
one model's networks, not the process's; float32 where it must be."""

import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import SAVED_MODEL_CLI_CALL
from helpers import random_batch
from helpers import run_many
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import distribute
from tfgan_zoo import export as export_lib
from tfgan_zoo import regularizers


def _compute_dtypes(network):
    return {layer.compute_dtype for layer in network.layers if layer.weights}


def test_two_models_of_one_process_keep_their_own_precision():
    low = tiny_model("dcgan", precision="bfloat16")
    full = tiny_model("dcgan")
    # The output layers declare float32 themselves; the rest computes in bfloat16.
    assert "bfloat16" in _compute_dtypes(low.generator) and "bfloat16" in _compute_dtypes(low.discriminator)
    assert _compute_dtypes(full.generator) == _compute_dtypes(full.discriminator) == {"float32"}
    assert keras.config.dtype_policy().name == "float32"  # Restored.
    # The variables stay float32; the samples come out float32.
    assert {w.dtype for w in low.generator.weights} == {"float32"}
    assert low.generate(3, seed=0).dtype == np.float32


def test_float16_scales_the_losses_of_both_optimizers_and_bfloat16_does_not():
    half = tiny_model("wgan_gp", precision="float16")
    assert isinstance(half.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(half.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert not isinstance(tiny_model("wgan_gp", precision="bfloat16").d_optimizer, keras.optimizers.LossScaleOptimizer)
    x, y = random_batch(half, 4 * half.d_steps)
    history = half.fit(x, y, batch_size=2 * half.d_steps, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values()), history


def test_the_gradient_penalty_in_bfloat16_is_the_float32_one_within_2_percent():
    # Same seed: the same float32 variables; only the compute dtype differs.
    full, low = tiny_model("wgan_gp"), tiny_model("wgan_gp", precision="bfloat16")
    for a, b in zip(full.discriminator.get_weights(), low.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    x, y = random_batch(full, 16, seed=3)
    fake = full.generate(labels=y, seed=1) if full.conditional else full.generate(16, seed=1)
    alpha = tf.random.stateless_uniform([16], seed=[4, 2])

    def penalty(model):
        critic = lambda v: model.discriminate(v, tf.constant(y) if model.conditional else None)  # noqa: E731
        return regularizers.gradient_penalty(critic, tf.constant(x), tf.constant(fake), alpha=alpha)

    want, got = penalty(full), penalty(low)
    assert got.dtype == tf.float32
    assert float(tf.reduce_mean(want)) > 1e-3  # Not trivially zero.
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=0.02, atol=1e-3)


@pytest.mark.parametrize("precision", ["float32", "bfloat16", "float16"])
def test_keras_round_trip_keeps_the_precision(precision, tmp_path):
    model = tiny_model("cgan", precision=precision)
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.get_config()["precision"] == precision
    assert _compute_dtypes(loaded.generator) == _compute_dtypes(model.generator)
    labels = np.array([0, 1, 2], np.int32) % model.num_classes
    np.testing.assert_array_equal(loaded.generate(labels=labels, seed=0), model.generate(labels=labels, seed=0))


def test_a_bfloat16_export_takes_and_serves_float32(tmp_path):
    model = tiny_model("dcgan", precision="bfloat16")
    path = export_lib.export(model, str(tmp_path / "sm"))
    served = tf.saved_model.load(path).signatures["serving_default"]
    z = np.random.default_rng(0).normal(size=(2, model.latent_dim)).astype(np.float32)
    out = served(z=tf.constant(z))
    assert out["images"].dtype == tf.float32 and out["images_uint8"].dtype == tf.uint8
    np.testing.assert_allclose(out["images"].numpy(), model.generate(z=z), atol=1e-6)
    # saved_model_cli's own show and run: float32 in, float32 out.
    z_literal = repr(z.tolist()).replace(" ", "")
    cli = run_many(SAVED_MODEL_CLI_CALL, {
        "show": ["show", "--dir", path, "--tag_set", "serve", "--signature_def", "serving_default"],
        "run": ["run", "--dir", path, "--tag_set", "serve", "--signature_def", "serving_default",
                "--input_exprs", f"z={z_literal}", "--outdir", str(tmp_path / "out")],
    })
    assert cli["run"].returncode == 0, cli["run"].stderr[-2000:]
    assert re.search(r"inputs\['z'\] tensor_info:\s*dtype: DT_FLOAT", cli["show"].stdout), cli["show"].stdout
    assert re.search(r"outputs\['images'\] tensor_info:\s*dtype: DT_FLOAT", cli["show"].stdout), cli["show"].stdout
    images = np.load(tmp_path / "out" / "images.npy")
    assert images.dtype == np.float32
    np.testing.assert_allclose(images, model.generate(z=z), atol=1e-6)


def test_two_replicas_train_like_one_in_bfloat16():
    def one_step(strategy):
        with strategy.scope():
            model = tiny_model("dcgan", compile=False, precision="bfloat16", synchronized_bn=True)
            model.compile(g_optimizer=keras.optimizers.SGD(0.05), d_optimizer=keras.optimizers.SGD(0.05))
        x, _ = random_batch(model, 16, seed=5)
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)
        return model.generator.get_weights() + model.discriminator.get_weights()

    one = one_step(tf.distribute.OneDeviceStrategy("/cpu:0"))
    two = one_step(distribute.get_strategy("mirrored", cpu_replicas=2))
    # bfloat16 keeps 8 bits of mantissa: the replicas' partial sums round
    # differently, so the tolerance is bfloat16's (2^-8), not float32's.
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-2, atol=1e-3)


def test_an_unknown_precision_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"one of \['bfloat16', 'float16', 'float32'\].*Received: precision='half'"):
        tfgan_zoo.create("dcgan", precision="half")
    assert "precision" in tfgan_zoo.model_hparams("rcgan")


def test_the_launchers_automatic_choice():
    from tfgan_zoo import precision

    # bfloat16 only for the measured models, only with bf16 units, never with a GPU.
    for name in precision.AUTO_BFLOAT16:
        assert precision.auto(name, ["avx512_bf16"]) == (
            "bfloat16", f"this CPU has avx512_bf16; {name} was measured faster in bfloat16 with its FID within "
            "10% of float32's")
        assert precision.auto(name, [])[0] == "float32"
        assert precision.auto(name, ["amx_bf16"], gpus=1) == (
            "float32", "1 GPU(s): reduced precision is not measured on GPUs here")
    assert precision.auto("lapgan", ["amx_bf16", "avx512_bf16"])[0] == "float32"
    assert "no bfloat16 units" in precision.auto("dcgan", [])[1]
