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
  loss gains `γ/2 · ||∇_x D(x)||²` on the real minibatch (per
  discriminator output: with `gan3d`'s packing, of the whole pack)
  (`tfgan_zoo.regularizers.r1_penalty`); logged as `r1_penalty` (before
  weighting).
- `spectral_norm=True` (Miyato et al. 2018): the default networks wrap
  each Dense/Conv layer of the discriminator in
  `keras.layers.SpectralNormalization` (`tfgan_zoo.networks.build_pair`);
  a discriminator passed in must bring its own such layers.
- `ema_decay=β` (an exponential moving average of the generator's
  weights, Yazıcı et al. 2019): after every generator update
  `avg ← β_t·avg + (1 − β_t)·w` for each trainable generator weight,
  `β_t = min(β, (1 + t) / (10 + t))` after the generator's `t`-th update
  (the warm-up of `tf.train.ExponentialMovingAverage`). The
  averages are non-trainable weights of the generator (so the `.keras`
  file and the SavedModel keep them); inference (`generate`,
  `generate_batch(training=False)`, the export, the metrics) runs the
  generator on them, training on the raw weights. The averaged weights
  have batch-norm statistics of their own (`averages.averaged_statistics`):
  after each average update, one training-mode pass of the averaged
  generator on 64 latent vectors (and uniform labels) moves them by the
  layers' momentum, since the raw weights' statistics do not fit the
  averaged weights.
- `feature_matching=w` (Salimans et al. 2016): the generator's loss gains
  `w · ||mean f(x) − mean f(G(z))||²`, `f` the output of the
  discriminator layer `feature_layer` (default: the input of its output
  layer, i.e. the last hidden features), on the real minibatch and a fresh
  fake batch; logged as `feature_matching` (before weighting).
- `historical_averaging=λ` (Salimans et al. 2016): each player's loss
  gains `λ · ||θ − θ̄||²`, `θ` its network's trainable weights and `θ̄`
  their mean over every step so far, the current and the initial weights
  included (`averages.HistoricalAverages`; model state that `.keras` files and
  checkpoints keep); logged as `d_historical` and `g_historical` (before
  weighting).
- `diff_augment="color,translation,cutout"` (Zhao et al. 2020): every
  training call of `discriminate` first passes the images through these
  differentiable augmentations (`augment`), so the generator learns
  through them; images only.

Two options shape the default networks, so they are hparams of
`FamilyGAN` (the models that build them) rather than of `GAN`:
`minibatch_features` (`"discrimination"`, Salimans et al. 2016, or
`"stddev"`, Karras et al. 2018: `tfgan_zoo.networks.minibatch`) and
`virtual_batch_norm` (Salimans et al. 2016:
`tfgan_zoo.networks.virtual_batch_norm`). Here their layers are checked
against the other settings (`combinations`), and the generator's VBN
reference batch is drawn when the model is built.

Under a `tf.distribute` strategy, instance noise is drawn for the global
batch and sliced (`replicas.replica_slice`), as are DiffAugment's draws,
and feature matching's means are over the global batch (an all-reduce),
so N replicas train like one;
R1 and the averages are per example and per weight, and VBN normalises
each example with the whole reference batch on every replica. The
minibatch features are the exception: their statistics are over each
replica's slice of the batch (so N replicas equal one replica on each
slice, not on the global batch).

