"""Sample quality of the image GANs on real MNIST, after a fixed training budget.

- **Models**: every registered image variant that builds at 28x28x1 (read from
  the registry, so a new one is included), or `--models`. Each is trained as
  `launchers/train.py` trains it, through `tfgan_zoo.training`: hparams
  `resolve_hparams(name, {"sample_shape": (28, 28, 1)}, data, seed)` (so cgan
  takes the data's 10 classes), batches of `batch_size * d_steps` from
  `train_dataset`, an epoch of `examples // batch_size` generator steps, the
  launcher's seeds (`keras.utils.set_random_seed(seed)`, reset per model).
- **Data**: `idx:../shared/data/mnist` (the 10,000 test-split images on disk).
- **Metrics**, one protocol for all rows: `tfgan_zoo.metrics.Evaluator(data,
  metrics=("fid", "kid", "cs", "pr", "cacc"), num_samples=N)` in the feature
  space of the package's MNIST domain classifier (trained once, cached):
  FID, KID and classifier score (mean +- std), precision, recall, density,
  coverage, and conditional accuracy for conditional models.
- **Ceiling**: two disjoint halves of the real data (`evaluate_real_halves`
  of an Evaluator at 2N; its half A is the N real images the models are
  compared with, checked on the features). **Floor**: `dcgan` untrained,
  same seed. Checks: the ceiling's FID is at least 20x below the floor's, and
  the trained dcgan lies between them.
- **FID over training**: at `--curve_samples`, before training and after each
  epoch (`MetricsCallback`), plotted with the ceiling at the same N
  (`--plot`, needs matplotlib: `pip install -e ".[bench]"`).

    python benchmarks/quality.py                          # all image models, 3 epochs (about an hour)
    python benchmarks/quality.py --models dcgan,cgan --epochs 5
    python benchmarks/quality.py --epochs 1 --models dcgan,cgan --num_samples 1000 \\
        --curve_samples 500 --steps_per_epoch 20            # a quick check

Run it from the repository root. It prints the machine, a table and the
checks, and writes JSON (`--output`) with every metric under its protocol
name, the curves, timings and weight digests.
"""

import argparse
import gc
import os
import sys
import time
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import callbacks as callbacks_lib  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo import fileio  # noqa: E402
from tfgan_zoo import training  # noqa: E402
from tfgan_zoo.metrics import Evaluator  # noqa: E402

SHAPE = (28, 28, 1)
DATASET = "idx:../shared/data/mnist"
METRICS = ("fid", "kid", "cs", "pr", "cacc")
FLOOR_MODEL = "dcgan"
FLOOR_RATIO = 20.0
PARITY = 0.10  # A reduced precision's FID may be at most 10% above float32's (issue #18).
COLUMNS = ("fid", "kid", "cs", "precision", "recall", "density", "coverage", "cacc")


def build(name, data_info, seed, precision="float32"):
    """The model at its paper defaults (in `precision`), seeded and set up as the launcher does it."""
    keras.utils.set_random_seed(seed)
    hparams = training.resolve_hparams(name, {"sample_shape": SHAPE, "precision": precision}, data_info, seed)
    return tfgan_zoo.create(name, **hparams), hparams


def image_models(data_info):
    """`(names, {name: why})`: the image variants that build at 28x28x1, and the others."""
    ok, rejected = [], {}
    for name in tfgan_zoo.available_models():
        if "sample_shape" not in tfgan_zoo.model_hparams(name):
            continue
        try:
            build(name, data_info, seed=0)
            ok.append(name)
        except (ValueError, TypeError) as e:
            rejected[name] = f"{type(e).__name__}: {e}"
    return ok, rejected


def evaluators(args, n):
    """`Evaluator`s at `n` samples and at `2n` (the real-halves ceiling)."""
    make = lambda metrics, k: Evaluator(args.dataset, metrics=metrics, num_samples=k, image_shape=SHAPE,  # noqa: E731
                                        cache=args.cache_dir, seed=args.seed)
    metrics = METRICS if n == args.num_samples else ("fid",)
    return make(metrics, n), make(metrics, 2 * n)


def run_label(name, precision):
    """A run's name in the table and the JSON: the model, and its precision unless float32."""
    return name if precision == "float32" else f"{name} {precision}"


