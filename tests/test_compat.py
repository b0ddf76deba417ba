"""Each workaround in `tfgan_zoo.compat` still reaches what it patches."""

import inspect

from tfgan_zoo import compat


def test_tfds_download_retries_sets_and_restores_the_downloader_constant():
    from tensorflow_datasets.core.download import downloader

    # The constant is what tfds' requests session retries by; if an
    # upgrade renames it, the workaround silently does nothing.
    assert "MAX_RETRIES" in inspect.getsource(downloader._open_with_requests)
    before = downloader.MAX_RETRIES
    assert before > 0
    with compat.tfds_download_retries(0):
        assert downloader.MAX_RETRIES == 0
    assert downloader.MAX_RETRIES == before
