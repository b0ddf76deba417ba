"""Every constructor argument of a GAN variant, recorded once.

`record_hparams(cls)` wraps `cls.__init__` (the base's `__init_subclass__`
does it for every variant), so that the outermost constructor call of a
model stores its arguments, defaults filled in and aliases renamed
(`registry.canonical_hparams`), before any code runs. `get_config` then
returns them, with the networks serialized, and a variant needs neither a
`get_config` of its own nor to copy its arguments into attributes.

The explicit constructor signatures stay the hparam table: the launchers'
flags and `tfgan_zoo.model_hparams` read them.
"""

import copy
import functools
import inspect

import keras

from tfgan_zoo import registry

_RECORDED = "_recorded_hparams"
_KERAS_ARGUMENTS = ("name", "dtype", "trainable")


def record_hparams(cls):
    """Makes `cls.__init__` record its arguments (idempotent per class)."""
    init = cls.__dict__.get("__init__")
    if init is None or getattr(init, "_records_hparams", False):
        return cls
    signature = inspect.signature(init)
    names = set(signature.parameters)

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        kwargs = registry.canonical_hparams(kwargs, names)
        if _RECORDED not in vars(self):  # The outermost (most derived) call.
            try:
                bound = signature.bind(self, *args, **kwargs)
            except TypeError as e:
                raise TypeError(f"{type(self).__name__}: {e}. Received: {sorted(kwargs)}") from None
            bound.apply_defaults()
            recorded = {}
            for name, value in bound.arguments.items():
                kind = signature.parameters[name].kind
                if kind == kind.VAR_KEYWORD:
                    # Passed on to a parent class: hparams of that class
                    # (but Keras' own plumbing, which base_config has).
                    extra = {k: v for k, v in value.items() if k not in _KERAS_ARGUMENTS}
                    recorded.update({k: _tuples(v) for k, v in extra.items()})
                elif name != "self" and kind != kind.VAR_POSITIONAL:
                    recorded[name] = _tuples(value)
            # object.__setattr__: Keras would wrap a dict attribute in its
            # tracking structures (and before keras.Model.__init__ it cannot).
            object.__setattr__(self, _RECORDED, recorded)
        init(self, *args, **kwargs)

    __init__._records_hparams = True
    # The wrapped signature, for inspect.getfullargspec too (Keras reads it
    # in `Operation.__new__`; functools.wraps alone satisfies only
    # inspect.signature).
    __init__.__signature__ = signature
    cls.__init__ = __init__
    return cls


def _tuples(value):
    """Lists as tuples: a config that went through JSON compares equal."""
    if isinstance(value, (list, tuple)):
        return tuple(_tuples(v) for v in value)
    return value


def hparams(model):
    """The model's recorded hparams (constructor arguments but networks)."""
    recorded = vars(model).get(_RECORDED, {})
    return {k: v for k, v in recorded.items() if k not in model.network_arguments}


def get_config(model, base_config):
    """`base_config` plus every constructor argument; networks serialized.

    The networks are the model's own (`model.<name>`), so a model built
    with default networks reloads with the same architecture.
    """
    config = dict(base_config)
    recorded = vars(model).get(_RECORDED, {})
    for name in recorded:
        if name in model.network_arguments:
            network = getattr(model, name, None)
            config[name] = None if network is None else keras.layers.serialize(network)
        elif name not in _KERAS_ARGUMENTS:
            config[name] = recorded[name]
    return config


def from_config(cls, config):
    """Rebuilds `cls` from `get_config` output (the input is not consumed)."""
    config = dict(config)
    for key in cls.network_arguments:
        if isinstance(config.get(key), dict):
            # A copy: Keras' deserialize consumes the dict it is given.
            config[key] = keras.layers.deserialize(copy.deepcopy(config[key]))
    return cls(**config)
