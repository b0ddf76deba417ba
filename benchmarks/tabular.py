"""tabular_wgan_gp on UCI Adult: machine-learning efficacy, fidelity and a
privacy guard, an ablation of CTGAN's additions, and an augmentation demo.

- **Data**: `../shared/data/adult/adult.data` (32,561 rows), a fixed
  80/20 split (`--seed`, default 0): the GAN trains on the 80%, the
  held-out 20% of real rows is only ever a test set.
- **Budget**: each configuration trains for `--minutes` of wall time
  (batch 500, in chunks of about 50 generator steps; the chunk that
  crosses the budget finishes), then `--num_samples` rows (default: as
  many as the training rows) are sampled with the table's condition
  frequencies.
- **Measures** (`tfgan_zoo.metrics.tabular`): efficacy = mean binary F1
  of `>50K` on the held-out rows of SDGym's four classifiers trained on
  the generated rows (beside it, the same trained on the real 80%: the
  ceiling); fidelity = mean per-column KS / total variation distance and
  the mean association-matrix difference; privacy = median distance to
  the closest training row of generated vs held-out rows and the share of
  exact copies; `cond>50K` = share of `>50K` rows when sampling with
  `conditions={"Salary": ">50K"}`; `label-sampled` = efficacy of rows
  sampled conditioned on the label, each class in its training share
  (the model's own p(label) p(row | label), not the random conditions).
- **Ablation** (`--configs`): `ctgan` (everything on), `no_mode_norm`
  (min-max), `no_cond` (no conditional vector), `no_pac` (`pac=1`),
  `gumbel` (Gumbel-softmax heads); `ctgan_ema` adds the generator's
  weight average (`ema_decay=0.999`, a stabiliser of the base).
- **Augmentation** (`--augment 0.01,0.05`): a random labelled subset of
  the training split; classifiers trained on it alone, on it with the
  minority class (`>50K`) oversampled to balance, and on it with
  conditional synthetic `>50K` rows from a GAN trained on the subset only
  (`--augment_minutes`) to balance; F1 on the held-out rows.

    python benchmarks/tabular.py --minutes 2.5 --num_samples 10000 --augment ''   # the README's runs,
    python benchmarks/tabular.py --configs '' --no_ceiling --output benchmarks/results/tabular_augment.json
    python benchmarks/tabular.py --minutes 15 --configs ctgan --augment '' --jit_compile   # the 15-minute target
    python benchmarks/tabular.py --minutes 0.3 --configs ctgan --augment ''   # a quick check

Prints the machine and the tables, and writes JSON (`--output`) after
each configuration, so an interrupted run keeps what it measured.
"""

import argparse
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo.data import table  # noqa: E402
from tfgan_zoo.metrics import tabular as measures  # noqa: E402
from tfgan_zoo.models.tabular import TabularWGANGP  # noqa: E402

ADULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "adult", "adult.data")
POSITIVE = ">50K"
BATCH = 500
CHUNK_STEPS = 50
CONFIGS = {
    "ctgan": ({}, {}),
    "no_mode_norm": ({"mode_normalization": False}, {}),
    "no_cond": ({}, {"condition_vector": False}),
    "no_pac": ({}, {"pac": 1}),
    "gumbel": ({}, {"gumbel_softmax": True}),
    "ctgan_ema": ({}, {"ema_decay": 0.999}),
}


def split(frame, seed):
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(0.8 * len(frame))
    return frame.iloc[np.sort(order[:cut])].reset_index(drop=True), frame.iloc[np.sort(order[cut:])].reset_index(drop=True)


