"""Behaviour tests for `tfgan_zoo.fileio`: atomic file and directory writes."""

import os

import pytest

from tfgan_zoo import fileio


def _leftovers(directory):
    """Names in `directory` that look like atomic-write temporaries."""
    return sorted(n for n in os.listdir(directory) if n.startswith(".tmp-"))


class _Boom(Exception):
    pass


# ----------------------------------------------------------------------
# Files.


def test_atomic_file_success_renames_into_place(tmp_path):
    target = tmp_path / "out.bin"
    with fileio.atomic_path(str(target)) as tmp:
        # The temporary sits beside the target (same filesystem) with a
        # `.tmp-` prefix, and the target does not exist yet.
        assert os.path.dirname(tmp) == str(tmp_path)
        assert os.path.basename(tmp).startswith(".tmp-")
        assert tmp != str(target)
        assert not target.exists()
        with open(tmp, "wb") as f:
            f.write(b"hello")
    assert target.read_bytes() == b"hello"
    assert not os.path.exists(tmp)
    assert _leftovers(tmp_path) == []


def test_atomic_file_keeps_full_suffix(tmp_path):
    # Keras checks the ".weights.h5" suffix of the path it writes to.
    with fileio.atomic_path(str(tmp_path / "model.weights.h5")) as tmp:
        assert tmp.endswith(".weights.h5")
        open(tmp, "wb").close()
    assert (tmp_path / "model.weights.h5").exists()


def test_atomic_file_replaces_existing_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with fileio.atomic_path(str(target)) as tmp:
        with open(tmp, "wb") as f:
            f.write(b"new content")
        # Until the block ends, readers still see the old file.
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"new content"
    assert _leftovers(tmp_path) == []


def test_atomic_file_exception_leaves_old_target_intact(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(_Boom):
        with fileio.atomic_path(str(target)) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half-writ")
            raise _Boom()
    assert target.read_bytes() == b"old"
    assert not os.path.exists(tmp)
    assert _leftovers(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_atomic_file_exception_without_existing_target_creates_nothing(tmp_path):
    target = tmp_path / "new.txt"
    with pytest.raises(_Boom):
        with fileio.atomic_path(str(target)) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"partial")
            raise _Boom()
    assert not target.exists()
    assert os.listdir(tmp_path) == []


def test_atomic_file_creates_missing_parent_directories(tmp_path):
    target = tmp_path / "a" / "b" / "c.txt"
    with fileio.atomic_path(str(target)) as tmp:
        with open(tmp, "wb") as f:
            f.write(b"x")
    assert target.read_bytes() == b"x"
    assert _leftovers(target.parent) == []


# ----------------------------------------------------------------------
# Directories.


def test_atomic_dir_success_renames_into_place(tmp_path):
    target = tmp_path / "export"
    with fileio.atomic_path(str(target), is_dir=True) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)
        assert os.path.basename(tmp).startswith(".tmp-")
        # The writer creates the directory itself.
        assert not os.path.exists(tmp)
        os.makedirs(os.path.join(tmp, "variables"))
        with open(os.path.join(tmp, "saved_model.pb"), "wb") as f:
            f.write(b"pb")
    assert (target / "saved_model.pb").read_bytes() == b"pb"
    assert (target / "variables").is_dir()
    assert sorted(os.listdir(tmp_path)) == ["export"]


def test_atomic_dir_replaces_existing_directory(tmp_path):
    target = tmp_path / "export"
    target.mkdir()
    (target / "old.txt").write_bytes(b"old")
    (target / "sub").mkdir()
    (target / "sub" / "deep.txt").write_bytes(b"deep")
    with fileio.atomic_path(str(target), is_dir=True) as tmp:
        os.makedirs(tmp)
        with open(os.path.join(tmp, "new.txt"), "wb") as f:
            f.write(b"new")
        # The old directory is still in place while writing.
        assert (target / "old.txt").read_bytes() == b"old"
    # The directory is replaced, not merged.
    assert sorted(os.listdir(target)) == ["new.txt"]
    assert (target / "new.txt").read_bytes() == b"new"
    # No `.tmp-*` or `.tmp-*.old` leftovers.
    assert sorted(os.listdir(tmp_path)) == ["export"]


