"""Helpers for the benchmarks: the machine, interleaved timing, FLOP counts.

- `cpu_features()` / `machine_info()`: the CPU (model, the SIMD and
  matrix-unit flags of `/proc/cpuinfo` that decide TensorFlow's kernels,
  e.g. `avx512_bf16`, `amx_tile`), core counts, versions, load average.
- `interleave(configs, rounds)`: times named configurations in rounds,
  each configuration once per round in a rotating order, so that a change
  of machine load hits all of them alike; `paired_ratios` and `median`
  turn the per-round values into ratios measured within one round.
- `EpochTimer` / `StepTimer`: Keras callbacks timing `fit` epochs and steps;
  `fit_runner` / `loop_runner` time `fit` and a bare `tf.function` loop
  (`loop_step`) alike; `fit_loop_costs` is what Keras' `fit` loop itself
  adds per step; `op_cost` times a few ops precisely.
- `layer_macs` / `pass_flops` / `gan_step_flops`: analytic FLOPs of Keras
  Dense and convolution networks and of a GAN training step.
- `format_table` and `write_json`: the benchmarks' output.

Example:

>>> sorted(interleave({"a": lambda: 1.0, "b": lambda: 2.0}, rounds=3))
['a', 'b']
>>> paired_ratios([2.0, 4.0], [1.0, 2.0])
[2.0, 2.0]
>>> print(format_table(["name", "x"], [["a", "1.5"]]))
name    x
---------
a     1.5
"""

import datetime
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np

# The /proc/cpuinfo flags that decide which kernels TensorFlow (oneDNN) can
# use on x86 and Arm: SIMD width, bfloat16/int8 dot products, matrix units.
INTERESTING_CPU_FLAGS = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
    "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16",
    "asimd", "sve", "sve2", "bf16", "i8mm",
)


def cpu_features(cpuinfo="/proc/cpuinfo"):
    """`{"model", "flags": {flag: bool}, "present": [...]}` from `/proc/cpuinfo`.

    `flags` says, for each of `INTERESTING_CPU_FLAGS`, whether the first CPU
    has it; `present` lists those it has. Without `/proc/cpuinfo` (not Linux),
    the flags are empty and the model is `platform.processor()`.
    """
    model, flags = "", set()
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("model name", "Model name") and not model:
                    model = value.strip()
                elif key in ("flags", "Features") and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    model = model or platform.processor()
    table = {name: name in flags for name in INTERESTING_CPU_FLAGS}
    return {"model": model, "flags": table, "present": [n for n, on in table.items() if on]}


def load_average():
    """The 1, 5 and 15 minute load averages, or None where unknown."""
    try:
        return list(os.getloadavg())
    except (OSError, AttributeError):
        return None


def usable_cpus():
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def machine_info():
    """Versions, CPU model and features, core counts and the load average."""
    import keras
    import tensorflow as tf

    from tfgan_zoo.version import __version__

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tfgan_zoo": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_features(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable_cpus(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "load_average": load_average(),
    }


def describe_machine(info):
    """One line about the machine, for a benchmark's header."""
    cpu = info["cpu"]
    return (
        f"{cpu['model'] or 'unknown CPU'}, {info['cpus_usable']} usable CPUs; "
        f"features: {' '.join(cpu['present']) or 'unknown'}; TensorFlow {info['tensorflow']}, "
        f"Keras {info['keras']}; load average {info['load_average']}"
    )


# ----------------------------------------------------------------------------
# Timing.


def interleave(configs, rounds, on_round=None, cpu=False):
    """Calls each configuration once per round, rotating the order.

    Args:
        configs: `{name: fn}`; `fn()` runs one measurement and returns its
            value (e.g. seconds per step).
        rounds: how many rounds.
        on_round: optional `fn(round_index, {name: value})` after each round.
        cpu: also return the CPU cores each call got (process CPU seconds
            per wall second: about the core count on an idle machine, less
            when other processes compete).

    Returns:
        `{name: [value per round]}` (and `{name: [cores per round]}` with
        `cpu`): index `r` of every list was measured in round `r`.
    """
    names = list(configs)
    values = {name: [] for name in names}
    cores = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            wall, start = time.perf_counter(), time.process_time()
            values[name].append(configs[name]())
            cores[name].append((time.process_time() - start) / (time.perf_counter() - wall))
        if on_round:
            on_round(r, {name: values[name][-1] for name in names})
    return (values, cores) if cpu else values


