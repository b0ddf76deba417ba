"""Workarounds that reach into private Keras, TensorFlow or tfds internals.

Each is here, in one place, with the upstream behaviour it works around,
and `tests/test_compat.py` fails if one stops working (an upgrade renamed
what it touches, or fixed the bug).
"""

import contextlib


@contextlib.contextmanager
def tfds_download_retries(retries):
    """Sets how often tfds retries a failed download, for this block.

    tensorflow-datasets 4.9 retries every download 10 times with exponential
    back-off (`downloader.MAX_RETRIES`, no public setting), so an offline
    `tfds.load` of an unprepared dataset hangs for about 3.5 minutes
    before it fails.
    """
    from tensorflow_datasets.core.download import downloader

    saved = downloader.MAX_RETRIES
    downloader.MAX_RETRIES = int(retries)
    try:
        yield
    finally:
        downloader.MAX_RETRIES = saved
