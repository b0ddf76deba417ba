"""The benchmarks' output: tables and JSON."""

import datetime
import json
import math
import os

import numpy as np
# ----------------------------------------------------------------------------
# Output.


def format_table(header, rows, align=None):
    """Rows of strings as an aligned text table; the first column left-aligned."""
    align = align or ["<"] + [">"] * (len(header) - 1)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(f"{str(c):{a}{w}}" for c, a, w in zip(cells, align, widths))  # noqa: E731
    head = line(header)
    return "\n".join([head, "-" * len(head)] + [line(r) for r in rows])


def to_jsonable(value):
    """NumPy scalars and tuples as JSON types; NaN and Inf as None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    return value


def write_json(path, report):
    """Writes `report` (with a UTC timestamp) as indented JSON; returns `path`."""
    report = {"timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(), **report}
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(to_jsonable(report), f, indent=2)
    return path


def check_model_paths(parser, args):
    """Refuses `--save`/`--load` values that do not name a `.keras` file
    (`parser.error`, naming the value)."""
    for flag, path in (("--save", args.save), ("--load", args.load)):
        if path is not None and not path.endswith(".keras"):
            parser.error(f"{flag} must name a .keras file. Received: {path!r}")
