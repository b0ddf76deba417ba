"""Which loss for which data (issue #19, point 4), as functions.

`benchmarks/losses.py` is a thin script over these:

- `LOSSES`: the benchmark's losses: the logit losses of
  `tfgan_zoo.losses` (non-saturating, minimax, least squares, hinge, the
  f-divergences), Wasserstein with weight clipping (`wasserstein`, the
  `wgan` model) and with a gradient penalty (`wasserstein_gp`), Cramér
  (`cramer`) and MMD on critic features (`mmd`).
- `loss_arms(domain)`: `{loss: (model, hparams)}`, the zoo's model that
  trains `domain`'s data with each loss it can; `loss_arm` refuses a loss
  no model of the domain takes, naming it.
- `prior_arms()`: normal and uniform priors at 2, 10 and 100 latent
  dimensions (the non-saturating loss; toys and MNIST).
- `prepare(domain, settings)` builds what a domain's runs share (the
  evaluator, the data), `score(domain, model, hparams, seed, settings,
  shared)` trains one run for the domain's fixed budget and measures it
  by the domain's own measure (`DOMAINS`): toy modes covered
  (`stability.toy_run`), MNIST domain-classifier FID
  (`stability.image_run`), waves discriminative score, Adult efficacy F1,
  dates grammar acceptance.
- `run_arms` runs arms over seeds; `summarise` gives mean and std;
  `table_rows` and `plot_results` make the table and the bar charts.

Example:

>>> loss_arms("adult")
{'wasserstein_gp': ('tabular_wgan_gp', {})}
>>> prior_arms()["uniform/10"]
{'loss': 'non_saturating', 'prior': 'uniform', 'latent_dim': 10}
>>> summarise([{"f1": 0.5, "seconds": 1.0}, {"f1": 0.7, "seconds": 3.0}], "f1")["f1_mean"]
0.6
"""

import math
import time

import numpy as np

from tfgan_zoo import losses as losses_lib
from tfgan_zoo import registry
from tfgan_zoo.benchmarking import stability

# The logit losses (the "wasserstein" pair needs a Lipschitz critic: it is an
# arm of its own, the `wgan` model).
LOGIT_LOSSES = tuple(n for n in losses_lib.available_losses() if n != "wasserstein")
CRITIC_LOSSES = {"wasserstein": "wgan", "wasserstein_gp": "wgan_gp", "cramer": "cramer_gan", "mmd": "mmd_gan"}
LOSSES = LOGIT_LOSSES + tuple(CRITIC_LOSSES)

# Each domain's measure: the key `score` returns first, and which way is better.
DOMAINS = {
    "toy": {"measure": "modes", "higher_is_better": True, "also": ("hq",)},
    "mnist": {"measure": "fid", "higher_is_better": False, "also": ("classes",)},
    "waves": {"measure": "disc", "higher_is_better": False, "also": ()},
    "adult": {"measure": "f1", "higher_is_better": True, "also": ()},
    "text": {"measure": "accepted", "higher_is_better": True, "also": ("unique",)},
}
PRIOR_DOMAINS = ("toy", "mnist")


def loss_arms(domain):
    """`{loss: (model name, hparams)}`: how the zoo trains `domain` with each loss it can."""
    registry.lookup(DOMAINS, domain, "domain", "domain")
    if domain in ("toy", "mnist"):
        logit = "vanilla_gan" if domain == "toy" else "dcgan"
        network = {"network": "mlp"} if domain == "toy" else {}
        arms = {loss: (logit, {"loss": loss}) for loss in LOGIT_LOSSES}
        arms.update({loss: (model, dict(network)) for loss, model in CRITIC_LOSSES.items()})
        return arms
    if domain == "waves":
        arms = {loss: ("rcgan", {"loss": loss}) for loss in LOGIT_LOSSES}
        arms["wasserstein_gp"] = ("rcgan", {"loss": "wasserstein", "gp_weight": 10.0})
        return arms
    # The table and text models are WGAN-GP critics only.
    return {"wasserstein_gp": ("tabular_wgan_gp" if domain == "adult" else "text_gan", {})}


def loss_arm(domain, loss):
    """`(model, hparams)` of `loss` on `domain`; a ValueError naming `loss`
    if it is not a benchmark loss or no model of the domain takes it."""
    registry.lookup(dict.fromkeys(LOSSES), loss, "loss", "loss")
    arms = loss_arms(domain)
    if loss not in arms:
        raise ValueError(
            f"No model of the zoo trains the {domain} domain with loss {loss!r}; it takes {sorted(arms)}. "
            f"Received: loss={loss!r}"
        )
    return arms[loss]


def prior_arms(priors=("normal", "uniform"), latent_dims=(2, 10, 100)):
    """`{"prior/latent_dim": hparams}` of the prior question (non-saturating loss)."""
    return {f"{p}/{d}": {"loss": "non_saturating", "prior": p, "latent_dim": d} for p in priors for d in latent_dims}


