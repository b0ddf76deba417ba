"""Where a step's time goes: a TF profiler trace summed per op and per kind.

`trace_ops(fn, steps)` runs `fn()` under `tf.profiler` and reads the trace
(the XPlane protobuf the profiler writes) into `[(op name, op type,
seconds per call)]`: the TensorFlow ops the executor ran, from its
`tf_Compute` threads (an op's time includes the intra-op threads it waits
for; ops run side by side count each). `summarise_ops` classifies them
with `classify_op` into `CATEGORIES`, using the networks' layers
(`layer_kinds`) and the optimizers' name scopes, and gives per kind the
milliseconds per step, the share of op time and, with a step's FLOPs per
layer (`gan_step_flops(...)["layers"]`), the GFLOP/s it ran at.

Example:

>>> kinds = {"generator/deconv_1": "transposed convolution",
...          "discriminator/conv_1_batchnorm": "normalization"}
>>> classify_op("generator_1/deconv_1_1/conv_transpose", "Conv2DBackpropInput", kinds)
'transposed convolution'
>>> classify_op("gradient_tape/discriminator_3/conv_1_batchnorm_1/moments/Tile", "Tile", kinds)
'normalization'
>>> classify_op("adam_3/Sub_27", "Sub", kinds, optimizers=("adam",))
'optimizer'
>>> classify_op("discriminator_1/conv_0_lrelu_1/LeakyRelu", "LeakyRelu", kinds)
'elementwise'
"""

import glob
import os
import re
import tempfile

CATEGORIES = ("convolution", "transposed convolution", "dense", "normalization", "elementwise", "optimizer", "other")

# Op types of the convolution and matrix-multiply kernels (forward and gradients).
CONV_OPS = frozenset({"Conv2D", "_FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter",
                      "DepthwiseConv2dNative", "Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2"})
MATMUL_OPS = frozenset({"MatMul", "_FusedMatMul", "BatchMatMulV2"})
ELEMENTWISE_OPS = frozenset({
    "Abs", "Add", "AddN", "AddV2", "BiasAdd", "BiasAddGrad", "Cast", "Elu", "EluGrad", "Exp", "LeakyRelu",
    "LeakyReluGrad", "Log", "Maximum", "Minimum", "Mul", "Neg", "Pow", "RealDiv", "Reciprocal", "Relu",
    "ReluGrad", "Rsqrt", "RsqrtGrad", "Select", "SelectV2", "Sigmoid", "SigmoidGrad", "Sign", "Softplus",
    "SoftplusGrad", "Sqrt", "SqrtGrad", "Square", "SquaredDifference", "Sub", "Tanh", "TanhGrad", "_FusedMulAdd",
})


def layer_kinds(*networks):
    """`{"network/layer": kind}` for the convolution, dense and normalization
    layers of functional `keras.Model`s (other layers' ops go by op type)."""
    import keras

    kinds = ((keras.layers.Conv2DTranspose, "transposed convolution"), (keras.layers.Conv2D, "convolution"),
             (keras.layers.Conv3DTranspose, "transposed convolution"), (keras.layers.Conv3D, "convolution"),
             (keras.layers.Dense, "dense"), (keras.layers.BatchNormalization, "normalization"),
             (keras.layers.LayerNormalization, "normalization"))
    out = {}
    for net in networks:
        for layer in net.layers:
            kind = next((k for cls, k in kinds if isinstance(layer, cls)), None)
            if kind:
                out[f"{net.name}/{layer.name}"] = kind
    return out


def _names(segment):
    """A name-scope segment and, if it has one, the segment without Keras'
    uniquifying `_<n>` suffix."""
    return {segment, re.sub(r"_\d+$", "", segment)}


