"""The mode-collapse benchmark of the stabilisers (issue #13): each option
alone, and combined, on the 2-D toy sets and on MNIST.

- **Toy** (`--part toy`): `vanilla_gan` with its MLP networks (`--width`:
  G (w, 2w), D (2w, w); `--latent_dim`), Adam(`--learning_rate`, beta_1
  0.5) for both players, batch `--batch_size`, `--steps` generator steps
  (a fixed budget, not wall time), on `ring8` and `grid25`, for the plain
  non-saturating GAN and every option set of
  `tfgan_zoo.benchmarking.stability.TOY_OPTIONS` plus `--combination`, over
  `--seeds`. Scored on `--num_samples` generated points by
  `tfgan_zoo.metrics.toy.mode_coverage` (the registry's `modes`, `hq`):
  modes covered (mean ± std, and the minimum over seeds), the high-quality
  share, and KL(mode histogram of the high-quality points || uniform).
  A figure per dataset (`--figures DIR`/stability_<dataset>.png): the
  first seed's points of every option set over the real modes.
- **MNIST** (`--part mnist`): `dcgan` on `idx:../shared/data/mnist`
  (the 10k test split) for `--epochs` at batch 64, seed 0, trained as the
  launcher trains it, for each of `--mnist_configs`; the domain
  classifier's FID and precision/recall (`Evaluator`, `--mnist_samples`
  per side), and the digit classes the classifier sees in the samples.
  Then the seconds per `fit` step of every trained configuration,
  interleaved in rounds in this process, as ratios to plain `dcgan`.

    python benchmarks/stability.py --part toy --figures docs      # the README's toy run
    python benchmarks/stability.py --part mnist                   # the README's MNIST run
    python benchmarks/stability.py --part toy --steps 50 --seeds 0 --datasets ring8 \\
        --options plain,r1_weight                                 # a quick check

It prints the machine and the tables and writes JSON (`--output`), after
every MNIST configuration too.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo.benchmarking import stability  # noqa: E402

def log(message):
    print(message, flush=True)


MNIST = "idx:../shared/data/mnist"
MNIST_CONFIGS = {
    "plain": {},
    "ema": {"ema_decay": 0.999},
    "spectral_norm": {"spectral_norm": True},
    "diff_augment": {"diff_augment": "translation,cutout"},
    "ema+diff_augment": {"ema_decay": 0.999, "diff_augment": "translation,cutout"},
    "r1": {"r1_weight": 1.0},
    "minibatch_stddev": {"minibatch_features": "stddev"},
    "label_smoothing": {"label_smoothing": 0.1},
}
# The toy combination, chosen from the single options' results (see the README).
COMBINATION = {"r1_weight": 1.0, "minibatch_features": "stddev"}


def run_toy(args, report):
    options = {name: stability.TOY_OPTIONS[name] for name in args.options}
    if args.combination:
        options["combination"] = json.loads(args.combination)
    base = {"width": args.width, "latent_dim": args.latent_dim}
    report["toy"] = {"base_hparams": base, "steps": args.steps, "seeds": args.seeds, "batch_size": args.batch_size,
                     "learning_rate": args.learning_rate, "num_samples": args.num_samples, "datasets": {}}
    for dataset in args.datasets:
        results = stability.toy_benchmark(dataset, options, args.seeds, args.steps, batch_size=args.batch_size,
                                          num_samples=args.num_samples, base=base,
                                          learning_rate=args.learning_rate, log=log)
        num_modes = len(data_lib.toy_modes(dataset)[0])
        print(f"\n{dataset}: {args.steps} steps, {len(args.seeds)} seed(s), {args.num_samples} points")
        print(bench.format_table(["option", "modes", "min", "hq", "KL"], stability.toy_table_rows(results, num_modes)))
        figure = None
        if args.figures:
            figure = stability.plot_toy(os.path.join(args.figures, f"stability_{dataset}.png"), dataset,
                                        {name: r["samples"] for name, r in results.items()})
            print(f"Wrote {figure}")
        report["toy"]["datasets"][dataset] = {
            "figure": figure, "results": {n: {k: v for k, v in r.items() if k != "samples"} for n, r in results.items()}}
        bench.write_json(args.output, report)


def run_mnist(args, report):
    from tfgan_zoo.metrics import Evaluator

    evaluator = Evaluator(args.dataset, metrics=("fid", "pr"), num_samples=args.mnist_samples, image_shape=(28, 28, 1),
                          seed=args.seed)
    configs = {name: MNIST_CONFIGS[name] for name in args.mnist_configs}
    if args.mnist_combination:
        configs["combination"] = json.loads(args.mnist_combination)
    report["mnist"] = {"dataset": args.dataset, "epochs": args.epochs, "batch_size": 64, "seed": args.seed,
                       "classifier": evaluator.extractor.name, "classifier_accuracy": evaluator.extractor.accuracy,
                       "configs": {}}
    models, datasets = {}, {}
    for name, options in configs.items():
        models[name], datasets[name], record = stability.image_run(
            "dcgan", options, args.dataset, evaluator, args.epochs, batch_size=64, seed=args.seed,
            steps_per_epoch=args.steps_per_epoch, log=log)
        report["mnist"]["configs"][name] = record
        bench.write_json(args.output, report)
    baseline = next(iter(configs))
    times = stability.step_time_ratios(models, datasets, baseline, steps=args.timing_steps, rounds=args.timing_rounds)
    fid, rows = evaluator.name("fid"), []
    base_fid = report["mnist"]["configs"][baseline]["metrics"][fid]
    for name, record in report["mnist"]["configs"].items():
        record["step_seconds"], record["step_time_ratio"] = times[name]["seconds"], times[name]["ratio"]
        m = record["metrics"]
        rows.append([name, f"{m[fid]:.3g}", f"{m[fid] / base_fid - 1:+.1%}", f"{m[evaluator.name('precision')]:.3f}",
                     f"{m[evaluator.name('recall')]:.3f}", f"{record['classes_covered']}/10",
                     f"{record['train_seconds'] / 60:.1f}", f"{times[name]['ratio']:.3f}"])
    print(f"\ndcgan on {args.dataset}, {args.epochs} epochs, batch 64, seed {args.seed}; {fid}")
    print(bench.format_table(["config", "FID", "vs plain", "precision", "recall", "classes", "train min",
                              "step time ratio"], rows))
    bench.write_json(args.output, report)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--part", default="toy,mnist", help="comma-separated: toy, mnist")
    p.add_argument("--datasets", default="ring8,grid25")
    p.add_argument("--options", default=",".join(stability.TOY_OPTIONS), help="toy option sets (comma-separated)")
    p.add_argument("--combination", default=json.dumps(COMBINATION), help="JSON hparams of the combination row ('' for none)")
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--steps", type=int, default=1500, help="toy generator steps")
    p.add_argument("--batch_size", type=int, default=256, help="toy batch")
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--latent_dim", type=int, default=16)
    p.add_argument("--learning_rate", type=float, default=1e-3)
    p.add_argument("--num_samples", type=int, default=2500, help="toy points scored")
    p.add_argument("--figures", default="", help="directory for the toy figures ('' for none)")
    p.add_argument("--dataset", default=MNIST)
    p.add_argument("--mnist_configs", default=",".join(MNIST_CONFIGS), help="the first is the baseline of the ratios")
    p.add_argument("--mnist_combination", default="", help="JSON hparams of an extra MNIST row, 'combination' ('' for none)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--steps_per_epoch", type=int, default=None, help="default: the launcher's")
    p.add_argument("--mnist_samples", type=int, default=5000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timing_steps", type=int, default=30)
    p.add_argument("--timing_rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="TensorFlow intra- and inter-op threads (0: default)")
    p.add_argument("--output", default="benchmarks/results/stability.json")
    args = p.parse_args(argv)
    args.part = [s for s in args.part.split(",") if s]
    args.datasets = [s for s in args.datasets.split(",") if s]
    args.options = [s for s in args.options.split(",") if s]
    args.mnist_configs = [s for s in args.mnist_configs.split(",") if s]
    args.seeds = [int(s) for s in args.seeds.split(",") if s]
    for flag, values, valid in (("--part", args.part, ("toy", "mnist")), ("--options", args.options, stability.TOY_OPTIONS),
                                ("--mnist_configs", args.mnist_configs, MNIST_CONFIGS)):
        unknown = sorted(set(values) - set(valid))
        if unknown or not values:
            p.error(f"{flag}: unknown or empty {unknown}. Valid: {list(valid)}. Received: {values}")
    if not args.seeds or min(args.steps, args.epochs, args.num_samples) < 1:
        p.error(f"--seeds must be non-empty and --steps, --epochs, --num_samples >= 1. Received: {vars(args)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    bench.limit_threads(args.threads)
    started, machine = time.time(), bench.machine_info()
    print(f"Machine: {bench.describe_machine(machine)}", flush=True)
    report = {"benchmark": "tfgan_zoo stabilisers: mode collapse", "machine": machine, "args": vars(args)}
    if "toy" in args.part:
        run_toy(args, report)
    if "mnist" in args.part:
        run_mnist(args, report)
    report["duration_s"] = time.time() - started
    print(f"Wrote {bench.write_json(args.output, report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