def prepare(domain, settings):
    """What the runs of `domain` share: `{"evaluator"}` (MNIST), `{"train",
    "test", "schema"}` (Adult), `{}` otherwise."""
    if domain == "mnist":
        from tfgan_zoo.metrics import Evaluator

        return {"evaluator": Evaluator(settings["dataset"], metrics=("fid",), num_samples=settings["num_samples"],
                                       image_shape=(28, 28, 1), seed=0)}
    if domain == "adult":
        from tfgan_zoo.data import table

        frame, schema = table.read_csv(settings["data"], label="Salary")
        order = np.random.default_rng(0).permutation(len(frame))
        cut = int(0.8 * len(frame))
        train, test = (frame.iloc[np.sort(part)].reset_index(drop=True) for part in (order[:cut], order[cut:]))
        return {"train": train, "test": test, "schema": {**schema, "positive": settings["positive"]}}
    return {}


def score(domain, model, hparams, seed, settings, shared):
    """Trains `model` with `hparams` for `domain`'s budget (`settings`) and
    measures it: `{measure: value, ..., "seconds", "steps"}`."""
    runner = {"toy": _toy, "mnist": _mnist, "waves": _waves, "adult": _adult, "text": _text}
    return runner[domain](model, hparams, seed, settings, shared)


def _toy(model, hparams, seed, s, shared):
    run = stability.toy_run(s["dataset"], hparams, seed, s["steps"], batch_size=s["batch_size"],
                            num_samples=s["num_samples"], learning_rate=s["learning_rate"],
                            base={"width": s["width"], "latent_dim": s["latent_dim"], "d_steps": s["d_steps"]},
                            steps_per_execution=min(50, s["steps"]), name=model)
    return {"modes": run["modes"], "hq": run["hq"], "seconds": run["seconds"], "steps": s["steps"],
            "diverged": bool(run.get("diverged", False))}


def _mnist(model, hparams, seed, s, shared):
    evaluator = shared["evaluator"]
    options = {"width": s["width"], "d_steps": s["d_steps"], **hparams}
    _, _, record = stability.image_run(model, options, s["dataset"], evaluator, epochs=1,
                                       batch_size=s["batch_size"], seed=seed, steps_per_epoch=s["steps"],
                                       log=lambda *a: None)
    fid = record["metrics"][evaluator.name("fid")]
    return {"fid": fid if math.isfinite(fid) else float("nan"), "classes": record["classes_covered"],
            "seconds": record["train_seconds"], "steps": record["generator_steps"]}


def _fit_steps(net, dataset, steps):
    start = time.perf_counter()
    net.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    return time.perf_counter() - start


def _waves(model, hparams, seed, s, shared):
    import keras

    import tfgan_zoo
    from tfgan_zoo import data as data_lib
    from tfgan_zoo.metrics.sequence_evaluate import SequenceEvaluator

    keras.utils.set_random_seed(seed)
    net = tfgan_zoo.create(model, sequence_length=30, num_features=1, hidden_units=s["hidden_units"],
                           latent_dim=s["latent_dim"], num_classes=2, d_steps=s["d_steps"], seed=seed, **hparams)
    adam = lambda: keras.optimizers.Adam(s["learning_rate"], beta_1=0.5)  # noqa: E731
    net.compile(g_optimizer=adam(), d_optimizer=adam())
    ds = data_lib.load("waves", batch_size=s["batch_size"] * s["d_steps"], seed=seed, repeat=True)
    seconds = _fit_steps(net, ds, s["steps"])
    evaluator = SequenceEvaluator("waves", num_samples=s["num_samples"], metrics=("disc",), seed=seed)
    fake = net.generate(s["num_samples"], labels=evaluator.labels(2), seed=seed)
    if not np.all(np.isfinite(fake)):
        return {"disc": 0.5, "seconds": seconds, "steps": s["steps"], "diverged": True}
    (disc,) = evaluator.compute(evaluator.test[: s["num_samples"]], fake, evaluator.labels(2)).values()
    return {"disc": disc, "seconds": seconds, "steps": s["steps"], "diverged": False}


def _adult(model, hparams, seed, s, shared):
    import keras

    from tfgan_zoo.metrics import tabular
    from tfgan_zoo.models.tabular import TabularWGANGP

    keras.utils.set_random_seed(seed)
    train = shared["train"]
    net = TabularWGANGP.for_table(train, shared["schema"], seed=seed, **hparams)
    epochs = math.ceil(s["steps"] * s["batch_size"] * net.d_steps / len(train)) + 1
    seconds = _fit_steps(net, net.dataset(train, s["batch_size"], epochs=epochs, seed=seed), s["steps"])
    fake = net.sample_rows(s["num_samples"], seed=seed)
    efficacy = tabular.ml_efficacy(fake, shared["test"], shared["schema"], s["positive"], seed=seed)
    return {"f1": efficacy["mean"], "seconds": seconds, "steps": s["steps"]}


