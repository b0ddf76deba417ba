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
on top.

    python benchmarks/serving_latency.py
    python benchmarks/serving_latency.py --num_samples 1 --calls 200
"""

import argparse
import json
import os
import platform
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import export as export_lib  # noqa: E402


def _timed(fn, calls):
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

    n = args.num_samples
    model = tfgan_zoo.create("dcgan", image_shape=(28, 28, 1), seed=0)
    export_dir = tempfile.mkdtemp(prefix="tfgan_zoo_latency_")
    path = export_lib.export(model, export_dir, max_samples=max(n, 1))
    loaded = tf.saved_model.load(path)
    sample_sig = loaded.signatures["sample"]
    serve_sig = loaded.signatures["serving_default"]
    z = model.prior.sample(n, seed=[0, 1])
    count, seed = tf.constant(n, tf.int32), tf.constant(0, tf.int64)

    configs = {
        "SavedModel sample": lambda: sample_sig(num_samples=count, seed=seed)["images"].numpy(),
        "SavedModel serving_default": lambda: serve_sig(z=z)["images"].numpy(),
        "Keras generator (eager)": lambda: model.generator(z, training=False).numpy(),
        "Keras model.generate": lambda: model.generate(z=z),
    }
    for fn in configs.values():  # Warm-up: tracing, first allocations.
        for _ in range(5):
            fn()
    times = {name: [] for name in configs}
    per_round = max(1, args.calls // args.rounds)
    for r in range(args.rounds):
        order = list(configs) if r % 2 == 0 else list(configs)[::-1]
        for name in order:
            times[name] += _timed(configs[name], per_round)

    rows = []
    print(f"DCGAN 28x28x1, {n} images per call, {per_round * args.rounds} calls each, "
          f"TF {tf.__version__}, {os.cpu_count()} CPUs")
    print(f"{'config':30s} {'median ms':>10s} {'p90 ms':>10s} {'images/s':>10s}")
    for name, ts in times.items():
        ms = np.asarray(ts) * 1000
        median, p90 = float(np.median(ms)), float(np.percentile(ms, 90))
        rows.append({"config": name, "median_ms": median, "p90_ms": p90, "images_per_s": n / median * 1000})
        print(f"{name:30s} {median:10.2f} {p90:10.2f} {n / median * 1000:10.0f}")
    base = next(r for r in rows if r["config"] == "Keras generator (eager)")["median_ms"]
    ratio = next(r for r in rows if r["config"] == "SavedModel sample")["median_ms"] / base
    print(f"SavedModel sample / Keras generator (eager): {ratio:.2f}x the latency")

    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(
            {
                "num_samples": n,
                "calls": per_round * args.rounds,
                "rows": rows,
                "sample_over_keras_eager": ratio,
                "machine": {
                    "tensorflow": tf.__version__,
                    "cpus": os.cpu_count(),
                    "processor": platform.processor(),
                    "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
                },
            },
            f,
            indent=2,
        )
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