def classify_op(name, op_type, kinds, optimizers=()):
    """The `CATEGORIES` entry of the op `name` of type `op_type`.

    Convolution and matmul kernels take their layer's kind (a transposed
    convolution's forward pass is a `Conv2DBackpropInput`); other ops in a
    normalization layer are `"normalization"`; ops under an optimizer's
    scope (`optimizers`: their names, e.g. `"adam"`) `"optimizer"`; the rest
    `"elementwise"` or `"other"` by op type (data movement, reductions,
    random draws, variable reads, control).
    """
    # oneDNN's kernels are the same ops: `_MklNativeConv2D` is a `Conv2D`, `_MklNativeFusedConv2D` a `_FusedConv2D`.
    op_type = re.sub(r"WithBias$", "", re.sub(r"^_Mkl(Native)?", "", op_type))
    op_type = "_" + op_type if op_type.startswith("FusedConv") else op_type
    segments = name.split("/")
    layer = None
    for net, sub in zip(segments, segments[1:]):
        layer = next((kinds[f"{a}/{b}"] for a in _names(net) for b in _names(sub) if f"{a}/{b}" in kinds), None)
        if layer:
            break
    if op_type in CONV_OPS or op_type in MATMUL_OPS:
        if layer in ("convolution", "transposed convolution", "dense"):
            return layer
        return "dense" if op_type in MATMUL_OPS else "convolution"
    if layer == "normalization" or op_type.startswith("FusedBatchNorm"):
        return "normalization"
    if any(_names(s) & set(optimizers) for s in segments[:2]) or op_type.startswith(("ResourceApply", "Apply")):
        return "optimizer"
    return "elementwise" if op_type in ELEMENTWISE_OPS else "other"


def read_xplane(path):
    """`[(op name, op type, seconds)]` of the TF ops on the executor threads of
    an `.xplane.pb` trace, one entry per op execution."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    space = xplane_pb2.XSpace()
    with open(path, "rb") as f:
        space.ParseFromString(f.read())
    out = []
    for plane in space.planes:
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                meta = plane.event_metadata[event.metadata_id]
                # TF ops are "name:Type"; executor regions are "Class::Method".
                if ":" in meta.name and "::" not in meta.name:
                    op_name, _, op_type = meta.name.rpartition(":")
                    out.append((op_name, meta.display_name or op_type, event.duration_ps * 1e-12))
    return out


def trace_ops(fn, steps=2, logdir=None):
    """`[(op name, op type, seconds per call)]` of `steps` calls of `fn()`
    (traced and warmed up beforehand by the caller) under the TF profiler."""
    import tensorflow as tf

    logdir = logdir or tempfile.mkdtemp(prefix="tfgan_zoo_profile_")
    tf.profiler.experimental.start(logdir)
    try:
        for _ in range(steps):
            fn()
    finally:
        tf.profiler.experimental.stop()
    paths = sorted(glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True), key=os.path.getmtime)
    if not paths:
        raise RuntimeError(f"The TF profiler wrote no .xplane.pb trace. Received: logdir={logdir!r}")
    totals = {}
    for name, op_type, seconds in read_xplane(paths[-1]):
        totals[(name, op_type)] = totals.get((name, op_type), 0.0) + seconds / steps
    return [(name, op_type, s) for (name, op_type), s in totals.items()]


def summarise_ops(ops, kinds, optimizers=(), layer_flops=None):
    """`{category: {"ms", "share", "ops", "gflops"}}` of `trace_ops` output.

    `ms` is op time per step, `share` its fraction of all op time, `ops` the
    three costliest op types of the category with their ms; with
    `layer_flops` (`{"network/layer": FLOPs per step}`), `gflops` is the
    FLOPs of that category's layers over its time (None where no FLOPs are
    counted).
    """
    out = {c: {"ms": 0.0, "types": {}} for c in CATEGORIES}
    for name, op_type, seconds in ops:
        entry = out[classify_op(name, op_type, kinds, optimizers)]
        entry["ms"] += 1000 * seconds
        entry["types"][op_type] = entry["types"].get(op_type, 0.0) + 1000 * seconds
    total = sum(e["ms"] for e in out.values()) or float("nan")
    flops = {c: 0 for c in CATEGORIES}
    for layer, f in (layer_flops or {}).items():
        flops[kinds.get(layer, "other")] += f
    for c, entry in out.items():
        entry["share"] = entry["ms"] / total
        entry["ops"] = sorted(entry.pop("types").items(), key=lambda kv: -kv[1])[:3]
        entry["gflops"] = flops[c] / entry["ms"] / 1e6 if flops[c] and entry["ms"] else None
    return out
