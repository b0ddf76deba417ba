"""The settings of the stabilisers that cannot work, refused at construction."""

import keras

# The base's methods (and properties) each option acts through.
NEEDS = {
    "instance_noise": ("discriminate",),
    "diff_augment": ("discriminate",),
    "r1_weight": ("discriminate", "train_step"),
    "feature_matching": ("discriminate", "train_step"),
    "ema_decay": ("generate_batch",),
    # The players' variables must be their networks' (an encoder or a Q
    # head would escape the average).
    "historical_averaging": ("train_step", "generator_variables", "discriminator_variables"),
}


def check_combinations(model, values):
    """Refuses an option on a variant that overrides what it acts through,
    and contradictory settings; each error names the values."""
    from tfgan_zoo.models.base import GAN

    for option, methods in NEEDS.items():
        overridden = [m for m in methods if getattr(type(model), m) is not getattr(GAN, m)]
        if values[option] and overridden:
            raise ValueError(
                f"`{option}` acts in GAN.{overridden[0]}, which {type(model).__name__} overrides, so it "
                f"does not apply to this model. Received: {option}={values[option]!r}"
            )
    if values["instance_noise_anneal_steps"] and not values["instance_noise"]:
        raise ValueError(
            "`instance_noise_anneal_steps` anneals the instance noise; set `instance_noise` > 0 with it. "
            f"Received: instance_noise_anneal_steps={values['instance_noise_anneal_steps']!r}, "
            f"instance_noise={values['instance_noise']!r}"
        )
    if values["feature_layer"] is not None and not values["feature_matching"]:
        raise ValueError(
            "`feature_layer` chooses the layer of feature matching; set `feature_matching` > 0 with it. "
            f"Received: feature_layer={values['feature_layer']!r}, feature_matching={values['feature_matching']!r}"
        )
    gp_weight = model.hparams.get("gp_weight", 0.0)
    if values["r1_weight"] and gp_weight:
        raise ValueError(
            "R1 pulls the discriminator's gradient norm to 0 on real data while the gradient penalty "
            "pulls it to 1; use one of them (gp_weight=0 or r1_weight=0). "
            f"Received: r1_weight={values['r1_weight']!r}, gp_weight={gp_weight!r}"
        )


def check_spectral_norm(discriminator):
    if not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in all_layers(discriminator)):
        raise ValueError(
            "spectral_norm=True: the default networks wrap their discriminator layers in "
            "keras.layers.SpectralNormalization; this discriminator has no such layer (wrap the layers of "
            f"your own). Received: discriminator={discriminator.name!r} with layers "
            f"{[type(layer).__name__ for layer in discriminator.layers]}"
        )


def all_layers(model):
    """The layers of `model`, those of nested models included."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)
