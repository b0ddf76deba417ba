"""Training throughput of DCGAN (28x28x1): `fit` against a bare loop, and XLA.

What is measured, in one process:

- **fit**: `tfgan_zoo.create("dcgan", image_shape=(28, 28, 1), seed=0)`,
  trained with `model.fit(dataset, verbose=0)` (the default
  `jit_compile=False`). One `fit` batch is one discriminator update
  (non-saturating loss on D(real) and D(G(z))) followed by one generator
  update.
- **train_step loop**: the same model's `train_step` called from a plain
  `@tf.function` loop, without `fit`. It splits the gap between `fit` and the
  bare loop into the Keras `fit` machinery (fit vs train_step) and the
  library's step (train_step vs bare: trackers, seed generator, TFP prior,
  batch checks).
- **bare**: a hand-written `@tf.function` step over copies of the same two
  networks (same initial weights), with two fresh `Adam(2e-4, beta_1=0.5)`
  optimizers, noise from `tf.random.normal`, no trackers and no Keras loop.
  It does the same math as the library: the discriminator sees the real and
  the fake batch in two calls (batch norm statistics per call, as in
  `GAN.discriminator_loss`), the loss is averaged over the batch.
- **fit (XLA)** and **bare (XLA)**: the same with `jit_compile=True`. The
  library defaults to False because XLA skips its in-graph data checks;
  this measures what that costs in speed.
  `--skip_xla` leaves them out.
- **matmul**: float32 `[n, n] x [n, n]` products in a `tf.function`, the
  machine's practical GEMM peak, to put the GAN step's GFLOP/s in context.

All configurations train on the same synthetic in-memory dataset (uniform
float32 images in [-1, 1], pre-batched in NumPy, `from_tensor_slices(batches)
.repeat()`), batch size `--batch_size`. Each configuration is traced
and warmed up first. Then the measurements are **interleaved**: `--rounds`
rounds, each running every configuration once (the order rotates from round
to round), so that a change of machine load hits all configurations alike.
In each round a configuration runs one unmeasured epoch (iterator creation,
first-step effects) and then timed epochs of `steps_per_epoch` steps for about
`--seconds / --rounds` seconds. Images/s is (timed steps x batch size) /
(timed seconds); the reported value is the median over rounds, and the
fit/bare ratio is also given as the median of the per-round (paired) ratios.

FLOPs of one training step are counted analytically from the Keras layers
(`step_flops`): 2 FLOPs per multiply-accumulate of the Dense, Conv2D and
Conv2DTranspose kernels (zero padding included). The backward pass of a layer
is a weight gradient (1x its forward FLOPs) if its weights are trained by
that update, plus an input gradient (1x) if anything upstream needs one
(not for the first layer of the network that is fed data or noise).
Batch norm, activations, biases, losses and the Adam updates are not counted
(they are elementwise, well under 1% of the total). As a cross-check,
`tf.compat.v1.profiler` float_ops on the bare step's graph at B=64 counts
17.5 GFLOP against 16.1 here: the graph as traced also holds gradients that
nothing uses and that are pruned before it runs (D's weight gradients in the
generator update, 1.3 GFLOP; the input gradient of D's first layer in the
discriminator update, 0.08 GFLOP), and the profiler counts elementwise ops.
Per step:

- discriminator update: G forward on B (no backward), D forward on B real
  and B fake, D backward (weight gradients; input gradients except into the
  first layer) on both;
- generator update: G forward on B, D forward on B, D backward (input
  gradients only: D's weights are not trained by it), G backward (weight
  gradients, input gradients except into the first layer).

Run it (about 5 minutes with the defaults on 2 CPU cores):

    python benchmarks/throughput.py
    python benchmarks/throughput.py --batch_size 128 --seconds 60
    python benchmarks/throughput.py --seconds 6 --skip_xla  # a quick check
    python benchmarks/throughput.py --threads 1  # steadier on a busy machine

It prints a table and writes a JSON file (default
`benchmarks/results/throughput.json`) with the per-round numbers, the FLOP
breakdown and the machine (TensorFlow version, CPU count, load average).
The numbers are only meaningful on an otherwise idle machine: the load
average at the start and the end, and the CPU cores the process got during
each measurement ("cores used", CPU seconds per wall second), are recorded to
tell, and the script warns when other processes competed. Images per CPU
second, also reported, moves less under such contention (with `--threads 1`
especially; with more threads it also counts the thread pools' spin-waits).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # No C++ INFO lines.

import keras  # noqa: E402 (after the log level)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import networks  # noqa: E402

IMAGE_SHAPE = (28, 28, 1)
SEED = 0


# ----------------------------------------------------------------------------
# FLOP counting.


def layer_macs(network):
    """Multiply-accumulates per example of each Dense/Conv layer of `network`.

    Args:
        network: a built functional `keras.Model`.

    Returns:
        A list of `(layer_name, macs)` in layer order, for the Dense, Conv2D
        and Conv2DTranspose layers (the others are elementwise).
    """
    out = []
    for layer in network.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose):
            # Each input pixel scatters a kh x kw x out_c kernel per input
            # channel: the cost of the conv whose input gradient this is.
            in_h, in_w = layer.input.shape[1:3]
            macs = in_h * in_w * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2D):
            out_h, out_w = layer.output.shape[1:3]
            macs = out_h * out_w * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense):
            leading = int(np.prod(layer.input.shape[1:-1]))  # 1 for [B, d].
            macs = leading * int(np.prod(layer.kernel.shape))
        else:
            continue
        out.append((layer.name, int(macs)))
    return out


def _pass_flops(macs, batch, weight_grad=False, input_grad=False, first_input_grad=False):
    """FLOPs of one network on `batch` examples: forward, and backward parts.

    Args:
        macs: `layer_macs(network)`.
        batch: examples.
        weight_grad: count the weight gradients (1x forward per layer).
        input_grad: count the input gradients (1x forward) of every layer but
            the first.
        first_input_grad: also the first layer's, for a network whose input
            needs a gradient (D in the generator update).
    """
    total = 0
    for i, (_, m) in enumerate(macs):
        factor = 1 + int(weight_grad) + int(input_grad and (i > 0 or first_input_grad))
        total += 2 * m * factor * batch
    return total


def step_flops(generator, discriminator, batch_size):
    """FLOPs of one training step (one D update and one G update).

    Args:
        generator: the generator `keras.Model`.
        discriminator: the discriminator `keras.Model`.
        batch_size: examples per batch (B).

    Returns:
        A dict: `total`, `d_update`, `g_update`, the forward FLOPs per example
        of each network, the per-layer MACs and the convention.
    """
    g_macs = layer_macs(generator)
    d_macs = layer_macs(discriminator)
    b = batch_size
    d_update = (
        _pass_flops(g_macs, b)  # G(z) under stop_gradient: forward only.
        + _pass_flops(d_macs, 2 * b, weight_grad=True, input_grad=True)
    )
    g_update = (
        _pass_flops(g_macs, b, weight_grad=True, input_grad=True)
        # D is not trained here, but its input gradient carries the loss to G.
        + _pass_flops(d_macs, b, input_grad=True, first_input_grad=True)
    )
    return {
        "total": d_update + g_update,
        "d_update": d_update,
        "g_update": g_update,
        "g_forward_per_example": _pass_flops(g_macs, 1),
        "d_forward_per_example": _pass_flops(d_macs, 1),
        "g_layer_macs": dict(g_macs),
        "d_layer_macs": dict(d_macs),
        "convention": (
            "2 FLOPs per multiply-accumulate of Dense/Conv2D/Conv2DTranspose "
            "kernels (zero padding counted); backward = weight gradient (1x "
            "forward, only for the network being updated) + input gradient (1x "
            "forward, not into a network's first layer when its input is data "
            "or noise); batch norm, activations, biases, losses and Adam not "
            "counted"
        ),
    }


# ----------------------------------------------------------------------------
# Data and models.


def make_dataset(batch_size, num_images, seed=SEED):
    """Synthetic float32 images in [-1, 1], in batches, repeated forever.

    The images are batched in NumPy, so that each element of the dataset is
    one ready batch of static shape `[batch_size, 28, 28, 1]` (what
    `.batch(batch_size, drop_remainder=True).cache()` gives, without the
    cache, which warns when an iterator stops before a full pass).
    """
    rng = np.random.default_rng(seed)
    num_batches = num_images // batch_size
    x = rng.uniform(-1.0, 1.0, (num_batches, batch_size) + IMAGE_SHAPE)
    return tf.data.Dataset.from_tensor_slices(x.astype(np.float32)).repeat()


def make_gan(jit_compile):
    """The package's DCGAN, compiled with its default optimizers."""
    model = tfgan_zoo.create("dcgan", image_shape=IMAGE_SHAPE, seed=SEED, compile=False)
    model.compile(jit_compile=jit_compile)
    return model


