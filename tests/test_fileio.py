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
