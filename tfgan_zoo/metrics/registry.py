"""The metric table: every metric is one registered function.

Like StyleGAN2-ADA's `metric_main`, a metric is a function registered under
its key; `Evaluator` and `python -m launchers.evaluate` read the table for
the valid keys, the defaults, the reported names and the computation, so a
metric is written once, here.

A metric function takes a `MetricInputs` (real and generated features, or
points for the toy data, and what else a metric may need) and returns
`{output: value}` for the outputs it declared. It may return fewer (`cs`
needs logits, `cacc` the requested labels). An output `x` is reported as
`x_<extractor>_<count>` (`x_std` as `x_<extractor>_<count>_std`), e.g.
`fid_mnistclf_10k`, `kid_mnistclf_10k_std`.

| key | data | outputs | what |
|---|---|---|---|
| `fid` | image | `fid` | Frechet distance of the features |
| `kid` | image | `kid`, `kid_std` | kernel distance (KID), mean and std over subsets |
| `cs` | image | `cs`, `cs_std` | classifier (Inception-style) score from the logits |
| `pr` | image | `precision`, `recall`, `density`, `coverage` | k-NN manifold precision/recall, density/coverage |
| `cacc` | image | `cacc` | conditional accuracy: the classifier agrees with the requested label (conditional models) |
| `modes` | toy | `modes`, `hq` | modes covered, high-quality fraction (`ring8`, `grid25`) |
| `mmd` | toy | `mmd` | RBF-kernel MMD^2 on the points |
| `mmd_seq` | sequence | `mmd_seq` | RBF-kernel MMD^2 (median heuristic) of the sequences, as RCGAN reports |
| `disc` | sequence | `disc` | discriminative score: `\|accuracy - 0.5\|` of a post-hoc GRU real-vs-generated classifier (TimeGAN) |
| `tstr` | sequence | `tstr` | predictive score: MAE on real held-out data of a GRU next-step predictor trained on the samples (TRTR: on real data) |
| `cacc_seq` | sequence | `cacc_seq` | conditional accuracy: a GRU classifier trained on real data labels the samples as requested |
| `efficacy` | table | `efficacy_f1` | machine-learning efficacy: mean binary F1 on held-out real rows of 4 classifiers trained on the generated rows |
| `fidelity` | table | `column_distance`, `association_difference` | mean per-column KS / total variation distance; mean difference of the association matrices |
| `dcr` | table | `fake_dcr_median`, `holdout_dcr_median`, `exact_copies` | privacy guard: distance to the closest training row, generated vs held out; share of exact copies |

The table metrics (`tfgan_zoo.metrics.tabular`) read `real` (held-out
real rows), `fake` and `train` as DataFrames, and `schema` (with its
`label` and the `positive` label value).

The sequence metrics read `real` (real held-out sequences), `fake`,
`labels` and `train`/`train_labels` (real training data); see
`tfgan_zoo.metrics.sequence_evaluate`.

Example:

>>> available_metrics("image"), available_metrics("toy")
(['fid', 'kid', 'cs', 'pr', 'cacc'], ['modes', 'mmd'])
>>> default_metrics("image"), default_metrics("image", conditional=True)[-1]
(('fid', 'kid', 'cs', 'pr'), 'cacc')
>>> output_name("kid_std", "mnistclf", "10k")
'kid_mnistclf_10k_std'
"""

import dataclasses
from typing import Callable
from typing import Optional

import numpy as np

from tfgan_zoo.metrics import discriminative
from tfgan_zoo.metrics import functions
from tfgan_zoo.metrics import predictive
from tfgan_zoo.metrics import sequence_cacc
from tfgan_zoo.metrics import tabular
from tfgan_zoo.metrics import toy

IMAGE = "image"
TOY = "toy"
SEQUENCE = "sequence"
TABLE = "table"
KINDS = (IMAGE, TOY, SEQUENCE, TABLE)


