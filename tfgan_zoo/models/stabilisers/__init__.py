"""Stabilisers: training options that any model on the base switches on.

Each is an hparam of `GAN` (so of every variant, its `create`, the
launchers' flags, `get_config` and the `.keras` file), off by default.
The base calls `Stabilisers` from its hooks; no variant needs code of its
own. They combine freely, and with one-sided `label_smoothing`.

- `instance_noise=σ` (Sønderby et al. 2016, Arjovsky & Bottou 2017):
  every training call of `discriminate` (real, fake, and the points of a
  gradient penalty) adds Gaussian noise N(0, σ_t²) to the samples, with
  `σ_t = σ · max(0, 1 − t / instance_noise_anneal_steps)`, `t` the
  discriminator optimizer's iteration count (a linear anneal to 0;
  `instance_noise_anneal_steps=0` keeps σ constant). Inference calls see
  no noise.
- `r1_weight=γ` (Mescheder et al. 2018): the discriminator's per-example
  loss gains `γ/2 · ||∇_x D(x)||²` on the real minibatch
  (`tfgan_zoo.regularizers.r1_penalty`); logged as `r1_penalty` (before
  weighting).
- `spectral_norm=True` (Miyato et al. 2018): the default networks wrap
  each Dense/Conv layer of the discriminator in
  `keras.layers.SpectralNormalization` (`tfgan_zoo.networks.build_pair`);
  a discriminator passed in must bring its own such layers.
- `ema_decay=β` (an exponential moving average of the generator's
  weights, Yazıcı et al. 2019): after every generator update
  `avg ← β·avg + (1 − β)·w` for each trainable generator weight. The
  averages are non-trainable weights of the generator (so the `.keras`
  file and the SavedModel keep them); inference (`generate`,
  `generate_batch(training=False)`, the export, the metrics) runs the
  generator on them, training on the raw weights. Batch-norm statistics
  are the generator's own.
- `feature_matching=w` (Salimans et al. 2016): the generator's loss gains
  `w · ||mean f(x) − mean f(G(z))||²`, `f` the output of the
  discriminator layer `feature_layer` (default: the input of its output
  layer, i.e. the last hidden features), on the real minibatch and a fresh
  fake batch; logged as `feature_matching` (before weighting).

Under a `tf.distribute` strategy, instance noise is drawn for the global
batch and sliced (`replicas.replica_slice`), and feature matching's means
are over the global batch (an all-reduce), so N replicas train like one;
R1 and the averages are per example and per weight.

Options act through the base's `discriminate`, `train_step` and
`generate_batch`; on a variant that overrides the one an option needs,
the option is refused at construction, as are contradictory settings.
"""

import keras
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import regularizers

# The base's methods each option acts through.
_NEEDS = {
    "instance_noise": ("discriminate",),
    "r1_weight": ("discriminate", "train_step"),
    "feature_matching": ("discriminate", "train_step"),
    "ema_decay": ("generate_batch",),
}
_EMA_ATTRIBUTE = "_tfgan_zoo_ema"


