"""absl flags for model hparams, generated from the model registry.

Every hparam of every registered model becomes a string flag
(`--sample_shape=28,28,1`, `--loss=minimax`, `--d_steps=5`; aliases such as
`--image_shape` too). Only the flags
given on the command line are passed to the model, parsed by the type of
the model's default; a flag the chosen model does not take is an error that
lists the model's hparams. `models_help()` is the `--help` section that
lists each registered model's hparams with their defaults and a one-line
description, read from the `Args:` sections of the model class's docstring
and its parents' (a parent documents the hparams it passes on).
"""

import ast
import inspect
import re

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
        where = ", ".join(f"{m}={flag_text(d)}" for m, d in users)
        flags.DEFINE_string(hp, None, f"Model hparam. Defaults: {where}.")


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


# ----------------------------------------------------------------------------
# Descriptions for --help.

# An `Args:` entry: `name: text` at the section's indent (`**kwargs` too).
_ENTRY = re.compile(r"^(\*{0,2}\w+)(?: \([^)]*\))?:\s*(.*)$")


def docstring_args(doc):
    """`{name: text}` of the `Args:` section of a Google-style docstring,
    each entry's lines joined into one."""
    lines = inspect.cleandoc(doc or "").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "Args:"), None)
    if start is None:
        return {}
    args, name, indent = {}, None, None
    for line in lines[start + 1:]:
        if not line.strip():
            if name is not None:
                continue
            break
        depth = len(line) - len(line.lstrip())
        if indent is None:
            indent = depth
        if depth < indent:
            break  # The next section.
        match = _ENTRY.match(line.strip())
        if depth == indent and match:
            name = match.group(1)
            args[name] = match.group(2)
        elif name is not None:
            args[name] += " " + line.strip()
    return args


def _first_sentence(text):
    """`text` up to its first full stop (not the one of "e.g." or "i.e.")."""
    match = re.match(r"(.+?(?<!e\.g)(?<!i\.e)\.)(\s|$)", text)
    return (match.group(1) if match else text).strip()


def flag_text(value):
    """`value` as it is written on the command line (`28,28,1`, `none`, `true`)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


def hparam_descriptions(model_name):
    """`{hparam: one-line description}` for every hparam of `model_name`
    (`tfgan_zoo.model_hparams`), from the docstrings along the class's MRO:
    the first class that documents an hparam describes it."""
    documented = {}
    for klass in tfgan_zoo.get_model_class(model_name).__mro__:
        for name, text in docstring_args(klass.__doc__).items():
            documented.setdefault(name, _first_sentence(text))
    return {hp: documented.get(hp, "") for hp in tfgan_zoo.model_hparams(model_name)}


def models_help():
    """The `--help` section: each registered model's hparams (flags), with
    defaults and descriptions."""
    out = ["Model hparams, given as flags (e.g. --latent_dim=64); each model takes these:"]
    for name in tfgan_zoo.available_models():
        out.append(f"\n  {name}:")
        defaults = tfgan_zoo.model_hparams(name)
        for hp, text in hparam_descriptions(name).items():
            note = " (the launcher's --seed)" if hp in SHARED else ""
            out.append(f"    --{hp}={flag_text(defaults[hp])}: {text}{note}")
    aliases = ", ".join(f"--{a} for --{hp}" for a, hp in sorted(tfgan_zoo.registry.HPARAM_ALIASES.items()))
    out.append(f"\n  Aliases: {aliases}.")
    return "\n".join(out)
