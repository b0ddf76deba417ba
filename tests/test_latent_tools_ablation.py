"""Latent tools: filter ablation and discriminator features (tfgan_zoo.latent_tools)."""

import numpy as np
import pytest

from helpers import tiny_model
from tfgan_zoo.latent_tools import ablation
from tfgan_zoo.latent_tools import features


@pytest.fixture(scope="module")
def dcgan16():
    # 16x16: a DCGAN generator with a hidden transposed convolution.
    return tiny_model("dcgan", compile=False, sample_shape=(16, 16, 1))


def test_filter_layers_and_default(dcgan16):
    assert ablation.filter_layers(dcgan16.generator) == ["project", "project_bn", "deconv_1", "deconv_1_bn"]
    assert ablation.default_layer(dcgan16.generator) == "deconv_1_bn"


def test_ablated_copy_zeroes_exactly_the_chosen_filters(dcgan16):
    original = [w.copy() for w in dcgan16.get_weights()]
    copy = ablation.ablated_copy(dcgan16, [0, 3], layer="deconv_1_bn")
    gamma, beta = copy.generator.get_layer("deconv_1_bn").get_weights()[:2]
    np.testing.assert_array_equal(gamma[[0, 3]], 0.0)
    np.testing.assert_array_equal(beta[[0, 3]], 0.0)
    assert np.all(gamma[[1, 2]] != 0.0)  # The others keep their (initial, 1.0) scale.
    for before, after in zip(original, dcgan16.get_weights()):  # The original is untouched.
        np.testing.assert_array_equal(before, after)
    z = dcgan16.prior.sample(4, seed=[1, 2]).numpy()
    acts = ablation.activations(copy, z, layer="deconv_1_bn")  # After the ReLU.
    kept = ablation.activations(dcgan16, z, layer="deconv_1_bn")
    np.testing.assert_array_equal(acts[..., [0, 3]], 0.0)
    np.testing.assert_allclose(acts[..., [1, 2]], kept[..., [1, 2]], atol=1e-6)
    assert np.abs(kept[..., [0, 3]]).max() > 0  # They were not zero before.


def test_ablated_copy_of_a_transposed_convolution(dcgan16):
    copy = ablation.ablated_copy(dcgan16, [1], layer="deconv_1")
    kernel = copy.generator.get_layer("deconv_1").get_weights()[0]  # [h, w, out, in]
    np.testing.assert_array_equal(kernel[:, :, 1, :], 0.0)
    assert np.all(np.abs(kernel[:, :, [0, 2, 3], :]).sum(axis=(0, 1, 3)) > 0)
    assert np.abs(dcgan16.generator.get_layer("deconv_1").get_weights()[0][:, :, 1]).sum() > 0


@pytest.mark.parametrize("layer", ["deconv_1", "deconv_1_bn"])
def test_ablated_copy_of_a_model_with_weight_averages_zeroes_them_too(layer):
    # With ema_decay, generate() draws from the averages: ablating only the
    # raw weights would change nothing the user sees.
    from tfgan_zoo.models import stabilisers

    model = tiny_model("dcgan", sample_shape=(16, 16, 1), ema_decay=0.5)
    model.fit(np.zeros((16, 16, 16, 1), np.float32), batch_size=8, epochs=1, verbose=0)  # Averages != weights.
    copy = ablation.ablated_copy(model, [1], layer=layer)
    target = copy.generator.get_layer(layer)
    averages = stabilisers.weight_averages(copy.generator)
    index = {id(v): i for i, v in enumerate(copy.generator.trainable_variables)}
    first = np.array(averages[index[id(target.trainable_variables[0])]])  # The kernel's or gamma's average.
    zeroed = first[:, :, 1, :] if layer == "deconv_1" else first[1]
    np.testing.assert_array_equal(zeroed, 0.0)
    assert np.abs(first).sum() > 0  # The other filters keep theirs.
    assert not np.allclose(copy.generate(4, seed=0), model.generate(4, seed=0))
    assert np.abs(np.array(stabilisers.weight_averages(model.generator)[index[id(target.trainable_variables[0])]])).sum() > 0


def test_ablation_errors_name_the_received_value(dcgan16):
    with pytest.raises(ValueError, match=r"Received: filters=\[4\]"):
        ablation.ablated_copy(dcgan16, [4], layer="deconv_1_bn")
    with pytest.raises(ValueError, match="Received: layer='tanh'"):
        ablation.ablated_copy(dcgan16, [0], layer="tanh")
    with pytest.raises(ValueError, match="Received: k=9"):
        ablation.top_filters(np.zeros(4), 9)


