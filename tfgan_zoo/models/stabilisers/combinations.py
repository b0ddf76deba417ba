"""The settings of the stabilisers that cannot work, refused at construction."""

import keras

from tfgan_zoo import checks
from tfgan_zoo.networks import minibatch
from tfgan_zoo.networks import virtual_batch_norm as vbn

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
        overridden = [m for m in methods
                      if getattr(type(model), m) is not getattr(GAN, m) and m not in type(model).extends_base]
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
    discriminating = [layer.name for layer in (all_layers(model.discriminator) if model.discriminator is not None else ())
                      if isinstance(layer, minibatch.MinibatchDiscrimination)]
    if discriminating and gp_weight:
        raise ValueError(
            "Minibatch discrimination makes each example's critic value depend on the rest of its batch, while "
            "the gradient penalty constrains the gradient of each example's value on its own (Gulrajani et al. "
            "2017); use minibatch_features='stddev' (as Karras et al. 2018 with WGAN-GP) or no gradient penalty. "
            f"Received: gp_weight={gp_weight!r} with the discriminator's MinibatchDiscrimination layer "
            f"{discriminating[0]!r}"
        )


def check_spectral_norm(discriminator):
    if not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in all_layers(discriminator)):
        raise ValueError(
            "spectral_norm=True: the default networks wrap their discriminator layers in "
            "keras.layers.SpectralNormalization; this discriminator has no such layer (wrap the layers of "
            f"your own). Received: discriminator={discriminator.name!r} with layers "
            f"{[type(layer).__name__ for layer in discriminator.layers]}"
        )


def check_minibatch_options(kind, kernels, kernel_dim):
    """The `build_pair` options of the minibatch features, checked."""
    if kind is not None and kind not in minibatch.KINDS:
        raise ValueError(
            f"Unknown minibatch features {kind!r}. Valid: {list(minibatch.KINDS)} or None. "
            f"Received: minibatch_features={kind!r}"
        )
    kernels = checks.positive_int(kernels, "minibatch_kernels")
    kernel_dim = checks.positive_int(kernel_dim, "minibatch_kernel_dim")
    if kind != "discrimination" and (kernels, kernel_dim) != (100, 5):
        raise ValueError(
            "`minibatch_kernels` and `minibatch_kernel_dim` size minibatch discrimination; set "
            "minibatch_features='discrimination' with them. Received: "
            f"minibatch_kernels={kernels!r}, minibatch_kernel_dim={kernel_dim!r}, minibatch_features={kind!r}"
        )
    return {"minibatch_features": kind, "minibatch_kernels": kernels, "minibatch_kernel_dim": kernel_dim}


def check_minibatch_layer(discriminator, kind):
    """Refuses `minibatch_features` with a discriminator that lacks the layer
    (one passed in, or a variant's own)."""
    layer_type = {"discrimination": minibatch.MinibatchDiscrimination, "stddev": minibatch.MinibatchStddev}.get(kind)
    if layer_type and not any(isinstance(layer, layer_type) for layer in all_layers(discriminator)):
        raise ValueError(
            f"minibatch_features={kind!r}: the default networks add a {layer_type.__name__} layer "
            "(tfgan_zoo.networks.minibatch) to their discriminator; this discriminator has none (add one to "
            f"yours). Received: minibatch_features={kind!r}, discriminator={discriminator.name!r} with layers "
            f"{[type(layer).__name__ for layer in discriminator.layers]}"
        )


def check_virtual_batch_norm(on, synchronized_bn, generator=None):
    """Refuses virtual batch norm with synchronized batch norm, and (given
    the `generator`) with a generator that lacks its layers."""
    if on and synchronized_bn:
        raise ValueError(
            "Virtual batch norm replaces the generator's batch norm, whose statistics synchronized_bn would "
            "share across replicas (its reference batch makes each example's statistics its own on any "
            f"replica); use one of them. Received: virtual_batch_norm={on!r}, synchronized_bn={synchronized_bn!r}"
        )
    if on and generator is not None and not any(
        isinstance(layer, vbn.VirtualBatchNormalization) for layer in all_layers(generator)
    ):
        raise ValueError(
            "virtual_batch_norm=True: the default networks give their generator VirtualBatchNormalization "
            "layers (tfgan_zoo.networks.virtual_batch_norm); this generator has none. Received: "
            f"virtual_batch_norm={on!r}, generator={generator.name!r} with layers "
            f"{[type(layer).__name__ for layer in generator.layers]}"
        )


def all_layers(model):
    """The layers of `model`, those of nested models included."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)
