"""The two optimizers of a GAN: defaults, checks, loss scaling, (de)serialization."""

import keras


def default_pair():
    """Adam(2e-4, beta_1=0.5) for both networks (Radford et al.)."""
    return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)


def resolve(defaults, g_optimizer, d_optimizer, dtype_policy):
    """`(g_opt, d_opt)`: the given optimizers (instance, name or config), else
    `defaults`; two distinct objects; wrapped for loss scaling under
    `mixed_float16`. A default `d_opt` of None is a model without a
    discriminator (`gmmn`): its `d_opt` is None, and one given is refused."""
    default_g, default_d = defaults
    if default_d is None and d_optimizer is not None:
        raise ValueError(
            f"This model has no discriminator, so no d_optimizer. Received: d_optimizer={d_optimizer!r}"
        )
    g_opt = default_g if g_optimizer is None else keras.optimizers.get(g_optimizer)
    d_opt = default_d if d_optimizer is None else keras.optimizers.get(d_optimizer)
    if g_opt is d_opt:
        raise ValueError(
            "`g_optimizer` and `d_optimizer` must be two optimizer objects; one optimizer "
            f"cannot train both networks. Received: the same object {g_opt!r} twice"
        )
    if dtype_policy.name == "mixed_float16":
        # float16 gradients underflow without loss scaling; Keras wraps
        # `optimizer` itself, but not our two.
        g_opt, d_opt = (
            opt if opt is None or isinstance(opt, keras.optimizers.LossScaleOptimizer)
            else keras.optimizers.LossScaleOptimizer(opt)
            for opt in (g_opt, d_opt)
        )
    return g_opt, d_opt


def compile_kwargs(kwargs):
    """The `keras.Model.compile` arguments of a GAN's `compile`, checked.

    Refuses the ones a GAN has no use for (`optimizer`, `loss`, `metrics`).
    `jit_compile` defaults to False (Keras' "auto" would turn XLA on): XLA
    does not compile the in-graph checks (NaN/Inf data, labels out of
    range), so bad data would train silently. Measured on a 2-core CPU
    (`benchmarks/throughput.py`), XLA made the DCGAN 28x28 step 0-35%
    faster, depending on batch size, and its first trace 2-3x slower; turn
    it on with `compile(jit_compile=True)` once the data is known good.
    """
    for bad in ("optimizer", "loss", "metrics"):
        if bad in kwargs:
            raise ValueError(
                "GAN models take `g_optimizer` and `d_optimizer`; the loss is the `loss` "
                f"hparam. Received: {bad}={kwargs[bad]!r}"
            )
    return {"jit_compile": False, **kwargs}


def serialize(g_opt, d_opt, compile_kwargs):
    return {
        "g_optimizer": keras.optimizers.serialize(g_opt),
        "d_optimizer": None if d_opt is None else keras.optimizers.serialize(d_opt),
        **compile_kwargs,
    }


def deserialize(config):
    """`(g_opt, d_opt, compile_kwargs)` from `serialize` output."""
    config = dict(config)
    g_opt = keras.optimizers.deserialize(config.pop("g_optimizer"))
    d_config = config.pop("d_optimizer")
    d_opt = None if d_config is None else keras.optimizers.deserialize(d_config)
    return g_opt, d_opt, config
