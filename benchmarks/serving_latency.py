"""Serving latency: the exported SavedModel against the Keras generator.

Measured in one process, for DCGAN 28x28x1 (`tfgan_zoo.create("dcgan")`),
`--num_samples` images per request (default 64):

- **SavedModel `sample`**: the export loaded with `tf.saved_model.load` (the
  same graph TF Serving runs), its `sample` signature called with
  `num_samples` and a seed; includes drawing z inside the graph.
- **SavedModel `serving_default`**: the same export, given z.
- **Keras generator, eager**: `model.generator(z, training=False)`.
- **Keras `model.generate`**: the package's sampling path (a `tf.function`
  over the generator, results as NumPy).

Each is warmed up, then timed for `--calls` calls, interleaved in rounds so
that load changes hit all alike; the table gives the median and the 90th
percentile latency in milliseconds, and images/s at the median. This is
in-process latency: a TF Serving server adds its RPC and (de)serialisation
on top. It prints the CPU and its features and writes JSON (`--output`).

    python benchmarks/serving_latency.py
    python benchmarks/serving_latency.py --num_samples 1 --calls 200
"""

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import export as export_lib  # noqa: E402


def _timed(fn, calls):
    """Each call's latency in seconds."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--num_samples", type=int, default=64)
    parser.add_argument("--calls", type=int, default=60, help="Timed calls per configuration.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", default="benchmarks/results/serving_latency.json")
    args = parser.parse_args()
    if min(args.num_samples, args.calls, args.rounds) < 1:
        parser.error(f"--num_samples, --calls and --rounds must be >= 1. Received: {vars(args)}")

    machine = bench.machine_info()
    print(f"Machine: {bench.describe_machine(machine)}", flush=True)
    n = args.num_samples
    model = tfgan_zoo.create("dcgan", sample_shape=(28, 28, 1), seed=0)
    path = export_lib.export(model, tempfile.mkdtemp(prefix="tfgan_zoo_latency_"), max_samples=n)
    loaded = tf.saved_model.load(path)
    sample_sig, serve_sig = loaded.signatures["sample"], loaded.signatures["serving_default"]
    z = model.prior.sample(n, seed=[0, 1])
    count, seed = tf.constant(n, tf.int32), tf.constant(0, tf.int64)
    configs = {
        "SavedModel sample": lambda: sample_sig(num_samples=count, seed=seed)["images"].numpy(),
        "SavedModel serving_default": lambda: serve_sig(z=z)["images"].numpy(),
        "Keras generator (eager)": lambda: model.generator(z, training=False).numpy(),
        "Keras model.generate": lambda: model.generate(z=z),
    }
    for fn in configs.values():  # Warm-up: tracing, first allocations.
        _timed(fn, 5)
    per_round = max(1, args.calls // args.rounds)
    rounds = bench.interleave({k: (lambda fn=fn: _timed(fn, per_round)) for k, fn in configs.items()}, args.rounds)
    times = {name: np.concatenate(r) * 1000 for name, r in rounds.items()}

    rows = [{"config": k, "median_ms": float(np.median(ms)), "p90_ms": float(np.percentile(ms, 90)),
             "images_per_s": n / float(np.median(ms)) * 1000} for k, ms in times.items()]
    print(f"DCGAN 28x28x1, {n} images per call, {per_round * args.rounds} calls each (interleaved rounds)")
    print(bench.format_table(["config", "median ms", "p90 ms", "images/s"], [
        [r["config"], f"{r['median_ms']:.2f}", f"{r['p90_ms']:.2f}", f"{r['images_per_s']:.0f}"] for r in rows]))
    by_name = {r["config"]: r["median_ms"] for r in rows}
    ratio = by_name["SavedModel sample"] / by_name["Keras generator (eager)"]
    print(f"SavedModel sample / Keras generator (eager): {ratio:.2f}x the latency")
    out = bench.write_json(args.output, {"num_samples": n, "calls": per_round * args.rounds, "rows": rows,
                                         "sample_over_keras_eager": ratio, "machine": machine})
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()
