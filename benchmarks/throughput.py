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

With `--roofline` instead: fit and bare of `--models` at `--batch_sizes` in
each of `--precisions`, interleaved with a large matmul per precision (the
same rounds' GEMM peak), as GFLOP/s and fractions of peak, with a figure;
with `--profile MODEL`: the XLA, `steps_per_execution` and concatenated-D
ratios and a TF-profiler breakdown of one step by op kind
(`benchmarks/throughput_roofline.py`).

    python benchmarks/throughput.py                 # a few minutes on 2 idle cores
    python benchmarks/throughput.py --threads 1     # steadier on a busy machine
    python benchmarks/throughput.py --roofline --models dcgan,cgan --batch_sizes 64,256
    python benchmarks/throughput.py --profile dcgan --profile_batch 256 --steps 3 --rounds 3
    python benchmarks/throughput.py --profile dcgan --profile_precision bfloat16 --steps 3 --rounds 3
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from tfgan_zoo import benchmarking as bench  # noqa: E402
from throughput_roofline import main_roofline  # noqa: E402  (benchmarks/throughput_roofline.py)
from throughput_steps import bare_step  # noqa: E402  (benchmarks/throughput_steps.py)
from throughput_steps import build  # noqa: E402
from throughput_steps import make_dataset  # noqa: E402
from throughput_steps import run_rounds  # noqa: E402

# The cuts proposed for models/base.py and batches.py: the normal prior drawn
# with tf.random.stateless_normal (bitwise the TFP draw), the finite check on
# the batch's sum.
RECOMMENDED = ("prior", "finite_sum")


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
    p.add_argument("--roofline", action="store_true",
                   help="instead: fit and bare of --models at --batch_sizes in --precisions against the GEMM peaks")
    p.add_argument("--batch_sizes", default="64,256")
    p.add_argument("--precisions", default="float32,bfloat16", help="the first is the reference")
    p.add_argument("--figure", default="docs/roofline.png", help="the roofline figure ('' none)")
    p.add_argument("--profile", default="", help="instead (or after --roofline): the op profile and the XLA, "
                   "steps_per_execution and concatenated-D experiments of this model at --profile_batch")
    p.add_argument("--profile_batch", type=int, default=256)
    p.add_argument("--profile_precision", default="float32", help="the precision of --profile's runs")
    p.add_argument("--steps_per_execution", type=int, default=4)
    p.add_argument("--matmul_size", type=int, default=2048, help="n of the GEMM peak's chained [n, n] matmuls")
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.breakdown = [m for m in args.breakdown.split(",") if m]
    try:
        args.batch_sizes = [int(b) for b in args.batch_sizes.split(",") if b]
    except ValueError:
        p.error(f"--batch_sizes takes comma-separated integers. Received: --batch_sizes={args.batch_sizes!r}")
    args.precisions = [q for q in args.precisions.split(",") if q]
    if args.batch_size < 1 or args.steps < 2 or args.rounds < 1 or args.threads < 0 or args.steps_per_execution < 1:
        p.error(f"need --batch_size>=1, --steps>=2, --rounds>=1, --threads>=0, --steps_per_execution>=1. "
                f"Received: {vars(args)}")
    if args.roofline and (args.precisions[:1] != ["float32"] or min(args.batch_sizes, default=0) < 1):
        p.error(f"--roofline needs --precisions starting with float32 and --batch_sizes >= 1. Received: "
                f"--precisions={','.join(args.precisions)} --batch_sizes={args.batch_sizes}")
    return args


def main_fit_vs_bare(args):
    """The default mode: the report's `results`."""
    loop = bench.fit_loop_costs()
    print("Keras fit loop, trivial step: " + ", ".join(f"{k} {v:.3f} ms/step" for k, v in loop.items()), flush=True)
    results = {}
    for name in args.models:
        configs, flops = configs_for(name, args)
        values, cores = run_rounds(name, configs, args.rounds)
        parts = {**component_costs(name, args.batch_size), **loop}
        results[name] = summarize(name, values, cores, flops, parts, args.batch_size)
    summary = [[n, f"{r['configs']['fit']['ratio']:.3f}", f"{r['configs']['fit']['cpu_ratio']:.3f}", str(args.rounds),
                "yes" if r["configs"]["fit"]["ratio"] >= 0.9 else "NO"] for n, r in results.items()]
    print("\n" + bench.format_table(["model", "fit/bare (wall)", "(CPU time)", "pairs", ">= 0.9"], summary))
    return results


def main(argv=None):
    args = parse_args(argv)
    bench.limit_threads(args.threads)
    started, load_start = time.time(), bench.load_average()
    machine = bench.machine_info()
    print(f"Machine: {bench.describe_machine(machine)}", flush=True)
    if args.roofline or args.profile:
        results = main_roofline(args, machine)
    else:
        results = main_fit_vs_bare(args)
    load_end = bench.load_average()
    print(f"Load average: {load_start} at the start, {load_end} at the end; {time.time() - started:.0f} s")
    path = bench.write_json(args.output, {"benchmark": "tfgan_zoo training throughput, fit vs bare"
                                          + (", roofline" * args.roofline) + (", profile" * bool(args.profile)),
                                          "args": vars(args), "machine": machine, "load_average_end": load_end,
                                          "duration_s": time.time() - started, "results": results})
    print(f"Wrote {path}")
    return results


if __name__ == "__main__":
    main()
