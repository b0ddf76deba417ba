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

- **k discriminator steps per generator step** (`d_steps`). Each
  `train_step` receives one batch, splits it into `d_steps` disjoint
  minibatches (`batch[i::d_steps]`), makes one discriminator update on
  each, then one generator update. Every discriminator step sees fresh real
  data, as in Algorithm 1 of Goodfellow et al. (2014); feed batches of
  `batch_size * d_steps` examples. (Updating the generator inside a
  `tf.cond` every k-th step instead is not possible: `MirroredStrategy`
  rejects optimizer updates inside control flow.)
- **Losses averaged over the global batch.** Per-example losses are summed
  and divided by the global batch size (`tf.nn.compute_average_loss`), so
  that the gradients summed across replicas equal one-replica gradients.
- **Replica-consistent noise.** Each replica draws the noise of the whole
  global batch from the same stateless seed and keeps its own slice, so two
  replicas see exactly the noise one replica would.
- **Seeded sampling.** All noise comes from a `keras.random.SeedGenerator`
  (training) and stateless seeds (`generate(seed=...)`), through the TFP
  latent prior (`prior`).
- **Mean trackers** for every logged value, reset each epoch.
- **Optimizers built at `compile()`**, as `tf.distribute` needs.
"""

import copy
import inspect

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import distribute
from tfgan_zoo import losses as losses_lib
from tfgan_zoo import networks
from tfgan_zoo import priors


def _replica_info():
    """`(num_replicas_in_sync, replica_id)` in the current context."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # Cross-replica context: act as one replica.
        return 1, 0
    return ctx.num_replicas_in_sync, ctx.replica_id_in_sync_group


def build_networks(generator, discriminator, network, image_shape, latent_dim, **options):
    """The user's networks where given, else `networks.build_pair(network, ...)`.

    `options` go to `tfgan_zoo.networks.build_pair` (`num_classes`, `width`,
    `seed`, `synchronized_bn`, `critic_norm`, `output_dim`).
    """
    if generator is None or discriminator is None:
        g, d = networks.build_pair(network, image_shape, latent_dim, **options)
        generator = g if generator is None else generator
        discriminator = d if discriminator is None else discriminator
    return generator, discriminator


def _check_positive_int(value, name):
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


