r"""Writes a PNG grid of samples from a trained model.

    python -m launchers.generate --model_path=runs/dcgan/model.keras \
        --output=samples.png --num_samples=64 --seed=0
    python -m launchers.generate --model_path=saved_models/cgan --output=cgan.png

`--model_path` is a `.keras` file, a SavedModel version directory, or an
export base directory (its highest version is used). Conditional models
give one row per class (or the classes in `--labels`).
"""

import sys

from absl import app
from absl import flags
from absl import logging

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "A .keras file or a SavedModel (version or base directory).")
flags.DEFINE_string("output", "samples.png", "PNG file to write.")
flags.DEFINE_integer("num_samples", 64, "Number of images (per grid; rounded to whole rows per class).")
flags.DEFINE_integer("seed", 0, "Seed of the noise: the same seed gives the same images.")
flags.DEFINE_list("labels", None, "Conditional models: the classes to draw, one row each. Default: all.")
flags.mark_flag_as_required("model_path")


def generate_grid(model, num_samples, seed, labels=None):
    """`(images, rows)`: the samples to tile and the number of rows."""
    from tfgan_zoo import sampling

    row_labels, rows = sampling.grid_labels(model.num_classes, num_samples, labels)
    if row_labels is None:
        return model.generate(num_samples=num_samples, seed=seed), None
    return model.generate(labels=row_labels, seed=seed), rows


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    from tfgan_zoo import images as images_lib
    from tfgan_zoo.export import load_generator

    try:
        model = load_generator(FLAGS.model_path)
        samples, rows = generate_grid(model, FLAGS.num_samples, FLAGS.seed, FLAGS.labels)
    except (ValueError, FileNotFoundError) as e:
        logging.error("%s", e)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    images_lib.save_grid(FLAGS.output, samples, rows=rows)
    print(f"wrote {FLAGS.output}: {len(samples)} images, shape {samples.shape[1:]}")


if __name__ == "__main__":
    app.run(main)
