"""Atomic file and directory writes.

A reader (a resumed run, TF Serving, a user) sees either the old file or
the complete new one, never a half-written one: content goes to a temporary
name beside the target and is renamed into place.
"""

import contextlib
import os
import shutil
import tempfile


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


def write_bytes(path, data):
    """Writes `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
