r"""Trains a GAN, writes sample grids, checkpoints, a .keras file and an export.

    python -m launchers.train --model=dcgan --dataset=idx:../shared/data/mnist \
        --epochs=10 --batch_size=64 --workdir=runs/dcgan_mnist --seed=0

With no flags it trains `dcgan` on the bundled `digits` dataset (no
download). An epoch is `examples // batch_size` generator steps; a model
with `d_steps=k` (WGAN's `n_critic`) takes k minibatches per step, so its
critic sees the data k times per epoch. Outputs, all under `--workdir`
except the export:

- `samples/epoch_NNNN.png` and `samples/latest.png`: a grid from fixed noise
  after each epoch (one row per class for conditional models);
- `backup/epoch-NNNNNN/`: the last completed epochs (weights, optimizer
  state, epoch counter), each written atomically. Run the same command again
  to resume; a killed run loses at most the epoch in progress;
- `history.csv`: the logged losses per epoch;
- `run.json`: the model, hparams and data of the run;
- `model.keras`: the trained model;
- `<export_dir>/<model>/<version>/`: the SavedModel for TF Serving.

Model hparams are flags too (`--image_shape=32,32,3`, `--loss=minimax`,
`--d_steps=5`, ...); `--helpfull` lists them.

Scaling and faults:

- `--strategy=mirrored` trains on all local GPUs (on a CPU-only machine, on
  `--cpu_replicas` logical CPU devices); `--strategy=multiworker` runs one
  process per host, configured by `TF_CONFIG`: only the chief writes
  outputs, the other workers write to temporary directories that are
  removed. `--batch_size` is per replica: the global batch is
  `batch_size * replicas`.
- A run killed at any moment resumes from its last complete backup when the
  same command runs again.
- A NaN or Inf loss stops training with exit code 3 and a message naming
  the step; the last good backup is kept and nothing is exported.
- `--deterministic` (op determinism plus seeds) makes reruns bitwise
  identical on the same machine; `--mixed_precision=mixed_float16` or
  `mixed_bfloat16` trains in reduced precision (loss scaling for float16).

At the end it prints `generator_sha256: ...`, a digest of the generator's
weights, to compare runs and workers.
"""

import hashlib
import json
import os
import sys

import numpy as np
from absl import app
from absl import flags
from absl import logging

from launchers import hparam_flags

FLAGS = flags.FLAGS

flags.DEFINE_string("model", "dcgan", "Registered model name.")
flags.DEFINE_string("dataset", "digits", "Dataset spec: digits, mnist, tfds:<name>, idx:<dir>, folder:<dir>.")
flags.DEFINE_string("split", "train", "Dataset split (in-memory sources take a percent slice: train[:90%]).")
flags.DEFINE_integer("epochs", 10, "Epochs to train (in total, counting resumed ones).")
flags.DEFINE_integer("batch_size", 64, "Minibatch size of each discriminator step.")
flags.DEFINE_integer(
    "steps_per_epoch",
    None,
    "Generator steps per epoch. Default: examples // batch_size, so that an epoch "
    "shows the generator as many samples as the data has (with d_steps=k the "
    "discriminator then sees the data k times).",
)
flags.DEFINE_string("workdir", None, "Run directory. Default: runs/<model>.")
flags.DEFINE_integer("seed", 0, "Seeds weights, noise and data order.")
flags.DEFINE_string("export_dir", "saved_models", "Exports go to <export_dir>/<model>/<version>/.")
flags.DEFINE_integer("grid_samples", 64, "Images in each sample grid.")
flags.DEFINE_bool("jit_compile", False, "Compile the train step with XLA.")
flags.DEFINE_integer("steps_per_execution", 1, "Train steps per tf.function call.")
flags.DEFINE_integer("verbose", 1, "0: silent, 1: progress bar, 2: one line per epoch.")
flags.DEFINE_bool("export", True, "Export a SavedModel at the end.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multiworker", "tpu"], "tf.distribute strategy.")
flags.DEFINE_integer("cpu_replicas", 2, "--strategy=mirrored without GPUs: logical CPU devices to use.")
flags.DEFINE_string("tpu", "", "--strategy=tpu: TPU name or address.")
flags.DEFINE_bool("deterministic", False, "Deterministic ops and seeds: bitwise-reproducible runs.")
flags.DEFINE_enum(
    "mixed_precision", None, ["mixed_float16", "mixed_bfloat16"], "Mixed-precision dtype policy."
)