def test_atomic_dir_exception_leaves_old_directory_intact(tmp_path):
    target = tmp_path / "export"
    target.mkdir()
    (target / "old.txt").write_bytes(b"old")
    with pytest.raises(_Boom):
        with fileio.atomic_path(str(target), is_dir=True) as tmp:
            os.makedirs(os.path.join(tmp, "variables"))
            with open(os.path.join(tmp, "partial.pb"), "wb") as f:
                f.write(b"partial")
            raise _Boom()
    assert sorted(os.listdir(target)) == ["old.txt"]
    assert (target / "old.txt").read_bytes() == b"old"
    assert not os.path.exists(tmp)
    assert sorted(os.listdir(tmp_path)) == ["export"]


def test_atomic_dir_exception_without_existing_target_creates_nothing(tmp_path):
    target = tmp_path / "export"
    with pytest.raises(_Boom):
        with fileio.atomic_path(str(target), is_dir=True) as tmp:
            os.makedirs(tmp)
            raise _Boom()
    assert os.listdir(tmp_path) == []


def test_atomic_path_cleans_up_on_keyboard_interrupt(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with fileio.atomic_path(str(target)) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"x")
            raise KeyboardInterrupt()
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


# ----------------------------------------------------------------------
# write_bytes.


def test_write_bytes_writes_exact_content(tmp_path):
    target = tmp_path / "data.bin"
    payload = bytes(range(256)) * 10
    fileio.write_bytes(str(target), payload)
    assert target.read_bytes() == payload
    assert _leftovers(tmp_path) == []


def test_write_bytes_overwrites_and_handles_empty_content(tmp_path):
    target = tmp_path / "data.bin"
    fileio.write_bytes(str(target), b"first version, longer")
    fileio.write_bytes(str(target), b"2nd")
    assert target.read_bytes() == b"2nd"
    fileio.write_bytes(str(target), b"")
    assert target.read_bytes() == b""
    assert sorted(os.listdir(tmp_path)) == ["data.bin"]


def test_write_bytes_respects_umask_like_a_plain_write(tmp_path):
    umask = os.umask(0o022)
    try:
        fileio.write_bytes(str(tmp_path / "a.bin"), b"x")
        with open(tmp_path / "b.bin", "wb") as f:
            f.write(b"x")
    finally:
        os.umask(umask)
    plain = os.stat(tmp_path / "b.bin").st_mode & 0o777
    assert plain == 0o644
    assert os.stat(tmp_path / "a.bin").st_mode & 0o777 == plain


# ----------------------------------------------------------------------
# Damaged and mismatched model files: an error naming the path and the
# cause, and nothing changed.

import zipfile  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
from helpers import tiny_model  # noqa: E402

from tfgan_zoo import export as export_lib  # noqa: E402


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """`{kind: path}`: a good `.keras` of a tiny dcgan, one of another model, and weights files."""
    root = tmp_path_factory.mktemp("saved")
    paths = {"good": str(root / "dcgan.keras"), "other": str(root / "cgan.keras")}
    paths["wider"], paths["weights"] = str(root / "dcgan_w8.keras"), str(root / "dcgan.weights.h5")
    model = tiny_model("dcgan")
    model.save(paths["good"])
    model.save_weights(paths["weights"])
    tiny_model("cgan").save(paths["other"])
    tiny_model("dcgan", width=8).save(paths["wider"])
    return paths


