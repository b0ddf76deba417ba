"""The training steps `benchmarks/throughput.py` times: the library's model
(optionally with parts of its step cut, `cut_class`), a textbook bare
`tf.function` step over copies of its networks (`bare_step`), synthetic
data, and the interleaved rounds they run in (`run_rounds`)."""

import keras
import numpy as np
import tensorflow as tf

import tfgan_zoo
from tfgan_zoo import benchmarking as bench
from tfgan_zoo.models import batches

SHAPE = (28, 28, 1)


# ----------------------------------------------------------------------------
# The library's step with one part cut (prototypes for models/base.py).


class _Cuts:
    """Mixin: `_cuts` names the parts of `GAN`'s step to leave out."""

    _cuts = ()

    def sample_latent(self, batch_size, seed=None):
        if "noise" in self._cuts:
            return tf.random.normal([batch_size, self.latent_dim])
        if "prior" in self._cuts:  # The normal prior without TFP.
            draw = lambda n, s: tf.random.stateless_normal([n, self.latent_dim], seed=s)  # noqa: E731
            return self.sample_global(batch_size, draw, seed)
        return super().sample_latent(batch_size, seed)

    def sample_uniform(self, batch_size, seed=None):
        if "noise" in self._cuts:
            return tf.random.uniform([batch_size])
        return super().sample_uniform(batch_size, seed)

    def sample_global(self, batch_size, draw, seed=None):
        if "slice" in self._cuts:  # One replica: no global draw to slice.
            return draw(batch_size, tf.cast(self.seed_generator.next() if seed is None else seed, tf.int32))
        return super().sample_global(batch_size, draw, seed)

    def unpack_batch(self, data):
        if "finite" not in self._cuts and "finite_sum" not in self._cuts:
            return super().unpack_batch(data)
        samples, labels = batches.unpack_batch(data, self.sample_shape, self.num_classes, check_values=False)
        if "finite_sum" in self._cuts:  # NaN/Inf anywhere make the sum NaN/Inf: one scalar check.
            check = tf.debugging.assert_all_finite(tf.reduce_sum(samples), "The training data has NaN or Inf values")
            with tf.control_dependencies([check]):
                samples = tf.identity(samples)
        return samples, labels

    def track(self, logs):
        if "trackers" not in self._cuts:
            return super().track(logs)
        # Not tracked by Keras: plain tensors of the trace being built.
        object.__setattr__(self, "_last_logs", {**vars(self).get("_last_logs", {}), **logs})

    def results(self):
        if "trackers" not in self._cuts:
            return super().results()
        return dict(self._last_logs)


def cut_class(cls, cuts):
    """A subclass of the model class `cls` whose step leaves out `cuts`."""
    return type(f"{cls.__name__}Cut", (_Cuts, cls), {"_cuts": tuple(cuts), "__module__": __name__})


def build(name, cuts=(), precision=None, **compile_kwargs):
    keras.utils.set_random_seed(0)
    cls = tfgan_zoo.get_model_class(name)
    cls = cut_class(cls, cuts) if cuts else cls
    model = cls(sample_shape=SHAPE, seed=0, **({"precision": precision} if precision else {}))
    model.compile(**compile_kwargs)
    return model


# ----------------------------------------------------------------------------
# Bare loops.


def bare_step(model, concat=False, jit_compile=False):
    """A textbook `tf.function` step over copies of `model`'s networks.

    `concat` runs D once on the real and fake halves concatenated (batch
    norm then takes the statistics of the mixed batch); `jit_compile` returns
    the step as an XLA-compiled `tf.function`.
    """
    g = keras.models.clone_model(model.generator)
    d = keras.models.clone_model(model.discriminator)
    g.set_weights(model.generator.get_weights())
    d.set_weights(model.discriminator.get_weights())
    g_opt = keras.optimizers.get(keras.optimizers.serialize(model.g_optimizer))
    d_opt = keras.optimizers.get(keras.optimizers.serialize(model.d_optimizer))
    g_opt.build(g.trainable_variables)
    d_opt.build(d.trainable_variables)
    k, latent, wgan = model.d_steps, model.latent_dim, model.model_name == "wgan_gp"

    def with_labels(net, x, labels):
        return net(x if labels is None else [x, labels], training=True)

    def d_update(real, labels):
        z = tf.random.normal([tf.shape(real)[0], latent])
        with tf.GradientTape() as tape:
            fake = tf.stop_gradient(with_labels(g, z, labels))
            if concat:
                both_labels = None if labels is None else tf.concat([labels] * 2, 0)
                both = with_labels(d, tf.concat([real, fake], 0), both_labels)
                real_out, fake_out = tf.split(both, 2)
            else:
                real_out, fake_out = with_labels(d, real, labels), with_labels(d, fake, labels)
            if wgan:
                alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
                x_hat = alpha * real + (1 - alpha) * fake
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(x_hat)
                    critic = tf.reduce_sum(with_labels(d, x_hat, labels))
                grads = gp_tape.gradient(critic, x_hat)
                norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-10)
                loss = tf.reduce_mean(fake_out - real_out) + 10.0 * tf.reduce_mean(tf.square(norm - 1))
            else:
                loss = tf.reduce_mean(tf.nn.softplus(-real_out) + tf.nn.softplus(fake_out))
        d_opt.apply_gradients(zip(tape.gradient(loss, d.trainable_variables), d.trainable_variables))
        return loss

    def step_on_batch(data):
        samples, labels = data if isinstance(data, tuple) else (data, None)
        parts = tf.split(samples, k), ([None] * k if labels is None else tf.split(labels, k))
        for real, real_labels in zip(*parts):
            d_loss = d_update(real, real_labels)
        with tf.GradientTape() as tape:
            z = tf.random.normal([tf.shape(real)[0], latent])
            fake_out = with_labels(d, with_labels(g, z, real_labels), real_labels)
            g_loss = tf.reduce_mean(-fake_out if wgan else tf.nn.softplus(-fake_out))
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables))
        return d_loss, g_loss

    return tf.function(step_on_batch, jit_compile=True) if jit_compile else step_on_batch


def make_dataset(model, batch_size, num_batches=8, seed=0):
    """Uniform images in [-1, 1] (and labels), `fit` batches of `batch_size * d_steps`, repeated."""
    rng = np.random.default_rng(seed)
    n = batch_size * model.d_steps
    x = rng.uniform(-1, 1, (num_batches, n, *SHAPE)).astype(np.float32)
    if not model.conditional:
        return tf.data.Dataset.from_tensor_slices(x).repeat()
    y = rng.integers(0, model.num_classes, (num_batches, n)).astype(np.int32)
    return tf.data.Dataset.from_tensor_slices((x, y)).repeat()


def block_steps(model, steps):
    return steps if model.d_steps == 1 else max(2, steps // model.d_steps)


def run_rounds(label, configs, rounds):
    """Warms every configuration up, then `interleave`s them with CPU time."""
    for run in configs.values():
        run()
    return bench.interleave(configs, rounds, cpu=True, on_round=lambda r, v: print(
        f"{label} round {r + 1}: " + ", ".join(f"{k} {1000 * s:.0f}" for k, s in v.items()) + " ms", flush=True))
