"""The training set-up: hparams from the data, epoch sizing, the run record.

`launchers/train.py` and `benchmarks/quality.py` train through these, so a
benchmark trains a model exactly as the launcher would:

- `resolve_hparams(model_name, given, data_info, seed)`: the model's
  `sample_shape` and `num_classes` from the data where not given.
- `epoch_plan(...)` / `train_dataset(...)`: one train step takes `d_steps`
  minibatches on every replica, so `fit` gets batches of
  `batch_size * replicas * d_steps`. An epoch is `examples // global batch`
  generator steps whatever `d_steps` is: with `d_steps > 1` (or a given
  `steps_per_epoch`) the data repeats so that the epoch can be that long.
- `run_record` / `check_same_run` / `mark_finished`: `run.json`, the record
  of a run in its work directory. Resuming a run with other settings would
  mix two runs, so it is refused; a record that nothing was trained under
  (no backup, no `model.keras`) does not bind. A table run records its
  `label` column too.
- `weights_digest(model)`: a digest of the generator's weights, to compare
  runs and workers.

Example:

>>> plan = epoch_plan(num_examples=1000, batch_size=32, d_steps=5)
>>> plan.fit_batch_size, plan.generator_steps, plan.repeat
(160, 31, True)
"""

import collections
import hashlib
import json
import os

import numpy as np

RUN_FILE = "run.json"
# The settings a resumed run must share with the run it continues.
RUN_KEYS = ("model", "hparams", "dataset", "split", "batch_size", "steps_per_epoch", "label")


def resolve_hparams(model_name, given, data_info, seed):
    """`given` plus what the data decides: `seed`, `sample_shape`, `num_classes`.

    The model keeps its default resolution unless the data has other
    channels or is not made of images (the 2-D toy sets); a model that is
    conditional by default (cgan) takes the data's class count, one where
    conditioning is optional (wgan_gp) stays unconditional unless
    `num_classes` is given.

    Args:
        model_name: a registered model.
        given: hparams given by the user (aliases allowed).
        data_info: the data's `tfgan_zoo.data.DataInfo`.
        seed: the run's seed (for models that take one).

    Example:

    >>> from tfgan_zoo.data import DataInfo
    >>> resolve_hparams("cgan", {}, DataInfo(100, (32, 32, 3), 5, None), seed=1)
    {'seed': 1, 'sample_shape': (32, 32, 3), 'num_classes': 5}
    """
    from tfgan_zoo import registry

    defaults = registry.model_hparams(model_name)
    hparams = registry.canonical_hparams(given, defaults)
    if "seed" in defaults:
        hparams["seed"] = seed
    if "sample_shape" in defaults and "sample_shape" not in hparams and data_info.image_shape:
        default_shape = tuple(defaults["sample_shape"])
        data_shape = tuple(data_info.image_shape)
        if len(data_shape) != 3 or data_shape[-1] != default_shape[-1]:
            hparams["sample_shape"] = data_shape
    conditional_by_default = defaults.get("num_classes") is not None
    if conditional_by_default and "num_classes" not in hparams and data_info.num_classes:
        hparams["num_classes"] = data_info.num_classes
    return hparams


EpochPlan = collections.namedtuple(
    "EpochPlan", ["global_batch_size", "fit_batch_size", "steps_per_epoch", "generator_steps", "repeat"]
)
EpochPlan.__doc__ = """How `fit` is fed: `fit_batch_size` examples per step,
`steps_per_epoch` for `fit` (None: one pass over the data, which then has
`generator_steps` batches), and whether the data repeats."""


def _positive(value, name):
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


