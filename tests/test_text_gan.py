"""`text_gan`: strings in and out, the LSTM and Gumbel-softmax options, a text file through `fit`."""

import json
import os

import keras
import numpy as np
import pytest

import tfgan_zoo
from tfgan_zoo import data
from tfgan_zoo import export as export_lib
from tfgan_zoo.data import dates
from tfgan_zoo.models.text import text_gan as text_gan_lib

TINY = {"width": 8, "latent_dim": 4, "blocks": 1, "d_steps": 1, "seed": 0}


def test_default_vocabulary_is_the_dates_corpus():
    assert text_gan_lib.DATES_VOCABULARY == dates.VOCABULARY
    assert text_gan_lib.DATES_SEQUENCE_LENGTH == dates.SEQUENCE_LENGTH
    assert tfgan_zoo.create("text_gan", **TINY).sample_shape == (12, 36)


@pytest.mark.parametrize("network", ["conv", "lstm"])
def test_trains_on_dates_and_generates_softmaxes_and_strings(network):
    gan = tfgan_zoo.create("text_gan", network=network, sequence_length=8, **TINY)
    ds = data.load("dates", 16, split="train[:32]", sequence_length=8, with_labels=False, seed=0)
    history = gan.fit(ds, epochs=1, verbose=0).history
    assert np.isfinite(history["wasserstein_distance"][0]) and int(gan.g_optimizer.iterations) == 2
    probs = gan.generate(5, seed=1)
    assert probs.shape == (5, 8, 36) and probs.min() >= 0
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-5)  # A softmax per position.
    strings = gan.generate_text(5, seed=1)
    assert strings == gan.decode_text(probs) and set("".join(strings)) <= set(dates.VOCABULARY)
    assert all(len(s) <= 8 for s in strings)


def test_gumbel_softmax_fakes_are_samples_in_training_only():
    gan = tfgan_zoo.create("text_gan", gumbel_softmax=True, temperature=0.5, sequence_length=6, **TINY)
    gan.compile()
    z = gan.sample_latent(8)
    plain = gan.generate_batch(z, training=False).numpy()
    noisy = gan.generate_batch(z, training=True).numpy()
    np.testing.assert_allclose(noisy.sum(-1), 1.0, atol=1e-5)
    assert not np.allclose(plain, noisy)
    np.testing.assert_array_equal(gan.generate_batch(z).numpy(), plain)  # Inference: the softmax.
    gan.fit(gan.encode_text(["2001-01-01"] * 8), batch_size=8, epochs=1, verbose=0)
    g = tfgan_zoo.create("text_gan", sequence_length=6, **TINY).generator
    bare = keras.Model(g.input, keras.layers.Softmax()(keras.layers.Dense(36)(keras.layers.Reshape((6, 36))(
        keras.layers.Dense(6 * 36)(g.input)))))
    with pytest.raises(ValueError, match="'text_logits'.*Received: a generator with layers"):
        text_gan_lib.TextGAN(gumbel_softmax=True, sequence_length=6, generator=bare, **TINY)


def test_a_text_file_through_fit_keras_round_trip_and_export(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("abba\nbaab\nab\nba\n" * 8)
    spec = f"text:{path}"
    gan = text_gan_lib.TextGAN.for_text(spec, **TINY)
    assert gan.vocabulary == "ab" and gan.sample_shape == (5, 3)
    gan.fit(data.load(spec, 8, sequence_length=5, with_labels=False), epochs=1, verbose=0)
    strings = gan.generate_text(6, seed=2)
    saved = str(tmp_path / "m.keras")
    gan.save(saved)
    loaded = keras.saving.load_model(saved)
    assert loaded.vocabulary == "ab" and loaded.generate_text(6, seed=2) == strings
    exported = export_lib.export(gan, str(tmp_path / "sm"), max_samples=8)
    with open(os.path.join(exported, "assets.extra", text_gan_lib.VOCABULARY_ASSET)) as f:
        assert json.load(f) == {"vocabulary": "ab", "end_index": 0, "sequence_length": 5}
    assert text_gan_lib.TextGAN.for_text(spec, sequence_length=3, compile=False, **TINY).sample_shape == (3, 3)


def test_bad_inputs_name_the_value(tmp_path):
    gan = tfgan_zoo.create("text_gan", sequence_length=6, **TINY)
    with pytest.raises(ValueError, match=r"character 'x'.*Received: line='1 Jax'"):
        gan.encode_text(["1 Jan", "1 Jax"])
    with pytest.raises(ValueError, match="Received: network='gru'"):
        tfgan_zoo.create("text_gan", network="gru", **TINY)
    with pytest.raises(ValueError, match="Received: vocabulary=''"):
        tfgan_zoo.create("text_gan", vocabulary="", **TINY)
    with pytest.raises(ValueError, match="Received: temperature=0"):
        tfgan_zoo.create("text_gan", temperature=0, **TINY)
    path = tmp_path / "t.txt"
    path.write_text("abc\n")
    with pytest.raises(ValueError, match="above the longest line.*Received: sequence_length=9"):
        text_gan_lib.TextGAN.for_text(f"text:{path}", sequence_length=9, **TINY)
    with pytest.raises(ValueError, match="Received: spec='digits'"):
        text_gan_lib.TextGAN.for_text("digits", **TINY)
