"""A model's numeric precision: the dtype policy of its own networks.

`precision` is an hparam of every model: `"float32"`, `"bfloat16"` or
`"float16"` builds the model (its networks and the `keras.Model` itself)
under Keras' `float32`, `mixed_bfloat16` or `mixed_float16` dtype policy
and restores the global policy afterwards, so that models of one process
may differ; `None` (the default) keeps the global policy, as
`keras.config.set_dtype_policy` set it. `get_config` and the `.keras` file
keep the choice (each layer's config records its policy too).

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
