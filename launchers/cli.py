"""What every launcher shares: a quiet TensorFlow start-up, one-line errors,
flag checks, and loading a trained model.

- `quiet_tensorflow()`: TensorFlow's C++ start-up chatter (`cuInit` errors,
  CUDA and CPU-feature notices, "All log messages before
  absl::InitializeLog()") and its Python INFO lines stay out of the output
  unless `--verbose` is given. It sets `TF_CPP_MIN_LOG_LEVEL` (unless the
  user set it) and imports TensorFlow with file descriptor 2 sent to a
  temporary file, replayed if the import fails; call it before anything
  imports TensorFlow.
- `quiet_output(verbose)`: the same, and absl's INFO lines off, for a
  launcher's `main`.
- `parse_flags`: absl's parser for `app.run(main, flags_parser=...)`, with a
  flag error as one `error:` line and exit code 2, and `--help` that exits 0.
- `exit_with(message)`: the one `error: ...` line a failed run prints, and
  exit code 2; `flag_errors(flag)` turns errors raised inside into that line,
  naming `--flag=value`.
- `check_output_path(flag, path)`, `check_positive(flag)`: refuse bad flag
  values before any work.
- `load_generator(path)`: a `.keras` GAN or a tfgan_zoo SavedModel, and a
  clear error for anything else (a plain Keras model, a foreign SavedModel).
- `generate_batched(model, num_samples, seed, labels)`: any number of
  samples, in requests an export accepts (`batch_limit`), the same images
  as one request.
"""

import contextlib
import logging
import os
import sys
import tempfile

import numpy as np
from absl import flags

FLAGS = flags.FLAGS

# `launchers.train --verbose` (no value): TensorFlow's own logs too.
TF_LOGS = 3
_TRUE = ("true", "t", "yes", "y")
_FALSE = ("false", "f", "no", "n")


def verbose_requested(argv=None):
    """Whether `argv` (default `sys.argv`) asks for TensorFlow's own logs:
    `--verbose` with no value, `--verbose=true`, or `--verbose=3`."""
    for arg in (sys.argv if argv is None else argv)[1:]:
        if arg == "--":
            break
        name, _, value = arg.lstrip("-").partition("=")
        if arg.startswith("-") and name == "verbose":
            return not value or value.lower() in (*_TRUE, str(TF_LOGS))
    return False


@contextlib.contextmanager
def _stderr_captured():
    """File descriptor 2 (C++ logs and Python's stderr) goes to a temporary
    file inside; the captured text is replayed if an error leaves."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # No stderr to capture.
        yield
        return
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        failed = True
        try:
            yield
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if failed:
                tmp.seek(0)
                os.write(2, tmp.read())


def quiet_tensorflow(verbose=None):
    """Imports TensorFlow without its start-up chatter (see the module
    docstring), unless `verbose` (default: `verbose_requested()`).

    Returns whether it silenced anything; False if TensorFlow was already
    imported (too late to silence its start-up).
    """
    verbose = verbose_requested() if verbose is None else verbose
    if verbose or "tensorflow" in sys.modules:
        return False
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ INFO and WARNING lines.
    with _stderr_captured():
        import tensorflow as tf

        # CUDA's start-up (the `cuInit` error on a machine without GPUs) logs
        # here. Listing physical devices leaves logical device set-up open.
        tf.config.list_physical_devices()
    # TensorFlow's Python INFO lines ("Assets written to ...").
    logging.getLogger("tensorflow").setLevel(logging.WARNING)
    return True


def quiet_output(verbose):
    """A launcher's `main` starts here: unless `verbose`, TensorFlow starts
    quietly (`quiet_tensorflow`) and absl's INFO lines (TensorFlow's
    "Function `serve` contains input name(s)...", tfds' "Load dataset
    info...") are off, unless absl's `--verbosity` is given."""
    from absl import logging as absl_logging

    quiet_tensorflow(verbose)
    if not verbose and not FLAGS["verbosity"].present:
        absl_logging.set_verbosity(absl_logging.WARNING)


class _VerboseParser(flags.ArgumentParser):
    """`--verbose=0|1|2|3`, or `--verbose` alone (3) / `--noverbose` (0)."""

    def parse(self, argument):
        text = str(argument).strip().lower()
        if text in _TRUE:
            return TF_LOGS
        if text in _FALSE:
            return 0
        if text not in ("0", "1", "2", str(TF_LOGS)):
            raise ValueError(f"must be 0, 1, 2 or 3 (or --verbose alone). Received: {argument!r}")
        return int(text)

    def flag_type(self):
        return "int"


def define_progress_verbose():
    """`--verbose` of a launcher that trains: Keras' progress levels, and TensorFlow's logs at 3."""
    flags.DEFINE_flag(
        flags.Flag(
            _VerboseParser(),
            flags.ArgumentSerializer(),
            "verbose",
            None,
            "0: silent; 1: a progress bar; 2: one line per epoch; 3 (or --verbose alone): as the "
            "default, plus TensorFlow's own start-up and INFO logs. Default: a progress bar when "
            "stdout is a terminal, one line per epoch when it is not (a log file).",
            boolean=True,
        )
    )


def keras_verbose(level):
    """Keras' `fit(verbose=)` for a `--verbose` level (None: by the terminal)."""
    if level is None or level == TF_LOGS:
        return 1 if sys.stdout.isatty() else 2
    return level


# ----------------------------------------------------------------------------
# Errors.


def exit_with(message, code=2):
    """Prints the one `error: <message>` line of a failed run and exits."""
    sys.stdout.flush()
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