class Stabilisers:
    """The options of one model; see the module docstring.

    Args:
        model: the `GAN` being built (its networks set).
        instance_noise: σ of the instance noise (0: off).
        instance_noise_anneal_steps: discriminator steps over which σ
            falls linearly to 0 (0: constant).
        r1_weight: γ of the R1 penalty (0: off).
        spectral_norm: whether the discriminator is spectrally normalised.
        ema_decay: β of the generator's weight average (0: off).
        feature_matching: weight of the feature-matching term (0: off).
        feature_layer: the discriminator layer whose output is matched
            (None: the last hidden features).
    """

    def __init__(self, model, instance_noise=0.0, instance_noise_anneal_steps=0, r1_weight=0.0,
                 spectral_norm=False, ema_decay=0.0, feature_matching=0.0, feature_layer=None):
        self.instance_noise = checks.non_negative(instance_noise, "instance_noise")
        self.anneal_steps = checks.integer(instance_noise_anneal_steps, "instance_noise_anneal_steps", minimum=0)
        self.r1_weight = checks.non_negative(r1_weight, "r1_weight")
        self.ema_decay = checks.fraction(ema_decay, "ema_decay")
        self.feature_matching = checks.non_negative(feature_matching, "feature_matching")
        if feature_layer is not None:
            checks.string(feature_layer, "feature_layer")
        _check_combinations(model, {
            "instance_noise": instance_noise, "instance_noise_anneal_steps": instance_noise_anneal_steps,
            "r1_weight": r1_weight, "ema_decay": ema_decay, "feature_matching": feature_matching,
            "feature_layer": feature_layer,
        })
        if spectral_norm:
            _check_spectral_norm(model.discriminator)
        self._features = _feature_model(model.discriminator, feature_layer) if self.feature_matching else None
        self._averages = _averages(model.generator) if self.ema_decay else None

    @property
    def logged(self):
        """The names of the values these options log."""
        return ("r1_penalty",) * bool(self.r1_weight) + ("feature_matching",) * bool(self.feature_matching)

    # ------------------------------------------------------------------
    # Instance noise.

    def noise_sigma(self, model):
        """σ_t at the discriminator optimizer's current iteration (a float32 scalar)."""
        sigma = tf.constant(self.instance_noise, tf.float32)
        if not self.anneal_steps or model.d_optimizer is None:
            return sigma
        t = tf.cast(model.d_optimizer.iterations, tf.float32)
        return sigma * tf.maximum(0.0, 1.0 - t / float(self.anneal_steps))

    def noisy(self, model, samples):
        """`samples` plus N(0, σ_t²) noise (replica-consistent); unchanged when off."""
        if not self.instance_noise:
            return samples
        samples = tf.convert_to_tensor(samples)
        shape = list(samples.shape[1:])
        noise = model.sample_global(tf.shape(samples)[0], lambda n, s: tf.random.stateless_normal([n, *shape], seed=s))
        return samples + tf.cast(self.noise_sigma(model) * noise, samples.dtype)

    # ------------------------------------------------------------------
    # Loss terms.

    def discriminator_loss(self, model, real, labels, loss_and_logs):
        """The discriminator's `(per_example, logs)` with the R1 term added."""
        loss, logs = loss_and_logs
        if not self.r1_weight:
            return loss, logs
        r1 = regularizers.r1_penalty(lambda x: model.discriminate(x, labels, training=True), real)
        return tf.cast(loss, tf.float32) + 0.5 * self.r1_weight * r1, {**logs, "r1_penalty": tf.reduce_mean(r1)}

    def generator_loss(self, model, real, labels, loss_and_logs):
        """The generator's `(per_example, logs)` with the feature-matching term added."""
        loss, logs = loss_and_logs
        if not self.feature_matching:
            return loss, logs
        fake = model.generate_batch(model.sample_latent(tf.shape(real)[0]), labels, training=True)
        matched = feature_matching_loss(
            tf.stop_gradient(self.features(model, real, labels)), self.features(model, fake, labels)
        )
        # Every example carries the batch term: averaged over the global
        # batch, it counts once.
        loss = tf.cast(loss, tf.float32) + self.feature_matching * matched
        return loss, {**logs, "feature_matching": matched}

    def features(self, model, samples, labels):
        """The matched discriminator features of `samples`, `[batch, ...]`."""
        inputs = [samples, labels] if model.conditional else samples
        return self._features(inputs, training=True)

    # ------------------------------------------------------------------
    # Generator weight average.

    def run_generator(self, generator, inputs, training):
        """The generator on `inputs`: raw weights in training, the averages
        (if on) in inference."""
        if training or self._averages is None:
            return generator(inputs, training=training)
        outputs, _ = generator.stateless_call(
            self._averages, [keras.ops.convert_to_tensor(v) for v in generator.non_trainable_variables],
            inputs, training=False,
        )
        return outputs

    def after_update(self, model, optimizer):
        """Moves the averages towards the generator's weights after a generator update."""
        if self._averages is None or optimizer is not model.g_optimizer:
            return
        beta = self.ema_decay
        for weight, average in zip(model.generator.trainable_variables, self._averages):
            average.assign(beta * average + (1.0 - beta) * weight)


def feature_matching_loss(real_features, fake_features):
    """`||mean real − mean fake||²` over the global batch (all replicas).

    Example:

    >>> float(feature_matching_loss(tf.constant([[1.0, 2.0], [3.0, 2.0]]), tf.zeros((2, 2))))
    8.0
    """
    real = tf.reshape(tf.cast(real_features, tf.float32), [tf.shape(real_features)[0], -1])
    fake = tf.reshape(tf.cast(fake_features, tf.float32), [tf.shape(fake_features)[0], -1])
    count = _global_sum(tf.cast(tf.shape(real)[0], tf.float32))
    difference = _global_sum(tf.reduce_sum(real, 0) - tf.reduce_sum(fake, 0)) / count
    return tf.reduce_sum(tf.square(difference))