hparam_flags.define_hparam_flags()


def resolve_hparams(model_name, given, data_info, seed):
    """Fills `image_shape` and `num_classes` from the data where not given."""
    import tfgan_zoo

    defaults = tfgan_zoo.model_hparams(model_name)
    hparams = dict(given)
    if "seed" in defaults:
        hparams["seed"] = seed
    if "sample_shape" in defaults and "sample_shape" not in hparams and data_info.image_shape:
        default_shape = tuple(defaults["sample_shape"])
        data_shape = tuple(data_info.image_shape)
        # The model's default resolution, unless the data has other channels
        # or is not made of images (the 2-D toy sets).
        if len(data_shape) != 3 or data_shape[-1] != default_shape[-1]:
            hparams["sample_shape"] = data_shape
    # A model that is conditional by default (cgan) takes the data's class
    # count; one where conditioning is optional (wgan_gp) stays
    # unconditional unless --num_classes is given.
    conditional_by_default = defaults.get("num_classes") is not None
    if conditional_by_default and "num_classes" not in hparams and data_info.num_classes:
        hparams["num_classes"] = data_info.num_classes
    return hparams


def _check_same_run(path, run):
    if not os.path.exists(path):
        return
    with open(path) as f:
        saved = json.load(f)
    keys = ("model", "hparams", "dataset", "split", "batch_size", "steps_per_epoch")
    diff = {k: (saved.get(k), run[k]) for k in keys if saved.get(k) != run[k]}
    if diff:
        raise ValueError(
            f"{os.path.dirname(path)} holds another run ({path}); resuming it with other "
            f"settings would mix two runs. Use a new --workdir. Differences (saved, given): {diff}"
        )


def weights_digest(model):
    """sha256 of the generator's weights: equal digests, equal weights."""
    digest = hashlib.sha256()
    for weight in model.generator.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()


