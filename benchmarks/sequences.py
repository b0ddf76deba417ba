"""RCGAN on the waves data: the four sequence measures after a stated budget,
each beside its real-vs-real reference.

- **Model**: `rcgan` conditional on the waveform (0 = sine, 1 = sawtooth),
  30 steps, 1 feature, `--hidden_units`, `--latent_dim` noise values
  (`--noise`: one vector held at every step, or fresh at every step),
  `--d_steps` discriminator updates per generator update (5, the default of
  RCGAN's code; each on a fifth of the `--batch_size` batch, so
  64 sequences), trained with `fit` on `tfgan_zoo.data.load("waves")` (train split, 10,000
  sequences) in chunks of `--steps_per_chunk` generator steps until
  `--minutes` of training wall time have passed (the budget; the chunk
  that crosses it finishes).
- **Measures** (`tfgan_zoo.metrics.sequence_evaluate.SequenceEvaluator`,
  `--num_samples` per side, against the real test split): MMD^2
  (`mmd_seq`), discriminative score (`disc`, |accuracy - 0.5| of a
  post-hoc GRU, 0 best), predictive score (`tstr`, MAE of a GRU next-step
  predictor trained on the samples, tested on real held-out data) and
  conditional accuracy (`cacc_seq`, a GRU classifier trained on real
  waves). **Reference**: the same protocol with real train sequences as
  the "real" side and real test sequences in the generator's place, so
  `tstr`'s reference is TRTR.
- **Judges**: the measures train small post-hoc GRUs, so one judge seed is
  one draw; `--judge_seeds` repeats the whole protocol (generated samples,
  splits and probes) per seed, and the table gives mean ± std over them.
- **Checks** (issue #11), on the means: `cacc_seq >= 0.95`, `disc <= 0.15`,
  `tstr <= 1.5 x TRTR`.
- **Model**: `--save PATH` keeps the trained model (`.keras`, written
  atomically); `--load PATH` judges a saved one without training.
- **Figures** (`--figures DIR`): `rcgan_waves.png`, real next to generated
  curves per class, and `rcgan_latent_walk.png`, the label fixed to sine
  and the first two latent values swept on a grid (the others 0, the same
  z at every step).

    python benchmarks/sequences.py --threads 1 --save runs/rcgan.keras --figures docs   # the README's run
    python benchmarks/sequences.py --minutes 0.5 --num_samples 200 --judge_seeds 0   # a quick check

It prints the machine, the table and the checks, and writes JSON
(`--output`).
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
from tfgan_zoo import fileio  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo.metrics.sequence_evaluate import SequenceEvaluator  # noqa: E402

CHECKS = {"cacc_seq": 0.95, "disc": 0.15, "tstr_over_trtr": 1.5}


def train(args):
    keras.utils.set_random_seed(args.seed)
    model = tfgan_zoo.create(
        "rcgan", sequence_length=30, num_features=1, hidden_units=args.hidden_units,
        latent_dim=args.latent_dim, num_classes=2, d_steps=args.d_steps, noise=args.noise,
        r1_weight=args.r1_weight, ema_decay=args.ema_decay, seed=args.seed,
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
    )
    ds = data_lib.load("waves", batch_size=args.batch_size, seed=args.seed, repeat=True)
    start, steps, history = time.perf_counter(), 0, []
    while time.perf_counter() - start < args.minutes * 60:
        logs = model.fit(ds, epochs=1, steps_per_epoch=args.steps_per_chunk, verbose=0).history
        steps += args.steps_per_chunk
        history.append({"steps": steps, "seconds": time.perf_counter() - start, **{k: v[0] for k, v in logs.items()}})
        print(f"  {steps:6d} steps  {history[-1]['seconds']:7.1f} s  d_loss {logs['d_loss'][0]:.3f}  g_loss {logs['g_loss'][0]:.3f}", flush=True)
    return model, steps, time.perf_counter() - start, history


def judge(model, num_samples, seeds):
    """`(names, generated, reference)`: each measure's values over the judge `seeds`."""
    generated, reference = {}, {}
    for seed in seeds:
        evaluator = SequenceEvaluator("waves", num_samples=num_samples, seed=seed)
        for into, values in ((generated, evaluator.evaluate(model)), (reference, evaluator.reference())):
            for name, value in values.items():
                into.setdefault(name, []).append(value)
    return evaluator.names(), generated, reference


def mean_std(values):
    return f"{np.mean(values):.4f} ± {np.std(values):.4f}" if len(values) > 1 else f"{values[0]:.4f}"


def table(names, generated, reference):
    rows = [[name, mean_std(generated[name]), mean_std(reference[name])] for name in names]
    return bench.format_table(["measure", "rcgan", "real vs real"], rows)


def checks(names, generated, reference):
    """The issue's checks on the means over the judge seeds: `{text: (value, passed)}`."""
    count = names[0].rsplit("_", 1)[-1]
    get = lambda d, key: float(np.mean(d[f"{key}_gru_{count}"]))  # noqa: E731
    ratio = get(generated, "tstr") / get(reference, "tstr")
    return {
        "cacc_seq >= 0.95": (get(generated, "cacc_seq"), get(generated, "cacc_seq") >= CHECKS["cacc_seq"]),
        "disc <= 0.15": (get(generated, "disc"), get(generated, "disc") <= CHECKS["disc"]),
        "tstr <= 1.5 x trtr": (ratio, ratio <= CHECKS["tstr_over_trtr"]),
    }