def train_gan(frame, schema, minutes, seed, fit_options=None, hparams=None, jit_compile=False):
    """A model trained on `frame` for `minutes` of wall time; `(model, steps, seconds)`."""
    keras.utils.set_random_seed(seed)
    start = time.time()
    model = TabularWGANGP.for_table(frame, schema, seed=seed, compile=False, **(fit_options or {}), **(hparams or {}))
    model.compile(jit_compile=jit_compile)
    epochs = max(1, math.ceil(CHUNK_STEPS * BATCH / len(frame)))
    chunk = 0
    while time.time() - start < minutes * 60:
        model.fit(model.dataset(frame, BATCH, epochs=epochs, seed=seed * 1000 + chunk), epochs=1, verbose=0)
        chunk += 1
    return model, int(model.g_optimizer.iterations.numpy()), time.time() - start


def label_sampled_rows(model, train, num_samples, seed):
    """Rows conditioned on the label, each class in its training share."""
    shares = train["Salary"].value_counts(normalize=True)
    counts = np.diff(np.round(np.concatenate([[0.0], np.cumsum(shares.to_numpy())]) * num_samples).astype(int))
    parts = [model.sample_rows(int(n), conditions={"Salary": value}, seed=seed + i)
             for i, (value, n) in enumerate(zip(shares.index, counts))]
    rows = pd.concat(parts, ignore_index=True)
    return rows.iloc[np.random.default_rng(seed).permutation(len(rows))].reset_index(drop=True)


def evaluate(model, train, test, schema, num_samples, seed):
    fake = model.sample_rows(num_samples, seed=seed)
    efficacy = measures.ml_efficacy(fake, test, schema, POSITIVE, seed=seed)
    distances = measures.column_distances(train, fake, schema)
    privacy = measures.closest_distances(train, test, fake, schema, seed=seed)
    result = {
        "efficacy_f1": efficacy["mean"],
        "efficacy_per_classifier": efficacy,
        "column_distance": float(np.mean(list(distances.values()))),
        "column_distances": distances,
        "association_difference": measures.association_difference(train, fake, schema),
        **privacy,
    }
    result["generated_positive_share"] = float((fake["Salary"] == POSITIVE).mean())
    if model.conditional:
        conditioned = model.sample_rows(2000, conditions={"Salary": POSITIVE}, seed=seed)
        result["conditional_share"] = float((conditioned["Salary"] == POSITIVE).mean())
        by_label = measures.ml_efficacy(label_sampled_rows(model, train, num_samples, seed), test, schema, POSITIVE, seed=seed)
        result["efficacy_f1_label_sampled"], result["efficacy_label_sampled_per_classifier"] = by_label["mean"], by_label
    return result


def balanced(subset, extra):
    return pd.concat([subset, extra], ignore_index=True)


