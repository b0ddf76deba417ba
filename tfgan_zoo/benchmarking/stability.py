"""The mode-collapse benchmark of the stabilisers (issue #13), as functions.

`benchmarks/stability.py` is a thin script over these:

- `toy_benchmark(dataset, options, seeds, steps, ...)`: `vanilla_gan` with
  its MLP networks on a 2-D toy set (`ring8`, `grid25`), one run per
  option set and seed, a fixed number of generator steps (not wall time),
  scored by `tfgan_zoo.metrics.toy.mode_coverage` (the registry's `modes`
  and `hq`) and `mode_kl`; `summarise` gives mean and std over seeds.
- `plot_toy(path, dataset, samples)`: generated points over the real
  modes, one panel per option set.
- `image_run(name, hparams, dataset, ...)`: one image model trained for
  a number of epochs as the launcher trains it, scored by an `Evaluator`
  (FID, precision/recall in the domain classifier's features) and
  `classes_covered` (the classifier's predicted digits).
- `step_time_ratios(models, datasets, ...)`: seconds per `fit` step of
  each trained model, interleaved in rounds, as ratios to a baseline.

Example:

>>> mode_kl([5, 5, 5, 5])
0.0
>>> round(mode_kl([10, 0, 0, 0]), 4)  # log 4: all points on one of 4 modes
1.3863
>>> classes_covered(np.eye(3)[[0, 0, 0, 1, 1, 2]], min_fraction=1.0)
2
"""

import time

import numpy as np

from tfgan_zoo.benchmarking import timing

# The option sets of the toy benchmark: the plain non-saturating GAN, then
# each option alone. `anneal` in a value stands for the run's step budget.
TOY_OPTIONS = {
    "plain": {},
    "label_smoothing": {"label_smoothing": 0.1},
    "instance_noise": {"instance_noise": 0.1, "instance_noise_anneal_steps": "anneal"},
    "r1_weight": {"r1_weight": 1.0},
    "spectral_norm": {"spectral_norm": True},
    "ema_decay": {"ema_decay": 0.999},
    "feature_matching": {"feature_matching": 1.0},
    "historical_averaging": {"historical_averaging": 0.01},
    "minibatch_discrimination": {"minibatch_features": "discrimination"},
    "minibatch_stddev": {"minibatch_features": "stddev"},
    "virtual_batch_norm": {"virtual_batch_norm": True},
}


def mode_kl(counts):
    """KL(p || uniform) of the histogram `counts` of points over modes (nats).

    0 when every mode holds the same share; log(modes) when one mode holds
    everything; NaN for an empty histogram.
    """
    counts = np.asarray(counts, np.float64)
    if counts.sum() <= 0:
        return float("nan")
    p = counts / counts.sum()
    nonzero = p > 0
    return float(np.sum(p[nonzero] * np.log(p[nonzero] * len(p))))


def classes_covered(logits, min_fraction=0.1):
    """Classes the argmax of `logits [n, classes]` lands on at least
    `min_fraction * n / classes` times (the rule of `mode_coverage`)."""
    logits = np.asarray(logits)
    if logits.ndim != 2 or len(logits) == 0:
        raise ValueError(f"`logits` must be a non-empty [n, classes] array. Received: shape {logits.shape}")
    counts = np.bincount(logits.argmax(axis=1), minlength=logits.shape[1])
    return int(np.sum(counts >= max(1.0, min_fraction * len(logits) / logits.shape[1])))


def resolve_options(options, steps):
    """`options` with the placeholder `"anneal"` replaced by `steps`."""
    return {k: (steps if v == "anneal" else v) for k, v in options.items()}