class GAN(keras.Model):
    """A generator/discriminator pair trained adversarially with `fit`.

    Args:
        generator: a `keras.Model` mapping `z` (or `[z, labels]` when
            conditional) to samples.
        discriminator: a `keras.Model` mapping samples (or
            `[samples, labels]`) to logits.
        latent_dim: size of `z`. Default: read off the generator's input.
        num_classes: number of classes for a class-conditional model, or
            `None`. Conditional models need `(samples, labels)` batches.
        loss: adversarial loss, a name from `tfgan_zoo.losses.available_losses()`.
        d_steps: discriminator updates per generator update.
        label_smoothing: one-sided label smoothing of the real target.
        prior: latent prior, `"normal"` or `"uniform"`.
        seed: seeds the training noise and `generate()`; `None` is random.
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        for net, name in ((generator, "generator"), (discriminator, "discriminator")):
            if not isinstance(net, keras.Model):
                raise TypeError(
                    f"`{name}` must be a keras.Model. "
                    f"Received: {name}={net!r} of type {type(net).__name__}"
                )
        self.generator = generator
        self.discriminator = discriminator
        self.num_classes = None if num_classes is None else int(num_classes)
        if self.num_classes is not None and self.num_classes < 2:
            raise ValueError(
                f"`num_classes` must be None or at least 2. Received: num_classes={num_classes!r}"
            )
        self._check_network_inputs()
        g_latent = int(self._generator_inputs()[0].shape[-1])
        if latent_dim is None:
            latent_dim = g_latent
        self.latent_dim = _check_positive_int(latent_dim, "latent_dim")
        if self.latent_dim != g_latent:
            raise ValueError(
                f"The generator takes z of size {g_latent}, but latent_dim="
                f"{latent_dim}; pass latent_dim={g_latent} with this generator. "
                f"Received: latent_dim={latent_dim!r}"
            )
        self.d_steps = _check_positive_int(d_steps, "d_steps")
        self.loss_type = loss
        self._loss_pair = losses_lib.get(loss)
        self.label_smoothing = float(label_smoothing)
        if self.label_smoothing and not losses_lib.supports_label_smoothing(self._loss_pair):
            raise ValueError(
                f"loss={loss!r} does not take label smoothing. "
                f"Received: label_smoothing={label_smoothing!r}"
            )
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(
                "`label_smoothing` must be in [0, 1). "
                f"Received: label_smoothing={label_smoothing!r}"
            )
        self.prior_type = prior
        self._prior = priors.latent_prior(prior, self.latent_dim)
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed, name="train_seed")
        self.sample_seed_generator = keras.random.SeedGenerator(
            None if self.seed is None else self.seed + 1, name="sample_seed"
        )
        self._trackers = {n: keras.metrics.Mean(name=n) for n in self.logged}
        self.sample_shape = self._infer_sample_shape()
        self.g_optimizer = None
        self.d_optimizer = None
        self._generate_fn = None
        # The networks are built; there is nothing left to build, and `fit`
        # must not try (it would call the model on data).
        self.built = True

    # ------------------------------------------------------------------
    # Construction helpers.

    def _generator_inputs(self):
        return list(self.generator.inputs or [])

    def _check_network_inputs(self):
        want = 2 if self.num_classes is not None else 1
        for net in (self.generator, self.discriminator):
            have = len(net.inputs or [])
            if have != want:
                kind = (
                    f"conditional (num_classes={self.num_classes}): inputs [sample, labels]"
                    if want == 2
                    else "unconditional: one input"
                )
                raise ValueError(
                    f"The model is {kind}, but `{net.name}` has {have} input(s). "
                    f"Received: {net.name} inputs={[tuple(t.shape) for t in net.inputs or []]}"
                )

    def _infer_sample_shape(self):
        out = self.generator.outputs
        if not out or len(out) != 1:
            raise ValueError(
                "The generator must have exactly one output. "
                f"Received: generator outputs={out!r}"
            )
        return tuple(int(d) for d in out[0].shape[1:])

    @property
    def prior(self):
        """The latent prior, a `tfd.Distribution` with event shape `[latent_dim]`."""
        return self._prior

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
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5),
            keras.optimizers.Adam(2e-4, beta_1=0.5),
        )

    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs):
        """Sets the two optimizers, and builds them on their variables.

        Args:
            g_optimizer: generator optimizer (instance, name or config).
                Default: `default_optimizers()`.
            d_optimizer: discriminator optimizer, likewise.
            **kwargs: passed to `keras.Model.compile`, e.g. `jit_compile`,
                `steps_per_execution`, `run_eagerly`. `jit_compile` defaults
                to False (Keras' "auto" would turn XLA on): XLA does not
                compile the in-graph checks (NaN/Inf data, labels out of
                range), so bad data would train silently. Measured on a
                2-core CPU (`benchmarks/throughput.py`), XLA made the DCGAN
                28x28 step 0-35% faster, depending on batch size, and its
                first trace 2-3x slower; turn it on with
                `compile(jit_compile=True)` once the data is known good.
        """
        for bad in ("optimizer", "loss", "metrics"):
            if bad in kwargs:
                raise ValueError(
                    f"GAN models take `g_optimizer` and `d_optimizer`; the loss "
                    f"is the `loss` hparam. Received: {bad}={kwargs[bad]!r}"
                )
        kwargs.setdefault("jit_compile", False)
        default_g, default_d = self.default_optimizers()
        g_opt = default_g if g_optimizer is None else keras.optimizers.get(g_optimizer)
        d_opt = default_d if d_optimizer is None else keras.optimizers.get(d_optimizer)
        if g_opt is d_opt:
            raise ValueError(
                "`g_optimizer` and `d_optimizer` must be two optimizer objects; "
                "one optimizer cannot train both networks. "
                f"Received: the same object {g_opt!r} twice"
            )
        if self.dtype_policy.name == "mixed_float16":
            # float16 gradients underflow without loss scaling; Keras wraps
            # `optimizer` itself, but not our two.
            g_opt, d_opt = (
                opt
                if isinstance(opt, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(opt)
                for opt in (g_opt, d_opt)
            )
        # optimizer=None: Keras would otherwise create an unused RMSprop as
        # `self.optimizer`, which BackupAndRestore builds and warns about.
        super().compile(optimizer=None, **kwargs)
        self._gan_compile_kwargs = dict(kwargs)
        self.g_optimizer = g_opt
        self.d_optimizer = d_opt
        # Build now: under MirroredStrategy, optimizer variables created
        # lazily inside `fit` fail ("You must feed a value for placeholder").
        self.g_optimizer.build(self.generator_variables)
        self.d_optimizer.build(self.discriminator_variables)

    def get_compile_config(self):
        if not self.compiled or self.g_optimizer is None:
            return {}
        return {
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            **getattr(self, "_gan_compile_kwargs", {}),
        }

    def compile_from_config(self, config):
        config = dict(config)
        self.compile(
            g_optimizer=keras.optimizers.deserialize(config.pop("g_optimizer")),
            d_optimizer=keras.optimizers.deserialize(config.pop("d_optimizer")),
            **config,
        )

    # Constructor arguments kept under another attribute name, because
    # keras.Model (or a property here) already uses the plain one.
    config_attributes = {"loss": "loss_type", "prior": "prior_type"}
    # Constructor arguments that are networks, serialized as nested layers.
    network_arguments = ("generator", "discriminator", "encoder")

    def get_config(self):
        """Every constructor argument of this class, read back from `self`.

        Networks go through `keras.layers.serialize`; every other argument
        must be stored on the model under its own name (or the name in
        `config_attributes`), so a new variant needs no `get_config` of its
        own, and a forgotten attribute fails loudly at save time.
        """
        config = super().get_config()
        params = inspect.signature(type(self).__init__).parameters
        for name, param in params.items():
            if name in ("self", "name", "dtype", "trainable") or param.kind in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ):
                continue
            if name in self.network_arguments:
                network = getattr(self, name, None)
                config[name] = None if network is None else keras.layers.serialize(network)
                continue
            attribute = self.config_attributes.get(name, name)
            if not hasattr(self, attribute):
                raise AttributeError(
                    f"{type(self).__name__} takes `{name}` but does not store it as "
                    f"`self.{attribute}`; get_config needs it."
                )
            config[name] = getattr(self, attribute)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in cls.network_arguments:
            if isinstance(config.get(key), dict):
                # A copy: Keras' deserialize consumes the dict it is given.
                config[key] = keras.layers.deserialize(copy.deepcopy(config[key]))
        return cls(**config)

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # The model is built at construction. Keras would otherwise pull and
        # all-reduce a first batch eagerly under a strategy, which fails under
        # MultiWorkerMirroredStrategy (tensorflow/tensorflow#72388).
        if self.built:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    # ------------------------------------------------------------------
    # Networks and noise.

    def call(self, inputs, training=False):
        """Runs the generator: `inputs` is `z`, or `(z, labels)` if conditional."""
        if self.conditional:
            z, labels = inputs
            return self.generate_batch(z, labels, training=training)
        return self.generate_batch(inputs, None, training=training)

    def generate_batch(self, z, labels=None, training=False):
        """The generator on a batch of `z` (and `labels` if conditional)."""
        if self.conditional:
            return self.generator([z, labels], training=training)
        return self.generator(z, training=training)

    def discriminate(self, samples, labels=None, training=False):
        """The discriminator's logits on `samples` (and `labels`)."""
        if self.conditional:
            return self.discriminator([samples, labels], training=training)
        return self.discriminator(samples, training=training)

    def sample_global(self, batch_size, draw, seed=None):
        """Draws this replica's slice of a global batch of random values.

        `draw(n, seed)` must return `n` values for a `[2]` int32 stateless
        seed. It is called for the whole global batch, with the same seed on
        every replica, and each replica keeps its slice: training on N
        replicas sees the same randomness as on one.

        Args:
            batch_size: this replica's batch size (int or scalar tensor).
            draw: `(n, seed) -> tensor [n, ...]`.
            seed: a `[2]` int seed; default: the next seed of
                `seed_generator`.
        """
        num_replicas, replica_id = _replica_info()
        if seed is None:
            seed = self.seed_generator.next()
        values = draw(batch_size * num_replicas, tf.cast(seed, tf.int32))
        start = replica_id * batch_size
        return values[start : start + batch_size]

    def sample_latent(self, batch_size, seed=None):
        """Draws `batch_size` latent vectors from the prior for this replica."""
        return self.sample_global(batch_size, lambda n, s: self._prior.sample(n, seed=s), seed)

    def sample_uniform(self, batch_size, seed=None):
        """`batch_size` values from U[0, 1) for this replica (e.g. the
        interpolation weights of a gradient penalty)."""
        return self.sample_global(
            batch_size, lambda n, s: tf.random.stateless_uniform([n], seed=s), seed
        )

    # ------------------------------------------------------------------
    # Training.

    def unpack_batch(self, data):
        """Splits a `fit` batch into `(samples, labels or None)`, checked.

        Accepts `samples`, `(samples,)`, `(samples, labels)` and dicts with
        `"image"`/`"label"` keys (tensorflow-datasets style).
        """
        labels = None
        if isinstance(data, dict):
            samples = next(
                (data[k] for k in ("image", "images", "x", "samples") if k in data), None
            )
            labels = next((data[k] for k in ("label", "labels", "y") if k in data), None)
            if samples is None:
                raise ValueError(
                    "A dict batch needs an 'image' (or 'x') key. "
                    f"Received keys: {sorted(data)}"
                )
        elif isinstance(data, (tuple, list)):
            samples = data[0]
            labels = data[1] if len(data) > 1 else None
        else:
            samples = data
        samples = tf.convert_to_tensor(samples)
        if samples.dtype == tf.uint8 or samples.dtype.is_integer:
            raise ValueError(
                f"Samples must be floats in [-1, 1]; received dtype {samples.dtype.name}. "
                "Scale images with `tfgan_zoo.data.load` or `x / 127.5 - 1`. "
                f"Received: samples of shape {tuple(samples.shape)}"
            )
        if not self.jit_compile:  # XLA does not compile asserts.
            samples = tf.debugging.assert_all_finite(
                samples, "The training data has NaN or Inf values"
            )
        # float32 even under a mixed policy: the layers cast their inputs,
        # and a gradient penalty needs full-precision interpolates.
        samples = tf.cast(samples, tf.float32)
        got = tuple(samples.shape[1:])
        if samples.shape.rank is not None and got != self.sample_shape:
            raise ValueError(
                f"{self.name} generates samples of shape {self.sample_shape}, but the "
                f"data has shape {got}. Resize the data (`tfgan_zoo.data.load(..., "
                f"image_shape={self.sample_shape})`) or build the model with "
                f"image_shape={got}. Received: batch of shape {tuple(samples.shape)}"
            )
        if not self.conditional:
            return samples, None
        if labels is None:
            raise ValueError(
                f"{self.name} is conditional (num_classes={self.num_classes}) and "
                "needs (samples, labels) batches. Received: a batch without labels"
            )
        labels = tf.convert_to_tensor(labels)
        if labels.shape.rank == 2 and labels.shape[-1] == self.num_classes:
            labels = tf.argmax(labels, axis=-1)  # One-hot labels.
        return samples, tf.cast(tf.reshape(labels, [-1]), tf.int32)

    def split_batch(self, samples, labels):
        """Splits a batch into `d_steps` disjoint strided minibatches."""
        k = self.d_steps
        if k == 1:
            return [(samples, labels)]
        batch = samples.shape[0]
        if batch is not None and batch < k:
            raise ValueError(
                f"d_steps={k} needs batches of at least {k} examples (ideally "
                f"batch_size * d_steps). Received: batch of {batch}"
            )
        return [
            (samples[i::k], None if labels is None else labels[i::k]) for i in range(k)
        ]

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

    def discriminator_loss(self, real, labels, training=True):
        """Per-example discriminator loss on a real minibatch, and extra logs."""
        _, real_logits, fake_logits = self.discriminator_outputs(real, labels, training)
        kwargs = {"label_smoothing": self.label_smoothing} if self.label_smoothing else {}
        loss = self._loss_pair.discriminator(
            real_logits, fake_logits, reduction="none", **kwargs
        )
        return loss, {}

    def generator_loss(self, real, labels, training=True):
        """Per-example generator loss for a batch the size of `real`, and logs."""
        batch = tf.shape(real)[0]
        fake = self.generate_batch(self.sample_latent(batch), labels, training=training)
        fake_logits = self.discriminate(fake, labels, training=training)
        return self._loss_pair.generator(fake_logits, reduction="none"), {}

    def _apply(self, optimizer, variables, network, loss_fn):
        with tf.GradientTape() as tape:
            per_example, logs = loss_fn()
            per_example = tf.cast(per_example, tf.float32)
            loss = tf.nn.compute_average_loss(per_example)
            if network.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(network.losses))
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return tf.reduce_mean(per_example), logs

    def discriminator_step(self, real, labels):
        """One discriminator update on a real minibatch; returns logs."""
        loss, logs = self._apply(
            self.d_optimizer,
            self.discriminator_variables,
            self.discriminator,
            lambda: self.discriminator_loss(real, labels, training=True),
        )
        return {"d_loss": loss, **logs}

    def generator_step(self, real, labels):
        """One generator update; `real` gives the batch size and labels."""
        loss, logs = self._apply(
            self.g_optimizer,
            self.generator_variables,
            self.generator,
            lambda: self.generator_loss(real, labels, training=True),
        )
        return {"g_loss": loss, **logs}

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
            # Keras reduces logs with `strategy.reduce(..., axis=0)` under
            # MultiWorkerMirroredStrategy, which fails on scalars
            # (tensorflow/tensorflow#72388).
            results = {k: tf.reshape(v, [1]) for k, v in results.items()}
        return results

    # ------------------------------------------------------------------
    # Sampling.

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
        n = self._resolve_num_samples(num_samples, z, labels)
        if seed is None:
            stateless = tf.cast(self.sample_seed_generator.next(), tf.int32)
        else:
            stateless = priors.seed_to_stateless(seed)
        if z is None:
            z = self._prior.sample(n, seed=stateless)
        z = tf.convert_to_tensor(z, tf.float32)
        if labels is not None:
            labels = tf.convert_to_tensor(np.asarray(labels), tf.int32)
        elif self.conditional:
            labels = tf.random.stateless_uniform(
                [n], seed=stateless + 1, minval=0, maxval=self.num_classes, dtype=tf.int32
            )
        if self._generate_fn is None:
            self._generate_fn = tf.function(
                lambda z, labels: self.generate_batch(z, labels, training=False),
                reduce_retracing=True,
            )
        outputs = []
        for start in range(0, n, batch_size):
            zb = z[start : start + batch_size]
            lb = None if labels is None else labels[start : start + batch_size]
            outputs.append(self._generate_fn(zb, lb).numpy())
        if not outputs:
            return np.zeros((0,) + self.sample_shape, np.float32)
        return np.concatenate(outputs).astype(np.float32)

    def _resolve_num_samples(self, num_samples, z, labels):
        sizes = {}
        if num_samples is not None:
            if isinstance(num_samples, bool) or int(num_samples) != num_samples or num_samples < 0:
                raise ValueError(
                    f"`num_samples` must be a non-negative int. Received: num_samples={num_samples!r}"
                )
            sizes["num_samples"] = int(num_samples)
        if z is not None:
            z_shape = tuple(np.shape(z))
            if len(z_shape) != 2 or z_shape[1] != self.latent_dim:
                raise ValueError(
                    f"`z` must have shape [n, {self.latent_dim}]. Received: z of shape {z_shape}"
                )
            sizes["z"] = z_shape[0]
        if labels is not None:
            if not self.conditional:
                raise ValueError(
                    f"{self.name} is unconditional and takes no labels. "
                    f"Received: labels={np.asarray(labels)[:10]!r}"
                )
            values = np.asarray(labels)
            if values.ndim != 1 or not np.issubdtype(values.dtype, np.integer):
                raise ValueError(
                    "`labels` must be a 1-D array of ints. "
                    f"Received: labels of shape {values.shape} and dtype {values.dtype}"
                )
            bad = values[(values < 0) | (values >= self.num_classes)]
            if bad.size:
                raise ValueError(
                    f"Labels must be in [0, {self.num_classes}). "
                    f"Received: labels out of range {sorted(set(bad.tolist()))[:10]}"
                )
            sizes["labels"] = len(values)
        if len(set(sizes.values())) > 1:
            raise ValueError(f"The sample counts disagree. Received: {sizes}")
        return next(iter(sizes.values()), 64)
