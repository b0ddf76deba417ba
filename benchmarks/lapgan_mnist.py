"""lapgan beside dcgan on real MNIST at equal training time.

Each model trains on `idx:../shared/data/mnist` (the 10,000 IDX test-split
images on disk) at 28x28x1 (lapgan: 7 -> 14 -> 28) for the same wall-clock
budget (`--seconds`, the time in `fit` after a one-step warm-up that traces
the step), with batches of `--batch_size` and seed 0; then both are scored
with one protocol, `tfgan_zoo.metrics.Evaluator(data, metrics=("fid", "pr"),
num_samples=N)` in the feature space of the package's MNIST domain
classifier: FID, precision, recall. It also writes the pyramid figure
(`--figure`): for a few samples, every generated level, coarse to fine.

    python benchmarks/lapgan_mnist.py                 # 120 s per model, N=1000 (about 8 min)
    python benchmarks/lapgan_mnist.py --seconds 20 --num_samples 500   # a quick check

Run it from the repository root. It prints the machine and a table and
writes JSON (`--output`).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo.benchmarking import timing  # noqa: E402
from tfgan_zoo.metrics import Evaluator  # noqa: E402

import figures  # noqa: E402  (benchmarks/figures.py)

SHAPE = (28, 28, 1)
HPARAMS = {"dcgan": {"width": 32}, "lapgan": {"width": 32}}


def train(name, args):
    keras.utils.set_random_seed(args.seed)
    model = tfgan_zoo.create(name, sample_shape=SHAPE, latent_dim=args.latent_dim, seed=args.seed, **HPARAMS[name])
    ds = data_lib.load(args.dataset, args.batch_size, image_shape=SHAPE, seed=args.seed, with_labels=False, repeat=True)
    model.fit(ds, steps_per_epoch=1, epochs=1, verbose=0)  # Warm-up: traces the step.
    budget = timing.TimeBudget(args.seconds)
    model.fit(ds, steps_per_epoch=10**6, epochs=1, verbose=0, callbacks=[budget])
    seconds = time.perf_counter() - budget.start
    return model, {"steps": budget.steps + 1, "train_seconds": round(seconds, 1),
                   "params": model.generator.count_params() + model.discriminator.count_params()}


def pyramid_figure(model, path, n=6):
    levels = model.generate(n, seed=0, return_pyramid=True)
    rows = [(f"level {k}\n{lv.shape[1]}x{lv.shape[2]}", lv) for k, lv in enumerate(levels)]
    return figures.save_rows(rows, path, "lapgan samples, coarse (top) to fine (bottom)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="idx:../shared/data/mnist")
    parser.add_argument("--models", default="dcgan,lapgan")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--latent_dim", type=int, default=100)
    parser.add_argument("--num_samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", default="docs/lapgan_pyramid_mnist.png")
    parser.add_argument("--output", default="benchmarks/results/lapgan_mnist.json")
    parser.add_argument("--cache_dir", default=None)
    args = parser.parse_args(argv)
    machine = bench.machine_info()
    print(bench.describe_machine(machine))
    print(f"budget: {args.seconds:g} s of training per model, batch {args.batch_size}, N={args.num_samples}")
    evaluator = Evaluator(args.dataset, metrics=("fid", "pr"), num_samples=args.num_samples, image_shape=SHAPE,
                          cache=args.cache_dir, seed=args.seed)
    rows = []
    for name in args.models.split(","):
        model, row = train(name, args)
        scores = evaluator.evaluate(model)
        row.update({"model": name, **{k: float(v) for k, v in scores.items() if np.isscalar(v)}})
        rows.append(row)
        if name == "lapgan" and args.figure:
            pyramid_figure(model, args.figure)
    columns = ["model", "steps", "train_seconds", "params", "fid", "precision", "recall"]
    def cell(row, column):  # Metrics are keyed by protocol name, e.g. fid_mnistclf_1k.
        value = next((v for k, v in row.items() if k == column or k.startswith(column + "_")), "")
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    cells = [[cell(r, c) for c in columns] for r in rows]
    print(bench.format_table(columns, cells))
    protocol = f"Evaluator({args.dataset!r}, metrics=('fid', 'pr'), num_samples={evaluator.num_samples})"
    bench.write_json(args.output, {"args": vars(args), "machine": machine, "protocol": protocol, "rows": rows})
    print(f"wrote {args.output}" + (f" and {args.figure}" if args.figure else ""))


if __name__ == "__main__":
    sys.exit(main())
