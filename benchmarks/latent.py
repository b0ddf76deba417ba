"""What the latent-structure models' latent spaces are worth, on real MNIST.

- **Data**: `idx:../shared/data/mnist` (10,000 images): images 0-7,999
  train the models and the probes, 8,000-9,999 are held out.
- **infogan**: unsupervised accuracy of Q's categorical code on the held-out
  images, each code value mapped to a digit by the best one-to-one matching
  on the training images (Hungarian, `scipy.optimize.linear_sum_assignment`);
  figure: rows = categorical code, columns = the first continuous code swept
  from -2 to 2 (noise fixed per row).
- **bigan, aae**: a linear probe (scikit-learn's logistic regression on
  standardised codes, trained on images 0-7,999, tested on 8,000-9,999), beside
  the same probe on raw pixels and on the codes of a randomly initialised
  encoder of the same architecture (the model untrained, another seed).
- **aae** (2-D codes, N(0, 5^2) prior): held-out reconstruction MSE, the
  RBF MMD^2 (median bandwidth, `tfgan_zoo.metrics.rbf_mmd`) between 2,000
  held-out codes and 2,000 prior samples (and, as a reference, between two
  prior samples); figures: held-out codes coloured by digit, and the decoded
  grid of code points.
- **aae_supervised** (`num_classes=10`): the share of `generate(labels=k)`
  (100 per digit) that the package's MNIST domain classifier
  (`tfgan_zoo.metrics.extractors.DomainClassifier`, trained once and cached)
  labels `k`; figure: one style code per row, digits 0-9 across.
- **bigan** figure: held-out images over their reconstructions `G(E(x))`.

    python benchmarks/latent.py                          # all, default budget
    python benchmarks/latent.py --models aae --epochs 2  # one model

It prints a table and writes JSON (`--output`); figures go to `--figures`.
Budget: `--epochs` passes over the 8,000 training images per model
(`--epochs_for` per model; bigan takes about 9 s an epoch on one thread), at `--width`
(the DCGAN width, `--width_for` per model; 16 keeps the other models to
about a minute an epoch), and with `--minutes` a wall-clock cap per model:
its training stops after the first batch past it (the JSON records the
steps and epochs run). `--threads` sets TensorFlow's thread pools (0: its
default), so that a budget means the same on a busier machine.

    # The README's InfoGAN and BiGAN rows (width 32 and 16, one thread, 17 and 20 minutes):
    python benchmarks/latent.py --models infogan --width 32 --epochs 1000 --minutes 17 --threads 1
    python benchmarks/latent.py --models bigan --epochs 1000 --minutes 20 --threads 1
"""

import argparse
import json
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

DATASET = "idx:../shared/data/mnist"
TRAIN, TEST = slice(0, 8000), slice(8000, 10000)
MODELS = ("infogan", "bigan", "aae", "aae_supervised")
HPARAMS = {
    "infogan": {"model": "infogan", "latent_dim": 74},
    "bigan": {"model": "bigan", "latent_dim": 50},
    "aae": {"model": "aae", "latent_dim": 2, "prior": "normal", "prior_scale": 5.0},
    "aae_supervised": {"model": "aae", "latent_dim": 2, "prior": "normal", "prior_scale": 5.0, "num_classes": 10},
}


def _create(key, width, seed, overrides=None):
    hparams = {**HPARAMS[key], **(overrides or {})}
    return tfgan_zoo.create(hparams.pop("model"), width=width, seed=seed, **hparams)


def _train(model, x, y, epochs, batch_size, minutes=None):
    """`(seconds, final logs, steps run)` of `fit` for `epochs`, or until `minutes` have passed."""
    budget = timing.TimeBudget(None if minutes is None else 60.0 * minutes)
    history = model.fit(x, y if model.conditional else None, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True,
                        callbacks=[budget])
    return time.perf_counter() - budget.start, {k: float(v[-1]) for k, v in history.history.items()}, budget.steps


