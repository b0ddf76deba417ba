"""Sample quality of the image GANs on real MNIST, after a fixed training budget.

What it measures:

- **Models**: every registered IMAGE variant (its hparams have `image_shape`
  and it builds at `image_shape=(28, 28, 1)`; read from the registry, so a
  new variant is included), or the subset `--models`. Each starts from its
  paper defaults, `tfgan_zoo.create(name, image_shape=(28, 28, 1),
  seed=seed)`, plus the data's class count (`num_classes=10`) for models
  that are conditional by default (`model_hparams(name)["num_classes"]` is
  not None: `cgan`).
- **Training**: `--epochs` epochs on `idx:../shared/data/mnist` (MNIST's
  10,000 test-split images, the only split on disk), fed exactly as
  `launchers/train.py` feeds it: an epoch is `examples // batch_size`
  generator steps; a model with `d_steps=k` (the critics' `n_critic=5`)
  takes batches of `batch_size * k` (one minibatch per critic step) from a
  repeating dataset, so its critic sees the data k times per epoch. Same
  seeds as the launcher (`keras.utils.set_random_seed(seed)`, data shuffle
  seed `seed`), reset before each model so that a model's result does not
  depend on which others ran.
- **Metrics**, one protocol for all rows:
  `Evaluator(dataset, metrics=("fid", "kid", "cs", "pr", "cacc"),
  num_samples=N, image_shape=(28, 28, 1), seed=seed)` in the feature space
  of the package's MNIST domain classifier (trained once and cached; its
  held-out accuracy is printed). FID, KID (mean +- std over subsets),
  classifier score (mean +- std over splits), precision, recall, density,
  coverage, and the conditional accuracy (`cacc`: the classifier agrees with
  the requested label) for conditional models. Names are the Evaluator's,
  e.g. `fid_mnistclf_5k`.
- **Ceiling**: real data against real data, two disjoint halves of N:
  `Evaluator(..., num_samples=2N).evaluate_real_halves()`. The Evaluator's
  real subset is a fixed seeded permutation prefix, so half A is exactly the
  N real images the models are compared with (the script checks this on the
  features). Needs 2N <= 10,000.
- **Floor**: an untrained generator: `dcgan` built with the same seed (the
  trained dcgan's initial weights), not trained.
- **FID over training**: FID at `--curve_samples` (its own Evaluator) before
  training (epoch 0) and after every epoch (`MetricsCallback`), one line per
  model, with the real-halves FID at the same sample count as a line, in
  `--plot` (log scale). Evaluation time is not counted as training time.

Checks printed at the end: the real-halves FID is at least 20x lower than the
untrained floor's, and the trained dcgan lies between ceiling and floor.

Outputs: a table on stdout; JSON (`--output`) with the config, machine,
classifier, every metric under its protocol name, the per-epoch curves and
timings; the plot (`--plot`, needs matplotlib: `pip install -e ".[bench]"`;
skipped with a warning without it, or with `--plot ''`).

Run it from the repository root (the dataset path is relative to it):

    python benchmarks/quality.py                                # all image models, 3 epochs
    python benchmarks/quality.py --models dcgan,cgan --epochs 5
    python benchmarks/quality.py --epochs 1 --models dcgan,cgan,vanilla_gan \\
        --num_samples 1000 --curve_samples 500                 # a quick check, ~5 min
    python benchmarks/quality.py --save_models_dir runs/quality  # keep the .keras files

Runtime on 2 CPU cores (batch 64, 156 generator steps per epoch): dcgan and
cgan about 1 min per epoch, vanilla_gan (MLP) well under that, wgan
about 3 min, wgan_gp 4-5 min (5 critic steps per generator step, plus the
gradient penalty), cramer_gan more (two generated batches per critic step).
The defaults (all six models, 3 epochs, N = 5,000) take about an hour; the
first run also trains and caches the domain classifier (about 1 min). The
metrics at N = 5,000 take well under a minute per model.
"""

import argparse
import datetime
import gc
import hashlib
import json
import math
import os
import platform
import sys
import time
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # No C++ INFO lines.

import keras  # noqa: E402 (after the log level)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import callbacks as callbacks_lib  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo.metrics import Evaluator  # noqa: E402