class BareGAN:
    """A hand-written DCGAN training step: no `fit`, no trackers.

    Args:
        weights: `(generator_weights, discriminator_weights)` to start from,
            as `get_weights()` lists.
        latent_dim: size of `z`.
        jit_compile: compile the step (not the iterator pull) with XLA, as
            Keras does.
    """

    def __init__(self, weights, latent_dim=100, jit_compile=False):
        self.generator = networks.dcgan_generator(IMAGE_SHAPE, latent_dim, seed=SEED)
        self.discriminator = networks.dcgan_discriminator(IMAGE_SHAPE, seed=SEED)
        self.generator.set_weights(weights[0])
        self.discriminator.set_weights(weights[1])
        self.latent_dim = latent_dim
        self.g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        # As in Keras: no AutoGraph (there is no data-dependent control
        # flow), the iterator pull outside the (possibly XLA) step.
        on_batch = tf.function(
            tf.autograph.experimental.do_not_convert(self._step_on_batch),
            jit_compile=jit_compile,
        )

        @tf.autograph.experimental.do_not_convert
        def step(iterator):
            return on_batch(next(iterator))

        self.step = tf.function(step)

    def _step_on_batch(self, real):
        g, d = self.generator, self.discriminator
        batch = tf.shape(real)[0]
        # Discriminator update: -log D(x) - log(1 - D(G(z))), from logits.
        with tf.GradientTape() as tape:
            z = tf.random.normal([batch, self.latent_dim])
            fake = tf.stop_gradient(g(z, training=True))
            real_logits = d(real, training=True)
            fake_logits = d(fake, training=True)
            d_loss = tf.reduce_mean(
                tf.nn.softplus(-real_logits) + tf.nn.softplus(fake_logits)
            )
        grads = tape.gradient(d_loss, d.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, d.trainable_variables))
        # Generator update, non-saturating: -log D(G(z)).
        with tf.GradientTape() as tape:
            z = tf.random.normal([batch, self.latent_dim])
            fake_logits = d(g(z, training=True), training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        grads = tape.gradient(g_loss, g.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, g.trainable_variables))
        return d_loss, g_loss


