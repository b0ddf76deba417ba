r"""Exports a saved `.keras` model as a versioned SavedModel for TF Serving.

    python -m launchers.export --model_path=runs/dcgan/model.keras \
        --export_dir=saved_models/dcgan
    python -m launchers.export --model_path=runs/dcgan/model.keras \
        --export_dir=saved_models/dcgan --version=7 --max_samples=256
    python -m launchers.export --model_path=runs/dcgan/model.keras \
        --inpaint_steps=200 --inpaint_restarts=4   # + an `inpaint` signature

`--export_dir` is the model's base directory; the export goes to
`<export_dir>/<version>/` (default: the next integer version), written to a
temporary directory and renamed into place. Optionally writes a TF Serving
`models.config` covering every model under the export root.

Bad input is refused before the model is loaded, with one `error:
--flag=value: ...` line and exit code 2: a `--model_path` that is not a
`.keras` file, `--max_samples` or `--inpaint_restarts` below 1, a negative `--version` or
`--inpaint_steps`, `--metrics`
that is not a JSON object, an `--export_dir` or `--model_config` under a
file. A `.keras` file holding a plain Keras model (not a tfgan_zoo GAN) is
named with what it holds. `--verbose` also shows TensorFlow's own logs.
"""

import json
import os

from absl import app
from absl import flags

from launchers import cli

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "The .keras file to export.")
flags.DEFINE_string("export_dir", None, "Base directory. Default: saved_models/<model name>.")
flags.DEFINE_integer("version", None, "Version number. Default: the next one.")
flags.DEFINE_integer("max_samples", 1024, "Largest num_samples the `sample` signature accepts.")
flags.DEFINE_string("dataset", None, "Training dataset spec, recorded in the metadata.")
flags.DEFINE_string("metrics", None, 'JSON object of quality metrics, recorded in the metadata: \'{"fid": 12.3}\'.')
flags.DEFINE_bool("overwrite", False, "Replace an existing --version.")
flags.DEFINE_integer(
    "inpaint_steps", 0, "Also export an `inpaint` signature (image models) searching z for this many steps; 0: none."
)
flags.DEFINE_integer("inpaint_restarts", 4, "Random restarts of the `inpaint` signature's search.")
flags.DEFINE_string(
    "model_config", None, "Also write a TF Serving models.config for every model under the export root here."
)
flags.DEFINE_bool("verbose", False, "Also show TensorFlow's own start-up and INFO logs.")
flags.mark_flag_as_required("model_path")


def parse_metrics(text):
    """The `--metrics` JSON object, or None; a ValueError names the flag."""
    if not text:
        return None
    try:
        metrics = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"--metrics={text}: not JSON ({e}); pass an object such as '{{\"fid\": 12.3}}'") from None
    if not isinstance(metrics, dict):
        raise ValueError(f"--metrics={text}: must be a JSON object of metric names to values.")
    return metrics


def check_flags():
    """Refuses bad flag values before any work; returns the parsed `--metrics`."""
    if not FLAGS.model_path.endswith(".keras") or not os.path.isfile(FLAGS.model_path):
        raise ValueError(f"--model_path={FLAGS.model_path}: no .keras file there.")
    cli.check_positive("max_samples", "inpaint_restarts")
    if FLAGS.inpaint_steps < 0:
        raise ValueError(f"--inpaint_steps={FLAGS.inpaint_steps}: must be 0 (no inpaint signature) or positive.")
    if FLAGS.version is not None and FLAGS.version < 0:
        raise ValueError(f"--version={FLAGS.version}: must be a non-negative integer.")
    if FLAGS.export_dir:
        cli.check_output_path("export_dir", FLAGS.export_dir)
    if FLAGS.model_config:
        cli.check_output_path("model_config", FLAGS.model_config, is_dir=False)
    return parse_metrics(FLAGS.metrics)


def main(argv):
    del argv  # Checked by cli.parse_flags.
    try:
        metrics = check_flags()
    except ValueError as e:
        cli.exit_with(e)
    cli.quiet_output(FLAGS.verbose)
    from tfgan_zoo import export as export_lib
    from tfgan_zoo import serving

    with cli.flag_errors("model_path"):
        model = cli.load_keras_gan(FLAGS.model_path)
    base = FLAGS.export_dir or os.path.join("saved_models", model.model_name)
    signatures = {}
    if FLAGS.inpaint_steps:
        from tfgan_zoo.latent_tools import serving as latent_serving

        with cli.flag_errors("inpaint_steps"):
            signatures["inpaint"] = latent_serving.inpaint_endpoint(model, FLAGS.inpaint_steps, FLAGS.inpaint_restarts)
    with cli.flag_errors("export_dir", (ValueError, OSError)):
        path = export_lib.export(
            model,
            base,
            version=FLAGS.version,
            max_samples=FLAGS.max_samples,
            dataset=FLAGS.dataset,
            metrics=metrics,
            overwrite=FLAGS.overwrite,
            signatures=signatures,
        )
    print(f"export: {path}")
    if FLAGS.model_config:
        root = os.path.dirname(os.path.abspath(base))
        with cli.flag_errors("model_config"):
            config = serving.write_model_config(FLAGS.model_config, serving.discover_models(root))
        print(f"model config: {config}")


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags)
