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
