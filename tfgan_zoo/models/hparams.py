"""Every constructor argument of a GAN variant, recorded once.

A variant's `__init__` lists only its own hparams (and the defaults it
changes), and passes the rest on with `**kwargs`. `hparam_signature(cls)`
merges the chain into the model's hparam table: the class's own
parameters, then, where its `__init__` takes `**kwargs`, its parent's
table, less the hparams that a class on the way lists in `fixed_hparams`:
inherited ones it sets itself, or its own ones that are for its subclasses
to set. (A subclass may still pass a fixed hparam up; a user may not.)
That merged signature is what `inspect.signature(cls)`, the launchers'
flags and `tfgan_zoo.model_hparams` read.

`record_hparams(cls)` wraps `cls.__init__` (the base's `__init_subclass__`
does it for every variant), so that the outermost constructor call of a
model stores its arguments, defaults filled in and aliases renamed
(`registry.canonical_hparams`), before any code runs. `get_config` then
returns them, with the networks serialized, and a variant needs neither a
`get_config` of its own nor to copy its arguments into attributes. The
outermost call also runs under the model's `precision` (`tfgan_zoo.precision`).
"""

import copy
import functools
import inspect

import keras

from tfgan_zoo import precision
from tfgan_zoo import registry

_RECORDED = "_recorded_hparams"
_KERAS_ARGUMENTS = ("name", "dtype", "trainable")
_SIGNATURE = "_hparam_signature"


def _own_init(cls):
    init = cls.__dict__.get("__init__")
    return getattr(init, "__wrapped__", init)


def _parent(cls):
    """The nearest base class of `cls` that is a GAN with an `__init__` of its own."""
    return next(
        (b for b in cls.__mro__[1:] if "__init__" in b.__dict__ and hasattr(b, "fixed_hparams")), None
    )


def hparam_signature(cls):
    """The merged constructor signature of `cls` (with `self`), its hparam table.

    Inherited parameters become keyword-only (positional arguments are the
    class's own), and those that a class on the way fixes
    (`fixed_hparams`, inherited by subclasses) are left out.
    """
    if _SIGNATURE in cls.__dict__:
        return cls.__dict__[_SIGNATURE]
    if "__init__" not in cls.__dict__:
        return hparam_signature(_parent(cls))
    own = list(inspect.signature(_own_init(cls)).parameters.values())
    params = [p for p in own if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    var_keyword = [p for p in own if p.kind == p.VAR_KEYWORD]
    parent = _parent(cls)
    if var_keyword and parent is not None:
        inherited = [p for p in hparam_signature(parent).parameters.values() if p.name != "self"]
        unknown = set(cls.__dict__.get("fixed_hparams", ())) - {p.name for p in inherited + params}
        if unknown:
            raise TypeError(
                f"{cls.__name__}.fixed_hparams names hparams it does not take. Received: {sorted(unknown)}"
            )
        hidden = {p.name for p in params}.union(*(vars(c).get("fixed_hparams", ()) for c in cls.__mro__))
        for p in inherited:
            if p.kind == p.VAR_KEYWORD:
                var_keyword = [p]
            elif p.name not in hidden:
                params.append(p.replace(kind=p.KEYWORD_ONLY))
    positional = [p for p in params if p.kind != p.KEYWORD_ONLY]
    keyword = [p for p in params if p.kind == p.KEYWORD_ONLY]
    return inspect.Signature(positional + keyword + var_keyword)


def record_hparams(cls):
    """Makes `cls.__init__` record its arguments (idempotent per class)."""
    init = cls.__dict__.get("__init__")
    if init is None or getattr(init, "_records_hparams", False):
        return cls
    signature = hparam_signature(cls)
    names = set(signature.parameters)

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        kwargs = registry.canonical_hparams(kwargs, names)
        if _RECORDED in vars(self):
            # Called by a subclass, which may pass what it fixes.
            init(self, *args, **kwargs)
            return
        # The outermost (most derived) call: the user's arguments.
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as e:
            raise TypeError(
                f"{type(self).__name__}: {e}. Valid hparams: {sorted(names - {'self', 'kwargs'})}. "
                f"Received: {sorted(kwargs)}"
            ) from None
        given = _by_name(bound, signature)
        bound.apply_defaults()
        defaults = {name: p.default for name, p in signature.parameters.items()}
        # Each value checked by its rule, once, whichever class takes it.
        values = registry.check_hparams(_by_name(bound, signature), defaults)
        explicit = {name: values[name] for name in given}  # By keyword: inherited hparams are keyword-only.
        # Keras' own plumbing (`name`, `dtype`) is in base_config.
        recorded = {k: _tuples(v) for k, v in values.items() if k not in _KERAS_ARGUMENTS}
        # object.__setattr__: Keras would wrap a dict attribute in its
        # tracking structures (and before keras.Model.__init__ it cannot).
        object.__setattr__(self, _RECORDED, recorded)
        # The networks are built inside, so under the model's precision.
        with precision.policy_scope(values.get("precision")):
            init(self, **explicit)

    __init__._records_hparams = True
    # The merged signature, for inspect.getfullargspec too (Keras reads it
    # in `Operation.__new__`; functools.wraps alone satisfies only
    # inspect.signature).
    __init__.__signature__ = signature
    cls.__init__ = __init__
    setattr(cls, _SIGNATURE, signature)
    return cls


def _by_name(bound, signature):
    """The bound arguments as one `{name: value}` dict (`**kwargs` merged in)."""
    values = {}
    for name, value in bound.arguments.items():
        if signature.parameters[name].kind == inspect.Parameter.VAR_KEYWORD:
            values.update(value)
        elif name != "self":
            values[name] = value
    return values


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