_HELP = ("--help", "-help", "-h", "-?", "--helpshort", "-helpshort")
_HELPFULL = ("--helpfull", "-helpfull")


def parse_flags(argv, extra_help=None):
    """absl's flag parsing, for `app.run(main, flags_parser=...)`.

    A flag error or a stray argument is one `error:` line and exit code 2;
    `--help` prints the usage (and `extra_help()`, if given) and exits 0.
    """
    from absl import app

    args = argv[1:argv.index("--")] if "--" in argv else argv[1:]
    full = any(a in _HELPFULL for a in args)
    if full or any(a in _HELP for a in args):
        app.usage(shorthelp=not full, writeto_stdout=True)
        if extra_help:
            print(extra_help())
        sys.exit(0)
    try:
        rest = FLAGS(argv)
    except flags.Error as e:
        exit_with(e)
    if len(rest) > 1:
        exit_with(f"unexpected arguments {rest[1:]}; every option is a --flag")
    return rest


def _shown(flag):
    value = FLAGS[flag].value
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else value


@contextlib.contextmanager
def flag_errors(flag, errors=(ValueError, OSError)):
    """Errors of `errors` raised inside exit with `error: --flag=value: ...`."""
    try:
        yield
    except errors as e:
        exit_with(f"--{flag}={_shown(flag)}: {e}")


def check_positive(*names):
    """Refuses a non-positive value of the integer flags `names`."""
    for name in names:
        value = FLAGS[name].value
        if value is not None and value < 1:
            raise ValueError(f"--{name}={value}: must be a positive integer.")


def check_output_path(flag, path, is_dir=True):
    """Refuses an output `path` that cannot be written: one under an existing
    file, or (`is_dir` False) an existing directory where a file goes."""
    if not is_dir and os.path.isdir(path):
        raise ValueError(f"--{flag}={path}: is a directory; pass a file path.")
    # Every existing ancestor must be a directory, or writing fails late.
    parent = os.path.abspath(path if is_dir else os.path.dirname(os.path.abspath(path)))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and not os.path.isdir(parent):
        raise ValueError(f"--{flag}={path}: {parent} is a file, not a directory.")


# ----------------------------------------------------------------------------
# Models.


def load_generator(path):
    """`tfgan_zoo.export.load_generator(path)`, refusing what is not a
    tfgan_zoo model with a `ValueError` naming the path and what it holds."""
    from tfgan_zoo import export as export_lib

    if str(path).endswith(".keras"):
        return load_keras_gan(path)
    try:
        return export_lib.load_generator(path)
    except FileNotFoundError as e:
        if os.path.isdir(path) and "tfgan_zoo.json" in str(e):
            raise ValueError(
                f"{path} is a SavedModel without tfgan_zoo's metadata (assets.extra/tfgan_zoo.json): "
                "not a generator exported by tfgan_zoo"
            ) from None
        raise


def load_keras_gan(path):
    """The tfgan_zoo GAN in the `.keras` file `path`; a `ValueError` naming
    the path if it holds another Keras model or cannot be read as one."""
    import keras

    import tfgan_zoo  # noqa: F401 (registers the model classes)
    from tfgan_zoo.models.base import GAN

    if not os.path.isfile(path):
        raise FileNotFoundError(f"No .keras file at {path}.")
    try:
        model = keras.saving.load_model(path)
    except TypeError as e:  # A class Keras cannot find.
        raise ValueError(f"{path} cannot be loaded as a tfgan_zoo model: {e}") from None
    if not isinstance(model, GAN):
        raise ValueError(
            f"{path} holds a plain Keras {type(model).__name__} ({model.name!r}), not a tfgan_zoo GAN: "
            "pass the model.keras of a tfgan_zoo training run, or its export"
        )
    return model


# ----------------------------------------------------------------------------
# Sampling.


def batch_limit(model):
    """The largest request `model` takes at once: an export's `max_samples`
    (from its metadata), the export default for a Keras model."""
    from tfgan_zoo import export as export_lib

    path = getattr(model, "path", None)  # An ExportedGenerator.
    if path is None:
        return export_lib.DEFAULT_MAX_SAMPLES
    return int(export_lib.read_metadata(path).get("max_samples", export_lib.DEFAULT_MAX_SAMPLES))


def latent_prior(model):
    """The latent prior of a Keras GAN or an export (its recorded `prior` hparam)."""
    from tfgan_zoo import priors

    if hasattr(model, "prior"):
        return model.prior
    return priors.latent_prior(model.metadata["hparams"].get("prior", "normal"), model.latent_dim)


def generate_batched(model, num_samples, seed, labels=None, limit=None):
    """`model.generate(num_samples=, labels=, seed=)` of any size, in
    requests of at most `limit` (default `batch_limit(model)`).

    A larger request draws its `z` (and random labels) from `seed` as one
    request would (`tfgan_zoo.sampling.generator_inputs`) and sends them in
    batches, so the images are those of a single request: the same from a
    `.keras` file and from its export, whatever the export's `max_samples`.
    """
    from tfgan_zoo import sampling

    limit = limit or batch_limit(model)
    total = num_samples if labels is None else len(labels)
    if total <= limit:
        request = {"num_samples": total} if labels is None else {"labels": labels}
        return model.generate(seed=seed, **request)
    z, labels = sampling.generator_inputs(latent_prior(model), model.num_classes, total, seed, labels)
    z, labels = z.numpy(), None if labels is None else labels.numpy()
    parts = [
        model.generate(z=z[start:start + limit], labels=None if labels is None else labels[start:start + limit])
        for start in range(0, total, limit)
    ]
    return np.concatenate(parts)
