"""The GAN objective, visible on 1-D problems (issue #19, point 1).

1. **Figure 1** of Goodfellow et al. 2014: `vanilla_gan` (MLP networks,
   1-D prior, Algorithm 1 with `--d_steps` discriminator steps: batches of
   `batch * d_steps`) on 1-D Gaussian data N(0.4, 0.1) (in the model's
   [-1, 1] range); at several epochs the data density, a KDE of G(z) and
   D(x) (`tfgan_zoo.objective.densities`) -> `docs/objective_figure1.png`.
2. **D* and JSD**: for three pairs of fixed distributions, a discriminator
   trained with `losses.minimax_discriminator_loss`
   (`tfgan_zoo.objective.compare`) against D* = p_data / (p_data + p_g) and
   V against -log 4 + 2 JSD (scipy quad).
3. **Saturation**: against a fixed untrained generator, the discriminator
   trains alone; after each number of its steps, the generator gradient
   norm of log(1 - D(G(z))) (minimax) and of -log D(G(z)) (non-saturating)
   (`tfgan_zoo.objective.generator_gradient_norms`) -> `docs/objective_saturation.png`.

    python benchmarks/objective.py                       # a few minutes on 2 cores
    python benchmarks/objective.py --epochs 6 --skip_figure1

Prints the machine and the tables, and writes JSON (`--output`).
"""

import argparse
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_probability as tfp  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import objective  # noqa: E402

tfd = tfp.distributions
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs")
PAIRS = {
    "N(0,1) vs N(1,1)": lambda: (tfd.Normal(0.0, 1.0), tfd.Normal(1.0, 1.0)),
    "N(0,1) vs N(0,2)": lambda: (tfd.Normal(0.0, 1.0), tfd.Normal(0.0, 2.0)),
    "0.5 N(-2,0.5)+0.5 N(2,0.5) vs N(0,1)": lambda: (
        tfd.MixtureSameFamily(tfd.Categorical(probs=[0.5, 0.5]), tfd.Normal([-2.0, 2.0], [0.5, 0.5])),
        tfd.Normal(0.0, 1.0),
    ),
}


def data_distribution():
    return tfd.Normal(0.4, 0.1)


def make_gan(args, loss="non_saturating"):
    gan = tfgan_zoo.create(
        "vanilla_gan", sample_shape=(1,), latent_dim=1, width=args.width, loss=loss,
        optimizer="adam", d_steps=args.d_steps, prior="uniform", seed=args.seed,
    )
    gan.compile()
    return gan


def figure1(args):
    data = np.clip(data_distribution().sample([args.examples, 1], seed=(args.seed, 1)).numpy(), -1.0, 1.0)
    gan = make_gan(args)
    grid = np.linspace(-1.0, 1.0, 201)
    snapshots = [(0, objective.densities(gan, data_distribution(), grid), objective.generator_gradient_norms(gan))]
    for epoch in range(1, args.epochs + 1):
        gan.fit(data, batch_size=args.batch * args.d_steps, epochs=1, verbose=0)
        if epoch in args.snapshots or epoch == args.epochs:
            snapshots.append((epoch, objective.densities(gan, data_distribution(), grid),
                              objective.generator_gradient_norms(gan)))
    fig, axes = plt.subplots(1, len(snapshots), figsize=(3.2 * len(snapshots), 3), sharey=True)
    for ax, (epoch, curves, _) in zip(axes, snapshots):
        scale = max(curves["data"].max(), curves["generator"].max())
        ax.plot(grid, curves["data"] / scale, "k:", label="p_data (scaled)")
        ax.plot(grid, curves["generator"] / scale, "g-", label="p_g, KDE of G(z) (scaled)")
        ax.plot(grid, curves["d"], "b--", label="D(x)")
        ax.set_title(f"epoch {epoch}")
        ax.set_xlabel("x")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path = os.path.join(DOCS, "objective_figure1.png")
    fig.savefig(path, dpi=110)
    rows = [[str(e), f"{n['mean_d_fake']:.3f}", f"{n['minimax']:.3g}", f"{n['non_saturating']:.3g}"] for e, _, n in snapshots]
    print(bench.format_table(["epoch", "mean D(G(z))", "|grad| minimax", "|grad| non-sat."], rows))
    return {"figure": path, "snapshots": [{"epoch": e, **n} for e, _, n in snapshots]}


def theory_table(args):
    grid = np.linspace(-5.0, 6.0, 221)
    rows, report = [], {}
    for name, make in PAIRS.items():
        p_data, p_g = make()
        r = objective.compare(p_data, p_g, grid, steps=args.d_train_steps, seed=args.seed)
        report[name] = {k: r[k] for k in ("jsd", "optimal_value", "value", "value_stderr", "max_error", "region")}
        rows.append([name, f"{r['max_error']:.3f}", f"[{r['region'][0]:.2f}, {r['region'][1]:.2f}]", f"{r['jsd']:.4f}",
                     f"{r['optimal_value']:.4f}", f"{r['value']:.4f} ± {r['value_stderr']:.4f}",
                     f"{-math.log(4.0) + r['jsd']:.4f}"])
    print(bench.format_table(["pair", "max|D-D*|", "region", "JSD", "-log4+2JSD", "V(D) trained", "-log4+JSD (wrong)"], rows))
    return report


def saturation(args):
    gan = make_gan(args)
    real = tf.constant(np.clip(data_distribution().sample([args.batch, 1], seed=(args.seed, 2)).numpy(), -1.0, 1.0))
    step = tf.function(lambda: gan.discriminator_step(real, None))
    rows, report, done = [], [], 0
    for steps in (0, 10, 100, 300, 1000, 2000, 4000):
        while done < steps:
            step()
            done += 1
        norms = objective.generator_gradient_norms(gan, seed=args.seed)
        report.append({"d_steps": steps, **norms})
        rows.append([str(steps), f"{norms['mean_d_fake']:.4f}", f"{norms['minimax']:.3g}", f"{norms['non_saturating']:.3g}"])
    print(bench.format_table(["D-only steps", "mean D(G(z))", "|grad| log(1-D)", "|grad| -log D"], rows))
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    d_fake = [r["mean_d_fake"] for r in report]
    ax.loglog(d_fake, [r["minimax"] for r in report], "o-", label="minimax: log(1 - D(G(z)))")
    ax.loglog(d_fake, [r["non_saturating"] for r in report], "s-", label="non-saturating: -log D(G(z))")
    ax.invert_xaxis()
    ax.set_xlabel("mean D(G(z)) (D rejects fakes ->)")
    ax.set_ylabel("generator gradient norm")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(DOCS, "objective_saturation.png")
    fig.savefig(path, dpi=110)
    return {"figure": path, "rows": report}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--snapshots", type=lambda s: [int(v) for v in s.split(",")], default=[1, 5, 15])
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--d_steps", type=int, default=2)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--d_train_steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip_figure1", action="store_true")
    parser.add_argument("--output", default="benchmarks/results/objective.json")
    args = parser.parse_args(argv)
    info = bench.machine_info()
    print(bench.describe_machine(info))
    report = {"machine": info, "args": vars(args)}
    report["saturation"] = saturation(args)
    report["theory"] = theory_table(args)
    if not args.skip_figure1:
        report["figure1"] = figure1(args)
    print(f"JSON: {bench.write_json(args.output, report)}")


if __name__ == "__main__":
    sys.exit(main())
