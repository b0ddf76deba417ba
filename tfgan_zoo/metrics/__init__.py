"""Sample-quality metrics that work offline.

- `functions`: pure metric functions on features and logits (NumPy/SciPy,
  float64), one module each: `frechet_distance` (`frechet`),
  `kernel_distance` (KID, `kid`), `classifier_score` (`inception_score`),
  `precision_recall` with density and coverage (`prdc`), `mmd`
  (`rbf_mmd`); their input checks are in `checks`.
- `extractors`: the networks that make those features: `DomainClassifier`
  (trained on the real data by the package, cached; no download) and
  `InceptionExtractor` (InceptionV3 pool features).
- `toy`: mode coverage on the 2-D toy datasets.
- `registry`: the metric table, one registered function per metric key
  (`fid`, `kid`, `cs`, `pr`, `cacc`, `modes`, `mmd`); `register_metric`
  adds one.
- `evaluate`: `Evaluator`, which ties a dataset, an extractor and a sample
  count into named protocols such as `fid_mnistclf_10k`, computing the
  metrics of the table.

`tfgan_zoo.callbacks.MetricsCallback` runs an `Evaluator` during `fit`, and
`python -m launchers.evaluate` from the command line.
"""

from tfgan_zoo.metrics.evaluate import Evaluator
from tfgan_zoo.metrics.evaluate import count_tag
from tfgan_zoo.metrics.extractors import DomainClassifier
from tfgan_zoo.metrics.extractors import InceptionExtractor
from tfgan_zoo.metrics.functions import classifier_score
from tfgan_zoo.metrics.functions import frechet_distance
from tfgan_zoo.metrics.functions import frechet_distance_from_activations
from tfgan_zoo.metrics.functions import frechet_distance_from_statistics
from tfgan_zoo.metrics.functions import kernel_distance
from tfgan_zoo.metrics.functions import mmd
from tfgan_zoo.metrics.functions import precision_recall
from tfgan_zoo.metrics.registry import available_metrics
from tfgan_zoo.metrics.registry import register_metric
from tfgan_zoo.metrics.toy import mode_coverage

__all__ = [
    "DomainClassifier",
    "Evaluator",
    "InceptionExtractor",
    "available_metrics",
    "classifier_score",
    "count_tag",
    "frechet_distance",
    "frechet_distance_from_activations",
    "frechet_distance_from_statistics",
    "kernel_distance",
    "mmd",
    "mode_coverage",
    "precision_recall",
    "register_metric",
]