def train(argv=None):
    """Runs the launcher with the parsed FLAGS; returns the output paths."""
    from tfgan_zoo import distribute

    # The strategy comes first: logical devices and collectives must be set
    # up before TensorFlow starts its runtime.
    strategy = distribute.get_strategy(FLAGS.strategy, cpu_replicas=FLAGS.cpu_replicas, tpu=FLAGS.tpu)

    import keras
    import tensorflow as tf

    import tfgan_zoo
    from tfgan_zoo import callbacks as callbacks_lib
    from tfgan_zoo import data as data_lib
    from tfgan_zoo import export as export_lib
    from tfgan_zoo import fileio

    keras.utils.set_random_seed(FLAGS.seed)
    if FLAGS.deterministic:
        tf.config.experimental.enable_op_determinism()
    if FLAGS.mixed_precision:
        keras.mixed_precision.set_global_policy(FLAGS.mixed_precision)
    model_cls = tfgan_zoo.get_model_class(FLAGS.model)
    given = hparam_flags.hparams_from_flags(FLAGS.model)
    data_info = data_lib.info(FLAGS.dataset, split=FLAGS.split)
    hparams = resolve_hparams(FLAGS.model, given, data_info, FLAGS.seed)
    workdir = FLAGS.workdir or os.path.join("runs", FLAGS.model)
    chief = distribute.is_chief()
    # Only the chief writes into workdir; other workers write to temporary
    # directories (removed at the end) and read the chief's backups.
    out_dir = distribute.output_dir(workdir)
    os.makedirs(out_dir, exist_ok=True)

    with strategy.scope():
        model = tfgan_zoo.create(FLAGS.model, compile=False, **hparams)
        model.compile(jit_compile=FLAGS.jit_compile, steps_per_execution=FLAGS.steps_per_execution)
    replicas = strategy.num_replicas_in_sync
    run = {
        "model": FLAGS.model,
        "hparams": json.loads(json.dumps(hparams, default=list)),
        "dataset": FLAGS.dataset,
        "split": FLAGS.split,
        "batch_size": FLAGS.batch_size,
        "steps_per_epoch": FLAGS.steps_per_epoch,
        "seed": FLAGS.seed,
        "replicas": replicas,
        "mixed_precision": FLAGS.mixed_precision,
    }
    run_path = os.path.join(workdir, "run.json")
    _check_same_run(run_path, run)
    if chief:
        fileio.write_bytes(run_path, json.dumps(run, indent=2).encode())

    image_shape = model.sample_shape
    # One train step takes d_steps minibatches (one per discriminator step)
    # on every replica. An epoch is `examples // global batch` generator
    # steps, as for d_steps=1; with d_steps > 1 the data repeats so that the
    # epoch can be that long.
    global_batch = FLAGS.batch_size * replicas
    steps = FLAGS.steps_per_epoch
    if steps is None and model.d_steps > 1 and data_info.num_examples:
        steps = max(1, data_info.num_examples // global_batch)
    dataset = data_lib.load(
        FLAGS.dataset,
        batch_size=global_batch * model.d_steps,
        image_shape=image_shape if image_shape and len(image_shape) == 3 else None,
        split=FLAGS.split,
        seed=FLAGS.seed,
        num_classes=model.num_classes,
        with_labels=model.conditional,
        repeat=steps is not None,
    )
    logging.info(
        "Training %s (%s) on %s: %d epochs, %d replica(s) x batch %d x %d d_steps.",
        FLAGS.model, model_cls.__name__, FLAGS.dataset, FLAGS.epochs, replicas, FLAGS.batch_size, model.d_steps,
    )
    grid = callbacks_lib.SampleGrid(os.path.join(out_dir, "samples"), FLAGS.grid_samples, seed=FLAGS.seed)
    cbs = [
        callbacks_lib.StopOnNaN(),
        callbacks_lib.ResumableBackup(os.path.join(workdir, "backup"), write_dir=os.path.join(out_dir, "backup")),
        keras.callbacks.CSVLogger(os.path.join(out_dir, "history.csv"), append=True),
        grid,
    ]
    try:
        # The dataset shuffles itself (seeded); `shuffle=False` only stops
        # Keras from warning that it cannot shuffle a tf.data.Dataset.
        model.fit(
            dataset,
            epochs=FLAGS.epochs,
            steps_per_epoch=steps,
            callbacks=cbs,
            verbose=FLAGS.verbose,
            shuffle=False,
        )
    finally:
        if not chief:
            distribute.cleanup_output_dirs()

    outputs = {"generator_sha256": weights_digest(model)}
    if chief:
        keras_path = os.path.join(workdir, "model.keras")
        with fileio.atomic_path(keras_path) as tmp:
            model.save(tmp)
        outputs["keras"] = keras_path
        outputs["samples"] = grid.last_path or os.path.join(workdir, "samples", "latest.png")
        if FLAGS.export:
            outputs["export"] = export_lib.export(
                model, os.path.join(FLAGS.export_dir, FLAGS.model), dataset=FLAGS.dataset
            )
    for kind, path in outputs.items():
        print(f"{kind}: {path}")
    sys.stdout.flush()
    return outputs


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    from tfgan_zoo.callbacks import NonFiniteLossError

    try:
        train()
    except (ValueError, FileNotFoundError, FileExistsError, ConnectionError, ImportError) as e:
        # Bad input: say what was wrong, without a traceback.
        logging.error("%s", e)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except NonFiniteLossError as e:
        logging.error("%s", e)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    app.run(main)
