"""Keras callbacks for GAN training."""

import json
import os

import keras
import numpy as np

from tfgan_zoo import fileio
from tfgan_zoo import images as images_lib
from tfgan_zoo import priors


def fixed_grid_inputs(model, num_samples=64, seed=0):
    """`(z, labels, rows)` for a sample grid that stays fixed over training.

    Conditional models get one row per class; others an about-square grid.
    """
    if model.conditional:
        per_class = max(1, num_samples // model.num_classes)
        labels = np.repeat(np.arange(model.num_classes), per_class).astype(np.int32)
        rows = model.num_classes
    else:
        labels, rows = None, None
        per_class = num_samples
    n = len(labels) if labels is not None else per_class
    z = model.prior.sample(n, seed=priors.seed_to_stateless(seed)).numpy()
    return z, labels, rows


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
        grid = images_lib.make_grid(samples, rows=rows)
        self.last_path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        images_lib.save_png(self.last_path, grid)
        images_lib.save_png(os.path.join(self.directory, "latest.png"), grid)


class AtomicBackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` whose backups survive a kill.

    Keras writes the weights and the epoch counter in place, so a process
    killed mid-write leaves a torn file. This subclass writes each to a
    temporary file and renames it into place; the last complete backup is
    always there. The weights file holds the optimizers' state too.
    """

    def _save_model(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        with fileio.atomic_path(self._weights_path) as tmp:
            self.model.save_weights(filepath=tmp, overwrite=True)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        fileio.write_bytes(self._training_metadata_path, json.dumps(metadata).encode())