# ----------------------------------------------------------------------------
# Runners: each trains for whole "epochs" of `steps_per_epoch` steps and
# returns the wall time of each epoch.


class _EpochTimer(keras.callbacks.Callback):
    """Records the wall time of each `fit` epoch."""

    def __init__(self):
        super().__init__()
        self.times = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


class FitRunner:
    """Trains a package model with `model.fit`."""

    def __init__(self, model, dataset):
        self.model = model
        self.dataset = dataset

    def run(self, epochs, steps_per_epoch):
        timer = _EpochTimer()
        self.model.fit(
            self.dataset,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            verbose=0,
            shuffle=False,  # Ignored for datasets; passing it avoids a warning.
            callbacks=[timer],
        )
        return timer.times


class LoopRunner:
    """Calls `step(iterator)` in a Python loop (fresh iterator per run)."""

    def __init__(self, step, dataset):
        self.step = step
        self.dataset = dataset

    def run(self, epochs, steps_per_epoch):
        iterator = iter(self.dataset)
        times = []
        for _ in range(epochs):
            start = time.perf_counter()
            for _ in range(steps_per_epoch):
                outputs = self.step(iterator)
            # Calls are synchronous on CPU; fetching a scalar makes sure.
            tf.nest.map_structure(lambda t: t.numpy(), outputs)
            times.append(time.perf_counter() - start)
        return times


def train_step_loop(model):
    """`model.train_step` in a plain tf.function, outside `fit`."""

    @tf.autograph.experimental.do_not_convert  # As Keras calls it.
    def step(iterator):
        return model.train_step(next(iterator))

    return tf.function(step)


