"""absl flags for model hparams, generated from the model registry.

Every hparam of every registered model becomes a string flag
(`--sample_shape=28,28,1`, `--loss=minimax`, `--d_steps=5`; aliases such as
`--image_shape` too). Only the flags
given on the command line are passed to the model, parsed by the type of
the model's default; a flag the chosen model does not take is an error that
lists the model's hparams.
"""

import ast

from absl import flags

import tfgan_zoo

# Launcher flags that are also model hparams; the launcher passes them on.
SHARED = ("seed",)


def _all_hparams():
    table = {}
    for name in tfgan_zoo.available_models():
        for hp, default in tfgan_zoo.model_hparams(name).items():
            table.setdefault(hp, []).append((name, default))
    # Aliases (`--image_shape` for `--sample_shape`, ...) are flags too.
    for alias, hp in tfgan_zoo.registry.HPARAM_ALIASES.items():
        if hp in table:
            table[alias] = table[hp]
    return table


def define_hparam_flags():
    """Defines one string flag per hparam (idempotent)."""
    for hp, users in sorted(_all_hparams().items()):
        if hp in SHARED or hp in flags.FLAGS:
            continue
        where = ", ".join(f"{m}={_show(d)}" for m, d in users)
        flags.DEFINE_string(hp, None, f"Model hparam. Defaults: {where}.")


def _show(value):
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return repr(value)


def parse_value(text, default):
    """Parses a flag string by the type of the hparam's default."""
    if text.lower() in ("none", "null"):
        return None
    if isinstance(default, bool):
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"Expected true/false. Received: {text!r}")
    if isinstance(default, tuple):
        parts = [p for p in text.replace("x", ",").split(",") if p.strip()]
        return tuple(int(p) for p in parts)
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    if isinstance(default, str):
        return text
    # Default None: int, float, tuple or string, whichever parses.
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return tuple(value) if isinstance(value, list) else value


def hparams_from_flags(model_name, flag_values=None):
    """The hparams given on the command line for `model_name`, parsed."""
    fv = flag_values or flags.FLAGS
    valid = tfgan_zoo.model_hparams(model_name)
    given = {
        hp: fv[hp].value
        for hp in _all_hparams()
        if hp not in SHARED and hp in fv and fv[hp].present and fv[hp].value is not None
    }
    given = tfgan_zoo.registry.canonical_hparams(given, valid)
    unknown = sorted(set(given) - set(valid))
    if unknown:
        raise ValueError(
            f"Model {model_name!r} does not take {['--' + u for u in unknown]}. "
            f"Its hparams: {sorted(h for h in valid if h not in SHARED)}. "
            f"Received: {given}"
        )
    parsed = {}
    for hp, text in given.items():
        try:
            parsed[hp] = parse_value(text, valid[hp])
        except ValueError as e:
            raise ValueError(f"Cannot parse --{hp}={text!r}: {e}") from None
    return parsed
