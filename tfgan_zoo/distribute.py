"""`tf.distribute` strategies for training, and who writes what.

`get_strategy(name)` returns one of:

- `"default"`: no distribution (one device).
- `"mirrored"`: all local GPUs; on a CPU-only machine, `cpu_replicas`
  logical CPU devices (useful to test multi-replica code without GPUs).
- `"multiworker"`: `MultiWorkerMirroredStrategy`, from the `TF_CONFIG`
  environment variable (one process per host; see the README).
- `"tpu"`: `TPUStrategy` on the TPU at `tpu` (a name or `grpc://` address;
  empty on a Cloud TPU VM).

Create the strategy first, before any other TensorFlow work (logical
devices and collectives must be configured before the runtime starts), then
build and compile the model inside `strategy.scope()`.

In multi-worker training every worker runs the same program. Only the chief
writes checkpoints, samples and exports; `output_dir(path)` gives the other
workers a temporary directory instead, which `cleanup_output_dirs()` removes.

Example:

>>> strategy = get_strategy("default")
>>> strategy.num_replicas_in_sync
1
"""

import json
import os
import shutil
import tempfile

import tensorflow as tf

from tfgan_zoo import compat

STRATEGIES = ("default", "mirrored", "multiworker", "tpu")
_TEMP_DIRS = []


def get_strategy(name="default", cpu_replicas=2, tpu=""):
    """Builds the strategy `name` (see the module docstring).

    Args:
        name: `"default"`, `"mirrored"`, `"multiworker"` or `"tpu"`.
        cpu_replicas: for `"mirrored"` on a machine without GPUs, the number
            of logical CPU devices to split the CPU into.
        tpu: TPU name or address for `"tpu"`.

    Returns:
        A `tf.distribute.Strategy`.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        # Physical, not logical: listing logical devices starts the runtime,
        # after which the CPU can no longer be split.
        if tf.config.list_physical_devices("GPU"):
            return tf.distribute.MirroredStrategy()
        devices = _cpu_devices(cpu_replicas)
        # ReductionToOneDevice: with the default cross-device ops, TF 2.21
        # mixed up the collective instance keys of synchronized batch norm
        # when a process built a second MirroredStrategy.
        return tf.distribute.MirroredStrategy(
            devices, cross_device_ops=tf.distribute.ReductionToOneDevice()
        )
    if name == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError(
                "strategy='multiworker' reads the cluster from the TF_CONFIG environment "
                "variable, which is not set. Received: TF_CONFIG=None"
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    raise ValueError(f"Unknown strategy {name!r}. Valid strategies: {list(STRATEGIES)}. Received: strategy={name!r}")


def _cpu_devices(count):
    count = int(count)
    if count < 1:
        raise ValueError(f"`cpu_replicas` must be positive. Received: cpu_replicas={count}")
    physical = tf.config.list_physical_devices("CPU")[0]
    configured = tf.config.get_logical_device_configuration(physical) or []
    if len(configured) < count:
        try:
            tf.config.set_logical_device_configuration(
                physical, [tf.config.LogicalDeviceConfiguration()] * count
            )
        except RuntimeError as e:
            raise RuntimeError(
                f"Cannot split the CPU into {count} logical devices after TensorFlow has "
                "started; call get_strategy('mirrored') before any other TensorFlow work."
            ) from e
    return [d.name for d in tf.config.list_logical_devices("CPU")[:count]]


def is_multi_worker(strategy=None):
    """Whether `strategy` (default: the current one) spans several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return False
    return compat.in_multi_worker_mode(strategy)


def task():
    """`(task_type, task_id)` from `TF_CONFIG`, or `(None, None)`."""
    config = json.loads(os.environ.get("TF_CONFIG", "{}") or "{}")
    info = config.get("task", {})
    return info.get("type"), info.get("index")


def is_chief():
    """Whether this process should write outputs.

    True without `TF_CONFIG`; with one, for the `chief` task, or for worker 0
    when the cluster has no chief.
    """
    config = json.loads(os.environ.get("TF_CONFIG", "{}") or "{}")
    task_type, task_id = task()
    if task_type is None:
        return True
    if task_type == "chief":
        return True
    has_chief = "chief" in config.get("cluster", {})
    return task_type == "worker" and task_id == 0 and not has_chief


def output_dir(path):
    """`path` on the chief; a fresh temporary directory on other workers."""
    if is_chief():
        return path
    task_type, task_id = task()
    tmp = tempfile.mkdtemp(prefix=f"tfgan_zoo_{task_type}{task_id}_")
    _TEMP_DIRS.append(tmp)
    return tmp


def cleanup_output_dirs():
    """Removes the temporary directories `output_dir` made."""
    while _TEMP_DIRS:
        shutil.rmtree(_TEMP_DIRS.pop(), ignore_errors=True)
