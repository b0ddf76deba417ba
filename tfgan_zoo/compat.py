"""Workarounds that reach into private Keras, TensorFlow or tfds internals.

Each is here, in one place, with the upstream behaviour it works around,
and `tests/test_compat.py` fails if one stops working (an upgrade renamed
what it touches, or fixed the bug).
"""

import contextlib


@contextlib.contextmanager
def tfds_download_retries(retries):
    """Sets how often tfds retries a failed download, for this block.

    tensorflow-datasets 4.9 retries every download 10 times with exponential
    back-off (`downloader.MAX_RETRIES`, no public setting), so an offline
    `tfds.load` of an unprepared dataset hangs for about 3.5 minutes
    before it fails.
    """
    from tensorflow_datasets.core.download import downloader

    saved = downloader.MAX_RETRIES
    downloader.MAX_RETRIES = int(retries)
    try:
        yield
    finally:
        downloader.MAX_RETRIES = saved


class PrebuiltModel:
    """Mixin for a `keras.Model` that is built at construction.

    Keras' `fit` calls `_maybe_symbolic_build`, which, for a subclassed
    model, pulls a first batch and runs the model on it eagerly. Under
    `MultiWorkerMirroredStrategy` that eager all-reduce fails
    (tensorflow/tensorflow#72388). A GAN's networks are built when it is
    constructed, so there is nothing to build.
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self.built:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)


def set_initial_epoch(model, epoch):
    """Makes a running `fit` continue after `epoch` (from `on_train_begin`).

    The private hook `keras.callbacks.BackupAndRestore` uses; `fit` has no
    public way to move its epoch counter once it has started.
    """
    model._initial_epoch = int(epoch)


def in_multi_worker_mode(strategy):
    """Whether a `MultiWorkerMirroredStrategy` really spans several workers.

    With a one-task `TF_CONFIG` it runs locally; only the private
    `extended._in_multi_worker_mode()` tells the two apart.
    """
    return bool(strategy.extended._in_multi_worker_mode())


def multi_worker_logs(results):
    """Shapes logged scalars `[1]`, as Keras' multi-worker log reduction needs.

    Keras reduces logs with `strategy.reduce(..., axis=0)` under
    `MultiWorkerMirroredStrategy`, which fails on scalars
    (tensorflow/tensorflow#72388).
    """
    import tensorflow as tf

    return {k: tf.reshape(v, [1]) for k, v in results.items()}


def build_optimizers(pairs):
    """Builds each optimizer on its variables now, before `fit`.

    Under `MirroredStrategy`, optimizer variables that Keras creates lazily
    inside the first distributed step fail ("You must feed a value for
    placeholder tensor"); built at `compile()`, inside the strategy scope,
    they are mirrored like the model's.

    Args:
        pairs: `[(optimizer, variables), ...]`.
    """
    for optimizer, variables in pairs:
        optimizer.build(variables)
