"""Every latent tool on dcgan, cgan and wgan_gp models loaded from `.keras`."""

import numpy as np
import pytest

from helpers import tiny_model
from tfgan_zoo import latent_tools
from tfgan_zoo.latent_tools import ablation
from tfgan_zoo.latent_tools import features


@pytest.mark.parametrize("name", ["dcgan", "cgan", "wgan_gp"])
def test_tools_on_a_loaded_model(name, tmp_path):
    import keras

    path = str(tmp_path / f"{name}.keras")
    tiny_model(name).save(path)
    model = keras.saving.load_model(path)
    labels = None if model.num_classes is None else np.array([1, 2], np.int32)
    z = model.prior.sample(4, seed=[0, 1]).numpy()
    walks = latent_tools.interpolate(model, z[:2], z[2:], steps=3, labels=labels)
    assert walks.shape == (2, 3, 8, 8, 1)
    np.testing.assert_allclose(walks[:, 0], model.generate(z=z[:2], labels=labels), atol=1e-5)
    arith = latent_tools.vector_arithmetic(model, z, [0], [1], [2], labels=None if labels is None else 3, num_variants=2)
    assert arith["images"].shape == (2, 8, 8, 1)
    images = model.generate(z=z[:2], labels=labels)
    masks = latent_tools.make_masks("center", 2, (8, 8, 1))
    out = latent_tools.inpaint(model, images, masks, labels=labels, steps=2, restarts=1)
    np.testing.assert_array_equal(out["completed"][masks[..., 0] == 1], images[masks[..., 0] == 1])
    copy = ablation.ablated_copy(model, [0])
    layer = ablation.default_layer(model.generator)
    assert np.all(copy.generator.get_layer(layer).get_weights()[0][[0]] == 0)
    assert np.all(model.generator.get_layer(layer).get_weights()[0][[0]] != 0)
    assert features.discriminator_features(model, images, labels=labels).shape == (2, 64)
