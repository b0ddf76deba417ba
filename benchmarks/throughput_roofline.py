"""The roofline and the profile of `benchmarks/throughput.py` (`--roofline`,
`--profile`): fit and bare steps in each precision against the same
rounds' GEMM peaks (`benchmarking.roofline`), a TF-profiler breakdown of
one step by op kind (`benchmarking.profile`), and XLA, `steps_per_execution`
and one concatenated discriminator call, each as a ratio within one run."""

import tensorflow as tf

from tfgan_zoo import benchmarking as bench
from tfgan_zoo.benchmarking import flops as flops_lib
from tfgan_zoo.benchmarking import profile
from tfgan_zoo.benchmarking import roofline
from throughput_steps import SHAPE
from throughput_steps import bare_step
from throughput_steps import block_steps
from throughput_steps import build
from throughput_steps import make_dataset
from throughput_steps import run_rounds


def roofline_group(name, batch_size, args, peaks):
    """fit and bare of one model and batch size in each precision, interleaved
    with the GEMM peaks (`peaks`: `{precision: matmul_runner(...)}`)."""
    configs = {}
    for precision in args.precisions:
        model = build(name, precision=precision)
        data, steps = make_dataset(model, batch_size), block_steps(model, args.steps)
        configs[f"fit {precision}"] = bench.fit_runner(model, data, steps)
        configs[f"bare {precision}"] = bench.loop_runner(bench.loop_step(bare_step(model)), data, steps)
    flops = bench.gan_step_flops(model.generator, model.discriminator, batch_size, model.d_steps)
    configs.update({f"peak {p}": run for p, (run, _) in peaks.items()})
    values, cores = run_rounds(f"{name} b{batch_size}", configs, args.rounds)
    rows = roofline.roofline_rows(values, cores, flops["total"], {p: f for p, (_, f) in peaks.items()})
    speed = {f"fit/bare {p}": roofline.paired_speed(values, f"fit {p}", f"bare {p}") for p in args.precisions}
    for p in args.precisions[1:]:
        speed.update({f"{k} {p}/{args.precisions[0]}": roofline.paired_speed(
            values, f"{k} {p}", f"{k} {args.precisions[0]}") for k in ("fit", "bare")})
    print(f"\n{name} batch {batch_size}: {flops['total'] / 1e9:.2f} GFLOP/step, {args.rounds} rounds; speed "
          + ", ".join(f"{k} {v:.3f}x" for k, v in speed.items()))
    print(bench.format_table(["config", "ms/step", "img/s", "GFLOP/s", "of peak (wall)", "(CPU time)",
                              "of fp32 peak", "cores"],
                             [[c, f"{r['ms']:.0f}", f"{1000 * batch_size / r['ms']:.0f}", f"{r['gflops']:.1f}",
                               f"{r['fraction']:.3f}", f"{r['cpu_fraction']:.3f}", f"{r['fraction_of_float32']:.3f}",
                               f"{r['cores']:.2f}"] for c, r in rows.items()]), flush=True)
    return {"flops": flops, "rows": rows, "speed": speed, "values": values, "cores": cores}


def concat_difference(name, batch_size):
    """max |D(real), D(fake)| - D([real; fake])| / max |D|, training mode: how
    far one concatenated D call is from two (batch norm's statistics)."""
    model = build(name)
    real = tf.random.stateless_uniform([batch_size, *SHAPE], [0, 1], minval=-1, maxval=1)
    labels = tf.zeros([batch_size], tf.int32) if model.conditional else None
    z = tf.random.stateless_normal([batch_size, model.latent_dim], [0, 2])
    net = lambda m, x, y: m(x if y is None else [x, y], training=True)  # noqa: E731
    fake = net(model.generator, z, labels)
    both = None if labels is None else tf.concat([labels] * 2, 0)
    two = tf.concat([net(model.discriminator, real, labels), net(model.discriminator, fake, labels)], 0)
    one = net(model.discriminator, tf.concat([real, fake], 0), both)
    return float(tf.reduce_max(tf.abs(two - one)) / tf.reduce_max(tf.abs(two)))