def paired_ratios(numerator, denominator):
    """Per-round ratios `numerator[r] / denominator[r]`."""
    return [a / b for a, b in zip(numerator, denominator)]


def median(values):
    return statistics.median(values) if values else float("nan")


def time_steps(step, steps):
    """Seconds per call of `step()` over `steps` calls (`step` returns a tensor)."""
    start = time.perf_counter()
    out = None
    for _ in range(steps):
        out = step()
    if out is not None:  # Calls are synchronous on CPU; a fetch makes sure.
        np.asarray(out)
    return (time.perf_counter() - start) / steps


def op_cost(fn, repeats=50, calls=20, baseline=True):
    """Microseconds per call of `fn()` inside a `tf.function`, measured precisely.

    `fn` (building TensorFlow ops, returning a tensor or a structure of
    them) runs `repeats` times in one graph, its outputs summed so that
    nothing is pruned; the graph runs `calls` times (after a trace and a
    warm-up call) and the best of three such timings is taken. With
    `baseline`, the cost of the same graph over `tf.zeros(())` is
    subtracted: what is left is `fn`'s own ops. Independent repeats may run
    in parallel, as they could in a real step.
    """
    import tensorflow as tf

    def graph(body):
        body = tf.autograph.experimental.do_not_convert(body)

        @tf.function
        def run():
            total = tf.zeros(())
            for _ in range(repeats):
                for t in tf.nest.flatten(body()):
                    total += tf.reduce_sum(tf.cast(t, tf.float32))
            return total

        return run

    def best_us(run):
        run().numpy()
        return min(time_steps(run, calls) for _ in range(3)) * 1e6 / repeats

    cost = best_us(graph(fn))
    return cost - best_us(graph(lambda: tf.zeros(()))) if baseline else cost


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback


class EpochTimer(_keras_callback_base()):
    """Records the wall seconds of each `fit` epoch (`seconds`).

    Put it before callbacks whose time must not count (evaluation): Keras
    calls callbacks in order.
    """

    def __init__(self):
        super().__init__()
        self.seconds = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class StepTimer(_keras_callback_base()):
    """Seconds per step of a one-epoch `fit`, after its first step (which
    makes the iterator). It has no `on_train_batch_end`: one would turn off
    Keras' asynchronous batch callbacks and so change what is timed."""

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 1:
            self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = (time.perf_counter() - self._start) / (self.params["steps"] - 1)


def fit_runner(model, dataset, steps, verbose=0):
    """`run() -> seconds per step` of `model.fit` on `steps` steps (after one).

    `verbose=1` shows Keras' progress bar, to a discarded buffer."""
    import contextlib
    import io

    def run():
        timer = StepTimer()
        quiet = contextlib.redirect_stdout(io.StringIO()) if verbose else contextlib.nullcontext()
        with quiet:
            model.fit(dataset, epochs=1, steps_per_epoch=steps + 1, verbose=verbose, callbacks=[timer], shuffle=False)
        return timer.seconds

    return run


def loop_step(fn):
    """`fn(batch)` in a `tf.function` that pulls the batch from an iterator,
    without AutoGraph, as Keras' `fit` calls `train_step`."""
    import tensorflow as tf

    return tf.function(tf.autograph.experimental.do_not_convert(lambda iterator: fn(next(iterator))))


def loop_runner(step, dataset, steps):
    """`run() -> seconds per step` of `step(iterator)` (a `loop_step`) called
    from Python on a fresh iterator, `steps` steps after one."""
    import tensorflow as tf

    def run():
        iterator = iter(dataset)
        first = lambda: tf.nest.flatten(step(iterator))[0]  # noqa: E731
        np.asarray(first())
        return time_steps(first, steps)

    return run


