r"""Explores a trained model's latent space; writes one PNG figure.

    python -m launchers.explore --model_path=runs/dcgan/model.keras \
        --mode=interpolate --output=walks.png --num_walks=6 --steps=8
    python -m launchers.explore --model_path=... --mode=arithmetic --output=arith.png
    python -m launchers.explore --model_path=... --mode=inpaint --mask=center \
        --data=idx:$MNIST_DIR --split=test[:8] --output=inpaint.png
    python -m launchers.explore --model_path=... --mode=ablate --num_filters=8 --output=ablate.png

Modes (the logic is `tfgan_zoo.latent_tools`; this file reads flags):

- `interpolate`: `--num_walks` rows of `--steps` images between prior draws
  (`--method=slerp|lerp`); with `--data` and a model that has an encoder
  (bigan, aae), walks between consecutive pairs of real images.
- `arithmetic`: a `--grid_size` grid, exemplars `--a`, `--b`, `--c` (indices
  into it; default: chosen by ink mass, thick - thin + thin), rows A, B, C
  (exemplars and their mean), then the result and noisy variants.
- `inpaint`: `--num_images` images (from `--data`/`--split`, default the
  model's own samples), `--mask=random|center|half|<file.png>`; rows original,
  masked, completed. `--search_steps`, `--restarts`, `--combine`, `--lambda_perceptual`,
  `--blend=none|poisson`.
- `ablate`: the `--num_filters` filters of `--layer` most active on thick
  strokes (ink mass) dropped; rows before and after.

`--model_path` is a `.keras` file (every mode) or a SavedModel export
(`interpolate` and `arithmetic`: inpainting and ablation need the
discriminator and the layers). Bad input is refused before the model loads
with one `error: --flag=value: ...` line and exit code 2.
"""

from absl import app
from absl import flags

from launchers import cli

FLAGS = flags.FLAGS
MODES = ("interpolate", "arithmetic", "inpaint", "ablate")

flags.DEFINE_string("model_path", None, "A .keras file or a SavedModel (version or base directory).")
flags.DEFINE_enum("mode", None, MODES, "What to draw.")
flags.DEFINE_string("output", "explore.png", "PNG file to write.")
flags.DEFINE_integer("seed", 0, "Seed of the prior draws (and of the search's starts).")
flags.DEFINE_list("labels", None, "Conditional models: the class(es) to draw with.")
flags.DEFINE_bool("verbose", False, "Also show TensorFlow's own start-up and INFO logs.")
# interpolate
flags.DEFINE_integer("num_walks", 6, "interpolate: rows (walks).")
flags.DEFINE_integer("steps", 8, "interpolate: images per walk, endpoints included.")
flags.DEFINE_enum("method", "slerp", ("slerp", "lerp"), "interpolate: spherical or linear.")
# arithmetic
flags.DEFINE_integer("grid_size", 64, "arithmetic: samples the exemplars are chosen from.")
flags.DEFINE_list("a", None, "arithmetic: indices of concept A's exemplars (default: by ink mass).")
flags.DEFINE_list("b", None, "arithmetic: indices of concept B's exemplars.")
flags.DEFINE_list("c", None, "arithmetic: indices of concept C's exemplars.")
flags.DEFINE_integer("num_variants", 8, "arithmetic: the result and noisy copies.")
flags.DEFINE_float("noise_scale", 0.25, "arithmetic: half-width of the uniform noise.")
# inpaint (and interpolate between real images)
flags.DEFINE_string("data", None, "A data spec (e.g. idx:DIR, digits) of real images; default: model samples.")
flags.DEFINE_string("split", "test[:8]", "The split of --data.")
flags.DEFINE_integer("num_images", 8, "inpaint: images to complete.")
flags.DEFINE_string("mask", "center", "inpaint: random (80% of pixels), center, half, or a PNG file.")
flags.DEFINE_integer("search_steps", 300, "inpaint: Adam steps on z.")
flags.DEFINE_integer("restarts", 4, "inpaint: random starts; the best is kept.")
flags.DEFINE_float("lambda_perceptual", 0.003, "inpaint: weight of the discriminator's loss.")
flags.DEFINE_enum("blend", "none", ("none", "poisson"), "inpaint: paste or Poisson-blend the fill.")
flags.DEFINE_enum("combine", "best", ("best", "mean"), "inpaint: the best start's fill, or the mean of every start's.")
# ablate
flags.DEFINE_string("layer", None, "ablate: the generator layer (default: the last hidden one).")
flags.DEFINE_integer("num_filters", 8, "ablate: filters to drop.")
flags.DEFINE_integer("num_samples", 8, "ablate: samples drawn before and after.")
flags.mark_flags_as_required(["model_path", "mode"])