class MatmulBench:
    """Chained float32 `[n, n]` matmuls in a tf.function."""

    def __init__(self, n, chain=4, seed=SEED):
        rng = np.random.default_rng(seed)
        # Scaled by 1/sqrt(n) so that the chain keeps its norm. The cast comes
        # last: a float32 array times a NumPy float64 scalar is float64.
        scale = 1.0 / np.sqrt(n)
        self.a = tf.constant((rng.standard_normal((n, n)) * scale).astype(np.float32))
        self.b = tf.constant((rng.standard_normal((n, n)) * scale).astype(np.float32))
        assert self.a.dtype == tf.float32
        self.flops_per_call = 2 * n**3 * chain
        self.chain = chain

        @tf.function
        def fn(x, w):
            for _ in range(chain):
                x = tf.matmul(x, w)
            return x[0, 0]

        self.fn = fn

    def run(self, seconds):
        """`(GFLOP/s, cores used)` over about `seconds` of calls."""
        calls, start, cpu = 0, time.perf_counter(), time.process_time()
        while True:
            self.fn(self.a, self.b).numpy()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                cores = (time.process_time() - cpu) / elapsed
                return self.flops_per_call * calls / elapsed / 1e9, cores


# ----------------------------------------------------------------------------
# Measurement.


class Config:
    """One configuration: a runner, its warm-up and its per-round results."""

    def __init__(self, name, runner, flops_per_step):
        self.name = name
        self.runner = runner
        self.flops_per_step = flops_per_step
        self.epochs_per_round = 1
        self.warmup_seconds = None
        self.rounds = []  # images/s per round.
        self.epoch_times = []  # seconds, per round.
        # CPU seconds of this process per wall second while it ran: about the
        # core count on an idle machine, less when other processes compete.
        self.cpu_cores = []

    def warm_up(self, batch_size, steps_per_epoch):
        """Traces, then times one epoch; returns the seconds per step."""
        start = time.perf_counter()
        self.runner.run(1, 2)  # Trace (and XLA compile).
        self.warmup_seconds = time.perf_counter() - start
        (seconds,) = self.runner.run(1, steps_per_epoch)
        return seconds / steps_per_epoch

    def measure(self, batch_size, steps_per_epoch):
        cpu, wall = time.process_time(), time.perf_counter()
        times = self.runner.run(1 + self.epochs_per_round, steps_per_epoch)[1:]
        self.cpu_cores.append((time.process_time() - cpu) / (time.perf_counter() - wall))
        self.epoch_times.append(times)
        self.rounds.append(len(times) * steps_per_epoch * batch_size / sum(times))

    def per_cpu_second(self):
        """Images per CPU second of this process, per round."""
        return [ips / cores for ips, cores in zip(self.rounds, self.cpu_cores)]

    def summary(self, batch_size, matmul_gflops):
        ips = statistics.median(self.rounds)
        gflops = self.flops_per_step * ips / batch_size / 1e9
        return {
            "images_per_s": ips,
            "images_per_s_min": min(self.rounds),
            "images_per_s_max": max(self.rounds),
            "images_per_s_rounds": self.rounds,
            "ms_per_step": 1000.0 * batch_size / ips,
            "gflops_per_s": gflops,
            "percent_of_matmul": 100.0 * gflops / matmul_gflops,
            # Less sensitive to competing processes than images/s (but it
            # counts the thread pools' spin-waiting as work).
            "images_per_cpu_s": statistics.median(self.per_cpu_second()),
            "cpu_cores_used": statistics.median(self.cpu_cores),
            "cpu_cores_used_rounds": self.cpu_cores,
            "epochs_per_round": self.epochs_per_round,
            "epoch_times_s": self.epoch_times,
            "warmup_trace_s": self.warmup_seconds,
        }


def machine_info():
    cpu_model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tfgan_zoo": tfgan_zoo.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "devices": [d.name for d in tf.config.list_physical_devices()],
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def _load():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument(
        "--seconds",
        type=float,
        default=30.0,
        help="measured seconds per configuration, split over --rounds",
    )
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    p.add_argument(
        "--epoch_seconds",
        type=float,
        default=2.0,
        help="target length of one timed epoch (sets steps_per_epoch)",
    )
    p.add_argument("--num_images", type=int, default=4096, help="synthetic dataset size")
    p.add_argument("--matmul_size", type=int, default=2048)
    p.add_argument(
        "--matmul_seconds", type=float, default=3.0, help="matmul seconds per round"
    )
    p.add_argument("--skip_xla", action="store_true", help="skip the jit_compile=True runs")
    p.add_argument(
        "--skip_train_step",
        action="store_true",
        help="skip the `train_step` loop (the fit-overhead ablation)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=0,
        help="TensorFlow intra- and inter-op threads; 0 keeps TensorFlow's default "
        "(all cores). 1 gives steadier comparisons on a busy machine",
    )
    p.add_argument("--output", default="benchmarks/results/throughput.json")
    args = p.parse_args(argv)
    if args.batch_size < 1 or args.rounds < 1 or args.seconds <= 0 or args.threads < 0:
        p.error("--batch_size and --rounds must be >= 1, --seconds > 0, --threads >= 0")
    if args.num_images < args.batch_size:
        p.error("--num_images must be at least --batch_size")
    return args


