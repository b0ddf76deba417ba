"""The model registry: names -> model classes, and `create`.

The launchers and the parametrised tests read it, so a variant registered
with `@register_model` is picked up everywhere.
"""

import inspect

import keras

_MODELS = {}

# Constructor arguments that are not hparams: networks passed in by users
# who bring their own, and `keras.Model` plumbing.
_NOT_HPARAMS = frozenset(
    {"self", "generator", "discriminator", "encoder", "name", "dtype", "trainable", "kwargs"}
)


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


def get_model_class(name):
    """The class registered as `name`; unknown names list the valid ones."""
    if name not in _MODELS:
        raise ValueError(
            f"Unknown model {name!r}. Available models: {available_models()}. "
            f"Received: name={name!r}"
        )
    return _MODELS[name]


def model_hparams(name):
    """`{hparam: default}` for the model `name`, from its constructor.

    Example:

    >>> model_hparams("dcgan")["image_shape"]
    (28, 28, 1)
    """
    cls = get_model_class(name)
    params = inspect.signature(cls.__init__).parameters
    return {
        p.name: p.default
        for p in params.values()
        if p.name not in _NOT_HPARAMS
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
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