def train_and_score(name, args, data_info, evaluator, curve_evaluator, precision="float32"):
    """Trains `name` in `precision` for `args.epochs` and scores it; a JSON-able record."""
    record, wall = {"model": name, "precision": precision}, time.perf_counter()
    model, record["hparams"] = build(name, data_info, args.seed, precision)
    record["initial_generator_sha256"] = training.weights_digest(model)
    ds, plan = training.train_dataset(args.dataset, model, data_info, args.batch_size, seed=args.seed,
                                      steps_per_epoch=args.steps_per_epoch)
    record.update(d_steps=model.d_steps, conditional=model.conditional, fit_batch_size=plan.fit_batch_size,
                  steps_per_epoch=plan.generator_steps)
    fid = curve_evaluator.name("fid")
    curve = [{"epoch": 0, fid: curve_evaluator.evaluate(model)[fid]}]
    timer, metrics_cb = bench.EpochTimer(), callbacks_lib.MetricsCallback(curve_evaluator)
    model.fit(ds, epochs=args.epochs, steps_per_epoch=plan.steps_per_epoch, verbose=args.verbose, shuffle=False,
              callbacks=[callbacks_lib.StopOnNaN(), timer, metrics_cb])
    curve += [{"epoch": h["epoch"], fid: h[fid]} for h in metrics_cb.history]
    t0 = time.perf_counter()
    record.update(
        epochs=len(timer.seconds), train_seconds=float(sum(timer.seconds)), train_seconds_per_epoch=timer.seconds,
        generator_steps=int(model.g_optimizer.iterations.numpy()),
        discriminator_steps=int(model.d_optimizer.iterations.numpy()), curve=curve,
        metrics=evaluator.evaluate(model), generator_sha256=training.weights_digest(model),
    )
    record["eval_seconds"] = time.perf_counter() - t0
    if args.save_models_dir:
        os.makedirs(args.save_models_dir, exist_ok=True)
        record["saved_model"] = os.path.join(args.save_models_dir, f"{run_label(name, precision).replace(' ', '_')}.keras")
        model.save(record["saved_model"])
    record["wall_seconds"] = time.perf_counter() - wall
    return record


def table_row(label, metrics, evaluator, epochs="", steps="", train_s=None):
    m = metrics or {}
    cells = []
    for key in COLUMNS:
        value, std = m.get(evaluator.name(key)), m.get(evaluator.name(key) + "_std")
        if value is None:
            cells.append("")
        elif std is not None:
            cells.append(f"{value:.4g}±{std:.2g}")
        else:
            cells.append(f"{value:{'.3g' if value < 1 else '.2f'}}" if key == "fid" else f"{value:.3f}")
    return [label, str(epochs), str(steps), "" if train_s is None else f"{train_s / 60:.2f}", *cells]