def plot_waves(path, model, per_class=6, seed=0):
    """Real (left) next to generated (right) curves, one row per class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    test, test_labels = data_lib.load_arrays("waves", split="test")
    fig, axes = plt.subplots(2, 2, figsize=(8, 4.5), sharex=True, sharey=True)
    for k, name in enumerate(data_lib.waves.CLASS_NAMES):
        real = test[test_labels == k][:per_class]
        fake = model.generate(labels=np.full(per_class, k, np.int32), seed=seed)
        for ax, curves, side in ((axes[k, 0], real, "real"), (axes[k, 1], fake, "rcgan")):
            ax.plot(curves[:, :, 0].T, linewidth=1)
            ax.set_title(f"{side}: {name}", fontsize=9)
            ax.set_ylim(-1, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def plot_latent_walk(path, model, grid=5, span=2.0):
    """Label sine; z = (a, b) on a grid in [-span, span]^2, the same z at every step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.linspace(-span, span, grid)
    z = np.array([[a, b] + [0.0] * (model.latent_dim - 2) for b in values for a in values], np.float32)
    curves = model.generate(z=z, labels=np.zeros(len(z), np.int32))
    fig, axes = plt.subplots(grid, grid, figsize=(7, 6), sharex=True, sharey=True)
    for ax, curve, (a, b) in zip(axes.ravel(), curves, z[:, :2]):
        ax.plot(curve[:, 0], linewidth=1)
        ax.set_ylim(-1, 1)
        ax.set_xticks([])
        ax.set_yticks([])
    for i, v in enumerate(values):
        axes[-1, i].set_xlabel(f"z1={v:+.1f}", fontsize=8)
        axes[i, 0].set_ylabel(f"z2={v:+.1f}", fontsize=8)
    fig.suptitle("rcgan latent walk, label = sine (same z at every step)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=29.0, help="training budget (wall time)")
    p.add_argument("--hidden_units", type=int, default=100)
    p.add_argument("--latent_dim", type=int, default=8, help="noise values (>= 2 for the latent-walk figure)")
    p.add_argument("--noise", default="held", choices=["per_step", "held"],
                   help="rcgan's noise: fresh at every step, or one vector per sequence held at every step")
    p.add_argument("--batch_size", type=int, default=320, help="per generator step; split over the d_steps")
    p.add_argument("--d_steps", type=int, default=5)
    p.add_argument("--learning_rate", type=float, default=1e-3)
    p.add_argument("--r1_weight", type=float, default=0.01,
                   help="R1 penalty on the discriminator (0: none, the paper's setting)")
    p.add_argument("--ema_decay", type=float, default=0.999,
                   help="generator weight average used by generate (0: none, the paper's setting)")
    p.add_argument("--steps_per_chunk", type=int, default=100)
    p.add_argument("--num_samples", type=int, default=1000)
    p.add_argument("--judge_seeds", default="0,1,2,3,4", help="comma-separated seeds of the judging protocol")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", default=None, help="write the trained model here (.keras)")
    p.add_argument("--load", default=None, help="judge this saved model (.keras) instead of training one")
    p.add_argument("--figures", default=None, help="directory for the two PNGs (e.g. docs)")
    p.add_argument("--threads", type=int, default=0, help="TensorFlow intra- and inter-op threads (0: default)")
    p.add_argument("--output", default="benchmarks/results/sequences.json")
    args = p.parse_args(argv)
    try:
        seeds = [int(v) for v in args.judge_seeds.split(",") if v.strip()]
    except ValueError:
        seeds = []
    if not seeds:
        p.error(f"--judge_seeds must be comma-separated ints. Received: {args.judge_seeds!r}")
    args.judge_seeds = seeds
    bench.check_model_paths(p, args)
    return args


def main(argv=None):
    args = parse_args(argv)
    bench.limit_threads(args.threads)
    machine = bench.machine_info()
    print(bench.describe_machine(machine))
    print(f"rcgan on waves: budget {args.minutes} min, hidden_units={args.hidden_units}, "
          f"latent_dim={args.latent_dim}, noise={args.noise}, r1_weight={args.r1_weight}, "
          f"ema_decay={args.ema_decay}")
    if args.load:
        keras.utils.set_random_seed(args.seed)
        model, steps, seconds, history = fileio.load_keras_model(args.load), None, None, []
    else:
        model, steps, seconds, history = train(args)
        print(f"\ntrained {steps} generator steps in {seconds:.0f} s")
    if args.save:
        fileio.save_keras_model(model, args.save)
        print(f"saved {args.save}")
    start = time.perf_counter()
    names, generated, reference = judge(model, args.num_samples, args.judge_seeds)
    eval_seconds = time.perf_counter() - start
    print(f"measures in {eval_seconds:.0f} s, judge seeds {args.judge_seeds} (mean ± std)\n")
    print(table(names, generated, reference))
    results = checks(names, generated, reference)
    print()
    for name, (value, ok) in results.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.4f}")
    if args.figures:
        os.makedirs(args.figures, exist_ok=True)
        plot_waves(os.path.join(args.figures, "rcgan_waves.png"), model, seed=args.seed)
        if model.latent_dim >= 2:
            plot_latent_walk(os.path.join(args.figures, "rcgan_latent_walk.png"), model)
    bench.write_json(args.output, {
        "machine": machine, "args": vars(args), "generator_steps": steps, "train_seconds": seconds,
        "eval_seconds": eval_seconds, "generated": generated, "reference": reference,
        "checks": {k: {"value": v, "pass": ok} for k, (v, ok) in results.items()}, "history": history,
    })
    print(f"\nwrote {args.output}")
    return 0 if all(ok for _, ok in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
