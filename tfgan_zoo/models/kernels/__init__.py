"""The kernel family: GANs whose discrepancy is a kernel MMD
(`tfgan_zoo.losses.mmd`), on the samples (`gmmn`, no discriminator) or on
a learned critic's features (`mmd_gan`).

The MMD is a statistic of the whole batch, not a mean of per-example
terms: under a `tf.distribute` strategy both models compute it on the
global batch, all-gathered from the replicas (`replicas.global_batch`),
so N replicas train like one.
"""

from tfgan_zoo.models.kernels.gmmn import GMMN
from tfgan_zoo.models.kernels.mmd_gan import MMDGAN

__all__ = ["GMMN", "MMDGAN"]
