"""Each workaround in `tfgan_zoo.compat` still reaches what it patches."""

import inspect

from tfgan_zoo import compat


def test_tfds_download_retries_sets_and_restores_the_downloader_constant():
    from tensorflow_datasets.core.download import downloader

    # The constant is what tfds' requests session retries by; if an
    # upgrade renames it, the workaround silently does nothing.
    assert "MAX_RETRIES" in inspect.getsource(downloader._open_with_requests)
    before = downloader.MAX_RETRIES
    assert before > 0
    with compat.tfds_download_retries(0):
        assert downloader.MAX_RETRIES == 0
    assert downloader.MAX_RETRIES == before


def test_prebuilt_model_hook_is_what_fit_calls(monkeypatch):
    # If Keras renames the hook, fit would run the model on a first batch
    # eagerly again (the multi-worker failure) and this spy sees nothing.
    from helpers import random_batch
    from helpers import tiny_model

    calls = []
    original = compat.PrebuiltModel._maybe_symbolic_build

    def spy(self, iterator=None, data_batch=None):
        calls.append(self.built)
        return original(self, iterator=iterator, data_batch=data_batch)

    monkeypatch.setattr(compat.PrebuiltModel, "_maybe_symbolic_build", spy)
    model = tiny_model("dcgan")
    x, _ = random_batch(model, 8)
    model.fit(x, batch_size=8, epochs=1, verbose=0)
    assert calls == [True]


def test_set_initial_epoch_moves_a_running_fit():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []

    class Skip(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            compat.set_initial_epoch(self.model, 2)

        def on_epoch_begin(self, epoch, logs=None):
            seen.append(epoch)

    x = np.zeros((4, 2), "float32")
    model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[Skip()])
    assert seen == [2]


def test_multi_worker_helpers():
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # No TF_CONFIG: one local worker.
    assert compat.in_multi_worker_mode(strategy) is False
    logs = compat.multi_worker_logs({"d_loss": tf.constant(1.5)})
    assert logs["d_loss"].shape == (1,)


def test_build_optimizers_creates_the_slots_before_fit():
    import keras

    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    optimizer = keras.optimizers.Adam()
    compat.build_optimizers([(optimizer, dense.trainable_variables)])
    assert optimizer.built and len(optimizer.variables) > 2
