"""Atomic file and directory writes, and loads that name what went wrong.

A reader (a resumed run, TF Serving, a user) sees either the old file or
the complete new one, never a half-written one: content goes to a temporary
name beside the target and is renamed into place.

Reading: `check_keras_archive` and `check_h5` tell a damaged file (truncated,
random bytes, a changed byte) from a missing one, naming the path and the
cause; `load_keras_model` checks before `keras.saving.load_model`, and
`load_weights_atomically` leaves a model unchanged when a load fails.
"""

import contextlib
import os
import shutil
import tempfile
import zipfile


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path, is_dir=False):
    """Yields a temporary path; on success renames it to `path`.

    The temporary sits in the target's directory (same filesystem, so the
    rename is atomic) and starts with `.tmp-`, which TF Serving ignores
    (it loads only integer version directories). On an exception it is
    removed and the target is untouched.

    Args:
        path: the final file or directory path.
        is_dir: the caller writes a directory; an existing target directory
            is replaced.
    """
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    base = os.path.basename(path)
    if is_dir:
        tmp = tempfile.mkdtemp(prefix=f".tmp-{base}-", dir=parent)
        os.rmdir(tmp)  # The writer creates it.
    else:
        # Keep the full suffix (".weights.h5"): Keras checks it.
        suffix = base[base.find(".", 1) :] if "." in base[1:] else ""
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{base}-", suffix=suffix, dir=parent)
        os.close(fd)
        # mkstemp makes the file owner-only (0600); give it the usual mode so
        # that other readers (a TF Serving user, a web server) can read it.
        os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        if is_dir and os.path.isdir(path):
            old = tmp + ".old"
            os.rename(path, old)
            os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_figure(figure, path, dpi=90):
    """Writes a matplotlib `Figure` to `path` as a PNG, atomically (laid out
    tight first); returns `path`."""
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, dpi=dpi, format="png")
    return path


def write_bytes(path, data):
    """Writes `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


class CorruptFileError(ValueError):
    """A file exists but is damaged or of the wrong format; the message names it and why."""


def _require_file(path, kind):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No {kind} file at {path}. Received: path={path!r}")


def check_keras_archive(path):
    """Raises `CorruptFileError` unless `path` is a whole `.keras` archive.

    Every member is read and checked against its CRC (so a changed byte is
    found), and `config.json` and the weights must be there.
    """
    _require_file(path, ".keras")
    size = os.path.getsize(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            bad_member = archive.testzip()
    except (zipfile.BadZipFile, EOFError) as e:
        raise CorruptFileError(
            f"{path} is not a readable .keras (zip) archive: {e}. It is {size} bytes; a truncated "
            f"copy or a file of another format gives this. Received: path={path!r}"
        ) from None
    if bad_member is not None:
        raise CorruptFileError(
            f"{path} is corrupt: its member {bad_member!r} fails the zip CRC check (bytes changed "
            f"after it was written). Received: path={path!r}"
        )
    if "config.json" not in names or not any(n.startswith("model.weights.") for n in names):
        raise CorruptFileError(
            f"{path} is not a .keras model: it needs config.json and model.weights.*. "
            f"Received: path={path!r}, an archive with members {sorted(names)}"
        )


def check_h5(path):
    """Raises `CorruptFileError` unless every dataset of the HDF5 file `path` reads."""
    import h5py

    _require_file(path, "HDF5")
    try:
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, item: item[()] if isinstance(item, h5py.Dataset) else None)
    except (OSError, RuntimeError, KeyError, ValueError) as e:
        raise CorruptFileError(
            f"{path} is not a readable HDF5 weights file ({os.path.getsize(path)} bytes): {e}. "
            f"Received: path={path!r}"
        ) from None


def check_weights_file(path):
    """`check_keras_archive` or `check_h5`, by the name's ending."""
    if str(path).endswith(".keras"):
        check_keras_archive(path)
    elif str(path).endswith(".h5"):
        check_h5(path)
    else:
        _require_file(path, "weights")


def save_keras_model(model, path):
    """`model.save(path)` (a `.keras` file), written atomically."""
    with atomic_path(path) as tmp:
        model.save(tmp)
    return path


def load_keras_model(path, **kwargs):
    """`keras.saving.load_model(path, **kwargs)` after `check_keras_archive`.

    A missing file raises `FileNotFoundError`, a damaged one
    `CorruptFileError`; any other failure is re-raised as a `ValueError`
    naming the path and the original error.
    """
    import keras

    path = os.fspath(path)
    check_keras_archive(path)
    try:
        return keras.saving.load_model(path, **kwargs)
    except Exception as e:  # noqa: BLE001 - re-raised with the path.
        raise ValueError(f"Could not load the model in {path}: {type(e).__name__}: {e}. Received: path={path!r}") from e


def _model_variables(model):
    """The variables a weights load can write: the model's, and its optimizers'."""
    import keras

    found = {}
    candidates = [getattr(model, "optimizer", None), *vars(model).values()]
    groups = [model.variables] + [c.variables for c in candidates if isinstance(c, keras.optimizers.Optimizer)]
    for group in groups:
        for variable in group:
            found.setdefault(id(variable), variable)
    return list(found.values())


def load_weights_atomically(model, path, load_weights, **kwargs):
    """`load_weights(path, **kwargs)`, leaving `model` unchanged if it fails.

    The file is checked first (`check_weights_file`); then the values of the
    model's variables and its optimizers' (`model.optimizer` and any
    optimizer attribute, such as a GAN's `g_optimizer`) are kept, and
    restored if the load raises, so that a file of another model, which
    Keras loads partly before it raises, changes nothing.

    Args:
        model: a `keras.Model`.
        path: a `.keras` or `.weights.h5` file.
        load_weights: the loading function, e.g. `keras.Model.load_weights`
            bound to `model` (`super().load_weights` in an override).

    Raises:
        FileNotFoundError, CorruptFileError: before anything is loaded.
        ValueError: the load failed (naming the path and the cause); the
            weights are as they were.
    """
    path = os.fspath(path)
    check_weights_file(path)
    variables = _model_variables(model)
    saved = [v.numpy().copy() for v in variables]
    try:
        return load_weights(path, **kwargs)
    except Exception as e:  # noqa: BLE001 - restored, then re-raised with the path.
        for variable, value in zip(variables, saved):
            variable.assign(value)
        raise ValueError(
            f"Could not load the weights in {path} into {type(model).__name__} {model.name!r}; its "
            f"weights are unchanged. Cause: {type(e).__name__}: {e} Received: path={path!r}"
        ) from e