def augmentation(train, test, schema, fraction, minutes, seed):
    """F1 on the held-out rows of classifiers trained on a small subset:
    alone, minority oversampled, minority topped up with synthetic rows."""
    rng = np.random.default_rng(seed)
    subset = train.iloc[np.sort(rng.permutation(len(train))[: int(round(fraction * len(train)))])].reset_index(drop=True)
    minority = subset[subset["Salary"] == POSITIVE]
    need = int((subset["Salary"] != POSITIVE).sum() - len(minority))
    oversampled = balanced(subset, minority.iloc[rng.integers(0, len(minority), need)])
    model, steps, seconds = train_gan(subset, schema, minutes, seed)
    synthetic = balanced(subset, model.sample_rows(need, conditions={"Salary": POSITIVE}, seed=seed))
    out = {"rows": len(subset), "minority_rows": len(minority), "added_rows": need, "gan_steps": steps, "gan_seconds": seconds}
    for name, frame in (("real_only", subset), ("oversampled", oversampled), ("synthetic", synthetic)):
        out[name] = measures.ml_efficacy(frame, test, schema, POSITIVE, seed=seed)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=ADULT)
    parser.add_argument("--minutes", type=float, default=2.5, help="training wall time per configuration")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--num_samples", type=int, default=None)
    parser.add_argument("--augment", default="0.01,0.05", help="subset fractions for the augmentation demo ('' skips it)")
    parser.add_argument("--augment_minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jit_compile", action="store_true", help="XLA for the train step (about 1.4x the steps here)")
    parser.add_argument("--no_ceiling", action="store_true", help="skip the real-data ceiling")
    parser.add_argument("--output", default="benchmarks/results/tabular.json")
    args = parser.parse_args(argv)
    configs = [c for c in args.configs.split(",") if c]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown --configs {unknown}; valid: {list(CONFIGS)}. Received: --configs={args.configs}")
    if not os.path.isfile(args.data):
        print(f"UCI Adult not found at {args.data} (../shared is absent); nothing to measure.")
        return 0
    # One BLAS thread: on a loaded 2-core machine a multithreaded BLAS made
    # the MLP classifier 50x slower (166 s for 5,000 rows).
    threadpool_limits(1)
    print(bench.describe_machine(bench.machine_info()))
    frame, schema = table.read_csv(args.data, label="Salary")
    train, test = split(frame, args.seed)
    schema = {**schema, "positive": POSITIVE}
    report = {"args": vars(args), "train_rows": len(train), "test_rows": len(test), "configs": {}, "augmentation": {}}
    started = time.time()
    if not args.no_ceiling:
        report["real_ceiling"] = measures.ml_efficacy(train, test, schema, POSITIVE, seed=args.seed)
        print(f"real 80% -> 20%: efficacy F1 {report['real_ceiling']['mean']:.3f}", flush=True)
    for name in configs:
        fit_options, hparams = CONFIGS[name]
        model, steps, seconds = train_gan(train, schema, args.minutes, args.seed, fit_options, hparams, args.jit_compile)
        result = evaluate(model, train, test, schema, args.num_samples or len(train), args.seed)
        report["configs"][name] = {"steps": steps, "train_seconds": seconds, **result}
        print(f"{name}: {steps} steps in {seconds:.0f} s, efficacy F1 {result['efficacy_f1']:.3f}, label-sampled "
              f"{result.get('efficacy_f1_label_sampled', float('nan')):.3f}; >50K share {result['generated_positive_share']:.3f}",
              flush=True)
        bench.write_json(args.output, report)
    for fraction in [float(f) for f in args.augment.split(",") if f]:
        report["augmentation"][str(fraction)] = augmentation(train, test, schema, fraction, args.augment_minutes, args.seed)
        bench.write_json(args.output, report)
    report["total_seconds"] = time.time() - started
    rows = [
        [name, r["steps"], f"{r['train_seconds']:.0f}", f"{r['efficacy_f1']:.3f}",
         f"{r.get('efficacy_f1_label_sampled', float('nan')):.3f}", f"{r['column_distance']:.3f}",
         f"{r['association_difference']:.3f}", f"{r['fake_dcr_median']:.3f}", f"{r['holdout_dcr_median']:.3f}",
         f"{r['exact_copies']:.4f}", f"{r.get('conditional_share', float('nan')):.3f}"]
        for name, r in report["configs"].items()
    ]
    if "real_ceiling" in report:
        rows.append(["real 80% (ceiling)", "-", "-", f"{report['real_ceiling']['mean']:.3f}", "-", "0", "0", "0", "-", "1", "-"])
    header = ["config", "steps", "secs", "efficacy F1", "F1 label-sampled", "col dist", "assoc diff", "DCR fake", "DCR holdout", "copies", "cond>50K"]
    if rows:
        print(bench.format_table(header, rows))
    if report["augmentation"]:
        aug = [
            [f"{float(k):.0%} ({a['rows']} rows, {a['minority_rows']} >50K)"]
            + [f"{a[m]['mean']:.3f}" for m in ("real_only", "oversampled", "synthetic")]
            for k, a in report["augmentation"].items()
        ]
        print(bench.format_table(["labelled subset", "real only", "oversampled", "+ synthetic >50K"], aug))
    print(f"total {report['total_seconds']:.0f} s; JSON: {bench.write_json(args.output, report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