def toy_run(dataset, options, seed, steps, batch_size=256, num_samples=2500, base=None, learning_rate=1e-3,
            beta_2=0.999, steps_per_execution=50, name="vanilla_gan"):
    """Trains model `name` (`vanilla_gan`) on the toy `dataset` for `steps` generator steps.

    Args:
        dataset: `"ring8"` or `"grid25"`.
        options: stabiliser hparams (see `TOY_OPTIONS`).
        seed: the run's seed (weights, data order, noise).
        steps: generator steps (the budget).
        batch_size: examples per discriminator step.
        num_samples: generated points that are scored.
        base: the model's other hparams (width, latent_dim...).
        learning_rate: of Adam (beta_1 0.5) for both players (the
            generator alone when the model has no discriminator).
        beta_2: Adam's second-moment decay.
        steps_per_execution: train steps per `tf.function` call of `fit`
            (the toy networks are so small that Keras' per-call overhead
            would dominate).
        name: a registered model with MLP networks for 2-D points
            (`vanilla_gan`; the critics, `gmmn` and `mmd_gan` with
            `network="mlp"` in `base`).

    Returns:
        `{"modes", "hq", "kl", "counts", "seconds", "samples"}`.
    """
    import keras

    import tfgan_zoo
    from tfgan_zoo import data as data_lib
    from tfgan_zoo import training
    from tfgan_zoo.metrics import toy

    info = data_lib.info(dataset)
    keras.utils.set_random_seed(seed)
    given = {**(base or {}), **resolve_options(options, steps)}
    hparams = training.resolve_hparams(name, given, info, seed)
    model = tfgan_zoo.create(name, compile=False, **hparams)
    adam = lambda: keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=beta_2)  # noqa: E731
    d_optimizer = {} if model.discriminator is None else {"d_optimizer": adam()}
    model.compile(g_optimizer=adam(), **d_optimizer, steps_per_execution=steps_per_execution)
    ds, plan = training.train_dataset(dataset, model, info, batch_size, seed=seed, steps_per_epoch=steps)
    start = time.perf_counter()
    model.fit(ds, epochs=1, steps_per_epoch=plan.steps_per_epoch, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    samples = np.asarray(model.generate(num_samples, seed=seed + 1))
    centers, std = data_lib.toy_modes(dataset)
    if not np.all(np.isfinite(samples)):
        return {"modes": 0, "hq": 0.0, "kl": float("nan"), "counts": None, "seconds": seconds,
                "samples": samples, "diverged": True}
    coverage = toy.mode_coverage(samples, centers, std)
    return {"modes": coverage["modes_covered"], "hq": coverage["high_quality_fraction"],
            "kl": mode_kl(coverage["counts"]), "counts": coverage["counts"], "seconds": seconds,
            "samples": samples}


def summarise(runs):
    """Mean and std over seeds of `modes`, `hq`, `kl`, and the minimum of `modes`."""
    out = {}
    for key in ("modes", "hq", "kl"):
        values = np.array([r[key] for r in runs], np.float64)
        out[key + "_mean"], out[key + "_std"] = float(np.nanmean(values)), float(np.nanstd(values))
    out["modes_min"] = int(min(r["modes"] for r in runs))
    out["seconds_mean"] = float(np.mean([r["seconds"] for r in runs]))
    return out


def toy_benchmark(dataset, options, seeds, steps, log=print, **run_kwargs):
    """Every option set of `options` (`{name: hparams}`) over `seeds`
    (`run_kwargs`: the other arguments of `toy_run`).

    Returns `{name: {"options", "runs" (per seed, without samples),
    "summary", "samples" (the first seed's points)}}`.
    """
    results = {}
    for name, opts in options.items():
        runs = []
        for seed in seeds:
            run = toy_run(dataset, opts, seed, steps, **run_kwargs)
            log(f"{dataset} {name} seed {seed}: modes {run['modes']}, hq {run['hq']:.3f}, kl {run['kl']:.3f} "
                f"({run['seconds']:.1f} s)")
            runs.append(run)
        results[name] = {
            "options": resolve_options(opts, steps), "summary": summarise(runs), "samples": runs[0]["samples"],
            "runs": [{"seed": s, **{k: v for k, v in r.items() if k != "samples"}} for s, r in zip(seeds, runs)],
        }
    return results


def toy_table_rows(results, num_modes):
    """Table rows: option, modes mean±std (min), hq, KL."""
    rows = []
    for name, r in results.items():
        s = r["summary"]
        rows.append([name, f"{s['modes_mean']:.1f}±{s['modes_std']:.1f} / {num_modes}", str(s["modes_min"]),
                     f"{s['hq_mean']:.3f}±{s['hq_std']:.3f}", f"{s['kl_mean']:.3f}±{s['kl_std']:.3f}"])
    return rows


def plot_toy(path, dataset, samples, columns=4):
    """Generated points (`{option: [n, 2]}`) over the real modes' 3-std
    circles, one panel per option; written atomically, returns `path`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    from tfgan_zoo import data as data_lib
    from tfgan_zoo import fileio

    centers, std = data_lib.toy_modes(dataset)
    rows = -(-len(samples) // columns)
    fig = Figure(figsize=(2.6 * columns, 2.6 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_visible(False)
    for ax, (name, points) in zip(axes.flat, samples.items()):
        ax.set_visible(True)
        points = np.asarray(points)
        points = points[np.all(np.isfinite(points), axis=1)]
        ax.scatter(points[:, 0], points[:, 1], s=1, alpha=0.3, color="tab:blue", rasterized=True)
        for c in centers:
            ax.add_patch(Circle(c, 3 * std, fill=False, color="tab:red", linewidth=0.8))
        ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05), aspect="equal", xticks=[], yticks=[])
        ax.set_title(name, fontsize=8)
    fig.suptitle(f"{dataset}: generated points (blue) over the real modes (red, 3 std)", fontsize=9)
    return fileio.save_figure(fig, path)


def image_run(name, options, dataset, evaluator, epochs, batch_size=64, seed=0, steps_per_epoch=None,
              sample_shape=(28, 28, 1), log=print):
    """Trains image model `name` with `options` as the launcher does and scores it.

    Returns `(model, dataset, record)`: the trained model and its data (for
    `step_time_ratios`), and `{"options", "metrics", "classes_covered",
    "train_seconds", "generator_steps"}`; `metrics` are the evaluator's,
    `classes_covered` counts the domain classifier's predicted classes
    over the same samples.
    """
    import keras

    import tfgan_zoo
    from tfgan_zoo import data as data_lib
    from tfgan_zoo import training

    info = data_lib.info(dataset)
    keras.utils.set_random_seed(seed)
    hparams = training.resolve_hparams(name, {"sample_shape": sample_shape, **options}, info, seed)
    model = tfgan_zoo.create(name, **hparams)
    ds, plan = training.train_dataset(dataset, model, info, batch_size, seed=seed, steps_per_epoch=steps_per_epoch)
    timer = timing.EpochTimer()
    progress = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: log(f"{name} {options}: epoch {epoch + 1}/{epochs}, {sum(timer.seconds):.0f} s"))
    model.fit(ds, epochs=epochs, steps_per_epoch=plan.steps_per_epoch, verbose=0, shuffle=False,
              callbacks=[timer, progress])
    samples = np.concatenate([np.asarray(model.generate(500, seed=seed * 100_003 + i))
                              for i in range(0, evaluator.num_samples, 500)])[: evaluator.num_samples]
    _, logits = evaluator.extractor.features_and_logits(samples.astype(np.float32))
    record = {"options": options, "metrics": evaluator.evaluate_samples(samples),
              "classes_covered": classes_covered(logits), "train_seconds": float(sum(timer.seconds)),
              "generator_steps": int(model.g_optimizer.iterations.numpy())}
    log(f"{name} {options}: {record['metrics']}, classes {record['classes_covered']}, "
        f"{record['train_seconds'] / 60:.1f} min")
    return model, ds, record


def step_time_ratios(models, datasets, baseline, steps=30, rounds=5):
    """Seconds per `fit` step of each model (`{config: model}`, data in
    `datasets`), interleaved in rounds; `{config: {"seconds", "ratio"}}`,
    the ratio the median over rounds of config / `baseline` in that round."""
    runs = {k: timing.fit_runner(m, datasets[k], steps) for k, m in models.items()}
    values = timing.interleave(runs, rounds)
    return {k: {"seconds": timing.median(v), "ratio": timing.median(timing.paired_ratios(v, values[baseline]))}
            for k, v in values.items()}
