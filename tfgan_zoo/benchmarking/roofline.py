"""A roofline of training steps: achieved GFLOP/s against the same run's GEMM peak.

The configurations of one model and batch size (`"fit float32"`, `"bare
bfloat16"`, ...) run in `interleave` rounds together with a large matmul
per precision (`"peak float32"`, `flops.matmul_runner`), so that every
round has its own peak: a step's fraction of peak is the median over rounds
of the per-round ratio, of wall time and of process CPU time (GFLOP per
CPU-second: steadier when other processes compete for the cores).

Example:

>>> values = {"bare float32": [2.0, 2.0], "peak float32": [1.0, 0.5]}
>>> cores = {"bare float32": [1.0, 1.0], "peak float32": [1.0, 1.0]}
>>> rows = roofline_rows(values, cores, step_flops=4e9, peak_flops={"float32": 8e9})
>>> rows["bare float32"]["gflops"], rows["bare float32"]["fraction"]
(2.0, 0.1875)
"""

from tfgan_zoo.benchmarking.timing import median
from tfgan_zoo.benchmarking.timing import paired_ratios


def peak_rows(values, cores, peak_flops):
    """`{precision: {"best", "median", "median_per_core"}}` GFLOP/s of the
    `"peak <precision>"` entries of `interleave` values (seconds per call)."""
    out = {}
    for precision, flops in peak_flops.items():
        seconds, used = values[f"peak {precision}"], cores[f"peak {precision}"]
        rates = [flops / s / 1e9 for s in seconds]
        out[precision] = {"best": max(rates), "median": median(rates),
                          "median_per_core": median([r / c for r, c in zip(rates, used)]),
                          "gflops": rates, "cores": used}
    return out


def roofline_rows(values, cores, step_flops, peak_flops):
    """`{config: {...}}` for the step configurations (`"<kind> <precision>"`)
    of `interleave` values (seconds per step), each against the round's
    `"peak <precision>"` and `"peak float32"` (seconds per matmul call,
    `peak_flops[precision]` FLOPs each).

    Per config: `ms` (median), `gflops` (median), `fraction` (median of the
    per-round achieved/peak of its own precision), `cpu_fraction` (the same
    per CPU-second), `fraction_of_float32` (wall, against the float32 peak),
    `cores` (median), and the per-round lists.
    """
    out = {}
    for config, seconds in values.items():
        if config.startswith("peak "):
            continue
        precision = config.rsplit(" ", 1)[-1]

        def per_round(peak_precision, cpu=False):
            peak = values[f"peak {peak_precision}"]
            achieved = [step_flops / s / (c if cpu else 1) for s, c in zip(seconds, cores[config])]
            peak_rate = [peak_flops[peak_precision] / s / (c if cpu else 1)
                         for s, c in zip(peak, cores[f"peak {peak_precision}"])]
            return paired_ratios(achieved, peak_rate)

        out[config] = {
            "ms": 1000 * median(seconds), "gflops": median([step_flops / s / 1e9 for s in seconds]),
            "fraction": median(per_round(precision)), "cpu_fraction": median(per_round(precision, cpu=True)),
            "fraction_of_float32": median(per_round("float32")) if "float32" in peak_flops else None,
            "cores": median(cores[config]), "s_per_step": seconds, "cores_per_round": cores[config],
        }
    return out


def paired_speed(values, numerator, denominator):
    """Median over rounds of `values[denominator][r] / values[numerator][r]`:
    how many times faster `numerator` ran (seconds per step)."""
    return median(paired_ratios(values[denominator], values[numerator]))


def plot_roofline(groups, peaks, path, title):
    """A bar chart of achieved GFLOP/s per configuration and group (`groups`:
    `{"dcgan b256": roofline_rows(...)}`) with the peaks (`peak_rows`) as
    lines, wall-clock and per CPU-second; written atomically to `path`."""
    from matplotlib.figure import Figure

    from tfgan_zoo import fileio

    configs = sorted({c for rows in groups.values() for c in rows}, key=lambda c: (c.split()[-1], c))
    fig = Figure(figsize=(12, 4.2))
    axes = fig.subplots(1, 2, sharey=False)
    width = 0.8 / len(configs)
    for ax, per_core in zip(axes, (False, True)):
        for i, config in enumerate(configs):
            heights = [(rows[config]["gflops"] / (rows[config]["cores"] if per_core else 1)) if config in rows else 0
                       for rows in groups.values()]
            ax.bar([g + (i - (len(configs) - 1) / 2) * width for g in range(len(groups))], heights, width,
                   label=config, hatch="//" if "bfloat16" in config else None,
                   color=f"C{i % 2 + 2 * ('bfloat16' in config)}")
        for j, (precision, peak) in enumerate(peaks.items()):
            level = peak["median_per_core"] if per_core else peak["median"]
            ax.axhline(level, color=f"C{4 + j}", linestyle="--", label=f"GEMM peak {precision} ({level:.0f})")
        ax.set_xticks(range(len(groups)), list(groups), fontsize=8)
        ax.set_ylabel("GFLOP per CPU-second" if per_core else "GFLOP/s (wall)")
        ax.set_title("per CPU-second (load-independent)" if per_core else "wall clock", fontsize=9)
    axes[1].legend(fontsize=7, loc="upper right")
    fig.suptitle(title, fontsize=9)
    return fileio.save_figure(fig, path)
