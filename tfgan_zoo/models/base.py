"""The shared GAN base model.

`GAN` is a `keras.Model` whose `train_step` plays the adversarial game. A
variant is a subclass that builds its networks and, where its algorithm
differs, overrides one of the hooks below. Most variants need one or two:

- `discriminator_loss(real, labels, training)` and
  `generator_loss(real, labels, training)` return per-example losses (shape
  `[batch]`) and a dict of extra statistics to log;
- `discriminator_step` / `generator_step` compute a loss under a tape and
  apply one optimizer update (override to add e.g. weight clipping);
- `discriminator_variables` / `generator_variables` say what each optimizer
  trains (add a Q head or an encoder there);
- `train_step` itself, for algorithms with other phases (e.g. an
  autoencoder's reconstruction phase).

What the base guarantees, so that variants need not think about it:

- **k discriminator steps per generator step** (`d_steps`), each on its
  own fresh minibatch, as in Algorithm 1 of Goodfellow et al. (2014): feed
  batches of `batch_size * d_steps` (see `tfgan_zoo.models.batches`).
- **N replicas train like one**: see `tfgan_zoo.models.replicas`.
- **Seeded sampling.** All noise comes from a `keras.random.SeedGenerator`
  (training) and stateless seeds (`generate(seed=...)`), through the TFP
  latent prior (`prior`).
- **Mean trackers** for every logged value, reset each epoch.
- **Optimizers built at `compile()`**, as `tf.distribute` needs.
"""

import keras
import tensorflow as tf

from tfgan_zoo import compat
from tfgan_zoo import distribute
from tfgan_zoo import fileio
from tfgan_zoo import losses as losses_lib
from tfgan_zoo import priors
from tfgan_zoo.models import batches
from tfgan_zoo.models import construction
from tfgan_zoo.models import hparams as hparams_lib
from tfgan_zoo.models import noise
from tfgan_zoo.models import optimizers as optimizers_lib
from tfgan_zoo.models import replicas
from tfgan_zoo.models import stabilisers as stabilisers_lib