Options act through the base's `discriminate`, `train_step` and
`generate_batch`; on a variant that overrides the one an option needs,
the option is refused at construction, as are contradictory settings
(`combinations`).
"""

import keras
import tensorflow as tf

from tfgan_zoo import checks
from tfgan_zoo import regularizers
from tfgan_zoo.models.stabilisers import augment as augment_lib
from tfgan_zoo.models.stabilisers import averages as averages_lib
from tfgan_zoo.models.stabilisers import combinations
from tfgan_zoo.models.stabilisers import features as features_lib
from tfgan_zoo.models.stabilisers.averages import weight_averages
from tfgan_zoo.models.stabilisers.features import feature_matching_loss
from tfgan_zoo.networks import virtual_batch_norm as vbn


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
        historical_averaging: λ of the historical-averaging penalty (0: off).
        diff_augment: the DiffAugment policy, e.g. `"color,cutout"` (None: off).
    """

    def __init__(self, model, instance_noise=0.0, instance_noise_anneal_steps=0, r1_weight=0.0,
                 spectral_norm=False, ema_decay=0.0, feature_matching=0.0, feature_layer=None,
                 historical_averaging=0.0, diff_augment=None):
        self.instance_noise = checks.non_negative(instance_noise, "instance_noise")
        self.anneal_steps = checks.integer(instance_noise_anneal_steps, "instance_noise_anneal_steps", minimum=0)
        self.r1_weight = checks.non_negative(r1_weight, "r1_weight")
        self.ema_decay = checks.fraction(ema_decay, "ema_decay")
        self.feature_matching = checks.non_negative(feature_matching, "feature_matching")
        self.historical_averaging = checks.non_negative(historical_averaging, "historical_averaging")
        if feature_layer is not None:
            checks.string(feature_layer, "feature_layer")
        self.diff_augment = augment_lib.parse_policy(diff_augment)
        augment_lib.check_images(self.diff_augment, model.sample_shape)
        combinations.check_combinations(model, {
            "instance_noise": instance_noise, "instance_noise_anneal_steps": instance_noise_anneal_steps,
            "r1_weight": r1_weight, "ema_decay": ema_decay, "feature_matching": feature_matching,
            "feature_layer": feature_layer, "historical_averaging": historical_averaging,
            "diff_augment": diff_augment,
        })
        if spectral_norm:
            combinations.check_spectral_norm(model.discriminator)
        self._features = features_lib.feature_model(model.discriminator, feature_layer) if self.feature_matching else None
        self._averages = averages_lib.generator_averages(model.generator) if self.ema_decay else None
        if self.ema_decay:
            averages_lib.averaged_statistics(model.generator)
        _draw_reference_batches(model)
        # The options on D's inputs, and whether D's loss went through
        # `discriminate` (set while tracing; see `discriminator_loss`).
        self._on_inputs = {k: v for k, v in (("diff_augment", diff_augment), ("instance_noise", instance_noise)) if v}
        self._discriminated = False
        self._history = {
            "d": averages_lib.HistoricalAverages(model, model.discriminator, "d"),
            "g": averages_lib.HistoricalAverages(model, model.generator, "g"),
        } if self.historical_averaging else None

    @property
    def logged(self):
        """The names of the values these options log."""
        return (("r1_penalty",) * bool(self.r1_weight) + ("feature_matching",) * bool(self.feature_matching)
                + ("d_historical", "g_historical") * bool(self.historical_averaging))

    # ------------------------------------------------------------------
    # The discriminator's training inputs: DiffAugment, instance noise.

    def discriminator_inputs(self, model, samples):
        """`samples` augmented (`diff_augment`), then with instance noise."""
        self._discriminated = True
        return self.noisy(model, augment_lib.augment(model, samples, self.diff_augment))

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
        """The discriminator's `(per_example, logs)` with the R1 and
        historical-averaging terms added.

        Raises:
            ValueError: if an option on D's inputs is set but the variant's
                discriminator loss never called `discriminate` (e.g.
                `lapgan`'s level discriminators), at the first trace.
        """
        if self._on_inputs and not self._discriminated:
            name, value = next(iter(self._on_inputs.items()))
            raise ValueError(
                f"`{name}` acts in GAN.discriminate, which the discriminator loss of {type(model).__name__} does "
                f"not call, so it does not apply to this model. Received: {name}={value!r}"
            )
        loss, logs = self._historical("d", loss_and_logs)
        if not self.r1_weight:
            return loss, logs
        r1 = regularizers.r1_penalty(lambda x: model.discriminate(x, labels, training=True), real)
        # One penalty per discriminator output: a packing discriminator (`gan3d(packing=m)`) gives one
        # loss per m examples, whose penalty is the squared norm of the whole pack's gradient.
        r1 = tf.reduce_sum(tf.reshape(r1, (tf.shape(loss)[0], -1)), axis=1)
        return tf.cast(loss, tf.float32) + 0.5 * self.r1_weight * r1, {**logs, "r1_penalty": tf.reduce_mean(r1)}

    def generator_loss(self, model, real, labels, loss_and_logs):
        """The generator's `(per_example, logs)` with the feature-matching
        and historical-averaging terms added."""
        loss, logs = self._historical("g", loss_and_logs)
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

    def _historical(self, player, loss_and_logs):
        loss, logs = loss_and_logs
        if self._history is None:
            return loss, logs
        penalty = self._history[player].penalty()
        # A batch term on every example, like feature matching's.
        return tf.cast(loss, tf.float32) + self.historical_averaging * penalty, {**logs, f"{player}_historical": penalty}

    def features(self, model, samples, labels):
        """The matched discriminator features of `samples`, `[batch, ...]`."""
        inputs = [samples, labels] if model.conditional else samples
        return self._features(inputs, training=True)

    # ------------------------------------------------------------------
    # Weight averages.

    def run_generator(self, generator, inputs, training):
        """The generator on `inputs`: raw weights in training, the averages
        (if on) in inference."""
        if training or self._averages is None:
            return generator(inputs, training=training)
        outputs, _ = generator.stateless_call(
            self._averages, averages_lib.inference_state(generator), inputs, training=False
        )
        return outputs

    def after_update(self, model, optimizer):
        """Moves the generator's averages towards its weights after a generator update."""
        if self._averages is None or optimizer is not model.g_optimizer:
            return
        # The warm-up of tf.train.ExponentialMovingAverage(num_updates=t):
        # without it the average of a short run is mostly the initial weights
        # (0.999**468 = 63% after 468 steps).
        t = keras.ops.cast(optimizer.iterations, "float32")
        beta = keras.ops.minimum(self.ema_decay, (1.0 + t) / (10.0 + t))
        for weight, average in zip(model.generator.trainable_variables, self._averages):
            average.assign(beta * average + (1.0 - beta) * weight)
        if averages_lib.averaged_statistics(model.generator):
            # A seed of its own (from the step count), so the training draws stay as without EMA.
            seed = tf.stack([keras.ops.cast(optimizer.iterations, "int32"), tf.constant(0xE3A, tf.int32)])
            z = model.sample_latent(RECALIBRATION_BATCH, seed=seed)
            inputs = z
            if model.conditional:
                labels = model.sample_global(RECALIBRATION_BATCH, lambda n, s: tf.random.stateless_uniform(
                    [n], seed=s, minval=0, maxval=model.num_classes, dtype=tf.int32), seed + 1)
                inputs = [z, labels]
            averages_lib.recalibrate(model.generator, self._averages, inputs)


# Latent vectors per replica of the averaged generator's batch-norm pass.
RECALIBRATION_BATCH = 64


def _draw_reference_batches(model):
    """Fills the generator's virtual-batch-norm reference batches
    (`networks.virtual_batch_norm.ReferenceBatch`): `z` from the prior,
    seeded by the model's seed, and the classes in turn if conditional. A
    loaded model's saved batch then replaces it."""
    for layer in combinations.all_layers(model.generator):
        if isinstance(layer, vbn.ReferenceBatch):
            seed = (tf.random.uniform([2], maxval=2**31 - 1, dtype=tf.int32) if model.seed is None
                    else tf.constant([model.seed, 0x5EED], tf.int32))
            labels = tf.range(layer.size) % model.num_classes if model.conditional else None
            layer.set_rows(model.sample_latent(layer.size, seed=seed), labels)


__all__ = ["Stabilisers", "feature_matching_loss", "weight_averages"]