@dataclasses.dataclass(frozen=True)
class MetricInputs:
    """What a metric function receives.

    Attributes:
        real: real features `[N, d]` (toy data: the real points).
        real_logits: the real examples' logits, or None.
        fake: generated features `[n, d]` (toy data: the generated points).
        fake_logits: the generated samples' logits, or None (no classifier
            head, e.g. Inception without its top).
        labels: the labels the samples were generated for, or None.
        seed: seeds random subsets (KID).
        centers, std: the toy data's modes (None for images).
        train, train_labels: real training sequences and their labels,
            for the metrics that train a probe on real data (sequences).
    """

    real: np.ndarray
    fake: np.ndarray
    real_logits: Optional[np.ndarray] = None
    fake_logits: Optional[np.ndarray] = None
    labels: Optional[np.ndarray] = None
    seed: int = 0
    centers: Optional[np.ndarray] = None
    std: Optional[float] = None
    train: Optional[np.ndarray] = None
    train_labels: Optional[np.ndarray] = None
    schema: Optional[dict] = None


@dataclasses.dataclass(frozen=True)
class Metric:
    """One row of the table (see `register_metric`)."""

    key: str
    fn: Callable[[MetricInputs], dict]
    kind: str
    outputs: tuple
    default: bool
    conditional: bool
    description: str


_METRICS = {}


def register_metric(key, kind=IMAGE, outputs=None, default=True, conditional=False):
    """Decorator: registers `fn(inputs) -> {output: value}` as metric `key`.

    Args:
        key: the metric's key, as passed in `Evaluator(metrics=...)` and
            `--metrics`.
        kind: `"image"` (features from an extractor) or `"toy"` (the points
            of `ring8`/`grid25`).
        outputs: the outputs it reports; default `(key,)`.
        default: part of the default set for its kind.
        conditional: only for conditional models (needs requested labels);
            left out of `Evaluator.names()` and, unless a model is
            conditional, of the defaults.

    The first line of `fn`'s docstring describes it in `--metrics`' help.
    """
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {list(KINDS)}. Received: kind={kind!r}")

    def decorator(fn):
        description = (fn.__doc__ or key).strip().splitlines()[0].rstrip(".")
        metric = Metric(key, fn, kind, tuple(outputs or (key,)), default, conditional, description)
        if _METRICS.setdefault(key, metric) is not metric:
            raise ValueError(f"Metric {key!r} is already registered. Received: key={key!r}")
        return fn

    return decorator


def get_metric(key):
    """The `Metric` registered as `key`."""
    try:
        return _METRICS[key]
    except KeyError:
        raise ValueError(f"Unknown metric {key!r}. Valid metrics: {list(_METRICS)}. Received: key={key!r}") from None


def available_metrics(kind=None):
    """Registered keys (of one kind), in registration order."""
    return [k for k, m in _METRICS.items() if kind in (None, m.kind)]


def default_metrics(kind, conditional=False):
    """The default keys for `kind` (with the conditional ones for a conditional model)."""
    return tuple(k for k, m in _METRICS.items() if m.kind == kind and m.default and (conditional or not m.conditional))


def select_metrics(metrics, kind, dataset):
    """`metrics` checked against the keys of `kind` (default: the defaults).

    Raises:
        ValueError: naming the unknown keys, `dataset` and the valid ones.
    """
    if not metrics:
        return default_metrics(kind)
    metrics = tuple(metrics)
    valid = available_metrics(kind)
    unknown = [m for m in metrics if m not in valid]
    if unknown:
        raise ValueError(
            f"Unknown metric(s) {unknown} for {dataset}. Valid metrics: {valid}. "
            f"Received: metrics={list(metrics)}"
        )
    return metrics


def output_name(output, tag, count):
    """`"fid", "mnistclf", "10k"` -> `fid_mnistclf_10k`; `kid_std` -> `kid_mnistclf_10k_std`."""
    stem, std = (output[: -len("_std")], "_std") if output.endswith("_std") else (output, "")
    return f"{stem}_{tag}_{count}{std}"


def compute(key, inputs):
    """Runs metric `key` on `inputs`: `{output: value}` (its declared outputs only)."""
    metric = get_metric(key)
    values = dict(metric.fn(inputs))
    undeclared = sorted(set(values) - set(metric.outputs))
    if undeclared:
        raise RuntimeError(
            f"Metric {key!r} returned outputs {undeclared} it did not declare. "
            f"Received: outputs={list(metric.outputs)}"
        )
    return values


def describe():
    """One line for `--metrics`' help: every key with its description, by kind."""
    groups = []
    for kind, label in ((IMAGE, "Images"), (TOY, "Toy data")):
        keys = [f"{k} ({get_metric(k).description})" for k in available_metrics(kind)]
        groups.append(f"{label}: " + ", ".join(keys))
    return "; ".join(groups)


