"""Value rules for hparams and arguments; each error names the received value.

One function per kind of value. `registry.HPARAM_RULES` says which rule
each hparam follows, so every model's constructor checks its hparams the
same way (`registry.check_hparams`), and `generate`, the launchers and the
data code use the same rules for their own arguments.

Example:

>>> positive_int(3, "latent_dim")
3
>>> positive_int("abc", "latent_dim")
Traceback (most recent call last):
...
ValueError: `latent_dim` must be a positive int. Received: latent_dim='abc'
"""

import math
import numbers


def _fail(name, value, what):
    raise ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def integer(value, name, minimum=None):
    """`int(value)` for an int (NumPy ints too) `>= minimum`; refuses bools,
    floats (even 2.0), strings."""
    if not _is_int(value) or (minimum is not None and value < minimum):
        _fail(name, value, "an int" if minimum is None else f"an int >= {minimum}")
    return int(value)


def positive_int(value, name):
    """An int >= 1."""
    if not _is_int(value) or value < 1:
        _fail(name, value, "a positive int")
    return int(value)


def seed(value, name="seed"):
    """None (random) or an int."""
    if value is None:
        return None
    if not _is_int(value):
        _fail(name, value, "an int or None")
    return int(value)


def class_count(value, name="num_classes"):
    """An int >= 2 (a model with classes has at least two)."""
    if not _is_int(value) or value < 2:
        _fail(name, value, "None or an int >= 2")
    return int(value)


def number(value, name, minimum=None, maximum=None, open_minimum=False, open_maximum=False):
    """A finite real number (int or float, not bool or str) in the given range, as float."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and minimum is not None:
        ok = value > minimum if open_minimum else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if open_maximum else value <= maximum
    if not ok:
        low = "" if minimum is None else ("(" if open_minimum else "[") + f"{minimum}, "
        high = "" if maximum is None else f"{maximum}" + (")" if open_maximum else "]")
        what = "a finite number" + (f" in {low or '(-inf, '}{high or 'inf)'}" if low or high else "")
        _fail(name, value, what)
    return float(value)


def non_negative(value, name):
    return number(value, name, minimum=0)


def positive(value, name):
    return number(value, name, minimum=0, open_minimum=True)


def fraction(value, name):
    """A number in [0, 1)."""
    return number(value, name, minimum=0, maximum=1, open_maximum=True)


def boolean(value, name):
    """True or False (NumPy bools too); refuses 0/1 and strings."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        _fail(name, value, "True or False")
    return bool(value)


def string(value, name):
    if not isinstance(value, str):
        _fail(name, value, "a string")
    return value


def shape(value, name):
    """A non-empty tuple of positive ints (lists accepted, as from JSON)."""
    if not isinstance(value, (tuple, list)) or not value or not all(_is_int(v) and v >= 1 for v in value):
        _fail(name, value, "a non-empty tuple of positive ints")
    return tuple(int(v) for v in value)


def like_default(value, name, default):
    """The rule for an hparam with no rule of its own: the type of its default."""
    if isinstance(default, bool):
        return boolean(value, name)
    if _is_int(default):
        return integer(value, name)
    if isinstance(default, float):
        return number(value, name)
    if isinstance(default, str):
        return string(value, name)
    if isinstance(default, tuple) and all(_is_int(v) for v in default):
        return shape(value, name)
    return value
