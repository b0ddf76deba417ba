"""Interleaved timing of configurations, and the timers of `fit` and bare loops."""

import statistics
import time

import numpy as np
# ----------------------------------------------------------------------------
# Timing.


def interleave(configs, rounds, on_round=None, cpu=False):
    """Calls each configuration once per round, rotating the order.

    Args:
        configs: `{name: fn}`; `fn()` runs one measurement and returns its
            value (e.g. seconds per step).
        rounds: how many rounds.
        on_round: optional `fn(round_index, {name: value})` after each round.
        cpu: also return the CPU cores each call got (process CPU seconds
            per wall second: about the core count on an idle machine, less
            when other processes compete).

    Returns:
        `{name: [value per round]}` (and `{name: [cores per round]}` with
        `cpu`): index `r` of every list was measured in round `r`.
    """
    names = list(configs)
    values = {name: [] for name in names}
    cores = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            wall, start = time.perf_counter(), time.process_time()
            values[name].append(configs[name]())
            cores[name].append((time.process_time() - start) / (time.perf_counter() - wall))
        if on_round:
            on_round(r, {name: values[name][-1] for name in names})
    return (values, cores) if cpu else values


def paired_ratios(numerator, denominator):
    """Per-round ratios `numerator[r] / denominator[r]`."""
    return [a / b for a, b in zip(numerator, denominator)]


def median(values):
    return statistics.median(values) if values else float("nan")


def time_steps(step, steps):
    """Seconds per call of `step()` over `steps` calls (`step` returns a tensor)."""
    start = time.perf_counter()
    out = None
    for _ in range(steps):
        out = step()
    if out is not None:  # Calls are synchronous on CPU; a fetch makes sure.
        np.asarray(out)
    return (time.perf_counter() - start) / steps


def op_cost(fn, repeats=50, calls=20, baseline=True):
    """Microseconds per call of `fn()` inside a `tf.function`, measured precisely.

    `fn` (building TensorFlow ops, returning a tensor or a structure of
    them) runs `repeats` times in one graph, its outputs summed so that
    nothing is pruned; the graph runs `calls` times (after a trace and a
    warm-up call) and the best of three such timings is taken. With
    `baseline`, the cost of the same graph over `tf.zeros(())` is
    subtracted: what is left is `fn`'s own ops. Independent repeats may run
    in parallel, as they could in a real step.
    """
    import tensorflow as tf

    def graph(body):
        body = tf.autograph.experimental.do_not_convert(body)

        @tf.function
        def run():
            total = tf.zeros(())
            for _ in range(repeats):
                for t in tf.nest.flatten(body()):
                    total += tf.reduce_sum(tf.cast(t, tf.float32))
            return total

        return run

    def best_us(run):
        run().numpy()
        return min(time_steps(run, calls) for _ in range(3)) * 1e6 / repeats

    cost = best_us(graph(fn))
    return cost - best_us(graph(lambda: tf.zeros(()))) if baseline else cost


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback


class EpochTimer(_keras_callback_base()):
    """Records the wall seconds of each `fit` epoch (`seconds`).

    Put it before callbacks whose time must not count (evaluation): Keras
    calls callbacks in order.
    """

    def __init__(self):
        super().__init__()
        self.seconds = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class TimeBudget(_keras_callback_base()):
    """Stops `fit` after the first step that ends `seconds` (None: no cap)
    after training began, and counts the steps run (`steps`); `start` is
    the `perf_counter` time at which training began."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = None if seconds is None else float(seconds)
        self.steps, self.start = 0, time.perf_counter()

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.seconds is not None and time.perf_counter() - self.start >= self.seconds:
            self.model.stop_training = True


class StepTimer(_keras_callback_base()):
    """Seconds per step of a one-epoch `fit`, after its first execution
    (which makes the iterator): one step, or `steps_per_execution` steps.
    It has no `on_train_batch_end`: one would turn off Keras' asynchronous
    batch callbacks and so change what is timed."""

    def on_train_batch_begin(self, batch, logs=None):
        if batch >= 1 and not hasattr(self, "_first"):
            self._first, self._start = batch, time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = (time.perf_counter() - self._start) / (self.params["steps"] - self._first)


def fit_runner(model, dataset, steps, verbose=0):
    """`run() -> seconds per step` of `model.fit` on `steps` steps (after one
    execution: `steps_per_execution` steps, which `steps + 1` should be a
    multiple of).

    `verbose=1` shows Keras' progress bar, to a discarded buffer."""
    import contextlib
    import io

    def run():
        timer = StepTimer()
        quiet = contextlib.redirect_stdout(io.StringIO()) if verbose else contextlib.nullcontext()
        with quiet:
            model.fit(dataset, epochs=1, steps_per_epoch=steps + 1, verbose=verbose, callbacks=[timer], shuffle=False)
        return timer.seconds

    return run


def loop_step(fn):
    """`fn(batch)` in a `tf.function` that pulls the batch from an iterator,
    without AutoGraph, as Keras' `fit` calls `train_step`."""
    import tensorflow as tf

    return tf.function(tf.autograph.experimental.do_not_convert(lambda iterator: fn(next(iterator))))


def loop_runner(step, dataset, steps):
    """`run() -> seconds per step` of `step(iterator)` (a `loop_step`) called
    from Python on a fresh iterator, `steps` steps after one."""
    import tensorflow as tf

    def run():
        iterator = iter(dataset)
        first = lambda: tf.nest.flatten(step(iterator))[0]  # noqa: E731
        np.asarray(first())
        return time_steps(first, steps)

    return run


def fit_loop_costs(steps=300, rounds=3):
    """`{"fit loop", "progbar"}`: milliseconds per step that Keras' `fit` loop
    (with its callbacks) adds to a `loop_step` loop of the same trivial step,
    and that its progress bar (`verbose=1`) adds to that."""
    import keras
    import tensorflow as tf

    class Trivial(keras.Model):
        def __init__(self):
            super().__init__()
            self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)
            self.built = True

        def train_step(self, data):
            self.total.assign_add(tf.reduce_sum(data))
            return {"loss": self.total.value}

    model = Trivial()
    model.compile()
    data = tf.data.Dataset.from_tensors(tf.zeros([4])).repeat()
    runs = {
        "fit": fit_runner(model, data, steps),
        "loop": loop_runner(loop_step(model.train_step), data, steps),
        "progbar": fit_runner(model, data, steps, verbose=1),
    }
    best = {k: 1000 * min(v) for k, v in interleave(runs, rounds).items()}
    return {"fit loop": best["fit"] - best["loop"], "progbar": best["progbar"] - best["fit"]}
