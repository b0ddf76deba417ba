"""The `tf.data` pipeline every source ends in: shuffle, batch, prefetch, auto-shard."""

import collections

import numpy as np
import tensorflow as tf

Stream = collections.namedtuple("Stream", ["dataset", "has_label", "count"])
"""A source's unbatched `(example, label)` dataset, whether the labels are
real (else zeros) and its example count (None if unknown)."""

_POLICY = tf.data.experimental.AutoShardPolicy


def examples(values, labels, shuffle, seed):
    """A `Stream` over NumPy `values` (and `labels`, None: unlabelled), shuffled
    over the whole set every epoch when `shuffle`."""
    has_label = labels is not None
    count = len(values)
    ds = tf.data.Dataset.from_tensor_slices((values, labels if has_label else np.zeros(count, np.int32)))
    if shuffle:
        ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return Stream(ds, has_label, count)


def batched(stream, batch_size, drop_remainder, with_labels, repeat, shard_files, spec, split):
    """Batches and prefetches `stream`; images only unless labelled and `with_labels`.

    How tf.distribute splits the data between workers: sources with no files
    to split (`shard_files=False`: in-memory arrays, folder streams) give each
    worker its share of every global batch (DATA); tensorflow-datasets reads
    shard files, so AUTO splits by file when there are at least as many files
    as workers, and falls back to DATA otherwise.
    """
    ds, has_label, count = stream
    if count is not None and drop_remainder and count < batch_size:
        raise ValueError(
            f"{spec} (split={split!r}) has {count} examples, fewer than one batch. "
            f"Received: batch_size={batch_size}"
        )
    if not (with_labels and has_label):
        ds = ds.map(lambda image, label: image, num_parallel_calls=tf.data.AUTOTUNE)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = _POLICY.AUTO if shard_files else _POLICY.DATA
    return ds.with_options(options)
