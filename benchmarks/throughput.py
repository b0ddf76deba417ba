"""Training throughput: `model.fit` of registered models against bare loops.

For `dcgan`, `cgan` and `wgan_gp` (5 critic steps, gradient penalty) at
28x28x1, batch `--batch_size` per discriminator step: **fit** (the library's
defaults, `verbose=0`) against **bare**, a textbook `tf.function` step over
copies of the same networks (`tf.random.normal`, softplus or Wasserstein
losses, Adam, no trackers, no checks). With `--breakdown`, variants of `fit`
that cut one part of the library's step by a subclass (`cut_class`: the
prototypes for `models/base.py`), `-fit loop` (`train_step` without Keras
`fit`) and `recommended` (the cuts of `RECOMMENDED`); and for every model
each part timed alone (`component_costs`, `benchmarking.fit_loop_costs`),
which resolves costs far below a step's noise.

Synthetic data, pre-batched in memory. After a warm-up, `--rounds`
interleaved rounds (`benchmarking.interleave`) run every configuration of a
model once in a rotating order, `--steps` steps after one unmeasured step; a
ratio is the median over rounds of the per-round pair, of wall time and of
process CPU time (steadier when other processes compete). See
`benchmarks/README.md`.

    python benchmarks/throughput.py                 # a few minutes on 2 idle cores
    python benchmarks/throughput.py --threads 1     # steadier on a busy machine
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo.models import batches  # noqa: E402

SHAPE = (28, 28, 1)
# The cuts proposed for models/base.py and batches.py: the normal prior drawn
# with tf.random.stateless_normal (bitwise the TFP draw), the finite check on
# the batch's sum.
RECOMMENDED = ("prior", "finite_sum")


# ----------------------------------------------------------------------------
# The library's step with one part cut (prototypes for models/base.py).


class _Cuts:
    """Mixin: `_cuts` names the parts of `GAN`'s step to leave out."""

    _cuts = ()

    def sample_latent(self, batch_size, seed=None):
        if "noise" in self._cuts:
            return tf.random.normal([batch_size, self.latent_dim])
        if "prior" in self._cuts:  # The normal prior without TFP.
            draw = lambda n, s: tf.random.stateless_normal([n, self.latent_dim], seed=s)  # noqa: E731
            return self.sample_global(batch_size, draw, seed)
        return super().sample_latent(batch_size, seed)

    def sample_uniform(self, batch_size, seed=None):
        if "noise" in self._cuts:
            return tf.random.uniform([batch_size])
        return super().sample_uniform(batch_size, seed)

    def sample_global(self, batch_size, draw, seed=None):
        if "slice" in self._cuts:  # One replica: no global draw to slice.
            return draw(batch_size, tf.cast(self.seed_generator.next() if seed is None else seed, tf.int32))
        return super().sample_global(batch_size, draw, seed)

    def unpack_batch(self, data):
        if "finite" not in self._cuts and "finite_sum" not in self._cuts:
            return super().unpack_batch(data)
        samples, labels = batches.unpack_batch(data, self.sample_shape, self.num_classes, check_values=False)
        if "finite_sum" in self._cuts:  # NaN/Inf anywhere make the sum NaN/Inf: one scalar check.
            check = tf.debugging.assert_all_finite(tf.reduce_sum(samples), "The training data has NaN or Inf values")
            with tf.control_dependencies([check]):
                samples = tf.identity(samples)
        return samples, labels

    def track(self, logs):
        if "trackers" not in self._cuts:
            return super().track(logs)
        # Not tracked by Keras: plain tensors of the trace being built.
        object.__setattr__(self, "_last_logs", {**vars(self).get("_last_logs", {}), **logs})

    def results(self):
        if "trackers" not in self._cuts:
            return super().results()
        return dict(self._last_logs)


def cut_class(cls, cuts):
    """A subclass of the model class `cls` whose step leaves out `cuts`."""
    return type(f"{cls.__name__}Cut", (_Cuts, cls), {"_cuts": tuple(cuts), "__module__": __name__})


def build(name, cuts=()):
    keras.utils.set_random_seed(0)
    cls = tfgan_zoo.get_model_class(name)
    model = cut_class(cls, cuts)(sample_shape=SHAPE, seed=0) if cuts else cls(sample_shape=SHAPE, seed=0)
    model.compile()
    return model


# ----------------------------------------------------------------------------
# Bare loops.