def profile_step(name, batch_size, peak_gflops, precision="float32"):
    """Per-kind op times (`benchmarking.profile`) of the bare and the library step."""
    model = build(name, precision=precision)
    data = make_dataset(model, batch_size)
    flops = bench.gan_step_flops(model.generator, model.discriminator, batch_size, model.d_steps)
    kinds = profile.layer_kinds(model.generator, model.discriminator)
    out = {}
    for label, fn in (("bare", bare_step(model)), ("library", model.train_step)):
        step, iterator = bench.loop_step(fn), iter(data)
        run = lambda: tf.nest.flatten(step(iterator))[0]  # noqa: E731
        run(), run()
        ops = profile.trace_ops(run, steps=2)
        out[label] = profile.summarise_ops(ops, kinds, (model.g_optimizer.name, model.d_optimizer.name),
                                           flops["layers"])
    rows = [[c, *[f"{out[k][c]['ms']:.0f}" for k in out], *[f"{out[k][c]['share']:.3f}" for k in out],
             "" if out["bare"][c]["gflops"] is None else f"{out['bare'][c]['gflops']:.1f}",
             "" if out["bare"][c]["gflops"] is None else f"{out['bare'][c]['gflops'] / peak_gflops:.3f}",
             ", ".join(f"{t} {ms:.0f}" for t, ms in out["bare"][c]["ops"])] for c in profile.CATEGORIES]
    print(f"\n{name} batch {batch_size}, one step's op time by kind (TF profiler, 2 steps, {precision}):")
    print(bench.format_table(["kind", "bare ms", "library ms", "bare share", "library share", "GFLOP/s",
                              f"of {precision} peak", "bare's costliest op types (ms)"], rows, align=["<"] + [">"] * 6 + ["<"]))
    return out


