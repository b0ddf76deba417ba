"""The GAN objective on 1-D problems, made visible (Goodfellow et al. 2014, Section 4).

For fixed densities `p_data` and `p_g`, the discriminator that maximises
`V(D, G) = E_data log D(x) + E_g log(1 - D(x))` is (Proposition 1)

    D*(x) = p_data(x) / (p_data(x) + p_g(x)),

and its value is (Theorem 1) `V(D*, G) = -log 4 + 2 JSD(p_data || p_g)`.

- `optimal_discriminator(p_data, p_g, x)`: `D*` on a grid.
- `jensen_shannon(p_data, p_g)` and `optimal_value(p_data, p_g)`: the JSD
  (nats) by numerical integration (`scipy.integrate.quad`), and
  `-log 4 + 2 JSD`.
- `train_discriminator(p_data, p_g, x)`: an MLP discriminator
  (`tfgan_zoo.networks.mlp_discriminator`) trained with the library's
  `minimax_discriminator_loss` on fresh draws of the two until its learning
  rate has decayed to 0; its `D(x)` on the grid and its value `V` measured
  on held-out draws (`V = -minimax_discriminator_loss`).
- `compare(p_data, p_g, x)`: both, and the maximal `|D - D*|` over the
  central region of the grid.
- `generator_gradient_norms(gan)` and `densities(gan, p_data, x)`: for a
  GAN on 1-D data, the norm of the generator's gradient under the minimax
  (`log(1 - D(G(z)))`) and the non-saturating (`-log D(G(z))`) loss, and
  the data density, the generator's density (a KDE of `G(z)`) and `D(x)`,
  as in the paper's Figure 1.

Distributions are scalar TensorFlow Probability distributions
(`tfd.Normal`, `tfd.MixtureSameFamily`, ...): `prob` is the density,
`sample` the draws, and `mean()` and `stddev()` bound the integration.

Example:

>>> import tensorflow_probability as tfp
>>> tfd = tfp.distributions
>>> p, q = tfd.Normal(0.0, 1.0), tfd.Normal(1.0, 1.0)
>>> optimal_discriminator(p, q, np.array([-1.0, 0.5])).round(3)  # Halfway between: 1/2.
array([0.818, 0.5  ])
>>> round(optimal_value(p, p), 4)  # -log 4 when p_g = p_data.
-1.3863
>>> round(jensen_shannon(p, q), 4)
0.1114
"""

import collections
import math

import keras
import numpy as np
import tensorflow as tf
from scipy import integrate
from scipy import special
from scipy import stats

from tfgan_zoo import checks
from tfgan_zoo import losses
from tfgan_zoo import networks

# Integration bounds: mean ± this many standard deviations of each density.
_BOUND_STDS = 12.0
# How far from 1 the mass inside the bounds may be.
_MASS_TOLERANCE = 1e-4

DiscriminatorFit = collections.namedtuple(
    "DiscriminatorFit", ["discriminator", "probability", "value", "value_stderr"]
)


def _density(dist, x):
    """`dist.prob(x)` as float64 NumPy (scalar in, scalar out)."""
    return np.asarray(dist.prob(tf.constant(np.asarray(x), dist.dtype)), np.float64)


def _grid(x):
    x = np.asarray(x, np.float64)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"The grid must be a non-empty 1-D array of finite values. Received: x with shape {x.shape}")
    return x


def optimal_discriminator(p_data, p_g, x):
    """`D*(x) = p_data(x) / (p_data(x) + p_g(x))` on the grid `x` (1-D array).

    Where both densities are 0 it is undefined; it is returned as 1/2.
    """
    x = _grid(x)
    p, q = _density(p_data, x), _density(p_g, x)
    total = p + q
    return np.divide(p, total, out=np.full_like(total, 0.5), where=total > 0)


def _bounds(*dists):
    """`[low, high]` covering every density's mean ± `_BOUND_STDS` std."""
    means = [float(d.mean()) for d in dists]
    stds = [float(d.stddev()) for d in dists]
    if not all(math.isfinite(v) for v in means + stds):
        raise ValueError(
            "The densities need a finite mean and standard deviation to bound the integral. "
            f"Received: means={means}, stds={stds}"
        )
    return (min(m - _BOUND_STDS * s for m, s in zip(means, stds)),
            max(m + _BOUND_STDS * s for m, s in zip(means, stds)),
            sorted(means))