def bare_step(model):
    """A textbook `tf.function` step over copies of `model`'s networks."""
    g = keras.models.clone_model(model.generator)
    d = keras.models.clone_model(model.discriminator)
    g.set_weights(model.generator.get_weights())
    d.set_weights(model.discriminator.get_weights())
    g_opt = keras.optimizers.get(keras.optimizers.serialize(model.g_optimizer))
    d_opt = keras.optimizers.get(keras.optimizers.serialize(model.d_optimizer))
    g_opt.build(g.trainable_variables)
    d_opt.build(d.trainable_variables)
    k, latent, wgan = model.d_steps, model.latent_dim, model.model_name == "wgan_gp"

    def with_labels(net, x, labels):
        return net(x if labels is None else [x, labels], training=True)

    def d_update(real, labels):
        z = tf.random.normal([tf.shape(real)[0], latent])
        with tf.GradientTape() as tape:
            fake = tf.stop_gradient(with_labels(g, z, labels))
            real_out, fake_out = with_labels(d, real, labels), with_labels(d, fake, labels)
            if wgan:
                alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
                x_hat = alpha * real + (1 - alpha) * fake
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(x_hat)
                    critic = tf.reduce_sum(with_labels(d, x_hat, labels))
                grads = gp_tape.gradient(critic, x_hat)
                norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-10)
                loss = tf.reduce_mean(fake_out - real_out) + 10.0 * tf.reduce_mean(tf.square(norm - 1))
            else:
                loss = tf.reduce_mean(tf.nn.softplus(-real_out) + tf.nn.softplus(fake_out))
        d_opt.apply_gradients(zip(tape.gradient(loss, d.trainable_variables), d.trainable_variables))
        return loss

    def step_on_batch(data):
        samples, labels = data if isinstance(data, tuple) else (data, None)
        parts = tf.split(samples, k), ([None] * k if labels is None else tf.split(labels, k))
        for real, real_labels in zip(*parts):
            d_loss = d_update(real, real_labels)
        with tf.GradientTape() as tape:
            z = tf.random.normal([tf.shape(real)[0], latent])
            fake_out = with_labels(d, with_labels(g, z, real_labels), real_labels)
            g_loss = tf.reduce_mean(-fake_out if wgan else tf.nn.softplus(-fake_out))
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables))
        return d_loss, g_loss

    return step_on_batch


def make_dataset(model, batch_size, num_batches=8, seed=0):
    """Uniform images in [-1, 1] (and labels), `fit` batches of `batch_size * d_steps`, repeated."""
    rng = np.random.default_rng(seed)
    n = batch_size * model.d_steps
    x = rng.uniform(-1, 1, (num_batches, n, *SHAPE)).astype(np.float32)
    if not model.conditional:
        return tf.data.Dataset.from_tensor_slices(x).repeat()
    y = rng.integers(0, model.num_classes, (num_batches, n)).astype(np.int32)
    return tf.data.Dataset.from_tensor_slices((x, y)).repeat()


def component_costs(name, batch_size):
    """`{part: ms per training step}` of the library's step parts, each timed
    in isolation (`benchmarking.op_cost`) times its calls per step."""
    lib, cut = build(name), {c: build(name, (c,)) for c in ("prior", "slice", "noise", "finite", "finite_sum")}
    b, k = batch_size, lib.d_steps
    uniform_draws = k if hasattr(lib, "penalty") else 0
    cost = lambda fn: bench.op_cost(fn, repeats=20, calls=10)  # noqa: E731
    latent = lambda m: cost(lambda: m.sample_latent(b))  # noqa: E731
    uniform = lambda m: cost(lambda: m.sample_uniform(b)) if uniform_draws else 0.0  # noqa: E731
    data = make_dataset(lib, batch_size, num_batches=1)
    batch = tf.nest.map_structure(tf.Variable, next(iter(data)))
    read = lambda: tf.nest.map_structure(lambda v: v.read_value(), batch)  # noqa: E731
    logs = {n: tf.Variable(1.0) for n in lib.logged}
    tracked = lambda: (lib.track({n: v.read_value() for n, v in logs.items()}), lib.results())[1]  # noqa: E731
    us = {
        "prior (TFP vs stateless_normal)": (k + 1) * (latent(lib) - latent(cut["prior"])),
        "slice (sample_global)": (k + 1) * (latent(lib) - latent(cut["slice"]))
        + uniform_draws * (uniform(lib) - uniform(cut["slice"])),
        "noise (all vs tf.random)": (k + 1) * (latent(lib) - latent(cut["noise"]))
        + uniform_draws * (uniform(lib) - uniform(cut["noise"])),
        "finite (assert_all_finite)": cost(lambda: lib.unpack_batch(read())[0])
        - cost(lambda: cut["finite"].unpack_batch(read())[0]),
        "finite on the sum (proposed)": cost(lambda: cut["finite_sum"].unpack_batch(read())[0])
        - cost(lambda: cut["finite"].unpack_batch(read())[0]),
        # A step updates each tracker once per logged value: d_steps times for D's.
        "trackers (Mean, per step)": (k + 1) * cost(tracked) / 2,
    }
    return {part: value / 1000 for part, value in us.items()}


