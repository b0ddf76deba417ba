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
- `run.json`: the model, hparams and data of the run, and once it has
  finished, its epochs and outputs;
- `model.keras`: the trained model;
- `<export_dir>/<model>/<version>/`: the SavedModel for TF Serving.

Tables: a table model (`tabular_wgan_gp`) trains on `--dataset=csv:<path>`
(`--label=<column>` declares the label column categorical; the
conditional vector covers every categorical column), with batches of
`--batch_size` rounded down to a multiple of `--pac`:

    python -m launchers.train --model=tabular_wgan_gp \
        --dataset=csv:../shared/data/adult/adult.data --label=Salary

Instead of the grids it writes `samples/epoch_NNNN.csv` and
`samples/latest.csv` (`--grid_samples` rows from a fixed seed) after each
epoch, and at the end `samples.csv` (as many rows as the table, at most
10,000) and `plots/NN_<column>.png` (real against generated, per column);
its export has the transformer beside it, so `launchers.generate` writes
CSV rows from it too. The table side is `tfgan_zoo.models.tabular.launch`'s.

Model hparams are flags too (`--sample_shape=32,32,3`, `--loss=minimax`,
`--d_steps=5`, ...); `--help` lists each model's, with its defaults and a
line on each. The set-up (hparams from the data, epoch sizing, the run
record) is `tfgan_zoo.training`'s.

Output: a progress bar when stdout is a terminal, one plain line per epoch
when it is not (`> log.txt 2>&1` gives a log with no escape codes); TensorFlow's
start-up and INFO logs only with `--verbose` (see `launchers.cli`).

Bad input is refused before any work, with one `error: --flag=value: ...`
line and exit code 2: non-positive `--epochs`, `--batch_size`,
`--steps_per_epoch`, `--steps_per_execution`, `--grid_samples`; a
`--workdir` or `--export_dir` under a file; a table model on other data or
a table for another model (`--dataset`), a `--label` that is not a column
of the table (or without a table), a `--batch_size` below `--pac`;
resuming with other settings; and
re-running a finished run (nothing is trained or exported: raise `--epochs`
to train on, or pass `--export_only` to export the finished run again).
A run that fails before its first epoch (e.g. on its data) does not bind
the work directory: the corrected command runs.

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
  identical on the same machine; `--precision=bfloat16` or `float16` (a
  model hparam, `tfgan_zoo.precision`) trains in reduced precision (loss
  scaling for float16). Without it, the launcher picks bfloat16 for the
  models measured faster in it at equal quality, on a CPU with bfloat16
  units, and float32 otherwise (`tfgan_zoo.precision.auto`); it prints
  its choice. A resumed run keeps its own.

