r"""Scores a trained generator with sample-quality metrics, offline.

    python -m launchers.evaluate --model_path=runs/dcgan_mnist/model.keras \
        --dataset=idx:../shared/data/mnist --metrics=fid,kid,cs,pr --num_samples=10000
    python -m launchers.evaluate --model_path=saved_models/cgan \
        --dataset=idx:../shared/data/mnist --metrics=fid,cacc
    python -m launchers.evaluate --real --dataset=idx:../shared/data/mnist   # the ceiling

`--model_path` is a `.keras` file or a SavedModel (version or base
directory). The default extractor is a domain classifier that the package
trains on `--dataset` and caches (no download); `--extractor=inception`
uses InceptionV3 with `--inception_weights=<path>` (or a download when
online). It prints one JSON line per metric, named by its protocol (e.g.
`fid_mnistclf_10k`), and appends them to `--results`.

Without a cached domain classifier it trains one first, and says so on
stderr: its settings, a line per epoch, and its held-out accuracy (stdout
holds only the JSON lines). A bad flag value is one `error: --flag=value:
...` line on stderr and exit code 2.
"""

import contextlib
import json
import os
import re
import sys
import time

from absl import app
from absl import flags

from launchers import cli

cli.quiet_tensorflow()  # Before anything imports TensorFlow.

from tfgan_zoo.metrics import registry  # noqa: E402 (imports TensorFlow)

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "A .keras file or a SavedModel; omit with --real.")
flags.DEFINE_string("dataset", "digits", "The real dataset spec.")
flags.DEFINE_string("split", "train", "The real split.")
flags.DEFINE_list(
    "metrics",
    None,
    f"Comma-separated metric keys. {registry.describe()}. Default: "
    f"{','.join(registry.default_metrics(registry.IMAGE, conditional=True))} for a conditional model, "
    f"{','.join(registry.default_metrics(registry.IMAGE))} for another, "
    f"{','.join(registry.default_metrics(registry.TOY))} on toy data.",
)
flags.DEFINE_integer("num_samples", 10_000, "Samples per side (capped at the real examples).")
flags.DEFINE_enum("extractor", "classifier", ["classifier", "inception"], "Feature extractor.")
flags.DEFINE_string("inception_weights", None, "InceptionV3 weights file for --extractor=inception.")
flags.DEFINE_integer("seed", 0, "Seeds the generated samples and KID subsets.")
flags.DEFINE_string("results", "results.jsonl", "JSON-lines file the results are appended to.")
flags.DEFINE_string("cache_dir", None, "Cache for classifiers and real features (default ~/.cache/tfgan_zoo).")
flags.DEFINE_bool("real", False, "Score two disjoint halves of the real data against each other.")
flags.DEFINE_bool("verbose", False, "Also show TensorFlow's own start-up and INFO logs.")

# The argument an error's "Received: <name>=" names, as the flag it came from.
_FLAG_OF_ARGUMENT = {
    "spec": "dataset",
    "split": "split",
    "metrics": "metrics",
    "num_samples": "num_samples",
    "weights": "inception_weights",
    "model_path": "model_path",
    "image_shape": "model_path",  # The model's sample shape.
}


def _flag_error(flag, error):
    """Exits naming the flag (and its value) behind `error`.

    `flag` is the stage's flag; an error whose message says `Received:
    <argument>=` about an argument that comes from another flag names that one.
    """
    match = re.search(r"Received: (\w+)=", str(error))
    if match and match.group(1) in _FLAG_OF_ARGUMENT:
        flag = _FLAG_OF_ARGUMENT[match.group(1)]
    value = FLAGS[flag].value
    value = ",".join(value) if isinstance(value, list) else value
    cli.exit_with(f"--{flag}={value}: {error}")


@contextlib.contextmanager
def _stage(flag):
    """Errors raised inside name `flag` (see `_flag_error`)."""
    try:
        yield
    except (ValueError, OSError, RuntimeError) as e:
        _flag_error(flag, e)


def main(argv):
    del argv  # Checked by cli.parse_flags.
    cli.quiet_output(FLAGS.verbose)
    if not FLAGS.real and not FLAGS.model_path:
        cli.exit_with("--model_path is not set: pass a .keras file or a SavedModel, or --real for the real-data ceiling")
    from tfgan_zoo import data as data_lib
    from tfgan_zoo import fileio
    from tfgan_zoo import metrics as metrics_lib
    from tfgan_zoo.version import __version__

    # The cheap checks first, before a model is loaded or a classifier trained.
    with _stage("dataset"):
        kind = registry.TOY if data_lib.parse_spec(FLAGS.dataset)[0] == "toy" else registry.IMAGE
    with _stage("metrics"):
        registry.select_metrics(FLAGS.metrics, kind, FLAGS.dataset)
    if FLAGS.num_samples < 2:
        cli.exit_with(f"--num_samples={FLAGS.num_samples}: must be at least 2")
    with _stage("model_path"):
        model = None if FLAGS.real else cli.load_generator(FLAGS.model_path)
    conditional = model is not None and model.num_classes is not None
    # Progress (Keras' training lines) goes to stderr: stdout holds the results.
    with contextlib.redirect_stdout(sys.stderr):
        with _stage("dataset"):
            evaluator = metrics_lib.Evaluator(
                FLAGS.dataset,
                metrics=FLAGS.metrics or registry.default_metrics(kind, conditional),
                num_samples=FLAGS.num_samples,
                image_shape=None if model is None else model.sample_shape,
                extractor=FLAGS.extractor,
                split=FLAGS.split,
                inception_weights=FLAGS.inception_weights,
                cache=FLAGS.cache_dir,
                seed=FLAGS.seed,
                classifier_kwargs={"verbose": 2},
            )
        start = time.time()
        with _stage("dataset" if FLAGS.real else "model_path"):
            results = evaluator.evaluate_real_halves() if FLAGS.real else evaluator.evaluate(model)
    common = {
        "model_path": "real-halves" if FLAGS.real else FLAGS.model_path,
        "dataset": FLAGS.dataset,
        "split": FLAGS.split,
        "extractor": evaluator.tag_name,
        "seed": FLAGS.seed,
        "seconds": round(time.time() - start, 2),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "package_version": __version__,
    }
    lines = [json.dumps({"metric": name, "value": value, **common}) for name, value in sorted(results.items())]
    for line in lines:
        print(line)
    if FLAGS.results:
        with _stage("results"):
            previous = b""
            if os.path.exists(FLAGS.results):
                with open(FLAGS.results, "rb") as f:
                    previous = f.read()
            fileio.write_bytes(FLAGS.results, previous + "".join(line + "\n" for line in lines).encode())


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags)
