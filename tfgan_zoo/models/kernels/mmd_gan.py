"""MMD GAN: a kernel MMD on learned critic features (Li et al. 2017, "MMD
GAN: Towards Deeper Understanding of Moment Matching Network"), with the
gradient penalty of Binkowski et al. 2018 ("Demystifying MMD GANs")."""

import tensorflow as tf

from tfgan_zoo.losses import mmd as mmd_lib
from tfgan_zoo.models import replicas
from tfgan_zoo.models.critics.base import PenaltyCriticGAN
from tfgan_zoo.registry import register_model

# The kernels' scales when `bandwidths=None`: Binkowski et al.'s
# rational-quadratic alphas, Li et al.'s RBF sigmas.
DEFAULT_SCALES = {"rational_quadratic": (0.2, 0.5, 1.0, 2.0, 5.0), "rbf": (1.0, 2.0, 4.0, 8.0, 16.0)}


@register_model("mmd_gan")
class MMDGAN(PenaltyCriticGAN):
    """MMD GAN: the critic `h` learns features on which a kernel MMD separates
    real from generated samples; the generator minimises that MMD.

    With `K` the kernel mixture on critic features (`kernel`, `bandwidths`;
    `tfgan_zoo.losses.mmd`) and the global batches `x_r`, `x_g`:

    - generator loss: `MMD²_u(h(x_r), h(x_g))`, the unbiased estimate;
    - critic loss: `-MMD²_u(h(x_r), h(x_g)) + gp_weight * (||grad f(x_hat)|| - 1)²`,
      the penalty on the witness function
      `f(x) = mean_j K(h(x), h(x_r_j)) - mean_j K(h(x), h(x_g_j))` at
      `x_hat = alpha x_r + (1 - alpha) x_g` (Binkowski et al. 2018).

    No batch norm in the critic (layer norm by default); `d_steps` critic
    updates per generator update (5); Adam(1e-4, beta_1=0.5, beta_2=0.9).
    Under a strategy the MMD and the witness use the global batch's
    features (gathered from all replicas). Logged: `mmd` (the critic step's
    MMD²) and `gradient_penalty`.

    Args:
        feature_dim: the critic's output size, the kernel's input (paper: 16).
        kernel: `"rational_quadratic"` (Binkowski et al.) or `"rbf"` (Li et al.).
        bandwidths: the mixture's scales, positive floats (None: the RQ alphas
            0.2, 0.5, 1, 2, 5, or the RBF sigmas 1, 2, 4, 8, 16).
        gp_weight: the penalty's weight (Binkowski et al.: 1).
        **kwargs: the `PenaltyCriticGAN` and `CriticGAN` hparams
            (`critic_norm`, `d_steps`, ...).

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("mmd_gan", sample_shape=(8, 8, 1), width=4, seed=0)
    >>> tuple(gan.discriminator.output.shape), gan.bandwidths
    ((None, 16), (0.2, 0.5, 1.0, 2.0, 5.0))
    """

    logged = ("d_loss", "g_loss", "mmd", "gradient_penalty")
    tiny_hparams = {"feature_dim": 4}

    def __init__(self, feature_dim=16, kernel="rational_quadratic", bandwidths=None, gp_weight=1.0, **kwargs):
        if kernel not in DEFAULT_SCALES:
            raise ValueError(f"Unknown kernel {kernel!r}. Valid: {sorted(DEFAULT_SCALES)}. Received: kernel={kernel!r}")
        scales = mmd_lib.check_bandwidths(bandwidths) or DEFAULT_SCALES[kernel]
        super().__init__(output_dim=int(feature_dim), gp_weight=gp_weight, **kwargs)
        self.kernel = kernel
        self.bandwidths = scales

    def _features(self, x, labels, training):
        return tf.cast(self.discriminate(x, labels, training=training), tf.float32)

    def _mmd(self, h_real, h_fake):
        return mmd_lib.mmd_squared(h_real, h_fake, self.bandwidths, kernel=self.kernel)

    def discriminator_loss(self, real, labels, training=True):
        batch = tf.shape(real)[0]
        fake = tf.stop_gradient(self.generate_batch(self.sample_latent(batch), labels, training=training))
        h_real = replicas.global_batch(self._features(real, labels, training))
        h_fake = replicas.global_batch(self._features(fake, labels, training))
        statistic = self._mmd(h_real, h_fake)

        def witness(x):
            h = self._features(x, labels, training)
            k_real = mmd_lib.kernel_matrix(h, h_real, self.bandwidths, self.kernel)
            k_fake = mmd_lib.kernel_matrix(h, h_fake, self.bandwidths, self.kernel)
            return tf.reduce_mean(k_real, axis=1) - tf.reduce_mean(k_fake, axis=1)

        penalty = self.penalty(witness, real, fake)
        loss = replicas.spread_loss(-statistic, batch) + self.gp_weight * penalty
        return loss, {"mmd": statistic, "gradient_penalty": tf.reduce_mean(penalty)}

    def generator_loss(self, real, labels, training=True):
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        h_real = replicas.global_batch(self._features(real, labels, training))
        h_fake = replicas.global_batch(self._features(fake, labels, training))
        return replicas.spread_loss(self._mmd(h_real, h_fake), batch), {}
