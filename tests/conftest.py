"""pytest set-up, run before any test imports TensorFlow.

- Quiet TensorFlow's C++ logs.
- Split the CPU into 2 logical devices, so that `tf.distribute`
  strategies can be tested with 2 replicas on a CPU-only machine. The
  default strategy still uses one device.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(_cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)


# The modules that take longest (subprocess launcher runs, the MNIST
# classifier) go first, so that under `--dist loadscope` the two workers
# end together instead of one waiting on a long module that started last.
_SLOW_FIRST = ("test_metrics.py", "test_launchers.py", "test_models.py", "test_distribute.py", "test_export.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = os.path.basename(str(item.fspath))
        return _SLOW_FIRST.index(name) if name in _SLOW_FIRST else len(_SLOW_FIRST)

    items.sort(key=rank)  # Stable: the order within a module is kept.