def jensen_shannon(p_data, p_g):
    """`JSD(p_data || p_g)` in nats, by `scipy.integrate.quad`.

    `JSD = KL(p_data || m) / 2 + KL(p_g || m) / 2` with `m = (p_data + p_g) / 2`,
    integrated as `(p log p + q log q) / 2 - m log m` (0 log 0 = 0) over the
    means ± 12 standard deviations; each density's mass there must be 1
    (within 1e-4).
    """
    low, high, points = _bounds(p_data, p_g)
    both = tf.function(lambda t: tf.stack([p_data.prob(t), p_g.prob(t)]))

    def integrand(t):
        p, q = np.asarray(both(tf.constant(t, p_data.dtype)), np.float64)
        m = 0.5 * (p + q)
        return np.array([p, q, 0.5 * (special.xlogy(p, p) + special.xlogy(q, q)) - special.xlogy(m, m)])

    inner = [t for t in points if low < t < high] or None
    mass_data, mass_g, jsd = (
        integrate.quad(lambda t, i=i: integrand(t)[i], low, high, points=inner, limit=500, epsabs=1e-9, epsrel=1e-7)[0]
        for i in range(3)
    )
    for name, dist, mass in (("p_data", p_data, mass_data), ("p_g", p_g, mass_g)):
        if abs(mass - 1.0) > _MASS_TOLERANCE:
            raise ValueError(
                f"{name} has mass {mass:.6f} on [{low:.4g}, {high:.4g}], not 1: it is not a normalised "
                f"1-D density with light tails. Received: {name}={dist}"
            )
    return max(0.0, float(jsd))


def optimal_value(p_data, p_g):
    """`V(D*, G) = -log 4 + 2 JSD(p_data || p_g)` (Theorem 1 of Goodfellow et al.)."""
    return -math.log(4.0) + 2.0 * jensen_shannon(p_data, p_g)


def probability(discriminator, x):
    """`D(x) = sigmoid(logits)` of a discriminator on 1-D samples, on the grid `x`."""
    x = _grid(x).astype(np.float32)[:, None]
    return np.asarray(keras.ops.sigmoid(discriminator(x, training=False)), np.float64)[:, 0]


def train_discriminator(
    p_data, p_g, x, steps=1500, batch_size=512, hidden_units=(64, 64), learning_rate=1e-2,
    eval_samples=200_000, seed=0,
):
    """Trains a discriminator between two fixed 1-D distributions; returns a `DiscriminatorFit`.

    Each of `steps` Adam steps sees `batch_size` fresh draws of each
    distribution and minimises `losses.minimax_discriminator_loss`, with
    the learning rate decaying to 0 on a cosine.

    Returns:
        `DiscriminatorFit(discriminator, probability, value, value_stderr)`:
        the network, its `D(x)` on the grid `x`, and `V(D, G)` (the mean of
        `log D(x) + log(1 - D(x'))` over `eval_samples` held-out pairs
        `x ~ p_data`, `x' ~ p_g`) with its standard error.
    """
    steps = checks.positive_int(steps, "steps")
    batch_size = checks.positive_int(batch_size, "batch_size")
    eval_samples = checks.positive_int(eval_samples, "eval_samples")
    seed = checks.seed(seed)
    discriminator = networks.mlp_discriminator((1,), hidden_units=hidden_units, seed=seed)
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(learning_rate, steps))

    def draws(n, step):
        seeds = tf.random.experimental.stateless_split(tf.stack([tf.constant(seed, tf.int32), step]), 2)
        return p_data.sample([n, 1], seed=seeds[0]), p_g.sample([n, 1], seed=seeds[1])

    variables = discriminator.trainable_variables
    optimizer.build(variables)  # Its slots exist before the loop's graph.

    @tf.function
    def train():
        for step in tf.range(steps):  # One graph loop: no Python call per step.
            real, fake = draws(batch_size, step)
            with tf.GradientTape() as tape:
                loss = losses.minimax_discriminator_loss(
                    discriminator(real, training=True), discriminator(fake, training=True)
                )
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

    train()
    real, fake = draws(eval_samples, tf.constant(-1, tf.int32))  # Held out: no training step draws with -1.
    per_pair = -np.asarray(
        losses.minimax_discriminator_loss(discriminator(real), discriminator(fake), reduction="none"), np.float64
    )
    return DiscriminatorFit(
        discriminator, probability(discriminator, x), float(per_pair.mean()),
        float(per_pair.std() / math.sqrt(per_pair.size)),
    )