def build_configs(args, dataset):
    """The configurations to measure, fit (default) first."""
    keras.utils.set_random_seed(SEED)
    model = make_gan(jit_compile=False)
    weights = (model.generator.get_weights(), model.discriminator.get_weights())
    flops = step_flops(model.generator, model.discriminator, args.batch_size)
    total = flops["total"]
    configs = [Config("fit", FitRunner(model, dataset), total)]
    if not args.skip_train_step:
        # A second package model, so that `fit`'s model keeps its own state.
        ts_model = make_gan(jit_compile=False)
        ts_model.generator.set_weights(weights[0])
        ts_model.discriminator.set_weights(weights[1])
        configs.append(
            Config("train_step loop", LoopRunner(train_step_loop(ts_model), dataset), total)
        )
    bare = BareGAN(weights, model.latent_dim)
    configs.append(Config("bare", LoopRunner(bare.step, dataset), total))
    if not args.skip_xla:
        xla_model = make_gan(jit_compile=True)
        xla_model.generator.set_weights(weights[0])
        xla_model.discriminator.set_weights(weights[1])
        if not xla_model.jit_compile:
            print("warning: Keras turned jit_compile off for the XLA model", flush=True)
        configs.append(Config("fit (XLA)", FitRunner(xla_model, dataset), total))
        bare_xla = BareGAN(weights, model.latent_dim, jit_compile=True)
        configs.append(Config("bare (XLA)", LoopRunner(bare_xla.step, dataset), total))
    return configs, flops