# ----------------------------------------------------------------------
# The metrics.


@register_metric("fid")
def _fid(x):
    """Frechet distance of the features."""
    return {"fid": functions.frechet_distance(x.real, x.fake)}


@register_metric("kid", outputs=("kid", "kid_std"))
def _kid(x):
    """Kernel distance (KID), mean and std over subsets."""
    mean, std = functions.kernel_distance(x.real, x.fake, seed=x.seed)
    return {"kid": mean, "kid_std": std}


@register_metric("cs", outputs=("cs", "cs_std"))
def _cs(x):
    """Classifier (Inception-style) score of the logits."""
    if x.fake_logits is None:
        return {}
    mean, std = functions.classifier_score(x.fake_logits, splits=10 if len(x.fake_logits) >= 100 else 1)
    return {"cs": mean, "cs_std": std}


@register_metric("pr", outputs=("precision", "recall", "density", "coverage"))
def _pr(x):
    """k-NN precision, recall, density and coverage."""
    return functions.precision_recall(x.real, x.fake, k=3)


@register_metric("cacc", conditional=True)
def _cacc(x):
    """Conditional accuracy: the classifier agrees with the requested label."""
    if x.labels is None or x.fake_logits is None:
        return {}
    return {"cacc": float(np.mean(np.argmax(x.fake_logits, axis=1) == np.asarray(x.labels)))}


@register_metric("modes", kind=TOY, outputs=("modes", "hq"))
def _modes(x):
    """Modes covered and the high-quality fraction."""
    coverage = toy.mode_coverage(x.fake, x.centers, x.std)
    return {"modes": coverage["modes_covered"], "hq": coverage["high_quality_fraction"]}


@register_metric("mmd", kind=TOY)
def _mmd(x):
    """RBF-kernel MMD^2 of the points."""
    return {"mmd": functions.mmd(x.real[: len(x.fake)], x.fake)}


@register_metric("mmd_seq", kind=SEQUENCE)
def _mmd_seq(x):
    """RBF-kernel MMD^2 of the sequences (median heuristic)."""
    n = min(len(x.real), len(x.fake))
    return {"mmd_seq": functions.mmd(x.real[:n], x.fake[:n])}


@register_metric("disc", kind=SEQUENCE)
def _disc(x):
    """Discriminative score |accuracy - 0.5| of a post-hoc GRU classifier."""
    return {"disc": discriminative.discriminative_score(x.real, x.fake, seed=x.seed)}


@register_metric("tstr", kind=SEQUENCE)
def _tstr(x):
    """Predictive score: real-data MAE of a GRU next-step predictor trained on the samples."""
    return {"tstr": predictive.predictive_score(x.fake, x.real, seed=x.seed)}


@register_metric("cacc_seq", kind=SEQUENCE, conditional=True)
def _cacc_seq(x):
    """Conditional accuracy of a GRU classifier trained on real sequences."""
    if x.labels is None or x.train_labels is None:
        return {}
    classifier = sequence_cacc.fit_sequence_classifier(x.train, x.train_labels, seed=x.seed)
    return {"cacc_seq": sequence_cacc.sequence_conditional_accuracy(classifier, x.fake, x.labels)}


@register_metric("efficacy", kind=TABLE, outputs=("efficacy_f1",))
def _efficacy(x):
    """Machine-learning efficacy: mean F1 on real held-out rows of classifiers trained on the samples."""
    return {"efficacy_f1": tabular.ml_efficacy(x.fake, x.real, x.schema, x.schema.get("positive"), seed=x.seed)["mean"]}


@register_metric("fidelity", kind=TABLE, outputs=("column_distance", "association_difference"))
def _fidelity(x):
    """Mean per-column KS / TV distance and mean association-matrix difference."""
    return {
        "column_distance": float(np.mean(list(tabular.column_distances(x.real, x.fake, x.schema).values()))),
        "association_difference": tabular.association_difference(x.real, x.fake, x.schema),
    }


@register_metric("dcr", kind=TABLE, outputs=("fake_dcr_median", "holdout_dcr_median", "exact_copies"))
def _dcr(x):
    """Distance to the closest training row, generated vs held out, and exact copies."""
    d = tabular.closest_distances(x.train, x.real, x.fake, x.schema, seed=x.seed)
    return {k: d[k] for k in ("fake_dcr_median", "holdout_dcr_median", "exact_copies")}