def test_filter_scores_pick_the_filters_of_the_concept(dcgan16):
    z = dcgan16.prior.sample(32, seed=[5, 6]).numpy()
    acts = ablation.activations(dcgan16, z).reshape(32, -1, 4).mean(axis=1)
    concept = acts[:, 2] > np.median(acts[:, 2])  # Samples where filter 2 fires most.
    scores = ablation.filter_scores(dcgan16, z, concept=concept)
    assert ablation.top_filters(scores, 1)[0] == 2
    np.testing.assert_allclose(scores[2], acts[concept, 2].mean() - acts[~concept, 2].mean(), rtol=1e-5)
    # Spatially: the score is the mean activation inside the mask minus outside.
    mask = np.zeros((16, 16))
    mask[:8] = 1.0  # The top half of the image, the top half of the 8x8 map.
    maps = ablation.activations(dcgan16, z)
    expected = (maps[:, :4].mean(axis=(1, 2)) - maps[:, 4:].mean(axis=(1, 2))).mean(axis=0)
    np.testing.assert_allclose(ablation.filter_scores(dcgan16, z, spatial_mask=mask), expected, rtol=1e-4, atol=1e-7)
    with pytest.raises(ValueError, match="Received: concept of shape"):
        ablation.filter_scores(dcgan16, z, concept=np.ones(32, bool))


def test_ablation_figure(dcgan16):
    images, rows, info = ablation.ablation_figure(dcgan16, num_filters=2, num_samples=3, pool=16)
    assert images.shape == (6, 16, 16, 1) and rows == 2
    assert info["layer"] == "deconv_1_bn" and len(info["filters"]) == 2
    assert set(info) >= {"ink_before", "ink_after", "ink_after_random"}


def test_discriminator_features_shapes():
    model = tiny_model("dcgan", compile=False, sample_shape=(28, 28, 1))
    assert features.feature_layers(model.discriminator) == ["conv_0_lrelu", "conv_1_lrelu"]
    x = np.zeros((5, 28, 28, 1), np.float32)
    # 14x14x4 and 7x7x8 activations, each max-pooled to 4x4: 64 + 128.
    assert features.discriminator_features(model, x, batch_size=2).shape == (5, 192)
    assert features.discriminator_features(model, x, grid=2).shape == (5, 48)
    with pytest.raises(ValueError, match=r"Received: images of shape \(5, 8, 8, 1\)"):
        features.discriminator_features(model, np.zeros((5, 8, 8, 1)))


def test_discriminator_features_are_the_pooled_activations():
    model = tiny_model("dcgan", compile=False)  # 8x8: one 4x4x4 conv layer.
    import keras

    x = np.random.default_rng(0).uniform(-1, 1, (3, 8, 8, 1)).astype("float32")
    layer = model.discriminator.get_layer("conv_0_lrelu").output
    acts = keras.Model(model.discriminator.inputs, layer)([x]).numpy()
    np.testing.assert_allclose(features.discriminator_features(model, x), acts.reshape(3, -1), atol=1e-6)
    pooled = features.discriminator_features(model, x, grid=2)
    np.testing.assert_allclose(pooled, acts.reshape(3, 2, 2, 2, 2, 4).max(axis=(2, 4)).reshape(3, -1), atol=1e-6)


def test_conditional_features_need_labels():
    model = tiny_model("cgan", compile=False)
    with pytest.raises(ValueError, match="Received: labels=None"):
        features.discriminator_features(model, np.zeros((2, 8, 8, 1)))
    assert features.discriminator_features(model, np.zeros((2, 8, 8, 1)), labels=[0, 1]).shape == (2, 64)


def test_untrained_copy_and_linear_probe():
    model = tiny_model("dcgan", compile=False)
    fresh = features.untrained_copy(model, seed=3)
    assert fresh.hparams == {**model.hparams, "seed": 3}
    assert not np.allclose(fresh.discriminator.get_weights()[0], model.discriminator.get_weights()[0])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)  # Linearly separable.
    assert features.linear_probe(x[:100], y[:100], x[100:], y[100:]) > 0.9
    with pytest.raises(ValueError, match=r"Received: classes \[1\]"):
        features.linear_probe(x[:3], np.ones(3, int), x, y)
