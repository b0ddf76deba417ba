"""Split strings in tensorflow-datasets' slicing syntax, for the in-memory sources.

A split is a name with an optional `[from:to]` slice. Each bound may be left
out, and is either an example index (`train[:50]` is the first 50 examples,
`train[-100:]` the last 100) or a percent of the split (`train[:90%]`,
`train[90%:]`, from -100% to 100%, decimals allowed). Both bounds use the
same unit. Percent bounds round down, so `train[:p%]` and `train[p%:]`
always split the rows between them. A slice that selects nothing is an
error, as in tfds.

Example:

>>> parse_split("train[:50]").rows(1797, "digits")
slice(0, 50, None)
>>> parse_split("train[10:20]").rows(1797, "digits")
slice(10, 20, None)
>>> parse_split("train[-100:]").rows(1797, "digits")
slice(1697, 1797, None)
>>> parse_split("train[90%:]").rows(1797, "digits")
slice(1617, 1797, None)
"""

import fractions
import re

_SPLIT = re.compile(r"^(?P<name>[\w-]+)(?:\[(?P<selector>[^\[\]]*)\])?$")
_BOUND = re.compile(r"^(?:(?P<value>-?(?:\d+(?:\.\d*)?|\.\d+))(?P<percent>%)?)?$")
_SYNTAX = (
    "`split` must be a split name with an optional tfds slice: 'train', 'train[:50]' "
    "(the first 50 examples), 'train[10:20]', 'train[-100:]' (the last 100), "
    "'train[:90%]' or 'train[90%:]'"
)


class Split:
    """A parsed split: `name`, and `start` / `stop` bounds (None: open)."""

    def __init__(self, text, name, start=None, stop=None, percent=False):
        self.text, self.name = text, name
        self.start, self.stop, self.percent = start, stop, percent

    def rows(self, count, where):
        """The `slice` of the split's `count` rows that this split selects.

        `where` names the source in error messages.
        """
        start = 0 if self.start is None else self._index(self.start, count, where)
        stop = count if self.stop is None else self._index(self.stop, count, where)
        if start >= stop:
            raise ValueError(
                f"split={self.text!r} selects no examples of {where}: rows {start} to {stop} of "
                f"the {count} in {self.name!r}. Received: split={self.text!r}"
            )
        return slice(start, stop)

    def _index(self, bound, count, where):
        if self.percent:
            return int(count * (bound + 100 if bound < 0 else bound) // 100)
        if abs(bound) > count:
            raise ValueError(
                f"split={self.text!r} asks for row {bound}, but {where} has {count} examples "
                f"in {self.name!r}. Received: split={self.text!r}"
            )
        return bound + count if bound < 0 else bound


def parse_split(split):
    """Parses `split` (see the module docstring) into a `Split`."""
    match = _SPLIT.match(split) if isinstance(split, str) else None
    if not match and isinstance(split, str) and "+" in split:
        raise ValueError(
            "The in-memory sources read one split at a time; joining splits with '+' is for "
            f"tfds: sources. Load each part and concatenate. Received: split={split!r}"
        )
    if not match:
        raise ValueError(f"{_SYNTAX}. Received: split={split!r}")
    if match["selector"] is None:
        return Split(split, match["name"])
    parts = match["selector"].split(":")
    bounds = [_BOUND.match(p.strip()) for p in parts]
    if len(parts) != 2 or not all(bounds) or not any(p.strip() for p in parts):
        raise ValueError(f"{_SYNTAX}. Received: split={split!r}")
    units = {bool(b["percent"]) for b in bounds if b["value"] is not None}
    if len(units) > 1:
        raise ValueError(
            "Both bounds of a split slice take the same unit, an example index or a percent, "
            f"e.g. 'train[10:20]' or 'train[10%:20%]'. Received: split={split!r}"
        )
    percent = units == {True}
    values = [None if b["value"] is None else fractions.Fraction(b["value"]) for b in bounds]
    if percent and any(v is not None and abs(v) > 100 for v in values):
        raise ValueError(f"Percent slice bounds lie in [-100%, 100%]. Received: split={split!r}")
    if not percent and any(v is not None and v.denominator != 1 for v in values):
        raise ValueError(f"Example indices in a split slice are whole numbers. Received: split={split!r}")
    if not percent:
        values = [None if v is None else int(v) for v in values]
    return Split(split, match["name"], values[0], values[1], percent)