def epoch_plan(num_examples, batch_size, d_steps=1, replicas=1, steps_per_epoch=None):
    """The epoch sizing of a run (see the module docstring); an `EpochPlan`.

    Args:
        num_examples: examples in the data (None or 0 when unknown).
        batch_size: examples per discriminator step on each replica.
        d_steps: the model's discriminator steps per generator step.
        replicas: replicas in sync.
        steps_per_epoch: generator steps per epoch; default
            `num_examples // (batch_size * replicas)`.
    """
    batch_size, d_steps, replicas = (_positive(v, n) for v, n in
                                     ((batch_size, "batch_size"), (d_steps, "d_steps"), (replicas, "replicas")))
    steps = None if steps_per_epoch is None else _positive(steps_per_epoch, "steps_per_epoch")
    global_batch = batch_size * replicas
    if steps is None and d_steps > 1 and num_examples:
        steps = max(1, num_examples // global_batch)
    per_epoch = steps if steps is not None else (num_examples or 0) // (global_batch * d_steps)
    return EpochPlan(global_batch, global_batch * d_steps, steps, per_epoch, steps is not None)


def train_dataset(spec, model, data_info, batch_size, split="train", seed=0, replicas=1, steps_per_epoch=None):
    """`(tf.data.Dataset, EpochPlan)`: the data `fit` trains `model` on.

    Batches of `plan.fit_batch_size`, shuffled with `seed`, images (and
    generated voxel shapes) at the model's sample shape, labels for
    conditional models; pass `plan.steps_per_epoch` to `fit`. Sequences and
    tables are not resized: their data sets the model's shape.
    """
    from tfgan_zoo import data as data_lib

    plan = epoch_plan(data_info.num_examples, batch_size, model.d_steps, replicas, steps_per_epoch)
    shape = tuple(model.sample_shape)
    dataset = data_lib.load(
        spec,
        batch_size=plan.fit_batch_size,
        image_shape=shape if len(shape) >= 3 else None,
        split=split,
        seed=seed,
        num_classes=model.num_classes,
        with_labels=model.conditional,
        repeat=plan.repeat,
    )
    return dataset, plan


# ----------------------------------------------------------------------------
# The run record.


def run_record(model, hparams, dataset, split, batch_size, steps_per_epoch, label=None, **extra):
    """The `run.json` content of a run: the `RUN_KEYS` settings (`label`,
    a table's label column, only when given), and `extra` facts (seed,
    replicas, ...) that do not bind a resumed run."""
    record = {
        "model": model,
        "hparams": json.loads(json.dumps(hparams, default=list)),
        "dataset": dataset,
        "split": split,
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
    }
    if label is not None:
        record["label"] = label
    record.update(extra)
    return record


def read_run(workdir):
    """The run record in `workdir`, or None."""
    path = os.path.join(workdir, RUN_FILE)
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def has_trained_state(workdir):
    """Whether `workdir` holds something a run would resume or overwrite:
    a complete backup or a `model.keras`."""
    from tfgan_zoo.callbacks import ResumableBackup

    backups = ResumableBackup.backups(os.path.join(workdir, "backup"))
    return bool(backups) or os.path.exists(os.path.join(workdir, "model.keras"))


def check_same_run(workdir, run):
    """Refuses to resume the run in `workdir` with other settings.

    Raises:
        ValueError: `workdir` has a run record that differs from `run` in
            `RUN_KEYS`, and trained state (`has_trained_state`). A record
            without trained state (a run that failed before its first epoch,
            e.g. on bad data) does not bind: the corrected command runs.
    """
    saved = read_run(workdir)
    if saved is None or not has_trained_state(workdir):
        return
    diff = {k: (saved.get(k), run.get(k)) for k in RUN_KEYS if saved.get(k) != run.get(k)}
    if diff:
        raise ValueError(
            f"{workdir} holds another run ({os.path.join(workdir, RUN_FILE)}); resuming it with other "
            f"settings would mix two runs. Use a new --workdir. Differences (saved, given): {diff}"
        )


def write_run(workdir, run):
    """Writes the run record atomically."""
    from tfgan_zoo import fileio

    fileio.write_bytes(os.path.join(workdir, RUN_FILE), json.dumps(run, indent=2).encode())


def mark_finished(workdir, run, epochs, outputs):
    """Records in `run.json` that the run finished `epochs` epochs, with its outputs."""
    write_run(workdir, {**run, "finished": {"epochs": int(epochs), "outputs": outputs}})


def finished_epochs(workdir):
    """The epochs of the finished run in `workdir` (0 if none finished)."""
    saved = read_run(workdir) or {}
    return int((saved.get("finished") or {}).get("epochs", 0))


def weights_digest(model):
    """sha256 of the generator's weights: equal digests, equal weights."""
    digest = hashlib.sha256()
    for weight in model.generator.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()