def configs_for(name, args):
    """`({config: run}, flops)` for one model: fit, bare and the breakdown."""
    model = build(name)
    data = make_dataset(model, args.batch_size)
    steps = args.steps if model.d_steps == 1 else max(2, args.steps // model.d_steps)
    bare = bench.loop_runner(bench.loop_step(bare_step(model)), data, steps)
    configs = {"fit": bench.fit_runner(model, data, steps), "bare": bare}
    if name in args.breakdown:
        for cut in ("prior", "finite", "finite_sum", "trackers"):
            configs[f"-{cut}"] = bench.fit_runner(build(name, (cut,)), data, steps)
        configs["-fit loop"] = bench.loop_runner(bench.loop_step(build(name).train_step), data, steps)
        configs["recommended"] = bench.fit_runner(build(name, RECOMMENDED), data, steps)
    return configs, bench.gan_step_flops(model.generator, model.discriminator, args.batch_size, model.d_steps)


def summarize(name, values, cores, flops, parts, batch_size):
    """Prints and returns one model's results; ratios are medians of per-round pairs."""
    bare, fit = values["bare"], values["fit"]
    cpu = {c: [s * n for s, n in zip(values[c], cores[c])] for c in values}  # CPU s/step.
    bare_ms, rows, out = 1000 * bench.median(bare), [], {"flops": flops, "configs": {}, "parts_ms_per_step": parts}
    for config, seconds in values.items():
        ref = "bare" if config == "fit" else "fit"
        ratio = bench.median(bench.paired_ratios(values[ref], seconds))
        cpu_ratio = bench.median(bench.paired_ratios(cpu[ref], cpu[config]))
        out["configs"][config] = {"s_per_step": seconds, "cpu_cores": cores[config], "ratio": ratio,
                                  "cpu_ratio": cpu_ratio, "median_ms": 1000 * bench.median(seconds)}
        label = {"fit": "fit/bare ", "bare": ""}.get(config, "fit/this ")
        rows.append([config, f"{1000 * bench.median(seconds):.1f}", f"{batch_size / bench.median(seconds):.0f}",
                     f"{bench.median(cores[config]):.2f}", label and f"{label}{ratio:.3f}",
                     label and f"{cpu_ratio:.3f}"])
    print(f"\n{name}: {flops['total'] / 1e9:.2f} GFLOP/step ({flops['d_steps']} D + 1 G update; bare "
          f"{flops['total'] / bench.median(bare) / 1e9:.1f} GFLOP/s), {len(bare)} interleaved rounds")
    print(bench.format_table(["config", "ms/step", "img/s", "cores", "speed ratio (wall)", "(CPU time)"], rows))
    print(bench.format_table(["part, timed alone", "ms/step", "% of bare"],
                             [[k, f"{v:.3f}", f"{100 * v / bare_ms:.2f}"] for k, v in parts.items()]))
    return out


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="dcgan,cgan,wgan_gp")
    p.add_argument("--breakdown", default="dcgan", help="models with the per-component breakdown ('' none)")
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--steps", type=int, default=10, help="timed steps per block (d_steps>1: divided by d_steps)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="TF intra/inter-op threads (0: TF's default)")
    p.add_argument("--output", default="benchmarks/results/throughput.json")
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.breakdown = [m for m in args.breakdown.split(",") if m]
    if args.batch_size < 1 or args.steps < 2 or args.rounds < 1 or args.threads < 0:
        p.error(f"need --batch_size>=1, --steps>=2, --rounds>=1, --threads>=0. Received: {vars(args)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    started, load_start = time.time(), bench.load_average()
    machine = bench.machine_info()
    print(f"Machine: {bench.describe_machine(machine)}", flush=True)
    loop = bench.fit_loop_costs()
    print("Keras fit loop, trivial step: " + ", ".join(f"{k} {v:.3f} ms/step" for k, v in loop.items()), flush=True)
    results = {}
    for name in args.models:
        configs, flops = configs_for(name, args)
        for run in configs.values():  # Trace and warm up.
            run()
        values, cores = bench.interleave(configs, args.rounds, cpu=True, on_round=lambda r, v: print(
            f"{name} round {r + 1}: " + ", ".join(f"{k} {1000 * s:.0f}" for k, s in v.items()) + " ms", flush=True))
        parts = {**component_costs(name, args.batch_size), **loop}
        results[name] = summarize(name, values, cores, flops, parts, args.batch_size)
    summary = [[n, f"{r['configs']['fit']['ratio']:.3f}", f"{r['configs']['fit']['cpu_ratio']:.3f}", str(args.rounds),
                "yes" if r["configs"]["fit"]["ratio"] >= 0.9 else "NO"] for n, r in results.items()]
    print("\n" + bench.format_table(["model", "fit/bare (wall)", "(CPU time)", "pairs", ">= 0.9"], summary))
    load_end = bench.load_average()
    print(f"Load average: {load_start} at the start, {load_end} at the end; {time.time() - started:.0f} s")
    path = bench.write_json(args.output, {"benchmark": "tfgan_zoo training throughput, fit vs bare",
                                          "args": vars(args), "machine": machine, "load_average_end": load_end,
                                          "duration_s": time.time() - started, "results": results})
    print(f"Wrote {path}")
    return results


if __name__ == "__main__":
    main()
