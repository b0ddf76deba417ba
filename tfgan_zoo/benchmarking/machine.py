"""The machine a benchmark runs on: CPU model and flags, cores, versions, load."""

import os
import platform
import sys
# The /proc/cpuinfo flags that decide which kernels TensorFlow (oneDNN) can
# use on x86 and Arm: SIMD width, bfloat16/int8 dot products, matrix units.
INTERESTING_CPU_FLAGS = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
    "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16",
    "asimd", "sve", "sve2", "bf16", "i8mm",
)


def parse_cpuinfo(text):
    """`(model name, set of flags)` of the first CPU in a `/proc/cpuinfo` text.

    Example:

    >>> model, flags = parse_cpuinfo("model name : AMD EPYC\\nflags : fma avx2\\n")
    >>> model, sorted(flags)
    ('AMD EPYC', ['avx2', 'fma'])
    """
    model, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in ("model name", "Model name") and not model:
            model = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    return model, flags


def cpu_features(cpuinfo="/proc/cpuinfo"):
    """`{"model", "flags": {flag: bool}, "present": [...], "bf16_units"}` from `/proc/cpuinfo`.

    `flags` says, for each of `INTERESTING_CPU_FLAGS`, whether the first CPU
    has it; `present` lists those it has; `bf16_units` is `bf16_units(...)`.
    Without `/proc/cpuinfo` (not Linux), the flags are empty and the model is
    `platform.processor()`.
    """
    try:
        with open(cpuinfo) as f:
            model, flags = parse_cpuinfo(f.read())
    except OSError:
        model, flags = "", set()
    model = model or platform.processor()
    table = {name: name in flags for name in INTERESTING_CPU_FLAGS}
    return {"model": model, "flags": table, "present": [n for n, on in table.items() if on],
            "bf16_units": bf16_units(flags)}


# The flags of x86 bfloat16 arithmetic units, and of Arm's bfloat16 dot products.
BF16_FLAGS = ("amx_bf16", "avx512_bf16", "bf16")


def bf16_units(flags):
    """The bfloat16 arithmetic-unit flags among `flags` (AMX, AVX-512 BF16, Arm
    BF16), in `BF16_FLAGS` order: empty where bfloat16 is emulated in float32.

    Example:

    >>> bf16_units({"avx2", "fma"}), bf16_units({"avx512f", "avx512_bf16", "amx_bf16"})
    ([], ['amx_bf16', 'avx512_bf16'])
    """
    return [flag for flag in BF16_FLAGS if flag in flags]


def load_average():
    """The 1, 5 and 15 minute load averages, or None where unknown."""
    try:
        return list(os.getloadavg())
    except (OSError, AttributeError):
        return None


def limit_threads(threads):
    """Runs TensorFlow (intra- and inter-op) and the BLAS of NumPy and
    scikit-learn on `threads` threads; 0 or None leaves the defaults."""
    if not threads:
        return
    import tensorflow as tf
    from threadpoolctl import threadpool_limits

    tf.config.threading.set_intra_op_parallelism_threads(int(threads))
    tf.config.threading.set_inter_op_parallelism_threads(int(threads))
    threadpool_limits(int(threads))


def usable_cpus():
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def machine_info():
    """Versions, CPU model and features, core counts and the load average."""
    import keras
    import tensorflow as tf

    from tfgan_zoo.version import __version__

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tfgan_zoo": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_features(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable_cpus(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "load_average": load_average(),
    }


def describe_machine(info):
    """One line about the machine, for a benchmark's header."""
    cpu = info["cpu"]
    return (
        f"{cpu['model'] or 'unknown CPU'}, {info['cpus_usable']} usable CPUs; "
        f"features: {' '.join(cpu['present']) or 'unknown'}; bfloat16 units: "
        f"{' '.join(cpu['bf16_units']) or 'none (bfloat16 is emulated)'}; TensorFlow {info['tensorflow']}, "
        f"Keras {info['keras']}; load average {info['load_average']}"
    )