def print_table(results, matmul, args):
    header = (
        f"{'config':<18}{'images/s':>10}{'(min-max)':>14}{'ms/step':>10}"
        f"{'GFLOP/s':>10}{'% matmul':>10}{'cores used':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        spread = f"({r['images_per_s_min']:.0f}-{r['images_per_s_max']:.0f})"
        print(
            f"{name:<18}{r['images_per_s']:>10.1f}{spread:>14}{r['ms_per_step']:>10.2f}"
            f"{r['gflops_per_s']:>10.1f}{r['percent_of_matmul']:>9.1f}%"
            f"{r['cpu_cores_used']:>12.2f}"
        )
    spread = f"({min(matmul['rounds']):.0f}-{max(matmul['rounds']):.0f})"
    print(
        f"{'matmul ' + str(args.matmul_size):<18}{'':>10}{spread:>14}{'':>10}"
        f"{matmul['gflops_per_s']:>10.1f}{100.0:>9.1f}%{matmul['cpu_cores_used']:>12.2f}"
    )
    print("(images/s: median over rounds; GFLOP/s: from the median; spread: min-max)")


def main(argv=None):
    args = parse_args(argv)
    if args.threads:  # Before TensorFlow runs any op.
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(SEED)
    load_start = _load()
    started = time.time()
    dataset = make_dataset(args.batch_size, args.num_images)
    configs, flops = build_configs(args, dataset)
    matmul = MatmulBench(args.matmul_size)
    print(
        f"DCGAN {IMAGE_SHAPE}, batch {args.batch_size}: {flops['total'] / 1e9:.3f} "
        f"GFLOP per training step (D update {flops['d_update'] / 1e9:.3f}, "
        f"G update {flops['g_update'] / 1e9:.3f}).\nFLOP convention: {flops['convention']}.\n"
        f"Load average at start: {load_start}",
        flush=True,
    )

    # Warm up: trace, then size the epochs from the default (fit) step time.
    matmul.run(0.5)
    steps_per_epoch = None
    for config in configs:
        probe = steps_per_epoch or 10
        step_s = config.warm_up(args.batch_size, probe)
        if steps_per_epoch is None:
            steps_per_epoch = max(5, int(round(args.epoch_seconds / step_s)))
        per_round = args.seconds / args.rounds
        config.epochs_per_round = max(1, int(round(per_round / (steps_per_epoch * step_s))))
        print(
            f"warm-up {config.name}: trace {config.warmup_seconds:.1f} s, "
            f"{1000 * step_s:.1f} ms/step; {config.epochs_per_round} x "
            f"{steps_per_epoch} steps per round",
            flush=True,
        )

    # Interleaved rounds; the order rotates so that no configuration always
    # runs right after the same other one.
    matmul_rounds, matmul_cores = [], []
    for r in range(args.rounds):
        order = configs[r % len(configs) :] + configs[: r % len(configs)]
        for config in order:
            config.measure(args.batch_size, steps_per_epoch)
        gflops, cores = matmul.run(args.matmul_seconds)
        matmul_rounds.append(gflops)
        matmul_cores.append(cores)
        line = ", ".join(f"{c.name} {c.rounds[-1]:.0f}" for c in configs)
        print(
            f"round {r + 1}/{args.rounds} (images/s): {line}; matmul "
            f"{matmul_rounds[-1]:.1f} GFLOP/s",
            flush=True,
        )

    matmul_result = {
        "size": args.matmul_size,
        "gflops_per_s": statistics.median(matmul_rounds),
        "rounds": matmul_rounds,
        "cpu_cores_used": statistics.median(matmul_cores),
        "cpu_cores_used_rounds": matmul_cores,
    }
    results = {
        c.name: c.summary(args.batch_size, matmul_result["gflops_per_s"]) for c in configs
    }
    by_name = {c.name: c for c in configs}
    ratios = {}

    def ratio(num, den):
        if num in by_name and den in by_name:
            a, b = by_name[num], by_name[den]
            paired = [x / y for x, y in zip(a.rounds, b.rounds)]
            paired_cpu = [x / y for x, y in zip(a.per_cpu_second(), b.per_cpu_second())]
            ratios[f"{num} / {den}"] = {
                "ratio_of_medians": results[num]["images_per_s"]
                / results[den]["images_per_s"],
                "median_paired_ratio": statistics.median(paired),
                "paired_ratios": paired,
                "median_paired_ratio_per_cpu_s": statistics.median(paired_cpu),
                # Contention only slows a run down: the best rounds are the
                # closest to an idle machine.
                "ratio_of_best_rounds": max(a.rounds) / max(b.rounds),
            }

    ratio("fit", "bare")
    ratio("fit", "train_step loop")
    ratio("train_step loop", "bare")
    ratio("fit (XLA)", "fit")
    ratio("bare (XLA)", "bare")

    print()
    print_table(results, matmul_result, args)
    print()
    for name, r in ratios.items():
        print(
            f"{name}: {r['ratio_of_medians']:.3f} (ratio of medians), "
            f"{r['median_paired_ratio']:.3f} (median of per-round ratios), "
            f"{r['ratio_of_best_rounds']:.3f} (best rounds), "
            f"{r['median_paired_ratio_per_cpu_s']:.3f} (per CPU second)"
        )
    fit_bare = ratios["fit / bare"]["median_paired_ratio"]
    verdict = "meets" if fit_bare >= 0.9 else "MISSES"
    print(f"fit/bare = {fit_bare:.3f}: {verdict} the target fit >= 0.9 x bare.")
    load_end = _load()
    cores = statistics.median(c for r in results.values() for c in [r["cpu_cores_used"]])
    usable = machine_info()["cpus_usable"]
    expected = min(usable, args.threads) if args.threads else usable
    print(
        f"Load average (1 min): {load_start and round(load_start[0], 2)} at the start, "
        f"{load_end and round(load_end[0], 2)} at the end, on {usable} usable CPUs; "
        f"the GAN runs used {cores:.2f} cores (median)."
    )
    if (load_start and load_start[0] > 0.5) or cores < 0.8 * expected:
        print(
            "WARNING: other processes competed for the CPUs during this run; the "
            "numbers are low and noisy. Rerun on an idle machine."
        )

    report = {
        "benchmark": "tfgan_zoo DCGAN training throughput",
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "duration_s": time.time() - started,
        "args": vars(args),
        "image_shape": list(IMAGE_SHAPE),
        "steps_per_epoch": steps_per_epoch,
        "machine": machine_info(),
        "load_average_start": load_start,
        "load_average_end": load_end,
        "flops_per_step": flops,
        "matmul": matmul_result,
        "results": results,
        "ratios": ratios,
        "fit_over_bare": fit_bare,
        "meets_target_0_9": fit_bare >= 0.9,
    }
    out_dir = os.path.dirname(args.output)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(report, f, indent=2)
    print(f"Wrote {args.output}")
    return report


if __name__ == "__main__":
    main()