def _ints(name):
    values = FLAGS[name].value
    if values is None:
        return None
    bad = [v for v in values if not v.strip().lstrip("-").isdigit()]
    if bad:
        raise ValueError(f"--{name}={','.join(values)}: must be integers. Received: {bad}")
    return [int(v) for v in values]


def check_flags():
    """Refuses bad flag values before any work; a ValueError names the flag."""
    cli.check_positive("num_walks", "grid_size", "num_variants", "num_images", "restarts", "num_filters", "num_samples")
    if FLAGS.steps < 2:
        raise ValueError(f"--steps={FLAGS.steps}: a walk needs at least 2 images.")
    if FLAGS.search_steps < 0:
        raise ValueError(f"--search_steps={FLAGS.search_steps}: must be >= 0.")
    if FLAGS.noise_scale < 0 or FLAGS.lambda_perceptual < 0:
        raise ValueError(f"--noise_scale={FLAGS.noise_scale}, --lambda_perceptual={FLAGS.lambda_perceptual}: must be >= 0.")
    cli.check_output_path("output", FLAGS.output, is_dir=False)
    for name in ("labels", "a", "b", "c"):
        _ints(name)


def flag_error():
    """The bad-flag message of `check_flags`, or None: checked before any work."""
    try:
        check_flags()
    except ValueError as e:
        return e
    return None


def load_images(model, count):
    """`(images, labels)`: `count` rows of `--data`, or the model's own samples."""
    from tfgan_zoo import data

    if FLAGS.data is None:
        labels = _ints("labels")
        if model.num_classes is not None:
            import numpy as np

            labels = np.resize(np.asarray(labels or list(range(model.num_classes)), np.int32), count)
        return model.generate(count, labels=labels, seed=FLAGS.seed + 1), labels
    with cli.flag_errors("data"):
        images, labels = data.load_arrays(FLAGS.data, split=FLAGS.split, image_shape=model.sample_shape)
    return images[:count], None if labels is None or model.num_classes is None else labels[:count]


def draw(model):
    """`(images, rows)` of `--mode`."""
    from tfgan_zoo.latent_tools import ablation
    from tfgan_zoo.latent_tools import figures
    from tfgan_zoo.latent_tools import masks as masks_lib
    from tfgan_zoo.latent_tools import walks

    labels = _ints("labels")
    if FLAGS.mode == "interpolate":
        if FLAGS.data is None:
            return figures.walk_figure(model, FLAGS.num_walks, FLAGS.steps, FLAGS.method, FLAGS.seed, labels)
        images, real_labels = load_images(model, 2 * FLAGS.num_walks)
        n = len(images) // 2
        with cli.flag_errors("model_path"):
            out = walks.interpolate_images(
                model, images[:n], images[n : 2 * n], FLAGS.steps, FLAGS.method,
                None if real_labels is None else real_labels[:n],
            )
        return out.reshape((-1,) + out.shape[2:]), n
    if FLAGS.mode == "arithmetic":
        images, rows, _ = figures.arithmetic_figure(
            model, FLAGS.grid_size, _ints("a"), _ints("b"), _ints("c"), (labels or [None])[0],
            FLAGS.num_variants, FLAGS.noise_scale, FLAGS.seed,
        )
        return images, rows
    if FLAGS.mode == "inpaint":
        images, real_labels = load_images(model, FLAGS.num_images)
        with cli.flag_errors("mask"):
            masks = masks_lib.make_masks(FLAGS.mask, len(images), model.sample_shape, FLAGS.seed)
        with cli.flag_errors("model_path"):
            figure, rows, _ = figures.inpaint_on(
                model, images, masks, real_labels, FLAGS.seed, FLAGS.blend,
                steps=FLAGS.search_steps, restarts=FLAGS.restarts, lambda_perceptual=FLAGS.lambda_perceptual,
                combine=FLAGS.combine,
            )
        return figure, rows
    with cli.flag_errors("layer"):
        return ablation.ablation_figure(model, FLAGS.num_filters, FLAGS.layer, FLAGS.num_samples, FLAGS.seed)[:2]


def write_figure(images, rows):
    """Saves the figure to `--output` and says what it holds."""
    from tfgan_zoo import images as images_lib

    with cli.flag_errors("output"):
        images_lib.save_grid(FLAGS.output, images, rows=rows)
    print(f"wrote {FLAGS.output}: {FLAGS.mode}, {rows} rows of {len(images) // rows} images")


def load_model():
    """The model at `--model_path`, TensorFlow started quietly (unless `--verbose`)."""
    cli.quiet_output(FLAGS.verbose)
    with cli.flag_errors("model_path"):
        return cli.load_generator(FLAGS.model_path)


def main(argv):
    del argv  # Checked by cli.parse_flags.
    error = flag_error()
    if error:
        cli.exit_with(error)
    model = load_model()
    with cli.flag_errors("mode"):
        write_figure(*draw(model))


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags)