def linear_probe(train_features, train_labels, test_features, test_labels, seed=0):
    """Held-out accuracy of a logistic regression on standardised features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))
    probe.fit(train_features.reshape(len(train_features), -1), train_labels)
    return float(probe.score(test_features.reshape(len(test_features), -1), test_labels))


def matched_accuracy(train_codes, train_labels, test_codes, test_labels, k=10):
    """Accuracy of `test_codes` after the one-to-one code -> label matching
    that is best on the training pairs."""
    from scipy.optimize import linear_sum_assignment

    counts = np.zeros((k, k))
    np.add.at(counts, (train_codes, train_labels), 1)
    rows, cols = linear_sum_assignment(-counts)
    mapping = dict(zip(rows, cols))
    return float(np.mean([mapping[c] == t for c, t in zip(test_codes, test_labels)]))


def _grid(images, rows, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = len(images) // rows
    tiles = images[: rows * cols, ..., 0].reshape(rows, cols, *images.shape[1:3])
    canvas = tiles.transpose(0, 2, 1, 3).reshape(rows * images.shape[1], cols * images.shape[2])
    fig, ax = plt.subplots(figsize=(cols * 0.5 + 0.5, rows * 0.5 + 0.6))
    ax.imshow((canvas + 1) / 2, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=8)
    ax.axis("off")
    fig.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(fig)


def run_infogan(model, x, y, figures):
    train = model.infer_codes(x[TRAIN])["categorical"].argmax(1)
    test = model.infer_codes(x[TEST])["categorical"].argmax(1)
    result = {"unsupervised_accuracy": matched_accuracy(train, y[TRAIN], test, y[TEST], model.categorical_dim)}
    print(f"infogan: {result}", file=sys.stderr, flush=True)  # Before the figure, which may fail.
    if figures:
        sweep = np.linspace(-2, 2, 9)
        rows = []
        for code in range(model.categorical_dim):
            z = np.repeat(model.latent_with_codes(1, seed=code), len(sweep), 0)
            continuous = np.zeros((len(sweep), model.continuous_dim), np.float32)
            continuous[:, 0] = sweep
            rows.append(model.generate(z=z, categorical=[code] * len(sweep), continuous=continuous))
        _grid(np.concatenate(rows), model.categorical_dim, os.path.join(figures, "infogan_codes.png"),
              "InfoGAN: rows = categorical code, columns = continuous code 1 from -2 to 2")
    return result


def run_probe(model, untrained, x, y):
    codes = model.encode(x[TRAIN]), model.encode(x[TEST])
    random_codes = untrained.encode(x[TRAIN]), untrained.encode(x[TEST])
    return {
        "probe_codes": linear_probe(codes[0], y[TRAIN], codes[1], y[TEST]),
        "probe_random_encoder": linear_probe(random_codes[0], y[TRAIN], random_codes[1], y[TEST]),
    }


def run_aae(model, x, y, figures):
    from tfgan_zoo.metrics.rbf_mmd import mmd

    import tensorflow as tf

    held_out = x[TEST]
    codes = model.encode(held_out)
    prior = model.prior.sample(2 * len(codes), seed=tf.constant([0, 1])).numpy()
    result = {
        "reconstruction_mse": float(np.mean((model.reconstruct(held_out) - held_out) ** 2)),
        "code_prior_mmd2": float(mmd(codes, prior[: len(codes)])),
        "prior_prior_mmd2": float(mmd(prior[len(codes):], prior[: len(codes)])),
    }
    if figures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 4.5))
        points = ax.scatter(codes[:, 0], codes[:, 1], c=y[TEST], cmap="tab10", s=3)
        fig.colorbar(points, ax=ax, ticks=range(10))
        ax.set_title("AAE: held-out codes by digit (prior N(0, 5^2))", fontsize=9)
        fig.savefig(os.path.join(figures, "aae_codes.png"), dpi=80, bbox_inches="tight")
        plt.close(fig)
        axis = np.linspace(-10, 10, 12)
        grid = np.array([[a, -b] for b in axis for a in axis], np.float32)
        _grid(model.generate(z=grid), len(axis), os.path.join(figures, "aae_grid.png"),
              "AAE: decoded codes, [-10, 10]^2")
    return result


def run_aae_supervised(model, figures, classifier_seed=0):
    from tfgan_zoo.metrics.extractors import DomainClassifier

    classifier = DomainClassifier.for_dataset(DATASET, seed=classifier_seed)
    labels = np.repeat(np.arange(10), 100).astype(np.int32)
    images = model.generate(labels=labels, seed=0)
    _, logits = classifier.features_and_logits(images)
    result = {"label_accuracy": float(np.mean(np.argmax(logits, 1) == labels)), "classifier_accuracy": classifier.accuracy}
    if figures:
        styles = model.prior.sample(6, seed=(3, 4)).numpy()
        z = np.repeat(styles, 10, 0)
        _grid(model.generate(z=z, labels=np.tile(np.arange(10), 6).astype(np.int32)), 6,
              os.path.join(figures, "aae_supervised_styles.png"), "Supervised AAE: one style code per row, digits 0-9")
    return result


def _per_model(parser, flag, text, values):
    """`values` updated from `text`, 'model=int,...' (ints >= 1)."""
    values = dict(values)
    for item in filter(None, text.split(",")):
        name, _, value = item.partition("=")
        if name not in MODELS or not value.isdigit() or int(value) < 1:
            parser.error(f"--{flag}: expected model=value with a model of {list(MODELS)} and an int >= 1; received {item!r}")
        values[name] = int(value)
    return values


def _hparams(parser, text):
    """`--hparams` parsed: {model: {hparam: value}} for models of MODELS."""
    try:
        overrides = json.loads(text)
    except json.JSONDecodeError as e:
        parser.error(f"--hparams must be JSON ({e}); received {text!r}")
    if not isinstance(overrides, dict) or not all(k in MODELS and isinstance(v, dict) for k, v in overrides.items()):
        parser.error(f"--hparams must map models of {list(MODELS)} to dicts of hparams; received {text!r}")
    return overrides


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--epochs_for", default="", help="per-model epochs, e.g. 'bigan=1,aae=5'")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--width_for", default="", help="per-model widths, e.g. 'infogan=64'")
    parser.add_argument("--hparams", default="{}",
                        help='per-model hparams over the defaults, JSON, e.g. \'{"bigan": {"reconstruction_adversarial": true}}\'')
    parser.add_argument("--minutes", type=float, default=None, help="wall-clock training cap per model")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow intra- and inter-op threads (0: default)")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="benchmarks/results/latent_mnist.json")
    parser.add_argument("--figures", default="docs", help="'' for none")
    args = parser.parse_args(argv)
    keys = [k for k in args.models.split(",") if k]
    unknown = sorted(set(keys) - set(MODELS))
    if unknown:
        parser.error(f"--models: unknown {unknown}; valid: {list(MODELS)}")
    epochs = _per_model(parser, "epochs_for", args.epochs_for, {k: args.epochs for k in keys})
    widths = _per_model(parser, "width_for", args.width_for, {k: args.width for k in keys})
    overrides = _hparams(parser, args.hparams)
    if args.minutes is not None and not args.minutes > 0:
        parser.error(f"--minutes must be positive; received {args.minutes!r}")
    bench.limit_threads(args.threads)
    x, y = data_lib.load_arrays(DATASET, split="train", image_shape=(28, 28, 1))
    y = np.asarray(y)
    if args.figures:
        os.makedirs(args.figures, exist_ok=True)
    pixels = linear_probe(x[TRAIN], y[TRAIN], x[TEST], y[TEST])
    rows, results = [], {"dataset": DATASET, "epochs": epochs, "width": widths, "minutes": args.minutes,
                         "threads": args.threads, "seed": args.seed, "batch_size": args.batch_size, "hparams": overrides,
                         "probe_raw_pixels": pixels, "models": {}}
    for key in keys:
        keras.utils.set_random_seed(args.seed)
        model = _create(key, widths[key], args.seed, overrides.get(key))
        seconds, logs, steps = _train(model, x[TRAIN], y[TRAIN], epochs[key], args.batch_size, args.minutes)
        steps_per_epoch = -(-len(x[TRAIN]) // args.batch_size)
        result = {"epochs": epochs[key], "train_steps": steps, "epochs_run": steps / steps_per_epoch,
                  "train_seconds": seconds, "final_logs": logs, "hparams": model.hparams}
        if key == "infogan":
            result.update(run_infogan(model, x, y, args.figures))
        if key in ("bigan", "aae"):
            result.update(run_probe(model, _create(key, widths[key], args.seed + 1000, overrides.get(key)), x, y))
            result["probe_raw_pixels"] = pixels
        if key == "aae":
            result.update(run_aae(model, x, y, args.figures))
        if key == "aae_supervised":
            result.update(run_aae_supervised(model, args.figures))
        if key == "bigan" and args.figures:
            held_out = x[TEST][:10]
            _grid(np.concatenate([held_out, model.reconstruct(held_out)]), 2,
                  os.path.join(args.figures, "bigan_reconstructions.png"), "BiGAN: held-out digits (top), G(E(x)) (bottom)")
        results["models"][key] = result
        rows.append([key, f"{steps / steps_per_epoch:.3g}", f"{seconds:.0f}"] + [
            f"{result[m]:.3f}" if m in result else "-"
            for m in ("unsupervised_accuracy", "probe_codes", "probe_random_encoder", "probe_raw_pixels",
                      "reconstruction_mse", "code_prior_mmd2", "label_accuracy")
        ])
        print(f"{key}: {result}", file=sys.stderr, flush=True)
    header = ["model", "epochs", "train s", "cat. acc", "probe codes", "probe random E", "probe pixels", "recon MSE",
              "MMD2 codes-prior", "label acc"]
    print(bench.format_table(header, rows))
    bench.write_json(args.output, {**results, "machine": bench.machine_info()})
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
