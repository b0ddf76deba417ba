"""A model's numeric precision: the dtype policy of its own networks.

`precision` is an hparam of every model: `"float32"`, `"bfloat16"` or
`"float16"` builds the model (its networks and the `keras.Model` itself)
under Keras' `float32`, `mixed_bfloat16` or `mixed_float16` dtype policy
and restores the global policy afterwards, so that models of one process
may differ; `None` (the default) keeps the global policy, as
`keras.config.set_dtype_policy` set it. `get_config` and the `.keras` file
keep the choice (each layer's config records its policy too).

`auto(model_name, bf16_units)` is the launchers' choice when `--precision`
is not given: bfloat16 only for the models that were measured faster in it
with FID parity (`AUTO_BFLOAT16`), and only on a CPU with bfloat16 units.

Under a mixed policy the variables stay float32 and the layers compute in
the low precision. What stays float32: the data checks' inputs
(`models.batches`), the per-example losses and what follows from them
(`GAN._apply` casts them before averaging, so penalties, trackers and
logs are float32), and the SavedModel's inputs and outputs
(`export._images_out` casts the samples). `float16` gets dynamic loss
scaling on both optimizers (`models.optimizers.resolve`); `bfloat16` has
float32's range and needs none.

Example:

>>> import keras
>>> with policy_scope("bfloat16"):
...     keras.layers.Dense(2).dtype_policy.name
'mixed_bfloat16'
>>> keras.layers.Dense(2).dtype_policy.name
'float32'
"""

import contextlib

import keras

# The hparam's values and the Keras dtype policies they build under.
POLICIES = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


def check(value, name="precision"):
    """`value` if it is one of `POLICIES` (or None), else a ValueError naming it."""
    if value is not None and (not isinstance(value, str) or value not in POLICIES):
        raise ValueError(f"`{name}` must be one of {sorted(POLICIES)} or None. Received: {name}={value!r}")
    return value


@contextlib.contextmanager
def policy_scope(precision):
    """Keras' global dtype policy set to `precision`'s for the block (None: unchanged)."""
    if check(precision) is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(POLICIES[precision])
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


# The models measured faster in bfloat16 than in float32, with their FID
# within 10% of float32's, on a CPU with bfloat16 units (README, Results,
# "Roofline, bfloat16 and where the time goes": `benchmarks/throughput.py
# --roofline`, `benchmarks/quality.py --precisions float32,bfloat16`). The
# train launcher trains them in bfloat16 there.
AUTO_BFLOAT16 = ("dcgan", "cgan", "wgan_gp")


def auto(model_name, bf16_units, gpus=0):
    """`(precision, why)`: what a launcher trains `model_name` in when no
    precision is given, on a machine whose CPU has the bfloat16 arithmetic
    units `bf16_units` (e.g. `["avx512_bf16"]`; empty: emulated) and `gpus` GPUs.

    Example:

    >>> auto("dcgan", ["avx512_bf16"])[0], auto("dcgan", [])[0], auto("lapgan", ["amx_bf16"])[0]
    ('bfloat16', 'float32', 'float32')
    """
    if gpus:
        return "float32", f"{gpus} GPU(s): reduced precision is not measured on GPUs here"
    if not bf16_units:
        return "float32", "this CPU has no bfloat16 units (bfloat16 would be emulated, and slower)"
    if model_name not in AUTO_BFLOAT16:
        return "float32", f"bfloat16 is measured faster at equal quality only for {', '.join(AUTO_BFLOAT16)}"
    return "bfloat16", (f"this CPU has {', '.join(bf16_units)}; {model_name} was measured faster in bfloat16 "
                        "with its FID within 10% of float32's")
