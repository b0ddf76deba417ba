"""Keras callbacks for GAN training."""

import json
import os
import shutil

import keras
import numpy as np

from tfgan_zoo import fileio
from tfgan_zoo import images as images_lib
from tfgan_zoo import compat
from tfgan_zoo import sampling


def fixed_grid_inputs(model, num_samples=64, seed=0):
    """`(z, labels, rows)` for a sample grid that stays fixed over training.

    Conditional models get one row per class; others an about-square grid.
    The same `z` as `model.generate(seed=seed)` draws for these labels.
    """
    labels, rows = sampling.grid_labels(model.num_classes, num_samples)
    n = num_samples if labels is None else len(labels)
    z, labels = sampling.generator_inputs(model.prior, model.num_classes, n, seed, labels)
    return z.numpy(), None if labels is None else labels.numpy(), rows


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples from fixed noise after every `every` epochs.

    Files are `directory/epoch_0001.png`, ..., plus `directory/latest.png`.
    The same `z` (and labels: one row per class for conditional models) is
    used every time, so the grids show training progress.

    Args:
        directory: output directory.
        num_samples: grid size (rounded to whole rows per class).
        seed: seeds the fixed noise.
        every: epochs between grids.
    """

    def __init__(self, directory, num_samples=64, seed=0, every=1):
        super().__init__()
        self.directory = directory
        self.num_samples = int(num_samples)
        self.seed = int(seed)
        self.every = max(1, int(every))
        self._inputs = None
        self.last_path = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if self._inputs is None:
            self._inputs = fixed_grid_inputs(self.model, self.num_samples, self.seed)
        z, labels, rows = self._inputs
        samples = self.model.generate(z=z, labels=labels)
        grid = images_lib.make_grid(images_lib.as_images(samples), rows=rows)
        self.last_path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        images_lib.save_png(self.last_path, grid)
        images_lib.save_png(os.path.join(self.directory, "latest.png"), grid)


class ResumableBackup(keras.callbacks.Callback):
    """Backs up the model after every epoch; restores the latest at `fit` start.

    Each backup is a directory `backup_dir/epoch-NNNNNN/` holding the weights
    (networks, optimizers' state and iteration counters, seed generator
    state) and `state.json` (the epoch counter and its logs). It is written
    to a temporary directory and renamed into place, so a process killed at
    any moment, even mid-write, leaves the previous complete backup; only
    complete directories are ever read. The `keep` newest are kept.

    On `fit` start, the newest backup is loaded and training continues after
    its epoch (`fit(epochs=N)` counts all epochs, resumed ones included).
    A damaged backup (a `state.json` that does not parse, a weights file
    that does not read) is moved aside to `corrupt-epoch-NNNNNN/`, never
    deleted, and the next newest is tried; each step is printed. A weights
    file that reads but does not fit the model raises (naming it) and
    leaves the model and the backups unchanged.

    Args:
        backup_dir: where backups are read from (and written to).
        write_dir: where to write them instead; a non-chief worker passes a
            temporary directory (see `tfgan_zoo.distribute.output_dir`) and
            still restores from the chief's `backup_dir`.
        keep: how many backups to keep.
    """

    PREFIX = "epoch-"
    WEIGHTS = "weights.weights.h5"
    STATE = "state.json"
    CORRUPT_PREFIX = "corrupt-"

    def __init__(self, backup_dir, write_dir=None, keep=2):
        super().__init__()
        self.backup_dir = backup_dir
        self.write_dir = write_dir or backup_dir
        self.keep = max(1, int(keep))
        self.restored_epoch = None

    @classmethod
    def backups(cls, directory):
        """`[(epoch, path)]` of the complete backups in `directory`, oldest first."""
        if not os.path.isdir(directory):
            return []
        found = []
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if not name.startswith(cls.PREFIX) or not name[len(cls.PREFIX) :].isdigit():
                continue
            if os.path.isfile(os.path.join(path, cls.WEIGHTS)) and os.path.isfile(os.path.join(path, cls.STATE)):
                found.append((int(name[len(cls.PREFIX) :]), path))
        return sorted(found)

    def on_train_begin(self, logs=None):
        for epoch, path in reversed(self.backups(self.backup_dir)):
            try:
                state = self.read_state(path)
                fileio.check_h5(os.path.join(path, self.WEIGHTS))
            except (fileio.CorruptFileError, ValueError, OSError) as e:
                self._set_aside(path, e)
                continue
            # A readable file that does not fit the model (another
            # architecture) raises: that is not a damaged backup.
            fileio.load_weights_atomically(self.model, os.path.join(path, self.WEIGHTS), self.model.load_weights)
            # The noise streams continue where they were, rather than replaying
            # the first epoch's z and penalty weights.
            for name, generator in _seed_generators(self.model).items():
                if name in state.get("seed_generators", {}):
                    generator.state.assign(np.asarray(state["seed_generators"][name], generator.state.dtype))
            self.restored_epoch = int(state["epoch"])
            compat.set_initial_epoch(self.model, self.restored_epoch)
            print(f"ResumableBackup: resuming from {path} (epoch {self.restored_epoch}).", flush=True)
            return

    @classmethod
    def read_state(cls, path):
        """The `state.json` of the backup `path`; `ValueError` naming the file if it is damaged."""
        state_path = os.path.join(path, cls.STATE)
        try:
            with open(state_path) as f:
                state = json.load(f)
            if isinstance(state.get("epoch"), bool) or not isinstance(state.get("epoch"), int):
                raise ValueError(f"no integer 'epoch' (keys: {sorted(state)})")
        except (ValueError, AttributeError) as e:  # JSONDecodeError is a ValueError.
            raise ValueError(f"{state_path} is not a backup state: {e}. Received: path={state_path!r}") from None
        return state

    def _set_aside(self, path, error):
        """Moves a damaged backup to `corrupt-<name>` (a chief only), so that it is kept but never read again."""
        if os.path.abspath(self.write_dir) != os.path.abspath(self.backup_dir):
            print(f"ResumableBackup: skipping the damaged backup {path}: {error}", flush=True)
            return
        aside = os.path.join(os.path.dirname(path), f"{self.CORRUPT_PREFIX}{os.path.basename(path)}")
        suffix = 1
        while os.path.exists(aside):
            suffix += 1
            aside = os.path.join(os.path.dirname(path), f"{self.CORRUPT_PREFIX}{os.path.basename(path)}-{suffix}")
        os.rename(path, aside)
        print(f"ResumableBackup: the backup {path} is damaged ({error}); moved it to {aside}.", flush=True)

    def on_epoch_end(self, epoch, logs=None):
        path = os.path.join(self.write_dir, f"{self.PREFIX}{epoch + 1:06d}")
        with fileio.atomic_path(path, is_dir=True) as tmp:
            os.makedirs(tmp)
            self.model.save_weights(os.path.join(tmp, self.WEIGHTS))
            state = {
                "epoch": epoch + 1,
                "logs": {k: _to_float(v) for k, v in (logs or {}).items()},
                "seed_generators": {
                    name: np.asarray(g.state.numpy()).tolist() for name, g in _seed_generators(self.model).items()
                },
            }
            with open(os.path.join(tmp, self.STATE), "w") as f:
                json.dump(state, f)
        for _, old in self.backups(self.write_dir)[: -self.keep]:
            shutil.rmtree(old, ignore_errors=True)


def _seed_generators(model):
    """`{name: keras.random.SeedGenerator}` of a model (none for plain Keras models)."""
    return dict(getattr(model, "seed_generators", {}))


def _to_float(value):
    return float(np.asarray(value).reshape(-1)[0])


class NonFiniteLossError(RuntimeError):
    """A logged loss became NaN or Inf; training was stopped."""


class StopOnNaN(keras.callbacks.Callback):
    """Stops training with a clear error when a logged value is NaN or Inf.

    It raises `NonFiniteLossError` from the batch that produced it, naming
    the values, the epoch and step. Raising (rather than setting
    `stop_training`, as `keras.callbacks.TerminateOnNaN` does) keeps the
    epoch-end callbacks from running, so `ResumableBackup` never saves the
    broken weights: the last good backup stays the newest.
    """

    def __init__(self):
        super().__init__()
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {
            name: _to_float(value)
            for name, value in (logs or {}).items()
            if not np.all(np.isfinite(np.asarray(value, dtype=np.float64)))
        }
        if bad:
            g_opt = getattr(self.model, "g_optimizer", None)
            g_step = int(g_opt.iterations.numpy()) if g_opt is not None else None
            raise NonFiniteLossError(
                f"Training stopped: {bad} at epoch {self._epoch + 1}, step {batch + 1} "
                f"(generator step {g_step}). The weights of this epoch were not saved; the "
                "last good backup is kept. Lower the learning rates, check the data, or "
                "try a gradient penalty."
            )


class MetricsCallback(keras.callbacks.Callback):
    """Computes sample-quality metrics every `every` epochs during `fit`.

    The values go into the epoch logs (so into `fit`'s History, CSVLogger,
    and any later callback) and, with `log_dir`, to TensorBoard.

    Args:
        evaluator: a `tfgan_zoo.metrics.Evaluator` (its real features are
            extracted once, at the first evaluation).
        every: epochs between evaluations.
        log_dir: a TensorBoard log directory, or None.

    Example:

        evaluator = tfgan_zoo.metrics.Evaluator(
            "idx:../shared/data/mnist", metrics=("fid", "kid"), num_samples=2000,
            image_shape=gan.sample_shape)
        gan.fit(ds, epochs=10, callbacks=[MetricsCallback(evaluator, every=2)])
    """

    def __init__(self, evaluator, every=1, log_dir=None):
        super().__init__()
        self.evaluator = evaluator
        self.every = max(1, int(every))
        self.log_dir = log_dir
        self.history = []
        self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        results = self.evaluator.evaluate(self.model)
        if logs is not None:
            logs.update(results)
        self.history.append({"epoch": epoch + 1, **results})
        if self.log_dir:
            import tensorflow as tf

            if self._writer is None:
                self._writer = tf.summary.create_file_writer(self.log_dir)
            with self._writer.as_default():
                for name, value in results.items():
                    tf.summary.scalar(name, value, step=epoch + 1)
            self._writer.flush()