def _text(model, hparams, seed, s, shared):
    import keras

    import tfgan_zoo
    from tfgan_zoo import data as data_lib
    from tfgan_zoo.data import dates
    from tfgan_zoo.metrics import text

    keras.utils.set_random_seed(seed)
    net = tfgan_zoo.create(model, width=s["width"], latent_dim=s["latent_dim"], d_steps=s["d_steps"], seed=seed,
                           **hparams)
    adam = lambda: keras.optimizers.Adam(s["learning_rate"], beta_1=0.5, beta_2=0.9)  # noqa: E731
    net.compile(g_optimizer=adam(), d_optimizer=adam())
    ds = data_lib.load("dates", batch_size=s["batch_size"] * s["d_steps"], seed=seed, repeat=True, with_labels=False)
    seconds = _fit_steps(net, ds, s["steps"])
    strings = net.generate_text(s["num_samples"], seed=seed)
    return {"accepted": text.accepted_share(strings, dates.accepts), "unique": len(set(strings)) / len(strings),
            "seconds": seconds, "steps": s["steps"]}


def summarise(runs, measure, also=()):
    """Mean and std over seeds (NaN-aware) of `measure`, `also` and `seconds`;
    `diverged`: runs whose samples were not finite."""
    out = {}
    for key in (measure, *also, "seconds"):
        values = np.array([r[key] for r in runs], np.float64)
        finite = values[np.isfinite(values)]
        out[key + "_mean"] = float(finite.mean()) if len(finite) else float("nan")
        out[key + "_std"] = float(finite.std()) if len(finite) else float("nan")
    out["diverged"] = int(sum(bool(r.get("diverged")) for r in runs))
    return out


def run_arms(domain, arms, seeds, settings, log=print, shared=None):
    """Every arm (`{name: (model, hparams)}`) of `domain` over `seeds`.

    Returns `{name: {"model", "hparams", "runs" (one per seed), "summary"}}`.
    """
    shared = prepare(domain, settings) if shared is None else shared
    spec = DOMAINS[domain]
    results = {}
    for name, (model, hparams) in arms.items():
        runs = []
        for seed in seeds:
            run = score(domain, model, hparams, seed, settings, shared)
            log(f"{domain} {name} ({model}) seed {seed}: {spec['measure']} {run[spec['measure']]:.4g} "
                f"({run['seconds']:.1f} s)")
            runs.append({"seed": seed, **run})
        results[name] = {"model": model, "hparams": hparams, "runs": runs,
                         "summary": summarise(runs, spec["measure"], spec["also"])}
    return results


def table_rows(results, domain):
    """Rows `[arm, model, measure mean±std, (also mean±std)..., diverged, seconds]`."""
    spec = DOMAINS[domain]
    rows = []
    for name, r in results.items():
        s = r["summary"]
        cells = [f"{_number(s[k + '_mean'], '.3g')}±{_number(s[k + '_std'], '.2g')}" for k in (spec["measure"], *spec["also"])]
        rows.append([name, r["model"], *cells, str(s["diverged"]), f"{s['seconds_mean']:.0f}"])
    return rows


def _number(value, spec):
    """`value` in `spec`, or as a whole number from 100 on (FIDs)."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:{spec}}"


def table_header(domain):
    """The header of `table_rows`."""
    spec = DOMAINS[domain]
    better = "higher" if spec["higher_is_better"] else "lower"
    return ["loss", "model", f"{spec['measure']} ({better} is better)", *spec["also"], "diverged", "train s"]


def plot_results(path, panels):
    """One bar chart per panel (`{title: (domain, results)}`): each arm's mean
    measure with its std over seeds; written atomically, returns `path`."""
    from matplotlib.figure import Figure

    from tfgan_zoo import fileio

    fig = Figure(figsize=(9, 2.6 * len(panels)))
    axes = fig.subplots(len(panels), 1, squeeze=False)
    for ax, (title, (domain, results)) in zip(axes[:, 0], panels.items()):
        key = DOMAINS[domain]["measure"]
        names = list(results)
        means = [results[n]["summary"][key + "_mean"] for n in names]
        stds = [results[n]["summary"][key + "_std"] for n in names]
        ax.bar(range(len(names)), np.nan_to_num(means), yerr=np.nan_to_num(stds), color="tab:blue", capsize=3)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
        better = "higher" if DOMAINS[domain]["higher_is_better"] else "lower"
        ax.set_title(f"{title}: {key} ({better} is better), mean ± std over seeds", fontsize=9)
    return fileio.save_figure(fig, path)