IMAGE_SHAPE = (28, 28, 1)
DATASET = "idx:../shared/data/mnist"
METRICS = ("fid", "kid", "cs", "pr", "cacc")
FLOOR_MODEL = "dcgan"
CEILING_ROW = "real halves (ceiling)"
FLOOR_ROW = f"untrained {FLOOR_MODEL} (floor)"
FLOOR_RATIO = 20.0


# ----------------------------------------------------------------------------
# Models and data.


def image_models():
    """`({name: None}, {name: why})`: the registered image variants that build
    at 28x28x1, and the image variants that do not (with the error)."""
    ok, rejected = [], {}
    for name in tfgan_zoo.available_models():
        if "image_shape" not in tfgan_zoo.model_hparams(name):
            continue
        try:
            model = tfgan_zoo.create(name, compile=False, **model_kwargs(name, 10, seed=0))
            del model
            ok.append(name)
        except (ValueError, TypeError) as e:
            rejected[name] = f"{type(e).__name__}: {e}"
    return ok, rejected


def is_conditional(name):
    """Conditional by default: the `num_classes` hparam defaults to a value."""
    return tfgan_zoo.model_hparams(name).get("num_classes") is not None


def model_kwargs(name, num_classes, seed):
    kwargs = {"image_shape": IMAGE_SHAPE, "seed": seed}
    if is_conditional(name):
        kwargs["num_classes"] = num_classes
    return kwargs


def build(name, num_classes, seed):
    """The model at its paper defaults, seeded as the train launcher seeds it."""
    keras.utils.set_random_seed(seed)
    return tfgan_zoo.create(name, **model_kwargs(name, num_classes, seed))


def weights_digest(model):
    """sha256 of the generator's weights (as `launchers.train` prints it)."""
    digest = hashlib.sha256()
    for weight in model.generator.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()


def train_data(model, dataset, data_info, batch_size, seed, steps_per_epoch=None):
    """`(tf.data.Dataset, steps_per_epoch or None, generator steps per epoch)`.

    The same pipeline as `launchers/train.py` (one replica): batches of
    `batch_size * d_steps`; with `d_steps > 1` the data repeats and an epoch
    is `examples // batch_size` steps; with `d_steps = 1` an epoch is one
    pass over the data (`drop_remainder`: the same count).
    """
    steps = steps_per_epoch
    if steps is None and model.d_steps > 1 and data_info.num_examples:
        steps = max(1, data_info.num_examples // batch_size)
    image_shape = getattr(model, "image_shape", None)
    ds = data_lib.load(
        dataset,
        batch_size=batch_size * model.d_steps,
        image_shape=image_shape if image_shape and len(image_shape) == 3 else None,
        split="train",
        seed=seed,
        num_classes=model.num_classes,
        with_labels=model.conditional,
        repeat=steps is not None,
    )
    per_epoch = steps if steps is not None else data_info.num_examples // (batch_size * model.d_steps)
    return ds, steps, per_epoch


class EpochTimer(keras.callbacks.Callback):
    """Training seconds per epoch. Put it before the evaluation callbacks:
    Keras calls callbacks in order, so their time is not counted."""

    def __init__(self):
        super().__init__()
        self.seconds = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


# ----------------------------------------------------------------------------
# Metrics.


def metric_names(evaluator):
    """Column -> protocol name (at the evaluator's sample count)."""
    names = {
        "fid": evaluator.name("fid"),
        "kid": evaluator.name("kid"),
        "cs": evaluator.name("cs"),
        "cacc": evaluator.name("cacc"),
    }
    for key in ("precision", "recall", "density", "coverage"):
        names[key] = evaluator.name(key)
    return names


def to_jsonable(value):
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def fmt(value, spec=".3f"):
    return "" if value is None else format(value, spec)


def fmt_pm(mean, std, spec):
    if mean is None:
        return ""
    return f"{mean:{spec}}±{std:.2g}" if std is not None else f"{mean:{spec}}"


# ----------------------------------------------------------------------------
# Output.


COLUMNS = (
    ("model", "<", 24),
    ("epochs", ">", 6),
    ("G steps", ">", 8),
    ("train min", ">", 9),
    ("FID", ">", 9),
    ("KID", ">", 17),
    ("CS", ">", 13),
    ("precision", ">", 9),
    ("recall", ">", 7),
    ("density", ">", 8),
    ("coverage", ">", 8),
    ("cacc", ">", 6),
)


def table_row(label, metrics, names, epochs=None, steps=None, train_s=None):
    m = metrics or {}
    get = lambda key: m.get(names[key])  # noqa: E731
    kid_std = m.get(names["kid"] + "_std")
    cs_std = m.get(names["cs"] + "_std")
    return [
        label,
        "" if epochs is None else str(epochs),
        "" if steps is None else str(steps),
        "" if train_s is None else f"{train_s / 60:.2f}",
        fmt(get("fid"), ".3g" if (get("fid") or 0) < 1 else ".2f"),
        fmt_pm(get("kid"), kid_std, ".4g"),
        fmt_pm(get("cs"), cs_std, ".2f"),
        fmt(get("precision")),
        fmt(get("recall")),
        fmt(get("density")),
        fmt(get("coverage")),
        fmt(get("cacc")),
    ]


def format_table(rows):
    widths = [max(w, *(len(r[i]) for r in rows)) for i, (_, _, w) in enumerate(COLUMNS)]
    header = "  ".join(f"{title:{align}{w}}" for (title, align, _), w in zip(COLUMNS, widths))
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            "  ".join(f"{cell:{align}{w}}" for cell, (_, align, _), w in zip(row, COLUMNS, widths))
        )
    return "\n".join(lines)