def fit_loop_costs(steps=300, rounds=3):
    """`{"fit loop", "progbar"}`: milliseconds per step that Keras' `fit` loop
    (with its callbacks) adds to a `loop_step` loop of the same trivial step,
    and that its progress bar (`verbose=1`) adds to that."""
    import keras
    import tensorflow as tf

    class Trivial(keras.Model):
        def __init__(self):
            super().__init__()
            self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)
            self.built = True

        def train_step(self, data):
            self.total.assign_add(tf.reduce_sum(data))
            return {"loss": self.total.value}

    model = Trivial()
    model.compile()
    data = tf.data.Dataset.from_tensors(tf.zeros([4])).repeat()
    runs = {
        "fit": fit_runner(model, data, steps),
        "loop": loop_runner(loop_step(model.train_step), data, steps),
        "progbar": fit_runner(model, data, steps, verbose=1),
    }
    best = {k: 1000 * min(v) for k, v in interleave(runs, rounds).items()}
    return {"fit loop": best["fit"] - best["loop"], "progbar": best["progbar"] - best["fit"]}


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


def pass_flops(macs, batch, weight_grad=False, input_grad=False, first_input_grad=False):
    """FLOPs of one pass of a network (`layer_macs`) on `batch` examples.

    `weight_grad` and `input_grad` add the backward pass's weight and input
    gradients (each 1x the forward FLOPs of a layer); the first layer's
    input gradient only with `first_input_grad` (its input needs one).
    """
    total = 0
    for i, (_, m) in enumerate(macs):
        factor = 1 + int(weight_grad) + int(input_grad and (i > 0 or first_input_grad))
        total += 2 * m * factor * batch
    return total


def gan_step_flops(generator, discriminator, batch_size, d_steps=1):
    """FLOPs of one GAN training step: `d_steps` D updates and one G update.

    A D update runs G forward on B (no gradient), D on B real and B fake with
    its backward pass; the G update runs G and D forward on B, D's input
    gradients and G's backward pass (`FLOP_CONVENTION`).

    Example:

    >>> import keras
    >>> x = keras.Input((4,))
    >>> net = keras.Model(x, keras.layers.Dense(2)(x))
    >>> layer_macs(net)[0][1], gan_step_flops(net, net, batch_size=1)["total"]
    (8, 144)
    """
    g, d, b = layer_macs(generator), layer_macs(discriminator), batch_size
    d_update = pass_flops(g, b) + pass_flops(d, 2 * b, weight_grad=True, input_grad=True)
    g_update = pass_flops(g, b, weight_grad=True, input_grad=True) + pass_flops(
        d, b, input_grad=True, first_input_grad=True
    )
    return {
        "total": d_steps * d_update + g_update,
        "d_update": d_update,
        "g_update": g_update,
        "d_steps": d_steps,
        "g_forward_per_example": pass_flops(g, 1),
        "d_forward_per_example": pass_flops(d, 1),
        "convention": FLOP_CONVENTION,
    }


def matmul_gflops(n=2048, seconds=2.0, chain=4, seed=0):
    """`(GFLOP/s, CPU cores used)` of chained float32 `[n, n]` matmuls: the
    machine's practical GEMM rate, to put a model's GFLOP/s in context."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    a = tf.constant((rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32))

    @tf.function
    def fn(x):
        for _ in range(chain):
            x = tf.matmul(x, a)
        return x[0, 0]

    fn(a).numpy()
    calls, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        fn(a).numpy()
        calls += 1
    elapsed = time.perf_counter() - start
    return 2 * n**3 * chain * calls / elapsed / 1e9, (time.process_time() - cpu) / elapsed


# ----------------------------------------------------------------------------
# Output.


def format_table(header, rows, align=None):
    """Rows of strings as an aligned text table; the first column left-aligned."""
    align = align or ["<"] + [">"] * (len(header) - 1)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(f"{str(c):{a}{w}}" for c, a, w in zip(cells, align, widths))  # noqa: E731
    head = line(header)
    return "\n".join([head, "-" * len(head)] + [line(r) for r in rows])


def to_jsonable(value):
    """NumPy scalars and tuples as JSON types; NaN and Inf as None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    return value


def write_json(path, report):
    """Writes `report` (with a UTC timestamp) as indented JSON; returns `path`."""
    report = {"timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(), **report}
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(to_jsonable(report), f, indent=2)
    return path
