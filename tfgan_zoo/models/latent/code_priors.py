"""The priors an adversarial autoencoder imposes on its codes (Makhzani et
al. 2015, figures 2 and 4), as TFP distributions over `[latent_dim]`.

- `"normal"`: N(0, scale^2 I) (the paper's 2-D example: scale 5);
- `"mixture"`: 10 2-D Gaussians on a circle of radius `scale`, each
  stretched along its radius (`tfd.MixtureSameFamily`);
- `"swiss_roll"`: a 2-D swiss roll, uniform along the roll, of outer
  radius `scale` (a uniform/normal pair pushed through a `tfb.Bijector`).

Example:

>>> tuple(code_prior("mixture", 2, 5.0).sample(3, seed=(1, 2)).shape)
(3, 2)
"""

import math

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_zoo import registry

tfd = tfp.distributions
tfb = tfp.bijectors

MIXTURE_COMPONENTS = 10


def _normal(latent_dim, scale):
    return tfd.Sample(tfd.Normal(0.0, float(scale)), [int(latent_dim)])


def _mixture(latent_dim, scale):
    angles = 2 * math.pi * np.arange(MIXTURE_COMPONENTS) / MIXTURE_COMPONENTS
    directions = np.stack([np.cos(angles), np.sin(angles)], -1)
    # Covariance R diag(radial^2, tangential^2) R^T, R the rotation to each angle.
    radial, tangential = scale / 5.0, scale / 20.0
    rotations = np.stack([directions, np.stack([-directions[:, 1], directions[:, 0]], -1)], -1)
    covariance = rotations @ np.diag([radial**2, tangential**2]) @ np.transpose(rotations, (0, 2, 1))
    return tfd.MixtureSameFamily(
        tfd.Categorical(logits=tf.zeros([MIXTURE_COMPONENTS])),
        tfd.MultivariateNormalTriL(
            loc=tf.constant(scale * directions, tf.float32),
            scale_tril=tf.constant(np.linalg.cholesky(covariance), tf.float32),
        ),
    )


class SwissRoll(tfb.Bijector):
    """`(t, n) -> r (cos theta, sin theta)`, `theta = 1.5 pi (1 + 2t)`,
    `r = scale (theta / 4.5 pi + 0.02 n)`: `t` in [0, 1) runs along the
    roll, `n` is a small radial spread. Forward only (sampling)."""

    def __init__(self, scale, name="swiss_roll"):
        parameters = dict(locals())
        self.scale = float(scale)
        super().__init__(forward_min_event_ndims=1, parameters=parameters, name=name)

    def _forward(self, u):
        theta = 1.5 * math.pi * (1.0 + 2.0 * u[..., 0])
        r = self.scale * (theta / (4.5 * math.pi) + 0.02 * u[..., 1])
        return tf.stack([r * tf.cos(theta), r * tf.sin(theta)], -1)


def _swiss_roll(latent_dim, scale):
    base = tfd.Blockwise([tfd.Sample(tfd.Uniform(0.0, 1.0), [1]), tfd.Sample(tfd.Normal(0.0, 1.0), [1])])
    return tfd.TransformedDistribution(base, SwissRoll(scale))


_PRIORS = {"normal": _normal, "mixture": _mixture, "swiss_roll": _swiss_roll}
TWO_D = ("mixture", "swiss_roll")


def available_code_priors():
    return sorted(_PRIORS)


def code_prior(name, latent_dim, scale):
    """The prior `name` over codes of size `latent_dim` (2 for the 2-D ones)."""
    build = registry.lookup(_PRIORS, name, "prior", "prior")
    if name in TWO_D and int(latent_dim) != 2:
        raise ValueError(f"prior={name!r} is a 2-D prior; use latent_dim=2. Received: latent_dim={latent_dim!r}")
    if not float(scale) > 0:
        raise ValueError(f"`prior_scale` must be positive. Received: prior_scale={scale!r}")
    return build(latent_dim, float(scale))
