r"""Writes a PNG grid of samples from a trained model, or CSV rows from a table model.

    python -m launchers.generate --model_path=runs/dcgan/model.keras \
        --output=samples.png --num_samples=64 --seed=0
    python -m launchers.generate --model_path=saved_models/cgan --output=cgan.png
    python -m launchers.generate --model_path=runs/tabular_wgan_gp/model.keras \
        --output=rows.csv --num_samples=1000 --condition='Salary=>50K'
    python -m launchers.generate --model_path=runs/gan3d/model.keras \
        --output=shapes.png --num_samples=8 --meshes=meshes

`--model_path` is a `.keras` file, a SavedModel version directory, or an
export base directory (its highest version is used). Conditional models
give one row per class (or the classes in `--labels`).

A table model (`tabular_wgan_gp`, or its export written by
`launchers.train`) writes `--num_samples` rows as CSV, with the table's
columns: `--output` must end in `.csv` (and only a table model writes
CSV). `--condition=column=value` conditions every row; by default the
conditions are drawn as the table's frequencies. An export's rows come
straight from its `sample` signature (one output per column); the
`.keras` file gives the same rows for a seed
(`model.sample_rows(num_samples, seed=seed)`), both drawn in requests of
at most the export's `max_samples` (each request its own seed,
`tfgan_zoo.models.tabular.launch.table_rows`), so the two agree whenever
the export has the default `max_samples` (1024).

A volume model (`gan3d`: samples `[d, d, d, 1]`) writes its grid as three
maximum projections per sample, and with `--meshes=DIR` also one
`DIR/sample_NNN.obj` per sample (Wavefront, the 0.5 occupancy surface by
marching cubes, `tfgan_zoo.volumes.write_meshes`; a sample with no surface
is skipped and counted).

Any `--num_samples` works with an export: above the export's
`max_samples` (from its metadata) the noise is drawn from `--seed` as for
one request and sent in batches, so a seed gives the same images from a
`.keras` file and from its export.

Bad input is refused before any model is loaded, with one `error:
--flag=value: ...` line and exit code 2: `--num_samples` below 1, labels
that are not integers, an `--output` that is a directory or lies under a
file; a `--model_path` that holds no tfgan_zoo model (a plain Keras model, a
foreign SavedModel) is named with what it holds, and an `--output` of the
other kind (a `.csv` for an image model, a `.png` for a table model) with
the kind it needs.
"""

from absl import app
from absl import flags

from launchers import cli

FLAGS = flags.FLAGS

flags.DEFINE_string("model_path", None, "A .keras file or a SavedModel (version or base directory).")
flags.DEFINE_string("output", "samples.png", "File to write: a PNG grid, or CSV rows (.csv) for a table model.")
flags.DEFINE_integer("num_samples", 64, "Number of images (per grid; rounded to whole rows per class), or of table rows.")
flags.DEFINE_integer("seed", 0, "Seed of the noise: the same seed gives the same images.")
flags.DEFINE_list("labels", None, "Conditional models: the classes to draw, one row each. Default: all.")
flags.DEFINE_string(
    "condition", None, "Table models: column=value, the condition of every row (e.g. Salary=>50K). "
    "Default: drawn as the table's frequencies."
)
flags.DEFINE_string(
    "meshes", None, "Volume models: also write one .obj mesh per sample into this directory."
)
flags.DEFINE_bool("verbose", False, "Also show TensorFlow's own start-up and INFO logs.")
flags.mark_flag_as_required("model_path")


def generate_grid(model, num_samples, seed, labels=None):
    """`(images, rows)`: the samples to tile and the number of rows."""
    from tfgan_zoo import sampling

    row_labels, rows = sampling.grid_labels(model.num_classes, num_samples, labels)
    return cli.generate_batched(model, num_samples, seed, row_labels), rows


def check_flags():
    """Refuses bad flag values before any work; a ValueError names the flag."""
    cli.check_positive("num_samples")
    cli.check_output_path("output", FLAGS.output, is_dir=False)
    if FLAGS.meshes is not None:
        cli.check_output_path("meshes", FLAGS.meshes, is_dir=True)
    bad = [label for label in FLAGS.labels or () if not label.strip().lstrip("-").isdigit()]
    if bad:
        raise ValueError(f"--labels={','.join(FLAGS.labels)}: labels must be integers. Received: {bad}")


def write_rows(model, transformer, conditions):
    """Writes `--num_samples` rows of a table model to `--output` (CSV)."""
    from tfgan_zoo.models.tabular import launch as table_launch

    if FLAGS.labels:
        cli.exit_with(f"--labels={','.join(FLAGS.labels)}: a table model takes --condition=column=value, not labels.")
    with cli.flag_errors("condition" if conditions else "num_samples"):
        rows = table_launch.table_rows(model, transformer, FLAGS.num_samples, conditions, FLAGS.seed)
    with cli.flag_errors("output"):
        table_launch.write_csv(FLAGS.output, rows)
    print(f"wrote {FLAGS.output}: {len(rows)} rows, columns {list(rows.columns)}")


def write_meshes(samples):
    """Writes one `.obj` per voxel sample into `--meshes`."""
    from tfgan_zoo import volumes

    with cli.flag_errors("meshes"):
        paths = volumes.write_meshes(samples, FLAGS.meshes)
    print(f"wrote {len(paths)} meshes to {FLAGS.meshes} ({len(samples) - len(paths)} samples had no surface)")


def main(argv):
    del argv  # Checked by cli.parse_flags.
    try:
        check_flags()
    except ValueError as e:
        cli.exit_with(e)
    cli.quiet_output(FLAGS.verbose)
    from tfgan_zoo import images as images_lib
    from tfgan_zoo.models.tabular import launch as table_launch

    with cli.flag_errors("condition"):
        conditions = table_launch.parse_condition(FLAGS.condition)
    with cli.flag_errors("model_path"):
        model = cli.load_generator(FLAGS.model_path)
        transformer = table_launch.table_transformer(model)
    with cli.flag_errors("output"):
        table_launch.check_output(FLAGS.output, transformer is not None)
    if FLAGS.meshes is not None and transformer is not None:
        cli.exit_with(f"--meshes={FLAGS.meshes}: only volume models give meshes, not a table model.")
    if transformer is not None:
        write_rows(model, transformer, conditions)
        return
    if FLAGS.meshes is not None and len(model.sample_shape) != 4:
        cli.exit_with(
            f"--meshes={FLAGS.meshes}: only volume models (samples [d, d, d, 1]) give meshes. "
            f"Received: a model of samples {tuple(model.sample_shape)}"
        )
    if conditions:
        cli.exit_with(f"--condition={FLAGS.condition}: only table models take a condition; pass --labels.")
    with cli.flag_errors("labels" if FLAGS.labels else "num_samples"):
        samples, rows = generate_grid(model, FLAGS.num_samples, FLAGS.seed, FLAGS.labels)
    with cli.flag_errors("output"):
        images_lib.save_grid(FLAGS.output, images_lib.as_images(samples), rows=rows)
    print(f"wrote {FLAGS.output}: {len(samples)} images, shape {samples.shape[1:]}")
    if FLAGS.meshes is not None:
        write_meshes(samples)


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags)