def plot_curves(path, curves, ceiling_fid, fid_name, epochs):
    """One FID line per model over epochs (log y), the ceiling as a line."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print('warning: matplotlib is not installed; no plot (pip install -e ".[bench]")', flush=True)
        return None
    fig = Figure(figsize=(7.5, 4.8))
    ax = fig.subplots()
    for name, points in curves.items():
        points = [(e, f) for e, f in points if f is not None and f > 0]
        if points:
            ax.plot(*zip(*points), marker="o", label=name)
    if ceiling_fid:
        ax.axhline(ceiling_fid, color="black", linestyle="--", linewidth=1, label=f"real halves: {ceiling_fid:.3g}")
    ax.set(yscale="log", xlabel="epoch (0 = untrained)", ylabel=f"FID ({fid_name})", xticks=range(epochs + 1),
           title="FID over training on MNIST")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fileio.save_figure(fig, path, dpi=120)


def checks(ceiling_fid, floor_fid, results):
    """The two sanity checks, printed; a JSON-able dict."""
    ratio = floor_fid / ceiling_fid if ceiling_fid else float("inf")
    out = {"ceiling_20x_below_floor": {"passed": ratio >= FLOOR_RATIO, "ratio": ratio}}
    print(f"CHECK ceiling FID {ceiling_fid:.4g} at least {FLOOR_RATIO:.0f}x below the floor's {floor_fid:.4g}: "
          f"{'PASS' if ratio >= FLOOR_RATIO else 'FAIL'} ({ratio:.1f}x)")
    trained = results.get(FLOOR_MODEL, {}).get("metrics")
    if trained:
        fid = next(v for k, v in trained.items() if k.startswith("fid"))
        between = ceiling_fid < fid < floor_fid
        out["trained_dcgan_between"] = {"passed": between, "dcgan_fid": fid}
        print(f"CHECK trained {FLOOR_MODEL} between ceiling and floor: {'PASS' if between else 'FAIL'} ({fid:.4g})")
    out.update(precision_parity(results))
    return out


def precision_parity(results, tolerance=PARITY):
    """Per run in another precision: its FID over the same model's float32
    FID, passed if within `tolerance` above it (issue #18's parity); printed."""
    out = {}
    for label, record in results.items():
        reference = results.get(record.get("model"))
        if record.get("precision", "float32") == "float32" or not reference or "metrics" not in reference \
                or "metrics" not in record:
            continue
        fid, ref = (next(v for k, v in r["metrics"].items() if k.startswith("fid")) for r in (record, reference))
        ratio = fid / ref
        out[f"{label}_fid_within_{tolerance:.0%}_of_float32"] = {"passed": ratio <= 1 + tolerance, "ratio": ratio}
        print(f"CHECK {label} FID {fid:.4g} within {tolerance:.0%} of float32's {ref:.4g}: "
              f"{'PASS' if ratio <= 1 + tolerance else 'FAIL'} ({ratio:.3f}x)")
    return out


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--models", default=None, help="comma-separated (default: every image model)")
    p.add_argument("--batch_size", type=int, default=64, help="minibatch of each discriminator step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--num_samples", type=int, default=5000, help="samples per side for the final metrics (N)")
    p.add_argument("--curve_samples", type=int, default=2000, help="samples per side for the FID curve")
    p.add_argument("--steps_per_epoch", type=int, default=None, help="default: the launcher's")
    p.add_argument("--dataset", default=DATASET)
    p.add_argument("--cache_dir", default=None, help="Evaluator cache (default: the package's)")
    p.add_argument("--save_models_dir", default=None, help="save each trained model as <dir>/<name>.keras")
    p.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    p.add_argument("--output", default="benchmarks/results/quality.json")
    p.add_argument("--plot", default="benchmarks/results/quality_fid.png", help="'' for none")
    p.add_argument("--precisions", default="float32",
                   help="train every model in each (float32,bfloat16,float16); rows 'model precision'")
    args = p.parse_args(argv)
    args.precisions = [q.strip() for q in args.precisions.split(",") if q.strip()]
    bad = sorted(set(args.precisions) - {"float32", "bfloat16", "float16"})
    if bad or not args.precisions:
        p.error(f"--precisions takes float32, bfloat16, float16. Received: {args.precisions}")
    if args.epochs < 1 or args.batch_size < 1 or min(args.num_samples, args.curve_samples) < 4:
        p.error("--epochs and --batch_size must be >= 1, the sample counts >= 4")
    if args.steps_per_epoch is not None and args.steps_per_epoch < 1:
        p.error(f"--steps_per_epoch must be >= 1. Received: {args.steps_per_epoch}")
    try:
        args.data_info = data_lib.info(args.dataset)
    except (ValueError, FileNotFoundError) as e:
        p.error(f"{e} (run from the repository root, or pass --dataset)")
    if 2 * max(args.num_samples, args.curve_samples) > args.data_info.num_examples:
        p.error(f"the real-halves ceiling needs 2 x the sample counts; {args.dataset} has "
                f"{args.data_info.num_examples}. Received: {args.num_samples}, {args.curve_samples}")
    available, args.rejected = image_models(args.data_info)
    args.names = [n.strip() for n in args.models.split(",") if n.strip()] if args.models else available
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        p.error(f"not image models that build at {SHAPE}: {unknown}. Available: {available}")
    return args


def main(argv=None):
    args = parse_args(argv)
    started, machine = time.time(), bench.machine_info()
    print(f"Machine: {bench.describe_machine(machine)}\nDataset {args.dataset}: {args.data_info.num_examples} "
          f"images. Models: {', '.join(args.names)}; {args.epochs} epoch(s), batch {args.batch_size}, N={args.num_samples}.",
          flush=True)
    evaluator, ceiling_evaluator = evaluators(args, args.num_samples)
    curve_evaluator, curve_ceiling_evaluator = evaluators(args, args.curve_samples)
    classifier, fid = evaluator.extractor, evaluator.name("fid")
    print(f"Domain classifier {classifier.name}: held-out accuracy {classifier.accuracy:.4f}", flush=True)
    half_a = ceiling_evaluator.real_features()[0][: args.num_samples]
    same_reference = bool(np.allclose(half_a, evaluator.real_features()[0], rtol=1e-4, atol=1e-5))
    ceiling = ceiling_evaluator.evaluate_real_halves()
    curve_ceiling = curve_ceiling_evaluator.evaluate_real_halves()[curve_evaluator.name("fid")]
    floor_model, _ = build(FLOOR_MODEL, args.data_info, args.seed)
    floor = evaluator.evaluate(floor_model)
    print(f"Ceiling {fid} = {ceiling[fid]:.4g} (half A is the models' real set: {same_reference}); "
          f"floor (untrained {FLOOR_MODEL}) = {floor[fid]:.4g}", flush=True)

    results, failed = {}, []
    for name, precision in [(n, q) for n in args.names for q in args.precisions]:
        label = run_label(name, precision)
        print(f"\n=== {label} ===", flush=True)
        try:
            results[label] = train_and_score(name, args, args.data_info, evaluator, curve_evaluator, precision)
            r = results[label]
            print(f"{label}: {fid} = {r['metrics'][fid]:.4g}; train {r['train_seconds'] / 60:.2f} min "
                  f"({r['generator_steps']} generator steps), wall {r['wall_seconds'] / 60:.2f} min", flush=True)
        except Exception as e:  # One broken model must not lose the others.
            results[label] = {"model": name, "precision": precision, "error": f"{type(e).__name__}: {e}",
                              "traceback": traceback.format_exc()}
            failed.append(label)
            print(f"ERROR: {label} failed: {results[label]['error']}", flush=True)
        gc.collect()

    rows = [table_row(f"{n} (FAILED)" if "error" in r else n, r.get("metrics"), evaluator, r.get("epochs", ""),
                      r.get("generator_steps", ""), r.get("train_seconds")) for n, r in results.items()]
    rows += [table_row("real halves (ceiling)", ceiling, evaluator),
             table_row(f"untrained {FLOOR_MODEL} (floor)", floor, evaluator, 0, 0)]
    print(f"\nSample quality on {args.dataset}, {classifier.name} features, N = {args.num_samples} per side "
          f"(protocol {fid}); KID and CS mean±std.")
    print(bench.format_table(["model", "epochs", "G steps", "train min", *COLUMNS], rows))
    report_checks = checks(ceiling[fid], floor[fid], results)
    report_checks["ceiling_half_a_is_model_reference"] = {"passed": same_reference}
    curves = {n: [(p["epoch"], p[curve_evaluator.name("fid")]) for p in r.get("curve", [])] for n, r in results.items()}
    plot = args.plot and plot_curves(args.plot, curves, curve_ceiling, curve_evaluator.name("fid"), args.epochs)
    report = {
        "benchmark": "tfgan_zoo sample quality on MNIST", "duration_s": time.time() - started, "machine": machine,
        "args": {k: v for k, v in vars(args).items() if k != "data_info"},
        "classifier": {"name": classifier.name, "accuracy": classifier.accuracy, "info": classifier.info},
        "protocol": {"fid": fid, "num_samples": args.num_samples, "curve_samples": args.curve_samples},
        "models": results, "ceiling": {"metrics": ceiling, "curve_fid": curve_ceiling},
        "floor": {"model": FLOOR_MODEL, "metrics": floor, "generator_sha256": training.weights_digest(floor_model)},
        "checks": report_checks, "failed_models": failed, "rejected_models": args.rejected, "plot": plot or None,
    }
    print(f"Wrote {bench.write_json(args.output, report)}" + (f" and {plot}" if plot else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
