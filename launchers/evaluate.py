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
"""

import json
import os
import sys
import time

from absl import app
from absl import flags
from absl import logging

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "A .keras file or a SavedModel; omit with --real.")
flags.DEFINE_string("dataset", "digits", "The real dataset spec.")
flags.DEFINE_string("split", "train", "The real split.")
flags.DEFINE_list("metrics", None, "fid, kid, cs, pr, cacc (images); modes, mmd (toy data). Default: all that apply.")
flags.DEFINE_integer("num_samples", 10_000, "Samples per side (capped at the real examples).")
flags.DEFINE_enum("extractor", "classifier", ["classifier", "inception"], "Feature extractor.")
flags.DEFINE_string("inception_weights", None, "InceptionV3 weights file for --extractor=inception.")
flags.DEFINE_integer("seed", 0, "Seeds the generated samples and KID subsets.")
flags.DEFINE_string("results", "results.jsonl", "JSON-lines file the results are appended to.")
flags.DEFINE_string("cache_dir", None, "Cache for classifiers and real features (default ~/.cache/tfgan_zoo).")
flags.DEFINE_bool("real", False, "Score two disjoint halves of the real data against each other.")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    from tfgan_zoo import fileio
    from tfgan_zoo import metrics as metrics_lib
    from tfgan_zoo.export import load_generator
    from tfgan_zoo.version import __version__

    try:
        if not FLAGS.real and not FLAGS.model_path:
            raise ValueError("Pass --model_path (or --real for the real-data ceiling). Received: model_path=None")
        model = None if FLAGS.real else load_generator(FLAGS.model_path)
        image_shape = None if model is None else model.sample_shape
        chosen = FLAGS.metrics
        if chosen is None and model is not None and model.num_classes is not None:
            chosen = list(metrics_lib.evaluate.DEFAULT_IMAGE_METRICS) + ["cacc"]
        evaluator = metrics_lib.Evaluator(
            FLAGS.dataset,
            metrics=chosen,
            num_samples=FLAGS.num_samples,
            image_shape=image_shape,
            extractor=FLAGS.extractor,
            split=FLAGS.split,
            inception_weights=FLAGS.inception_weights,
            cache=FLAGS.cache_dir,
            seed=FLAGS.seed,
        )
        start = time.time()
        results = evaluator.evaluate_real_halves() if FLAGS.real else evaluator.evaluate(model)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        logging.error("%s", e)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
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
        previous = b""
        if os.path.exists(FLAGS.results):
            with open(FLAGS.results, "rb") as f:
                previous = f.read()
        fileio.write_bytes(FLAGS.results, previous + "".join(line + "\n" for line in lines).encode())


if __name__ == "__main__":
    app.run(main)