def _damaged(saved, directory, kind):
    """Writes a damaged copy of the good files; returns its path."""
    good = open(saved["good"], "rb").read()
    with zipfile.ZipFile(saved["good"]) as archive:
        weights_at = archive.getinfo("model.weights.h5").header_offset + 100
        metadata_at = archive.getinfo("metadata.json").header_offset + 40
    flip = lambda data, at: data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]  # noqa: E731
    contents = {
        "truncated": good[: len(good) // 2],
        "random": np.random.default_rng(0).bytes(4096),
        "empty": b"",
        "flipped weights byte": flip(good, weights_at),
        "flipped metadata byte": flip(good, metadata_at),
    }
    path = os.path.join(directory, kind.replace(" ", "_") + ".keras")
    if kind == "no config.json":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("metadata.json", "{}")
    elif kind == "truncated weights.h5":
        path = os.path.join(directory, "truncated.weights.h5")
        data = open(saved["weights"], "rb").read()
        open(path, "wb").write(data[: len(data) // 2])
    elif kind != "missing":
        open(path, "wb").write(contents[kind])
    return path


# (id, loader, exception type, substrings of the message besides the path)
BAD_FILE_CASES = [
    ("truncated", "load_generator", fileio.CorruptFileError, ["not a readable .keras (zip) archive", "bytes"]),
    ("random", "load_keras_model", fileio.CorruptFileError, ["not a readable .keras (zip) archive", "4096 bytes"]),
    ("empty", "load_generator", fileio.CorruptFileError, ["0 bytes"]),
    ("flipped weights byte", "load_generator", fileio.CorruptFileError, ["'model.weights.h5' fails the zip CRC"]),
    ("flipped metadata byte", "load_keras_model", fileio.CorruptFileError, ["'metadata.json' fails the zip CRC"]),
    ("no config.json", "load_keras_model", fileio.CorruptFileError, ["needs config.json", "['metadata.json']"]),
    ("missing", "load_generator", FileNotFoundError, ["No .keras file"]),
    ("truncated weights.h5", "check_h5", fileio.CorruptFileError, ["not a readable HDF5 weights file"]),
    ("truncated", "load_weights", fileio.CorruptFileError, ["not a readable .keras (zip) archive"]),
    ("flipped weights byte", "load_weights", fileio.CorruptFileError, ["CRC"]),
    ("truncated weights.h5", "load_weights", fileio.CorruptFileError, ["HDF5"]),
    ("missing", "load_weights", FileNotFoundError, ["No .keras file"]),
]


def _snapshot(model):
    return [v.numpy().copy() for v in fileio._model_variables(model)]


def _assert_unchanged(model, before):
    after = _snapshot(model)
    assert len(after) == len(before)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", BAD_FILE_CASES, ids=[f"{c[1]}-{c[0]}" for c in BAD_FILE_CASES])
def test_damaged_files_name_the_path_and_the_cause(case, saved, tmp_path):
    kind, loader, error, substrings = case
    path = _damaged(saved, str(tmp_path), kind)
    listing = sorted(os.listdir(tmp_path))
    model = tiny_model("dcgan")
    before = _snapshot(model)
    call = {
        "load_generator": lambda: export_lib.load_generator(path),
        "load_keras_model": lambda: fileio.load_keras_model(path),
        "check_h5": lambda: fileio.check_h5(path),
        "load_weights": lambda: fileio.load_weights_atomically(model, path, model.load_weights),
    }[loader]
    with pytest.raises(error) as err:
        call()
    message = str(err.value)
    assert f"path={path!r}" in message, message
    for want in substrings:
        assert want in message, (want, message)
    assert "File not found" not in message
    assert sorted(os.listdir(tmp_path)) == listing  # Nothing written or moved.
    _assert_unchanged(model, before)


@pytest.mark.parametrize("other", ["other", "wider"])
def test_a_failed_load_weights_changes_nothing(other, saved):
    model = tiny_model("dcgan", seed=3)
    model.fit(np.zeros((8, 8, 8, 1), np.float32), batch_size=8, epochs=1, verbose=0)  # Optimizer state too.
    before = _snapshot(model)
    data = open(saved[other], "rb").read()
    # Keras alone writes part of the file into the model before it raises.
    with pytest.raises(ValueError):
        keras.Model.load_weights(model, saved[other])
    assert any(not np.array_equal(a, b) for a, b in zip(before, _snapshot(model)))
    for variable, value in zip(fileio._model_variables(model), before):
        variable.assign(value)
    # The GAN's own load_weights goes through load_weights_atomically.
    with pytest.raises(ValueError, match="weights are unchanged") as err:
        model.load_weights(saved[other])
    assert f"path={saved[other]!r}" in str(err.value) and "Cause: ValueError" in str(err.value)
    _assert_unchanged(model, before)
    assert open(saved[other], "rb").read() == data


def keras_load(path):
    model = fileio.load_keras_model(path)
    assert type(model).__name__ == "DCGAN"
    return model


@pytest.mark.parametrize("kind", ["good", "weights"])
def test_load_weights_atomically_loads_a_good_file(kind, saved):
    source = keras_load(saved["good"])
    model = tiny_model("dcgan", seed=7)
    assert not np.array_equal(model.generator.get_weights()[0], source.generator.get_weights()[0])
    fileio.load_weights_atomically(model, saved[kind], model.load_weights)
    for a, b in zip(model.generator.get_weights(), source.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
