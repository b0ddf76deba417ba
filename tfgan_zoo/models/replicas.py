"""Multi-replica correctness: the rules that make N replicas train like one.

Under a `tf.distribute` strategy each replica runs `train_step` on its
slice of the global batch, and the gradients are summed across replicas.
Two rules make the result equal to one replica's step on the whole global
batch (`tests/test_models.py::test_two_replicas_train_like_one` checks it
for every registered model, with SGD so that a per-replica average would
be caught):

- **Losses averaged over the global batch** (`average_loss`): per-example
  losses are summed and divided by the global batch size
  (`tf.nn.compute_average_loss`), and regularization losses are scaled by
  the replica count.
- **Batch statistics over the global batch** (`global_batch`): a loss
  that is not a mean of per-example terms (the kernel MMD of `gmmn` and
  `mmd_gan`) is computed on every replica from the all-gathered global
  batch; the all-gather's gradient sums over replicas, so each replica
  returns the statistic spread over its own examples (`spread_loss`).
- **Replica-consistent noise** (`replica_slice`): each replica draws the
  random values of the whole global batch from the same stateless seed and
  keeps its own slice, so N replicas see exactly the noise one would.

Logged values are reduced over replicas by Keras; batch norm statistics
are global only with `synchronized_bn=True`. The Keras/TF bugs that a
custom `train_step` meets under a strategy are worked around in
`tfgan_zoo.compat`.
"""

import tensorflow as tf


def replica_info():
    """`(num_replicas_in_sync, replica_id)` in the current context."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # Cross-replica context: act as one replica.
        return 1, 0
    return ctx.num_replicas_in_sync, ctx.replica_id_in_sync_group


def replica_slice(batch_size, draw, seed):
    """This replica's slice of `draw(global batch, seed)`.

    Args:
        batch_size: this replica's batch size (int or scalar tensor).
        draw: `(n, seed) -> tensor [n, ...]` for a `[2]` int32 stateless seed.
        seed: a `[2]` int seed, the same on every replica.
    """
    num_replicas, replica_id = replica_info()
    if num_replicas == 1:
        return draw(batch_size, tf.cast(seed, tf.int32))
    values = draw(batch_size * num_replicas, tf.cast(seed, tf.int32))
    start = replica_id * batch_size
    return values[start : start + batch_size]


def global_batch(value):
    """`value` `[batch, ...]` of every replica, concatenated in replica order
    (the global batch), differentiable; `value` itself with one replica."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return value
    return ctx.all_gather(value, axis=0)


def spread_loss(statistic, batch_size):
    """A global-batch `statistic` (computed alike on every replica from
    `global_batch` values) as `[batch_size]` per-example losses whose
    `average_loss` gives one replica's gradient of the statistic.

    `average_loss` weighs them `batch_size / global batch = 1 / N`, and the
    all-gather's gradient sums the N replicas' identical upstream
    gradients, so the N replicas' summed gradients are the statistic's.
    """
    return tf.fill(tf.reshape(batch_size, [1]), tf.cast(statistic, tf.float32))


def average_loss(per_example, regularization_losses=()):
    """The mean over the global batch, plus scaled regularization losses."""
    loss = tf.nn.compute_average_loss(tf.cast(per_example, tf.float32))
    if regularization_losses:
        loss += tf.nn.scale_regularization_loss(tf.add_n(list(regularization_losses)))
    return loss