def _global_sum(value):
    # The all-reduce is differentiable: the gradient of a sum over replicas
    # is the sum of the replicas' gradients.
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return value
    return ctx.all_reduce(tf.distribute.ReduceOp.SUM, value)


def _check_combinations(model, values):
    from tfgan_zoo.models.base import GAN

    for option, methods in _NEEDS.items():
        overridden = [m for m in methods if getattr(type(model), m) is not getattr(GAN, m)]
        if values[option] and overridden:
            raise ValueError(
                f"`{option}` acts in GAN.{overridden[0]}, which {type(model).__name__} overrides, so it "
                f"does not apply to this model. Received: {option}={values[option]!r}"
            )
    if values["instance_noise_anneal_steps"] and not values["instance_noise"]:
        raise ValueError(
            "`instance_noise_anneal_steps` anneals the instance noise; set `instance_noise` > 0 with it. "
            f"Received: instance_noise_anneal_steps={values['instance_noise_anneal_steps']!r}, "
            f"instance_noise={values['instance_noise']!r}"
        )
    if values["feature_layer"] is not None and not values["feature_matching"]:
        raise ValueError(
            "`feature_layer` chooses the layer of feature matching; set `feature_matching` > 0 with it. "
            f"Received: feature_layer={values['feature_layer']!r}, feature_matching={values['feature_matching']!r}"
        )
    gp_weight = model.hparams.get("gp_weight", 0.0)
    if values["r1_weight"] and gp_weight:
        raise ValueError(
            "R1 pulls the discriminator's gradient norm to 0 on real data while the gradient penalty "
            "pulls it to 1; use one of them (gp_weight=0 or r1_weight=0). "
            f"Received: r1_weight={values['r1_weight']!r}, gp_weight={gp_weight!r}"
        )


def _check_spectral_norm(discriminator):
    if not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in _all_layers(discriminator)):
        raise ValueError(
            "spectral_norm=True: the default networks wrap their discriminator layers in "
            "keras.layers.SpectralNormalization; this discriminator has no such layer (wrap the layers of "
            f"your own). Received: discriminator={discriminator.name!r} with layers "
            f"{[type(layer).__name__ for layer in discriminator.layers]}"
        )


def _all_layers(model):
    """The layers of `model`, those of nested models included."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)


def _feature_model(discriminator, layer_name):
    """A model from the discriminator's inputs to the matched features (sharing its layers)."""
    inputs = discriminator.inputs[0] if len(discriminator.inputs) == 1 else discriminator.inputs
    if layer_name is None:
        features = discriminator.layers[-1].input
        if isinstance(features, (list, tuple)) or any(features is t for t in discriminator.inputs):
            raise ValueError(
                "feature_matching needs a hidden layer before the discriminator's output layer; name one "
                f"with `feature_layer`. Received: discriminator={discriminator.name!r} with output layer "
                f"{discriminator.layers[-1].name!r}"
            )
    else:
        names = [layer.name for layer in discriminator.layers]
        if layer_name not in names:
            raise ValueError(
                f"The discriminator has no layer {layer_name!r}. Valid: {names}. Received: feature_layer={layer_name!r}"
            )
        features = discriminator.get_layer(layer_name).output
    return keras.Model(inputs, features, name=f"{discriminator.name}_features")


def _averages(generator):
    """The generator's weight averages, created once per generator as its
    own non-trainable weights (initialised to the current weights)."""
    if not hasattr(generator, _EMA_ATTRIBUTE):
        averages = []
        for i, weight in enumerate(generator.trainable_variables):
            average = generator.add_weight(
                shape=weight.shape, dtype=weight.dtype, initializer="zeros", trainable=False, name=f"ema_{i}"
            )
            average.assign(weight)
            averages.append(average)
        # Not an attribute Keras tracks: the generator tracks the weights.
        object.__setattr__(generator, _EMA_ATTRIBUTE, averages)
    return getattr(generator, _EMA_ATTRIBUTE)


def weight_averages(generator):
    """The averages of `generator`'s trainable variables (in their order)
    when the model averages them (`ema_decay`), else `[]`."""
    return list(getattr(generator, _EMA_ATTRIBUTE, []))
