"""Helpers for the benchmarks: the machine, interleaved timing, FLOP counts.

Modules: `machine`, `timing`, `flops`, `report`; their functions are
imported here.

- `cpu_features()` / `machine_info()`: the CPU (model, the SIMD and
  matrix-unit flags of `/proc/cpuinfo` that decide TensorFlow's kernels,
  e.g. `avx512_bf16`, `amx_tile`), core counts, versions, load average.
- `interleave(configs, rounds)`: times named configurations in rounds,
  each configuration once per round in a rotating order, so that a change
  of machine load hits all of them alike; `paired_ratios` and `median`
  turn the per-round values into ratios measured within one round.
- `EpochTimer` / `StepTimer`: Keras callbacks timing `fit` epochs and steps;
  `fit_runner` / `loop_runner` time `fit` and a bare `tf.function` loop
  (`loop_step`) alike; `fit_loop_costs` is what Keras' `fit` loop itself
  adds per step; `op_cost` times a few ops precisely.
- `layer_macs` / `pass_flops` / `gan_step_flops`: analytic FLOPs of Keras
  Dense and convolution networks and of a GAN training step.
- `format_table` and `write_json`: the benchmarks' output.

Example:

>>> sorted(interleave({"a": lambda: 1.0, "b": lambda: 2.0}, rounds=3))
['a', 'b']
>>> paired_ratios([2.0, 4.0], [1.0, 2.0])
[2.0, 2.0]
>>> print(format_table(["name", "x"], [["a", "1.5"]]))
name    x
---------
a     1.5
"""

from tfgan_zoo.benchmarking.machine import INTERESTING_CPU_FLAGS
from tfgan_zoo.benchmarking.machine import cpu_features
from tfgan_zoo.benchmarking.machine import describe_machine
from tfgan_zoo.benchmarking.machine import limit_threads
from tfgan_zoo.benchmarking.machine import load_average
from tfgan_zoo.benchmarking.machine import machine_info
from tfgan_zoo.benchmarking.machine import usable_cpus
from tfgan_zoo.benchmarking.timing import EpochTimer
from tfgan_zoo.benchmarking.timing import StepTimer
from tfgan_zoo.benchmarking.timing import fit_loop_costs
from tfgan_zoo.benchmarking.timing import fit_runner
from tfgan_zoo.benchmarking.timing import interleave
from tfgan_zoo.benchmarking.timing import loop_runner
from tfgan_zoo.benchmarking.timing import loop_step
from tfgan_zoo.benchmarking.timing import median
from tfgan_zoo.benchmarking.timing import op_cost
from tfgan_zoo.benchmarking.timing import paired_ratios
from tfgan_zoo.benchmarking.timing import time_steps
from tfgan_zoo.benchmarking.flops import FLOP_CONVENTION
from tfgan_zoo.benchmarking.flops import gan_step_flops
from tfgan_zoo.benchmarking.flops import layer_macs
from tfgan_zoo.benchmarking.flops import matmul_gflops
from tfgan_zoo.benchmarking.flops import pass_flops
from tfgan_zoo.benchmarking.report import check_model_paths
from tfgan_zoo.benchmarking.report import format_table
from tfgan_zoo.benchmarking.report import to_jsonable
from tfgan_zoo.benchmarking.report import write_json

__all__ = ["EpochTimer", "FLOP_CONVENTION", "INTERESTING_CPU_FLAGS", "StepTimer", "check_model_paths", "cpu_features", "describe_machine", "fit_loop_costs", "fit_runner", "format_table", "gan_step_flops", "interleave", "layer_macs", "limit_threads", "load_average", "loop_runner", "loop_step", "machine_info", "matmul_gflops", "median", "op_cost", "paired_ratios", "pass_flops", "time_steps", "to_jsonable", "usable_cpus", "write_json"]