def experiments(name, batch_size, args, peaks, precision="float32"):
    """XLA, steps_per_execution and one concatenated D call in `precision`,
    interleaved with the GEMM peaks (`{precision: matmul_runner(...)}`, its
    own and float32's): `{config: faster-than ratios}` of one run."""
    model, k = build(name, precision=precision), args.steps_per_execution
    data, steps = make_dataset(model, batch_size), block_steps(model, args.steps)
    loop = lambda step: bench.loop_runner(bench.loop_step(step), data, steps)  # noqa: E731
    configs = {"bare": loop(bare_step(model)), "bare xla": loop(bare_step(model, jit_compile=True)),
               "bare concat": loop(bare_step(model, concat=True)), "fit": bench.fit_runner(model, data, steps),
               "fit xla": bench.fit_runner(build(name, precision=precision, jit_compile=True), data, steps),
               f"fit spe={k}": bench.fit_runner(build(name, precision=precision, steps_per_execution=k), data,
                                                k * max(2, -(-(steps + 1) // k)) - 1),
               **{f"peak {p}": peaks[p][0] for p in {"float32", precision}}}
    values, cores = run_rounds(f"{name} b{batch_size} experiments", configs, args.rounds)
    cpu = {c: [s * n for s, n in zip(values[c], cores[c])] for c in values}
    pairs = [("bare xla", "bare"), ("bare concat", "bare"), ("fit", "bare"), ("fit xla", "fit"),
             (f"fit spe={k}", "fit"), ("fit xla", "bare xla")]
    out_ms = {c: 1000 * bench.median(v) for c, v in values.items()}
    speed = {f"{a} vs {b}": {"wall": roofline.paired_speed(values, a, b), "cpu": roofline.paired_speed(cpu, a, b)}
             for a, b in pairs}
    flops = bench.gan_step_flops(model.generator, model.discriminator, batch_size, model.d_steps)["total"]
    named = lambda d: {f"{c} {precision}" if not c.startswith("peak") else c: d[c] for c in d}  # noqa: E731
    rows = roofline.roofline_rows(named(values), named(cores), flops, {p: peaks[p][1] for p in {"float32", precision}})
    concat = {m: concat_difference(m, batch_size) for m in ("dcgan", "wgan_gp")}
    print(f"\n{name} batch {batch_size}, {precision}, {args.rounds} rounds: how many times faster (median of per-round pairs)")
    print(bench.format_table(["config vs reference", "wall", "CPU time", "ms/step"],
                             [[key, f"{v['wall']:.3f}", f"{v['cpu']:.3f}", f"{out_ms[key.split(' vs ')[0]]:.0f}"]
                              for key, v in speed.items()]))
    print(bench.format_table(["config", "GFLOP/s", f"of {precision} peak (wall)", "(CPU time)"],
                             [[c, f"{r['gflops']:.1f}", f"{r['fraction']:.3f}", f"{r['cpu_fraction']:.3f}"]
                              for c, r in rows.items()]))
    print("D on [real; fake] in one call vs two, training mode, max |difference| / max |logit|: "
          + ", ".join(f"{m} {v:.2e}" for m, v in concat.items())
          + " (dcgan's batch norm takes the mixed batch's statistics; wgan_gp's critic has layer norm)")
    return {"speed": speed, "rows": rows, "concat_difference": concat, "values": values, "cores": cores}


def main_roofline(args, machine):
    """--roofline and --profile: the report's `results`."""
    results, units = {}, machine["cpu"]["bf16_units"]
    print(f"bfloat16 units: {' '.join(units) if units else 'none: bfloat16 is emulated (expect it slower)'}")
    precisions = args.precisions if args.roofline else [args.profile_precision]
    needed = {*precisions, *([args.profile_precision, "float32"] if args.profile else [])}
    peaks = {p: flops_lib.matmul_runner(n=args.matmul_size, dtype=p) for p in needed}
    if args.roofline:
        groups = {f"{n} b{b}": roofline_group(n, b, args, peaks) for n in args.models for b in args.batch_sizes}
        merged = lambda key: {f"peak {p}": [x for g in groups.values() for x in g[key][f"peak {p}"]]  # noqa: E731
                              for p in precisions}
        peak = roofline.peak_rows(merged("values"), merged("cores"), {p: f for p, (_, f) in peaks.items()})
        print("\nGEMM peak, all rounds: " + "; ".join(
            f"{p} best {v['best']:.1f}, median {v['median']:.1f} GFLOP/s ({v['median_per_core']:.1f} per CPU-second)"
            for p, v in peak.items()))
        rows = [[g, *[f"{r['rows'][f'{k} {p}']['fraction']:.3f} / {r['rows'][f'{k} {p}']['cpu_fraction']:.3f}"
                      for p in precisions for k in ("fit", "bare")], *[f"{v:.3f}" for v in r["speed"].values()]]
                for g, r in groups.items()]
        print(bench.format_table(["model", *[f"{k} {p} (wall / CPU)" for p in precisions for k in ("fit", "bare")],
                                  *next(iter(groups.values()))["speed"]], rows))
        results.update(groups=groups, peaks=peak)
        if args.figure:
            title = (f"{machine['cpu']['model']}, {machine['cpus_usable']} CPUs, bf16 units: "
                     f"{' '.join(units) or 'none'}; load {machine['load_average']}")
            path = roofline.plot_roofline({g: r["rows"] for g, r in groups.items()}, peak, args.figure, title)
            print(f"Wrote {path}")
    if args.profile:
        q = args.profile_precision
        results["experiments"] = experiments(args.profile, args.profile_batch, args, peaks, q)
        peak = roofline.peak_rows(results["experiments"]["values"], results["experiments"]["cores"],
                                  {q: peaks[q][1]})[q]["median"]
        results["profile"] = profile_step(args.profile, args.profile_batch, peak, q)
    return results
