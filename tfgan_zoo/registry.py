"""The model registry: names -> model classes, and `create`.

The launchers and the parametrised tests read it, so a variant registered
with `@register_model` is picked up everywhere.
"""

import inspect

import keras

from tfgan_zoo import checks
from tfgan_zoo import precision

_MODELS = {}

# Constructor arguments that are not hparams: networks passed in by users
# who bring their own (`GAN.network_arguments`), and `keras.Model` plumbing.
_PLUMBING = frozenset({"self", "name", "dtype", "trainable", "kwargs"})

# Other names users know an hparam by (from papers, TF-GAN, older configs
# and command lines), and the one name the models use. `canonical_hparams`
# is the only place that maps them.
HPARAM_ALIASES = {
    "n_critic": "d_steps",  # WGAN papers' name for discriminator steps.
    "base_filters": "width",  # DCGAN's network width.
    "image_shape": "sample_shape",  # The shape of one sample, images or not.
}


# The rule each hparam's value follows (`tfgan_zoo.checks`); an hparam
# not listed follows the type of its default. None passes where the
# default is None. `check_hparams` applies them when a model is built.
HPARAM_RULES = {
    "sample_shape": checks.shape,
    "latent_dim": checks.positive_int,
    "width": checks.positive_int,
    "kernel_size": checks.positive_int,
    "feature_dim": checks.positive_int,
    "d_steps": checks.positive_int,
    "num_classes": checks.class_count,
    "seed": checks.seed,
    "label_smoothing": checks.fraction,
    "gp_weight": checks.non_negative,
    "clip_value": checks.positive,
    "synchronized_bn": checks.boolean,
    "loss": lambda value, name: None if value is None else checks.string(value, name),
    "precision": precision.check,
}


def check_hparams(hparams, defaults):
    """`hparams` checked by their rules (`HPARAM_RULES`), values normalized.

    Example:

    >>> check_hparams({"latent_dim": 8, "seed": None}, {"latent_dim": 100, "seed": None})
    {'latent_dim': 8, 'seed': None}
    >>> check_hparams({"latent_dim": "abc"}, {"latent_dim": 100})
    Traceback (most recent call last):
    ...
    ValueError: `latent_dim` must be a positive int. Received: latent_dim='abc'
    """
    checked = {}
    for name, value in hparams.items():
        default = defaults.get(name, inspect.Parameter.empty)
        if value is None and default is None or name in _PLUMBING or isinstance(value, keras.Model):
            checked[name] = value
        elif name in HPARAM_RULES:
            checked[name] = HPARAM_RULES[name](value, name)
        else:
            checked[name] = checks.like_default(value, name, default)
    return checked


def canonical_hparams(hparams, valid=None):
    """`hparams` with aliases (`HPARAM_ALIASES`) renamed to the one name.

    Args:
        hparams: a dict of hparams.
        valid: the names the model takes; an alias is renamed only when its
            target is one of them (None: always).

    Example:

    >>> canonical_hparams({"n_critic": 5, "seed": 0})
    {'seed': 0, 'd_steps': 5}
    """
    out = dict(hparams)
    for alias, name in HPARAM_ALIASES.items():
        if alias not in out or (valid is not None and name not in valid):
            continue
        if name in out:
            raise ValueError(
                f"`{alias}` is another name for `{name}`; pass one of them. "
                f"Received: {alias}={out[alias]!r}, {name}={out[name]!r}"
            )
        out[name] = out.pop(alias)
    return out


def register_model(name):
    """Class decorator: registers a GAN variant under `name`.

    It also registers the class as Keras-serializable (package `tfgan_zoo`),
    so `.keras` files of it load without `custom_objects`.
    """

    def decorator(cls):
        if name in _MODELS:
            raise ValueError(f"A model named {name!r} is already registered.")
        cls = keras.saving.register_keras_serializable(package="tfgan_zoo")(cls)
        cls.model_name = name
        _MODELS[name] = cls
        return cls

    return decorator


def available_models():
    """The registered model names, sorted.

    Example:

    >>> import tfgan_zoo
    >>> {"cgan", "dcgan", "vanilla_gan"} <= set(tfgan_zoo.available_models())
    True
    """
    return sorted(_MODELS)


def lookup(table, name, what, argument):
    """`table[name]`; an unknown name is a ValueError listing the valid ones.

    The one rule for every name-to-thing table of the package (models,
    losses, priors, networks, f-divergences).

    Example:

    >>> lookup({"a": 1}, "b", "prior", "prior")
    Traceback (most recent call last):
    ...
    ValueError: Unknown prior 'b'. Valid: ['a']. Received: prior='b'
    """
    if name not in table:
        raise ValueError(f"Unknown {what} {name!r}. Valid: {sorted(table)}. Received: {argument}={name!r}")
    return table[name]


def get_model_class(name):
    """The class registered as `name`; unknown names list the valid ones."""
    return lookup(_MODELS, name, "model", "name")


def model_hparams(name):
    """`{hparam: default}` for the model `name`, from its constructor.

    Example:

    >>> model_hparams("dcgan")["sample_shape"]
    (28, 28, 1)
    """
    cls = get_model_class(name)
    params = inspect.signature(cls.__init__).parameters
    skip = _PLUMBING | set(getattr(cls, "network_arguments", ()))
    return {
        p.name: p.default
        for p in params.values()
        if p.name not in skip and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def create(name, compile=True, **hparams):
    """Builds the registered model `name`, compiled with its paper's optimizers.

    Args:
        name: a name from `available_models()`.
        compile: compile with the model's default optimizers.
        **hparams: the model's hparams (see `model_hparams(name)`).

    Returns:
        The model. Call it inside `strategy.scope()` to distribute it.

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("dcgan", image_shape=(28, 28, 1), seed=0)
    >>> gan.generate(2, seed=0).shape
    (2, 28, 28, 1)
    """
    cls = get_model_class(name)
    valid = model_hparams(name)
    hparams = canonical_hparams(hparams, valid)
    unknown = sorted(set(hparams) - set(valid))
    if unknown:
        raise ValueError(
            f"Unknown hparam(s) {unknown} for model {name!r}. "
            f"Valid hparams: {sorted(valid)}. Received: {hparams}"
        )
    model = cls(**hparams)
    if compile:
        model.compile()
    return model
