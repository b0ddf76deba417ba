"""Analytic FLOPs of Keras networks and GAN steps, and the machine's matmul rate."""

import math
import time

import numpy as np
# ----------------------------------------------------------------------------
# FLOPs.

FLOP_CONVENTION = (
    "2 FLOPs per multiply-accumulate of Dense/Conv2D/Conv2DTranspose kernels (zero padding "
    "counted); backward = weight gradient (1x forward, only for the network being updated) + "
    "input gradient (1x forward, not into a network's first layer when its input is data or "
    "noise); normalisation, activations, biases, losses, Adam and gradient penalties not counted"
)


def layer_macs(network):
    """`[(layer name, multiply-accumulates per example)]` of the Dense and
    convolution layers of a built functional `keras.Model`, in layer order."""
    import keras

    out = []
    for layer in network.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose):
            # Each input pixel scatters a kernel: the cost of the conv whose
            # input gradient this is.
            macs = math.prod(layer.input.shape[1:3]) * math.prod(layer.kernel.shape)
        elif isinstance(layer, keras.layers.Conv2D):
            macs = math.prod(layer.output.shape[1:3]) * math.prod(layer.kernel.shape)
        elif isinstance(layer, keras.layers.Dense):
            macs = math.prod(layer.input.shape[1:-1]) * math.prod(layer.kernel.shape)
        else:
            continue
        out.append((layer.name, int(macs)))
    return out


def pass_flops(macs, batch, weight_grad=False, input_grad=False, first_input_grad=False, per_layer=False):
    """FLOPs of one pass of a network (`layer_macs`) on `batch` examples.

    `weight_grad` and `input_grad` add the backward pass's weight and input
    gradients (each 1x the forward FLOPs of a layer); the first layer's
    input gradient only with `first_input_grad` (its input needs one). With
    `per_layer`, `{layer name: FLOPs}` instead of the total.
    """
    out = {}
    for i, (name, m) in enumerate(macs):
        factor = 1 + int(weight_grad) + int(input_grad and (i > 0 or first_input_grad))
        out[name] = 2 * m * factor * batch
    return out if per_layer else sum(out.values())


def gan_step_flops(generator, discriminator, batch_size, d_steps=1):
    """FLOPs of one GAN training step: `d_steps` D updates and one G update.

    A D update runs G forward on B (no gradient), D on B real and B fake with
    its backward pass; the G update runs G and D forward on B, D's input
    gradients and G's backward pass (`FLOP_CONVENTION`). `"layers"` has the
    step's FLOPs per `"network name/layer name"`.

    Example:

    >>> import keras
    >>> x = keras.Input((4,))
    >>> net = keras.Model(x, keras.layers.Dense(2)(x))
    >>> layer_macs(net)[0][1], gan_step_flops(net, net, batch_size=1)["total"]
    (8, 144)
    """
    g, d, b = layer_macs(generator), layer_macs(discriminator), batch_size
    # (network, its layer MACs, pass_flops arguments, passes per step)
    passes = [
        (generator, g, {"batch": b}, d_steps),
        (discriminator, d, {"batch": 2 * b, "weight_grad": True, "input_grad": True}, d_steps),
        (generator, g, {"batch": b, "weight_grad": True, "input_grad": True}, 1),
        (discriminator, d, {"batch": b, "input_grad": True, "first_input_grad": True}, 1),
    ]
    layers = {}
    for net, macs, kwargs, count in passes:
        for name, flops in pass_flops(macs, per_layer=True, **kwargs).items():
            key = f"{net.name}/{name}"
            layers[key] = layers.get(key, 0) + count * flops
    d_update = sum(pass_flops(macs, **kw) for _, macs, kw, _ in passes[:2])
    g_update = sum(pass_flops(macs, **kw) for _, macs, kw, _ in passes[2:])
    return {
        "total": d_steps * d_update + g_update,
        "d_update": d_update,
        "g_update": g_update,
        "d_steps": d_steps,
        "g_forward_per_example": pass_flops(g, 1),
        "d_forward_per_example": pass_flops(d, 1),
        "layers": layers,
        "convention": FLOP_CONVENTION,
    }


def matmul_runner(n=2048, chain=4, dtype="float32", seed=0):
    """`(run, flops)`: `run()` times one call of `chain` chained `[n, n]`
    matmuls in `dtype` and returns its seconds; `flops` is that call's."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    a = tf.cast(tf.constant((rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)), dtype)

    @tf.function
    def fn(x):
        for _ in range(chain):
            x = tf.matmul(x, a)
        return x[0, 0]

    fn(a).numpy()

    def run():
        start = time.perf_counter()
        fn(a).numpy()
        return time.perf_counter() - start

    return run, 2 * n**3 * chain


def matmul_gflops(n=2048, seconds=2.0, chain=4, seed=0, dtype="float32"):
    """`(GFLOP/s, CPU cores used)` of chained `[n, n]` matmuls in `dtype`
    over about `seconds`: the machine's practical GEMM rate, to put a
    model's GFLOP/s in context."""
    run, flops = matmul_runner(n, chain, dtype, seed)
    calls, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        run()
        calls += 1
    elapsed = time.perf_counter() - start
    return flops * calls / elapsed / 1e9, (time.process_time() - cpu) / elapsed
