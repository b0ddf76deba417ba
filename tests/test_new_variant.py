"""A new variant is its module and `@register_model`, nothing else.

A throwaway variant (a least-squares GAN with its own hparam, defined
here as a user would in their own module) is registered, and the
parametrised contract of the zoo runs on it: a tiny config, fit, the
`.keras` round trip, generation, 1-vs-2-replica equivalence, config,
export and flags.
"""

import numpy as np
import pytest
import tensorflow as tf
import test_export
import test_models
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import export as export_lib
from tfgan_zoo import registry
from tfgan_zoo.models.family import FamilyGAN

NAME = "throwaway_lsgan"


@pytest.fixture(scope="module", autouse=True)
def throwaway():
    @tfgan_zoo.register_model(NAME)
    class ThrowawayLSGAN(FamilyGAN):
        """Least-squares GAN with a target for real samples.

        Args:
            real_target: the least-squares target of real samples.
            latent_dim: size of `z`.
        """

        fixed_hparams = ("loss", "num_classes")

        def __init__(self, real_target=1.0, latent_dim=16, **kwargs):
            super().__init__(loss="least_squares", num_classes=None, latent_dim=latent_dim, **kwargs)
            self.real_target = float(real_target)

    yield ThrowawayLSGAN
    registry._MODELS.pop(NAME)


def test_the_registry_and_the_flags_pick_it_up():
    assert NAME in tfgan_zoo.available_models()
    assert tfgan_zoo.model_hparams(NAME)["real_target"] == 1.0
    from launchers import hparam_flags

    assert (NAME, 1.0) in hparam_flags._all_hparams()["real_target"]


@pytest.mark.parametrize(
    "contract",
    [
        test_models.test_every_registered_model_has_a_tiny_config,
        test_models.test_model_api,
        test_models.test_fit_step_trains_both_networks,
        test_models.test_generate,
        test_models.test_generate_rejects_bad_requests,
        test_models.test_fit_rejects_wrong_sample_shape,
        test_models.test_config_holds_every_constructor_argument,
    ],
    ids=lambda f: f.__name__,
)
def test_model_contract(contract):
    contract(NAME)


def test_keras_round_trip(tmp_path):
    test_models.test_keras_round_trip(NAME, tmp_path)


def test_two_replicas_train_like_one():
    test_models.test_two_replicas_train_like_one(NAME, 2, None)


def test_export_matches_keras(tmp_path):
    model = tiny_model(NAME, real_target=0.9)
    path = export_lib.export(model, str(tmp_path / NAME))
    exported = export_lib.load(path)
    np.testing.assert_allclose(exported.generate(num_samples=3, seed=4), model.generate(3, seed=4), atol=1e-5)
    assert export_lib.read_metadata(path)["hparams"]["real_target"] == 0.9
    assert tf.saved_model.contains_saved_model(path)