At the end it prints `generator_sha256: ...`, a digest of the generator's
weights, to compare runs and workers.
"""

import os
import sys

from absl import app
from absl import flags

from launchers import cli

cli.quiet_tensorflow()  # Before anything imports TensorFlow.

from launchers import hparam_flags  # noqa: E402 (imports TensorFlow)
from tfgan_zoo import export as export_lib  # noqa: E402
from tfgan_zoo import training  # noqa: E402

FLAGS = flags.FLAGS

flags.DEFINE_string("model", "dcgan", "Registered model name.")
flags.DEFINE_string(
    "dataset", "digits", "Dataset spec: digits, mnist, tfds:<name>, idx:<dir>, folder:<dir>, csv:<path> (tables)."
)
flags.DEFINE_string(
    "label", None, "Tables (--dataset=csv:<path>): the label column (e.g. Salary), declared categorical."
)
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
flags.DEFINE_integer("grid_samples", 64, "Images in each sample grid (rows in each samples CSV of a table run).")
flags.DEFINE_bool("jit_compile", False, "Compile the train step with XLA.")
flags.DEFINE_integer("steps_per_execution", 1, "Train steps per tf.function call.")
cli.define_progress_verbose()
flags.DEFINE_bool("export", True, "Export a SavedModel at the end.")
flags.DEFINE_bool("export_only", False, "Export the finished run in --workdir again (a new version); no training.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multiworker", "tpu"], "tf.distribute strategy.")
flags.DEFINE_integer("cpu_replicas", 2, "--strategy=mirrored without GPUs: logical CPU devices to use.")
flags.DEFINE_string("tpu", "", "--strategy=tpu: TPU name or address.")
flags.DEFINE_bool("deterministic", False, "Deterministic ops and seeds: bitwise-reproducible runs.")

hparam_flags.define_hparam_flags()


def check_flags(workdir):
    """Refuses bad flag values before any work; a ValueError names the flag."""
    cli.check_positive("epochs", "batch_size", "steps_per_epoch", "steps_per_execution", "grid_samples", "cpu_replicas")
    cli.check_output_path("workdir", workdir)
    if FLAGS.export or FLAGS.export_only:
        cli.check_output_path("export_dir", FLAGS.export_dir)
    done = training.finished_epochs(workdir)
    if done >= FLAGS.epochs and not FLAGS.export_only:
        raise ValueError(
            f"--workdir={workdir} holds a finished run of {done} epoch(s) (--epochs={FLAGS.epochs}): "
            f"nothing to train, nothing exported. Pass --epochs above {done} to train on, "
            "--export_only to export it again, or a new --workdir."
        )
    if FLAGS.export_only and not done:
        raise ValueError(f"--export_only: --workdir={workdir} holds no finished run to export.")


def export_only(workdir):
    """Exports the finished run in `workdir` again (a new version)."""
    run = training.read_run(workdir)
    model = cli.load_keras_gan(os.path.join(workdir, "model.keras"))
    path = export_lib.export(model, os.path.join(FLAGS.export_dir, run["model"]), dataset=run["dataset"])
    return {"generator_sha256": training.weights_digest(model), "export": path}


def table_data():
    """The table of a table run (`--dataset=csv:<path>` for a table model),
    its `--label` and `--split` applied; None for other data."""
    from tfgan_zoo.models.tabular import launch as table_launch

    with cli.flag_errors("dataset"):
        is_table = table_launch.is_table_run(FLAGS.model, FLAGS.dataset)
    if not is_table:
        if FLAGS.label is not None:
            cli.exit_with(f"--label={FLAGS.label}: only tables (--dataset=csv:<path>) have a label column.")
        return None
    with cli.flag_errors("dataset"):
        table = table_launch.TableData.read(FLAGS.dataset)
    with cli.flag_errors("label"):
        table = table.labelled(FLAGS.label)
    with cli.flag_errors("split"):
        return table.split(FLAGS.split)


def train(workdir):
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
    from tfgan_zoo import fileio
    from tfgan_zoo.models.tabular import launch as table_launch

    keras.utils.set_random_seed(FLAGS.seed)
    if FLAGS.deterministic:
        tf.config.experimental.enable_op_determinism()
    given = hparam_flags.hparams_from_flags(FLAGS.model)
    if "precision" in tfgan_zoo.model_hparams(FLAGS.model) and "precision" not in given:
        chosen, why = auto_precision(workdir)
        if chosen is not None:
            given["precision"] = chosen
        if FLAGS.verbose != 0:
            print(f"precision: {chosen or 'float32'} ({why}; --precision= chooses)", flush=True)
    table = table_data()
    data_info = table.info if table else data_lib.info(FLAGS.dataset, split=FLAGS.split)
    hparams = training.resolve_hparams(FLAGS.model, given, data_info, FLAGS.seed)
    chief = distribute.is_chief()
    with strategy.scope():
        if table:  # Its transformer is fitted to the table.
            model = table.build(FLAGS.model, hparams)
        else:
            model = tfgan_zoo.create(FLAGS.model, compile=False, **hparams)
        model.compile(jit_compile=FLAGS.jit_compile, steps_per_execution=FLAGS.steps_per_execution)
    replicas = strategy.num_replicas_in_sync
    run = training.run_record(
        FLAGS.model, hparams, FLAGS.dataset, FLAGS.split, FLAGS.batch_size, FLAGS.steps_per_epoch,
        label=FLAGS.label, seed=FLAGS.seed, replicas=replicas,
    )
    training.check_same_run(workdir, run)
    if table:
        with cli.flag_errors("batch_size"):
            dataset, plan = table.train_dataset(
                model, FLAGS.batch_size, FLAGS.epochs, seed=FLAGS.seed, replicas=replicas,
                steps_per_epoch=FLAGS.steps_per_epoch,
            )
    else:
        dataset, plan = training.train_dataset(
            FLAGS.dataset, model, data_info, FLAGS.batch_size, split=FLAGS.split, seed=FLAGS.seed,
            replicas=replicas, steps_per_epoch=FLAGS.steps_per_epoch,
        )
    # Only the chief writes into workdir (after the data loaded: a run that
    # failed on its data leaves no record); other workers write to
    # temporary directories, removed at the end, and read the chief's backups.
    out_dir = distribute.output_dir(workdir)
    os.makedirs(out_dir, exist_ok=True)
    if chief:
        training.write_run(workdir, run)
    if FLAGS.verbose != 0:
        print(
            f"Training {FLAGS.model} on {FLAGS.dataset}: {FLAGS.epochs} epochs of {plan.generator_steps} "
            f"generator steps, {replicas} replica(s) x batch {plan.global_batch_size // replicas} x "
            f"{model.d_steps} d_steps.",
            flush=True,
        )
    # Tables have no picture: their samples go to CSV files.
    samples_class = table_launch.EpochRows if table else callbacks_lib.SampleGrid
    samples = samples_class(os.path.join(out_dir, "samples"), FLAGS.grid_samples, seed=FLAGS.seed)
    cbs = [
        callbacks_lib.StopOnNaN(),
        callbacks_lib.ResumableBackup(os.path.join(workdir, "backup"), write_dir=os.path.join(out_dir, "backup")),
        keras.callbacks.CSVLogger(os.path.join(out_dir, "history.csv"), append=True),
        samples,
    ]
    try:
        # The dataset shuffles itself (seeded); `shuffle=False` only stops
        # Keras from warning that it cannot shuffle a tf.data.Dataset.
        model.fit(dataset, epochs=FLAGS.epochs, steps_per_epoch=plan.steps_per_epoch, callbacks=cbs,
                  verbose=cli.keras_verbose(FLAGS.verbose), shuffle=False)
    finally:
        if not chief:
            distribute.cleanup_output_dirs()

    outputs = {"generator_sha256": training.weights_digest(model)}
    if chief:
        keras_path = os.path.join(workdir, "model.keras")
        fileio.save_keras_model(model, keras_path)
        outputs["keras"] = keras_path
        outputs["samples"] = samples.last_path or os.path.join(workdir, "samples", "latest.png")
        if table:
            outputs.update(table.write_report(model, workdir, seed=FLAGS.seed))
        if FLAGS.export:
            outputs["export"] = export_lib.export(model, os.path.join(FLAGS.export_dir, FLAGS.model), dataset=FLAGS.dataset)
        training.mark_finished(workdir, run, FLAGS.epochs, outputs)
    return outputs


def auto_precision(workdir):
    """`(precision, why)` when --precision is not given: a resumed run's own
    (`run.json`; None for a run started before the choice existed), else
    `tfgan_zoo.precision.auto` for this machine."""
    import tensorflow as tf

    from tfgan_zoo import precision as precision_lib
    from tfgan_zoo.benchmarking import machine

    saved = training.read_run(workdir)
    if saved is not None and training.has_trained_state(workdir):
        return saved.get("hparams", {}).get("precision"), f"the precision of the run in {workdir}"
    gpus = len(tf.config.list_physical_devices("GPU"))
    return precision_lib.auto(FLAGS.model, machine.cpu_features()["bf16_units"], gpus=gpus)


def main(argv):
    del argv  # Checked by cli.parse_flags.
    from tfgan_zoo.callbacks import NonFiniteLossError

    cli.quiet_output(FLAGS.verbose == cli.TF_LOGS)
    workdir = FLAGS.workdir or os.path.join("runs", FLAGS.model)
    try:
        check_flags(workdir)
        outputs = export_only(workdir) if FLAGS.export_only else train(workdir)
    except (ValueError, FileNotFoundError, FileExistsError, NotADirectoryError, ConnectionError, ImportError) as e:
        cli.exit_with(e)  # Bad input: one line saying what was wrong, no traceback.
    except NonFiniteLossError as e:
        cli.exit_with(e, code=3)
    for kind, path in outputs.items():
        print(f"{kind}: {path}")
    sys.stdout.flush()


def parse_flags(argv):
    """`cli.parse_flags`, with each model's hparams in `--help`."""
    return cli.parse_flags(argv, extra_help=hparam_flags.models_help)


if __name__ == "__main__":
    app.run(main, flags_parser=parse_flags)