class GAN(compat.PrebuiltModel, noise.Noise, keras.Model):
    """A generator/discriminator pair trained adversarially with `fit`.

    Args:
        generator: a `keras.Model` mapping `z` (or `[z, labels]` when
            conditional) to samples.
        discriminator: a `keras.Model` mapping samples (or
            `[samples, labels]`) to logits.
        latent_dim: size of `z`. Default: read off the generator's input.
        num_classes: number of classes for a class-conditional model, or
            `None`. Conditional models need `(samples, labels)` batches.
        loss: adversarial loss, a name from `tfgan_zoo.losses.available_losses()`,
            or None for a variant whose `discriminator_loss` and
            `generator_loss` compute their own.
        d_steps: discriminator updates per generator update.
        label_smoothing: one-sided label smoothing of the real target.
        prior: latent prior, `"normal"` or `"uniform"`.
        seed: seeds the training noise and `generate()`; `None` is random.
        precision: `"float32"`, `"bfloat16"` or `"float16"`: the dtype policy the model and its
            default networks are built under (`tfgan_zoo.precision`); None: Keras' global policy.
        instance_noise: σ of Gaussian noise on the discriminator's training
            inputs (0: off). See `tfgan_zoo.models.stabilisers` for these options.
        instance_noise_anneal_steps: D steps for σ to fall linearly to 0 (0: constant).
        r1_weight: γ of the R1 penalty `γ/2 ||∇D(x)||²` on real data (0: off).
        spectral_norm: spectral normalisation of the discriminator's layers.
        ema_decay: β of the generator weight average that inference uses (0: off).
        feature_matching: weight of feature matching in the generator loss (0: off).
        feature_layer: the discriminator layer it matches (None: the last hidden).
        historical_averaging: λ of the penalty λ||θ − mean of past θ||² on both players (0: off).
        diff_augment: DiffAugment of D's training inputs, e.g. `"color,translation,cutout"` (None: off).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:

    >>> from tfgan_zoo import networks
    >>> g, d = networks.build_pair("mlp", (2,), latent_dim=4, width=8)
    >>> gan = GAN(generator=g, discriminator=d, seed=0)
    >>> gan.compile()
    >>> data = np.random.default_rng(0).uniform(-1, 1, (64, 2)).astype("float32")
    >>> history = gan.fit(data, batch_size=32, epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss']
    >>> gan.generate(3, seed=1).shape
    (3, 2)
    """

    # The values `train_step` logs; each gets a `keras.metrics.Mean`.
    logged = ("d_loss", "g_loss")
    # Constructor arguments that are networks: serialized as nested layers,
    # and not hparams.
    network_arguments = ("generator", "discriminator", "encoder")
    # Hparams (beyond the shared tiny sample shape, latent size and width)
    # that make this variant tiny for fast tests.
    tiny_hparams = {}
    # Whether the discriminator also reads `z` (BiGAN's `D(x, z)`: inputs `[sample, z]`).
    discriminator_reads_z = False
    # The value range of the samples (`fit` refuses data outside it), or None.
    sample_range = (-1.0, 1.0)
    # Inherited hparams this class sets itself, so they are not in its
    # table (`tfgan_zoo.models.hparams.hparam_signature`); subclasses
    # inherit the fixing.
    fixed_hparams = ()
    # Methods of the base this variant overrides but whose override calls
    # the base's where the stabilisers act (see
    # `stabilisers.combinations.NEEDS`), so those options still apply.
    extends_base = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Every variant records its constructor arguments for get_config.
        hparams_lib.record_hparams(cls)

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        num_classes=None,
        loss="non_saturating",
        d_steps=1,
        label_smoothing=0.0,
        prior="normal",
        seed=None,
        precision=None,
        # The stabilisers (`tfgan_zoo.models.stabilisers`).
        instance_noise=0.0, instance_noise_anneal_steps=0, r1_weight=0.0, spectral_norm=False, ema_decay=0.0,
        feature_matching=0.0, feature_layer=None, historical_averaging=0.0, diff_augment=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.precision = precision  # Applied around the whole construction (`models.hparams`).
        self.generator = generator
        self.discriminator = discriminator
        # The values were checked by their rules (`registry.HPARAM_RULES`).
        self.num_classes = num_classes
        self.latent_dim, self.sample_shape = construction.check_networks(
            generator, discriminator, self.num_classes, latent_dim, self.discriminator_reads_z
        )
        self.d_steps = d_steps
        self._loss_pair = None if loss is None else losses_lib.get(loss)
        self.label_smoothing = construction.check_label_smoothing(label_smoothing, self._loss_pair, loss)
        self._prior = priors.latent_prior(prior, self.latent_dim)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(self.seed, name="train_seed")
        self.sample_seed_generator = keras.random.SeedGenerator(
            None if self.seed is None else self.seed + 1, name="sample_seed"
        )
        self._stabilisers = stabilisers_lib.Stabilisers(
            self, instance_noise, instance_noise_anneal_steps, r1_weight, spectral_norm, ema_decay,
            feature_matching, feature_layer, historical_averaging, diff_augment,
        )
        self._trackers = {n: keras.metrics.Mean(name=n) for n in self.logged + self._stabilisers.logged}
        self.g_optimizer = None
        self.d_optimizer = None
        self._generate_fn = None
        # The networks are built; there is nothing left to build, and `fit`
        # must not try (it would call the model on data).
        self.built = True

    @property
    def conditional(self):
        return self.num_classes is not None

    @property
    def generator_variables(self):
        """Variables the generator optimizer trains."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        """Variables the discriminator optimizer trains."""
        return self.discriminator.trainable_variables

    @property
    def metrics(self):
        return list(self._trackers.values())

    # ------------------------------------------------------------------
    # Compile and (de)serialization.

    def default_optimizers(self):
        """`(g_optimizer, d_optimizer)` that `compile()` uses when none are given.

        The base uses Adam(2e-4, beta_1=0.5) (Radford et al.); variants
        return their paper's choice.
        """
        return optimizers_lib.default_pair()

    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs):
        """Sets the two optimizers, and builds them on their variables.

        Args:
            g_optimizer: generator optimizer (instance, name or config).
                Default: `default_optimizers()`.
            d_optimizer: discriminator optimizer, likewise.
            **kwargs: passed to `keras.Model.compile`, e.g.
                `steps_per_execution`, `run_eagerly`, `jit_compile` (default
                False; see `optimizers.compile_kwargs` for why).
        """
        kwargs = optimizers_lib.compile_kwargs(kwargs)
        g_opt, d_opt = optimizers_lib.resolve(
            self.default_optimizers(), g_optimizer, d_optimizer, self.dtype_policy
        )
        # optimizer=None: Keras would otherwise create an unused RMSprop as
        # `self.optimizer`, which BackupAndRestore builds and warns about.
        super().compile(optimizer=None, **kwargs)
        self._gan_compile_kwargs = dict(kwargs)
        self.g_optimizer = g_opt
        self.d_optimizer = d_opt
        compat.build_optimizers(
            [(g_opt, self.generator_variables)] + ([] if d_opt is None else [(d_opt, self.discriminator_variables)])
        )

    def get_compile_config(self):
        if not self.compiled or self.g_optimizer is None:
            return {}
        return optimizers_lib.serialize(self.g_optimizer, self.d_optimizer, self._gan_compile_kwargs)

    def compile_from_config(self, config):
        g_opt, d_opt, kwargs = optimizers_lib.deserialize(config)
        self.compile(g_optimizer=g_opt, d_optimizer=d_opt, **kwargs)

    @property
    def hparams(self):
        """The constructor arguments this model was built with (not networks)."""
        return hparams_lib.hparams(self)

    def get_config(self):
        """Every constructor argument, as recorded at construction; networks serialized."""
        return hparams_lib.get_config(self, super().get_config())

    @classmethod
    def from_config(cls, config):
        return hparams_lib.from_config(cls, config)

    def load_weights(self, filepath, **kwargs):
        """`keras.Model.load_weights`; a failed load changes no weight and
        names the path and the cause (`fileio.load_weights_atomically`)."""
        return fileio.load_weights_atomically(self, filepath, super().load_weights, **kwargs)

    # ------------------------------------------------------------------
    # Networks and noise.

    def call(self, inputs, training=False):
        """Runs the generator: `inputs` is `z`, or `(z, labels)` if conditional."""
        if self.conditional:
            z, labels = inputs
            return self.generate_batch(z, labels, training=training)
        return self.generate_batch(inputs, None, training=training)

    def generate_batch(self, z, labels=None, training=False):
        """The generator on a batch of `z` (and `labels` if conditional);
        in inference, on its weight averages if `ema_decay` is set."""
        inputs = [z, labels] if self.conditional else z
        return self._stabilisers.run_generator(self.generator, inputs, training)

    def discriminate(self, samples, labels=None, training=False):
        """The discriminator's logits on `samples` (and `labels`); training
        calls add DiffAugment and the instance noise, if set."""
        if training:
            samples = self._stabilisers.discriminator_inputs(self, samples)
        if self.conditional:
            return self.discriminator([samples, labels], training=training)
        return self.discriminator(samples, training=training)

    # ------------------------------------------------------------------
    # Training.

    def unpack_batch(self, data):
        """Splits a `fit` batch into checked `(samples, labels or None)`
        (see `tfgan_zoo.models.batches`)."""
        return batches.unpack_batch(
            data, self.sample_shape, self.num_classes, self.sample_range, not self.jit_compile, self.name
        )

    def split_batch(self, samples, labels):
        """Splits a batch into `d_steps` disjoint strided minibatches."""
        return batches.split_batch(samples, labels, self.d_steps)

    def discriminator_outputs(self, real, labels, training=True):
        """`(fake, D(real), D(fake))` for a real minibatch.

        The fakes come from fresh noise and the real minibatch's labels (so
        a conditional model sees the data's class frequencies); no gradient
        flows back into the generator.
        """
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        fake = tf.stop_gradient(fake)
        real_out = self.discriminate(real, labels, training=training)
        fake_out = self.discriminate(fake, labels, training=training)
        return fake, real_out, fake_out

    def _loss_pair_or_raise(self):
        if self._loss_pair is None:
            raise NotImplementedError(
                f"{type(self).__name__} was built with loss=None, so it must override "
                "discriminator_loss and generator_loss."
            )
        return self._loss_pair

    def adversarial_d_loss(self, real_logits, fake_logits):
        """The loss pair's per-example discriminator loss, with the model's
        one-sided label smoothing."""
        kwargs = {"label_smoothing": self.label_smoothing} if self.label_smoothing else {}
        return self._loss_pair_or_raise().discriminator(real_logits, fake_logits, reduction="none", **kwargs)

    def discriminator_loss(self, real, labels, training=True):
        """Per-example discriminator loss on a real minibatch, and extra logs."""
        _, real_logits, fake_logits = self.discriminator_outputs(real, labels, training)
        return self.adversarial_d_loss(real_logits, fake_logits), {}

    def generator_loss(self, real, labels, training=True):
        """Per-example generator loss for a batch the size of `real`, and logs."""
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        fake_logits = self.discriminate(fake, labels, training=training)
        return self._loss_pair_or_raise().generator(fake_logits, reduction="none"), {}

    def _apply(self, optimizer, variables, network, loss_fn):
        with tf.GradientTape() as tape:
            per_example, logs = loss_fn()
            per_example = tf.cast(per_example, tf.float32)
            loss = replicas.average_loss(per_example, network.losses)
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))
        self._stabilisers.after_update(self, optimizer)
        return tf.reduce_mean(per_example), logs

    def discriminator_step(self, real, labels):
        """One discriminator update on a real minibatch; returns logs."""
        loss, logs = self._apply(
            self.d_optimizer,
            self.discriminator_variables,
            self.discriminator,
            lambda: self._stabilisers.discriminator_loss(
                self, real, labels, self.discriminator_loss(real, labels, training=True)
            ),
        )
        return {"d_loss": loss, **logs}

    def generator_step(self, real, labels):
        """One generator update; `real` gives the batch size and labels."""
        loss, logs = self._apply(
            self.g_optimizer,
            self.generator_variables,
            self.generator,
            lambda: self._stabilisers.generator_loss(
                self, real, labels, self.generator_loss(real, labels, training=True)
            ),
        )
        return {"g_loss": loss, **logs}

    def fit(self, x=None, y=None, **kwargs):
        """`keras.Model.fit`, with the data checks also under `jit_compile`
        (in the input pipeline), no reshuffling of a `tf.data.Dataset`, and an
        error if the data gave no batch (`tfgan_zoo.models.batches`)."""
        x, kwargs = batches.fit_inputs(self, x, {"y": y, **kwargs})
        history = super().fit(x, **kwargs)
        batches.check_trained(history, x)
        return history

    def train_step(self, data):
        if self.g_optimizer is None:
            raise RuntimeError(f"Call {self.name}.compile() before fit().")
        samples, labels = self.unpack_batch(data)
        for real, real_labels in self.split_batch(samples, labels):
            self.track(self.discriminator_step(real, real_labels))
        self.track(self.generator_step(real, real_labels))
        return self.results()

    def test_step(self, data):
        samples, labels = self.unpack_batch(data)
        d_loss, d_logs = self.discriminator_loss(samples, labels, training=False)
        g_loss, g_logs = self.generator_loss(samples, labels, training=False)
        self.track(
            {"d_loss": tf.reduce_mean(d_loss), "g_loss": tf.reduce_mean(g_loss), **d_logs, **g_logs}
        )
        return self.results()

    def track(self, logs):
        """Updates the Mean tracker of each logged value."""
        for name, value in logs.items():
            if name not in self._trackers:
                raise KeyError(
                    f"{type(self).__name__} logs {name!r}, which is not in its "
                    f"`logged` names {self.logged}."
                )
            self._trackers[name].update_state(value)

    def results(self):
        """The trackers' current values, shaped for Keras' log reduction."""
        results = {name: t.result() for name, t in self._trackers.items()}
        if distribute.is_multi_worker():
            results = compat.multi_worker_logs(results)
        return results


hparams_lib.record_hparams(GAN)
