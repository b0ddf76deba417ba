"""The noise of a GAN: replica-consistent draws for training, and `generate`.

`Noise` is a part of `GAN` (a mixin): it reads the model's `_prior`,
`seed_generator`, `sample_seed_generator`, `latent_dim`, `num_classes`,
`sample_shape` and `generate_batch`. Training draws come from the
`seed_generator` and are sliced per replica (`replicas.replica_slice`), so
N replicas see the randomness one would; `generate(seed=...)` goes through
`tfgan_zoo.sampling`, the same path as the exported `sample` signature.
"""

import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import sampling
from tfgan_zoo.models import replicas


class Noise:
    """Latent and uniform draws, and `generate`; see the module docstring."""

    @property
    def prior(self):
        """The latent prior, a `tfd.Distribution` with event shape `[latent_dim]`."""
        return self._prior

    def sample_global(self, batch_size, draw, seed=None):
        """This replica's slice of `draw(global batch, seed)`, so that N
        replicas see the randomness one would (`replicas.replica_slice`).

        Args:
            batch_size: this replica's batch size (int or scalar tensor).
            draw: `(n, seed) -> tensor [n, ...]` for a `[2]` int32 seed.
            seed: a `[2]` int seed; default: the next seed of
                `seed_generator`.
        """
        return replicas.replica_slice(batch_size, draw, self.seed_generator.next() if seed is None else seed)

    def sample_latent(self, batch_size, seed=None):
        """Draws `batch_size` latent vectors from the prior for this replica."""
        return self.sample_global(batch_size, lambda n, s: self._prior.sample(n, seed=s), seed)

    def sample_uniform(self, batch_size, seed=None):
        """`batch_size` values from U[0, 1) for this replica (e.g. the
        interpolation weights of a gradient penalty)."""
        return self.sample_global(
            batch_size, lambda n, s: tf.random.stateless_uniform([n], seed=s), seed
        )

    def generate(self, num_samples=None, z=None, labels=None, seed=None, batch_size=256):
        """Generates samples (images in [-1, 1] for the image models).

        Args:
            num_samples: how many. Default: the length of `z` or `labels`,
                else 64.
            z: latent vectors `[n, latent_dim]`; drawn from the prior if
                omitted.
            labels: integer class labels `[n]` for a conditional model;
                drawn uniformly (from `seed`) if omitted.
            seed: int. The same seed gives the same `z` and labels (and the
                same samples as the SavedModel `sample` signature). `None`
                draws from the model's sampling seed generator.
            batch_size: the generator runs on batches of this size.

        Returns:
            A float32 NumPy array `[n, *sample_shape]`.
        """
        n, z, labels = sampling.check_request(self.latent_dim, self.num_classes, num_samples, z, labels)
        sampling.check_output_size(n, self.sample_shape)
        batch_size = checks.positive_int(batch_size, "batch_size")
        seed = self.sample_seed_generator.next() if seed is None else checks.seed(seed)
        drawn_z, labels = sampling.generator_inputs(self._prior, self.num_classes, n, seed, labels)
        if self._generate_fn is None:
            self._generate_fn = tf.function(
                lambda z, labels: self.generate_batch(z, labels, training=False),
                reduce_retracing=True,
            )
        return sampling.in_batches(self._generate_fn, drawn_z if z is None else tf.constant(z), labels, batch_size)

    @property
    def seed_generators(self):
        """The seed generators whose state a resumed run must continue."""
        return {"train_seed": self.seed_generator, "sample_seed": self.sample_seed_generator}