def plot_curves(path, curves, ceiling_fid, fid_name, epochs, title_extra=""):
    """One FID line per model over epochs (log y), the ceiling as a line."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "warning: matplotlib is not installed; no plot written "
            "(pip install -e \".[bench]\")",
            flush=True,
        )
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=120)
    for name, points in curves.items():
        points = [(e, f) for e, f in points if f is not None and f > 0]
        if not points:
            continue
        xs, ys = zip(*points)
        ax.plot(xs, ys, marker="o", label=name)
    if ceiling_fid is not None and ceiling_fid > 0:
        ax.axhline(
            ceiling_fid, color="black", linestyle="--", linewidth=1,
            label=f"real halves (ceiling): {ceiling_fid:.3g}",
        )
    ax.set_yscale("log")
    ax.set_xlabel("epoch (0 = untrained)")
    ax.set_ylabel(f"FID ({fid_name}, lower is better)")
    ax.set_xticks(range(0, epochs + 1))
    ax.set_title(f"FID over training on MNIST{title_extra}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out_dir = os.path.dirname(path)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def machine_info():
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tfgan_zoo": getattr(tfgan_zoo, "__version__", None),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }


def load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


# ----------------------------------------------------------------------------
# Main.


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--epochs", type=int, default=3, help="training epochs per model (default 3)")
    p.add_argument(
        "--models",
        default=None,
        help="comma-separated model names (default: every registered image model)",
    )
    p.add_argument("--batch_size", type=int, default=64, help="minibatch of each discriminator step")
    p.add_argument("--seed", type=int, default=0, help="seeds weights, noise, data order, samples")
    p.add_argument(
        "--num_samples", type=int, default=5000, help="samples per side for the final metrics (N)"
    )
    p.add_argument(
        "--curve_samples", type=int, default=2000, help="samples per side for the FID-over-training curve"
    )
    p.add_argument("--output", default="benchmarks/results/quality.json", help="JSON results path")
    p.add_argument(
        "--plot", default="benchmarks/results/quality_fid.png", help="PNG plot path ('' for none)"
    )
    p.add_argument(
        "--cache_dir",
        default=None,
        help="Evaluator cache (classifier, real features); default the package cache",
    )
    p.add_argument("--save_models_dir", default=None, help="save each trained model as <dir>/<name>.keras")
    p.add_argument("--dataset", default=DATASET, help=f"real dataset spec (default {DATASET})")
    p.add_argument(
        "--steps_per_epoch",
        type=int,
        default=None,
        help="generator steps per epoch (default: the launcher's, examples // batch_size); for quick checks",
    )
    p.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2), help="Keras fit verbosity")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1:
        p.error("--epochs and --batch_size must be >= 1")
    if args.num_samples < 4 or args.curve_samples < 4:
        p.error("--num_samples and --curve_samples must be >= 4")
    if args.steps_per_epoch is not None and args.steps_per_epoch < 1:
        p.error("--steps_per_epoch must be >= 1")
    return args, p


def main(argv=None):
    args, parser = parse_args(argv)
    started = time.time()
    load_start = load_average()

    try:
        data_info = data_lib.info(args.dataset)
    except (ValueError, FileNotFoundError) as e:
        parser.error(f"{e} (run from the repository root, or pass --dataset)")
    num_classes = data_info.num_classes or 10
    available, rejected = image_models()
    if args.models:
        names = [n.strip() for n in args.models.split(",") if n.strip()]
        unknown = [n for n in names if n not in available]
        if unknown:
            parser.error(
                f"not image models that build at {IMAGE_SHAPE}: {unknown}. "
                f"Available: {available}" + (f"; rejected: {rejected}" if rejected else "")
            )
    else:
        names = available
    for name, why in rejected.items():
        print(f"note: {name} is an image model but does not build at {IMAGE_SHAPE}: {why}")

    n = args.num_samples
    if 2 * n > data_info.num_examples:
        parser.error(
            f"--num_samples={n}: the real-halves ceiling needs 2 x {n} real images; "
            f"{args.dataset} has {data_info.num_examples}"
        )
    if 2 * args.curve_samples > data_info.num_examples:
        parser.error(
            f"--curve_samples={args.curve_samples}: the curve's ceiling needs 2 x that; "
            f"{args.dataset} has {data_info.num_examples}"
        )

    print(
        f"Dataset {args.dataset}: {data_info.num_examples} images, {num_classes} classes. "
        f"Models: {', '.join(names)}. {args.epochs} epoch(s), batch {args.batch_size}, seed {args.seed}, "
        f"N={n}, curve N={args.curve_samples}.",
        flush=True,
    )

    # Evaluators. The first builds (trains and caches, ~1 min) the domain
    # classifier; the others load it.
    t0 = time.perf_counter()
    evaluator = Evaluator(
        args.dataset, metrics=METRICS, num_samples=n, image_shape=IMAGE_SHAPE, cache=args.cache_dir, seed=args.seed
    )
    ceiling_evaluator = Evaluator(
        args.dataset, metrics=METRICS, num_samples=2 * n, image_shape=IMAGE_SHAPE, cache=args.cache_dir, seed=args.seed
    )
    curve_evaluator = Evaluator(
        args.dataset, metrics=("fid",), num_samples=args.curve_samples, image_shape=IMAGE_SHAPE,
        cache=args.cache_dir, seed=args.seed,
    )
    curve_ceiling_evaluator = Evaluator(
        args.dataset, metrics=("fid",), num_samples=2 * args.curve_samples, image_shape=IMAGE_SHAPE,
        cache=args.cache_dir, seed=args.seed,
    )
    classifier = evaluator.extractor
    names_n = metric_names(evaluator)
    fid_curve_name = curve_evaluator.name("fid")
    print(
        f"Domain classifier {classifier.name}: held-out accuracy {classifier.accuracy:.4f} "
        f"({(classifier.info or {}).get('heldout_examples', '?')} held-out images; "
        f"ready in {time.perf_counter() - t0:.0f} s)",
        flush=True,
    )

    # Ceiling: half A of the 2N real subset must be the N real images the
    # models are compared with.
    t0 = time.perf_counter()
    ref_features = evaluator.real_features()[0]
    half_a = ceiling_evaluator.real_features()[0][:n]
    same_reference = bool(
        half_a.shape == ref_features.shape and np.allclose(half_a, ref_features, rtol=1e-4, atol=1e-5)
    )
    if not same_reference:
        print(
            "WARNING: half A of the real-halves split is not the real set the models are "
            "compared with (the Evaluator's real subset is not a permutation prefix)",
            flush=True,
        )
    ceiling = ceiling_evaluator.evaluate_real_halves()
    curve_ceiling = curve_ceiling_evaluator.evaluate_real_halves()
    curve_ceiling_fid = curve_ceiling.get(fid_curve_name)
    print(
        f"Ceiling (real halves, {time.perf_counter() - t0:.0f} s): "
        f"{names_n['fid']} = {ceiling.get(names_n['fid']):.4g}, "
        f"{fid_curve_name} = {curve_ceiling_fid:.4g}; half A == the models' real set: {same_reference}",
        flush=True,
    )

    # Floor: the untrained dcgan (same seed).
    t0 = time.perf_counter()
    floor_model = build(FLOOR_MODEL, num_classes, args.seed)
    floor_digest = weights_digest(floor_model)
    floor = evaluator.evaluate(floor_model)
    del floor_model
    print(
        f"Floor (untrained {FLOOR_MODEL}, {time.perf_counter() - t0:.0f} s): "
        f"{names_n['fid']} = {floor.get(names_n['fid']):.4g}",
        flush=True,
    )

    results = {}
    curves = {}
    failed = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        record = {"model": name, "conditional": is_conditional(name)}
        results[name] = record
        wall0 = time.perf_counter()
        try:
            model = build(name, num_classes, args.seed)
            record["hparams"] = to_jsonable(model_kwargs(name, num_classes, args.seed))
            record["d_steps"] = int(model.d_steps)
            record["initial_generator_sha256"] = weights_digest(model)
            ds, steps, per_epoch = train_data(
                model, args.dataset, data_info, args.batch_size, args.seed, args.steps_per_epoch
            )
            record["batch_size"] = args.batch_size
            record["fit_batch_size"] = args.batch_size * model.d_steps
            record["steps_per_epoch"] = per_epoch
            t0 = time.perf_counter()
            curve = [{"epoch": 0, fid_curve_name: curve_evaluator.evaluate(model)[fid_curve_name]}]
            curve_eval_s = time.perf_counter() - t0
            print(f"epoch 0 (untrained): {fid_curve_name} = {curve[0][fid_curve_name]:.4g}", flush=True)
            timer = EpochTimer()
            metrics_cb = callbacks_lib.MetricsCallback(curve_evaluator)
            t_fit = time.perf_counter()
            model.fit(
                ds,
                epochs=args.epochs,
                steps_per_epoch=steps,
                callbacks=[callbacks_lib.StopOnNaN(), timer, metrics_cb],
                verbose=args.verbose,
                shuffle=False,
            )
            fit_s = time.perf_counter() - t_fit
            train_s = float(sum(timer.seconds))
            curve_eval_s += fit_s - train_s
            curve += [{"epoch": h["epoch"], fid_curve_name: h[fid_curve_name]} for h in metrics_cb.history]
            record["epochs"] = len(timer.seconds)
            record["generator_steps"] = int(model.g_optimizer.iterations.numpy())
            record["discriminator_steps"] = int(model.d_optimizer.iterations.numpy())
            record["train_seconds"] = train_s
            record["train_seconds_per_epoch"] = timer.seconds
            record["curve"] = curve
            record["curve_eval_seconds"] = curve_eval_s
            t0 = time.perf_counter()
            record["metrics"] = evaluator.evaluate(model)
            record["eval_seconds"] = time.perf_counter() - t0
            record["generator_sha256"] = weights_digest(model)
            if args.save_models_dir:
                os.makedirs(args.save_models_dir, exist_ok=True)
                path = os.path.join(args.save_models_dir, f"{name}.keras")
                model.save(path)
                record["saved_model"] = path
            del model, ds
        except Exception as e:  # Keep going: one broken model must not lose the others.
            record["error"] = f"{type(e).__name__}: {e}"
            record["traceback"] = traceback.format_exc()
            failed.append(name)
            print(f"ERROR: {name} failed: {record['error']}", flush=True)
        record["wall_seconds"] = time.perf_counter() - wall0
        curves[name] = [(p["epoch"], p[fid_curve_name]) for p in record.get("curve", [])]
        if "metrics" in record:
            print(
                f"{name}: {names_n['fid']} = {record['metrics'][names_n['fid']]:.4g}; "
                f"train {record['train_seconds'] / 60:.2f} min ({record['generator_steps']} generator steps), "
                f"metrics {record['eval_seconds']:.0f} s, wall {record['wall_seconds'] / 60:.2f} min",
                flush=True,
            )
        gc.collect()

    # Table.
    rows = []
    for name, r in results.items():
        if "error" in r:
            rows.append([f"{name} (FAILED)"] + [""] * (len(COLUMNS) - 1))
            continue
        rows.append(
            table_row(name, r["metrics"], names_n, r["epochs"], r["generator_steps"], r["train_seconds"])
        )
    rows.append(table_row(CEILING_ROW, ceiling, names_n))
    rows.append(table_row(FLOOR_ROW, floor, names_n, epochs=0, steps=0))
    print(
        f"\nSample quality on {args.dataset} after {args.epochs} epoch(s), batch {args.batch_size}, "
        f"seed {args.seed}; {classifier.name} feature space, N = {n} per side "
        f"(protocol {names_n['fid']}, ...). KID and CS: mean±std."
    )
    print(f"Domain classifier held-out accuracy: {classifier.accuracy:.4f}")
    print(format_table(rows))
    print("\nWall time per model (train + FID curve + final metrics):")
    for name, r in results.items():
        extra = f" FAILED: {r['error']}" if "error" in r else (
            f" = train {r['train_seconds'] / 60:.2f} + curve {r['curve_eval_seconds'] / 60:.2f}"
            f" + metrics {r['eval_seconds'] / 60:.2f}"
        )
        print(f"  {name:<12} {r['wall_seconds'] / 60:6.2f} min{extra}")

    # Checks.
    fid_key = names_n["fid"]
    ceiling_fid, floor_fid = ceiling.get(fid_key), floor.get(fid_key)
    checks = {}
    ratio = floor_fid / ceiling_fid if ceiling_fid and ceiling_fid > 0 else float("inf")
    checks["ceiling_20x_below_floor"] = {
        "passed": bool(ratio >= FLOOR_RATIO),
        "ceiling_fid": ceiling_fid,
        "floor_fid": floor_fid,
        "ratio": ratio,
    }
    print(
        f"\nCHECK real-halves FID is at least {FLOOR_RATIO:.0f}x lower than the untrained floor: "
        f"{'PASS' if ratio >= FLOOR_RATIO else 'FAIL'} ({ceiling_fid:.4g} vs {floor_fid:.4g}, ratio {ratio:.1f}x)"
    )
    dc = results.get(FLOOR_MODEL)
    if dc is not None and "metrics" in dc:
        dcgan_fid = dc["metrics"][fid_key]
        between = bool(ceiling_fid < dcgan_fid < floor_fid)
        checks["trained_dcgan_between"] = {
            "passed": between,
            "ceiling_fid": ceiling_fid,
            "dcgan_fid": dcgan_fid,
            "floor_fid": floor_fid,
        }
        print(
            f"CHECK trained {FLOOR_MODEL} lies between ceiling and floor: {'PASS' if between else 'FAIL'} "
            f"({ceiling_fid:.4g} < {dcgan_fid:.4g} < {floor_fid:.4g})"
        )
    else:
        checks["trained_dcgan_between"] = {"passed": None, "reason": f"{FLOOR_MODEL} not trained in this run"}
        print(f"CHECK trained {FLOOR_MODEL} lies between ceiling and floor: n/a ({FLOOR_MODEL} not in --models)")
    if dc is not None and dc.get("initial_generator_sha256") not in (None, floor_digest):
        print(f"WARNING: the floor's weights differ from the trained {FLOOR_MODEL}'s initial weights")
    checks["ceiling_half_a_is_model_reference"] = {"passed": same_reference}

    # Plot and JSON.
    plot_path = None
    if args.plot:
        plot_path = plot_curves(
            args.plot, curves, curve_ceiling_fid, fid_curve_name, args.epochs,
            title_extra=f" (batch {args.batch_size}, seed {args.seed})",
        )
        if plot_path:
            print(f"Wrote {plot_path}")
    report = {
        "benchmark": "tfgan_zoo sample quality on MNIST",
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "duration_s": time.time() - started,
        "args": vars(args),
        "dataset": {"spec": args.dataset, "num_examples": data_info.num_examples, "num_classes": num_classes},
        "image_shape": list(IMAGE_SHAPE),
        "machine": machine_info(),
        "load_average_start": load_start,
        "load_average_end": load_average(),
        "classifier": {"name": classifier.name, "accuracy": classifier.accuracy, "info": classifier.info},
        "protocol": {
            "metrics": names_n,
            "num_samples": n,
            "curve_fid": fid_curve_name,
            "curve_samples": args.curve_samples,
        },
        "models": results,
        "ceiling": {"row": CEILING_ROW, "metrics": ceiling, "curve_fid": curve_ceiling_fid},
        "floor": {"row": FLOOR_ROW, "model": FLOOR_MODEL, "generator_sha256": floor_digest, "metrics": floor},
        "checks": checks,
        "rejected_models": rejected,
        "failed_models": failed,
        "plot": plot_path,
    }
    out_dir = os.path.dirname(args.output)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(to_jsonable(report), f, indent=2)
    print(f"Wrote {args.output}  (total {(time.time() - started) / 60:.1f} min)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