def central_region(p_data, p_g, x, fraction=0.1):
    """The mask of the grid points where `(p_data + p_g) / 2` is at least
    `fraction` of its maximum on the grid: where a trained D has seen data."""
    if not 0.0 < float(fraction) < 1.0:
        raise ValueError(f"`fraction` must be in (0, 1). Received: fraction={fraction}")
    x = _grid(x)
    m = _density(p_data, x) + _density(p_g, x)
    return m >= fraction * m.max()


def compare(p_data, p_g, x, fraction=0.1, **train_kwargs):
    """A trained discriminator against the theory, as a dict.

    Keys: `jsd`, `optimal_value` (`-log 4 + 2 JSD`), `value` and
    `value_stderr` (the trained D's `V`), `max_error` (max `|D - D*|` over
    `central_region(p_data, p_g, x, fraction)`), `region` (its `[low,
    high]`), and the grid curves `x`, `optimal` (`D*`), `trained` (`D`).
    `train_kwargs` go to `train_discriminator`.
    """
    x = _grid(x)
    optimal = optimal_discriminator(p_data, p_g, x)
    fit = train_discriminator(p_data, p_g, x, **train_kwargs)
    mask = central_region(p_data, p_g, x, fraction)
    jsd = jensen_shannon(p_data, p_g)
    return {
        "jsd": jsd,
        "optimal_value": -math.log(4.0) + 2.0 * jsd,
        "value": fit.value,
        "value_stderr": fit.value_stderr,
        "max_error": float(np.abs(fit.probability - optimal)[mask].max()),
        "region": [float(x[mask].min()), float(x[mask].max())],
        "x": x,
        "optimal": optimal,
        "trained": fit.probability,
    }


def generator_gradient_norms(gan, num_samples=1024, seed=0, loss_names=("minimax", "non_saturating")):
    """The global norm of the generator's gradient under each generator loss, on one batch.

    Args:
        gan: a compiled or uncompiled unconditional `tfgan_zoo` GAN.
        num_samples: the batch of `z` (drawn with `seed`, the same for every loss).
        seed: int seed of the `z` draw.
        loss_names: names from `tfgan_zoo.losses.available_losses()`.

    Returns:
        `{name: ||grad_theta_G loss||}` and `"mean_d_fake"`, the mean `D(G(z))` on the batch.
    """
    num_samples = checks.positive_int(num_samples, "num_samples")
    z = gan.prior.sample(num_samples, seed=tf.constant([checks.seed(seed), 0], tf.int32))
    variables = gan.generator_variables
    norms = {}
    for name in loss_names:
        with tf.GradientTape() as tape:
            logits = gan.discriminate(gan.generate_batch(z, training=False), training=False)
            loss = losses.get(name).generator(logits)
        norms[name] = float(tf.linalg.global_norm(tape.gradient(loss, variables)))
    norms["mean_d_fake"] = float(tf.reduce_mean(tf.sigmoid(logits)))
    return norms


def densities(gan, p_data, x, num_samples=20_000, seed=0):
    """Figure 1's curves of a GAN on 1-D data, on the grid `x`, as a dict.

    Keys: `data` (`p_data`), `generator` (a Gaussian KDE of `num_samples`
    draws of `G(z)`, Scott's bandwidth), `d` (`D(x)`), `optimal` (`D*`
    of `p_data` and that KDE).
    """
    x = _grid(x)
    samples = gan.generate(checks.positive_int(num_samples, "num_samples"), seed=seed).reshape(-1)
    p = _density(p_data, x)
    q = stats.gaussian_kde(samples.astype(np.float64))(x)
    return {"data": p, "generator": q, "d": probability(gan.discriminator, x), "optimal": p / np.maximum(p + q, 1e-300)}
