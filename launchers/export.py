r"""Exports a saved `.keras` model as a versioned SavedModel for TF Serving.

    python -m launchers.export --model_path=runs/dcgan/model.keras \
        --export_dir=saved_models/dcgan
    python -m launchers.export --model_path=runs/dcgan/model.keras \
        --export_dir=saved_models/dcgan --version=7 --max_samples=256

`--export_dir` is the model's base directory; the export goes to
`<export_dir>/<version>/` (default: the next integer version), written to a
temporary directory and renamed into place. Optionally writes a TF Serving
`models.config` covering every model under the export root.
"""

import json
import os
import sys

from absl import app
from absl import flags
from absl import logging

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "The .keras file to export.")
flags.DEFINE_string("export_dir", None, "Base directory. Default: saved_models/<model name>.")
flags.DEFINE_integer("version", None, "Version number. Default: the next one.")
flags.DEFINE_integer("max_samples", 1024, "Largest num_samples the `sample` signature accepts.")
flags.DEFINE_string("dataset", None, "Training dataset spec, recorded in the metadata.")
flags.DEFINE_string("metrics", None, "JSON dict of quality metrics, recorded in the metadata.")
flags.DEFINE_bool("overwrite", False, "Replace an existing --version.")
flags.DEFINE_string(
    "model_config", None, "Also write a TF Serving models.config for every model under the export root here."
)
flags.mark_flag_as_required("model_path")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    import keras

    import tfgan_zoo  # noqa: F401  (registers the model classes)
    from tfgan_zoo import export as export_lib
    from tfgan_zoo import serving

    try:
        if not FLAGS.model_path.endswith(".keras") or not os.path.isfile(FLAGS.model_path):
            raise FileNotFoundError(f"No .keras file at {FLAGS.model_path}. Received: model_path={FLAGS.model_path!r}")
        metrics = json.loads(FLAGS.metrics) if FLAGS.metrics else None
        model = keras.saving.load_model(FLAGS.model_path)
        name = getattr(model, "model_name", type(model).__name__.lower())
        base = FLAGS.export_dir or os.path.join("saved_models", name)
        path = export_lib.export(
            model,
            base,
            version=FLAGS.version,
            max_samples=FLAGS.max_samples,
            dataset=FLAGS.dataset,
            metrics=metrics,
            overwrite=FLAGS.overwrite,
        )
    except (ValueError, FileNotFoundError, FileExistsError, json.JSONDecodeError) as e:
        logging.error("%s", e)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"export: {path}")
    if FLAGS.model_config:
        root = os.path.dirname(os.path.abspath(base))
        config = serving.write_model_config(FLAGS.model_config, serving.discover_models(root))
        print(f"model config: {config}")


if __name__ == "__main__":
    app.run(main)
