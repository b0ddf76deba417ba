"""WGAN-GP for tables of continuous and categorical columns, with what
CTGAN (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN")
added, each an hparam so that it can be switched off and measured."""

import json

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo import priors
from tfgan_zoo import sampling
from tfgan_zoo import graph_checks as checks
from tfgan_zoo.models.base import GAN
from tfgan_zoo.models.critics.base import PenaltyCriticGAN
from tfgan_zoo.models.tabular import conditions as conditions_lib
from tfgan_zoo.models.tabular import networks
from tfgan_zoo.models.tabular import serving as table_serving
from tfgan_zoo.models.tabular.transformer import TableTransformer
from tfgan_zoo.registry import register_model

# The export's file of the fitted transformer (`export_assets`).
TABLE_ASSET = "table_transformer.json"


def example_transformer():
    """A fixed three-column layout (a two-mode `x`, a min-max `n`, a
    categorical `c` of a/b/c), for a model built without a table."""
    columns = [
        {"name": "x", "kind": "continuous", "dtype": "float64", "modes": 2, "missing": False},
        {"name": "n", "kind": "continuous", "dtype": "int64", "modes": 1, "missing": False},
        {"name": "c", "kind": "categorical", "dtype": "object", "categories": ["a", "b", "c"], "missing": False},
    ]
    transformer = TableTransformer(columns, name="table_transformer")
    values = [
        {"means": [-0.5, 0.5], "stds": [0.125, 0.125], "weights": [0.5, 0.5], "range": [-1.0, 1.0]},
        {"means": [5.0], "stds": [1.25], "weights": [1.0], "range": [0.0, 10.0]},
        {"counts": [1.0, 1.0, 1.0]},
    ]
    for params, fitted in zip(transformer.params, values):
        for key, value in fitted.items():
            params[key].assign(np.asarray(value, np.float32))
    return transformer


def _check(value, ok, name):
    if not ok:
        raise ValueError(f"`{name}` is out of range. Received: {name}={value!r}")


@register_model("tabular_wgan_gp")
class TabularWGANGP(PenaltyCriticGAN):
    """WGAN-GP on the rows of a table encoded by a `TableTransformer`.

    The generator has one head per column part (`tanh` scalars, softmax or
    Gumbel-softmax one-hots); the critic sees the raw softmax outputs of
    fake rows and the one-hots of real rows. Options (CTGAN's additions):

    - mode-specific normalisation: the transformer's
      (`for_table(..., mode_normalization=False)` is min-max);
    - `condition_vector`: the generator and critic are conditioned on one
      categorical slot (`num_classes` = the transformer's
      `condition_size`), trained by sampling (`dataset`), with a
      cross-entropy that makes the generator honour the condition;
    - `pac`: the critic scores packs of `pac` rows (PacGAN); batches per
      replica must be multiples of it;
    - `gumbel_softmax`: Gumbel-softmax one-hots in training.

    `generate` returns encoded rows (float32 in [-1, 1]);
    `sample_rows(n, conditions={"Salary": ">50K"})` returns a DataFrame,
    from `sample_columns` (TF ops: conditions, generator, decode), which
    the SavedModel export serves as its `sample` signature, one named
    output per column (`sample_endpoint`).
    Logged: `wasserstein_distance`, `gradient_penalty` and
    `condition_loss` (0 without the conditional vector).

    Args:
        transformer: a fitted `TableTransformer` (default: a fixed
            three-column example layout).
        condition_vector: condition on a categorical slot (CTGAN).
        pac: rows per critic pack (PacGAN; CTGAN: 10).
        gumbel_softmax: Gumbel-softmax one-hot heads in training.
        temperature: the Gumbel-softmax temperature (CTGAN: 0.2).
        condition_weight: weight of the condition cross-entropy.
        critic_dropout: dropout after each critic block (CTGAN: 0.5).
        blocks: residual blocks in G and layers in the critic.
        latent_dim: size of `z` (CTGAN: 128).
        width: units per block (CTGAN: 256).
        d_steps: critic steps per generator step (CTGAN: 1).

    Example:

    >>> import tfgan_zoo
    >>> gan = tfgan_zoo.create("tabular_wgan_gp", width=8, latent_dim=4, pac=2, seed=0)
    >>> gan.sample_shape, gan.num_classes
    ((7,), 3)
    >>> rows = gan.sample_rows(4, conditions={"c": "b"}, seed=0)
    >>> list(rows.columns), rows.dtypes["n"].name
    (['x', 'n', 'c'], 'int64')
    """

    logged = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty", "condition_loss")
    network_arguments = GAN.network_arguments + ("transformer",)
    fixed_hparams = ("sample_shape", "network", "num_classes", "critic_norm")
    # Inference runs the base's generate_batch, so ema_decay applies.
    extends_base = ("generate_batch",)
    # No dropout in the contract tests: Keras' Dropout draws its masks per
    # replica, so 1 and 2 replicas cannot train alike with it.
    tiny_hparams = {"pac": 2, "critic_dropout": 0.0}

    def __init__(
        self,
        transformer=None,
        condition_vector=True,
        pac=10,
        gumbel_softmax=False,
        temperature=0.2,
        condition_weight=1.0,
        critic_dropout=0.5,
        blocks=2,
        latent_dim=128,
        width=256,
        d_steps=1,
        **kwargs,
    ):
        transformer = example_transformer() if transformer is None else transformer
        if not isinstance(transformer, TableTransformer):
            raise TypeError(f"`transformer` must be a TableTransformer. Received: transformer of type {type(transformer).__name__}")
        _check(pac, isinstance(pac, int) and not isinstance(pac, bool) and pac >= 1, "pac")
        _check(temperature, float(temperature) > 0, "temperature")
        _check(condition_weight, float(condition_weight) >= 0, "condition_weight")
        _check(critic_dropout, 0 <= float(critic_dropout) < 1, "critic_dropout")
        _check(blocks, isinstance(blocks, int) and blocks >= 1, "blocks")
        if condition_vector and not transformer.categorical:
            raise ValueError("The conditional vector needs a categorical column; the table has none. Received: condition_vector=True")
        num_classes = transformer.condition_size if condition_vector else None
        layout = transformer.layout
        seed = kwargs.get("seed")
        if kwargs.get("generator") is None:
            kwargs["generator"] = networks.table_generator(
                latent_dim, layout, num_classes, width, blocks, seed, kwargs.get("synchronized_bn", False)
            )
        if kwargs.get("discriminator") is None:
            kwargs["discriminator"] = networks.table_critic(
                transformer.output_dim, num_classes, pac, width, blocks, float(critic_dropout), seed
            )
        super().__init__(
            latent_dim=latent_dim, width=width, d_steps=d_steps, num_classes=num_classes,
            sample_shape=(transformer.output_dim,), network="mlp", critic_norm="none", **kwargs,
        )
        self.transformer = transformer
        self.pac = pac
        self.gumbel_softmax = bool(gumbel_softmax)
        self.temperature = float(temperature)
        self.condition_weight = float(condition_weight)
        self._layout = layout
        self._positions = tf.constant(transformer.condition_positions if condition_vector else [0], tf.int32)
        if self.gumbel_softmax:
            logits = self.generator.get_layer("table_logits").output
            # Not an attribute Keras tracks: it shares the generator's layers.
            object.__setattr__(self, "_logits_model", keras.Model(self.generator.inputs, logits))

    @classmethod
    def for_table(cls, frame, schema=None, mode_normalization=True, max_modes=10, missing="indicator", compile=True, **hparams):
        """A model for the DataFrame `frame`: its transformer fitted
        (`TableTransformer.fit`, seeded by `hparams["seed"]` or 0), then the
        model built (and compiled) with `hparams`."""
        transformer = TableTransformer.fit(
            frame, schema, mode_normalization=mode_normalization, max_modes=max_modes,
            missing=missing, seed=hparams.get("seed") or 0,
        )
        model = cls(transformer=transformer, **hparams)
        if compile:
            model.compile()
        return model

    def default_optimizers(self):
        """Adam(2e-4, beta_1=0.5, beta_2=0.9) for both networks (CTGAN)."""
        return tuple(keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9) for _ in range(2))

    # ------------------------------------------------------------------
    # Networks.

    def generate_batch(self, z, labels=None, training=False):
        """Generated rows; Gumbel-softmax one-hots in training if asked."""
        return self._fake_rows(z, labels, training)[0]

    def _fake_rows(self, z, labels, training):
        """`(rows the critic sees, their noise-free probabilities)`."""
        if not (training and self.gumbel_softmax):
            rows = super().generate_batch(z, labels, training=training)
            return rows, rows
        logits = self._logits_model([z, labels] if self.conditional else z, training=training)
        logits = tf.cast(logits, tf.float32)
        width = self.sample_shape[0]
        noise = self.sample_global(
            tf.shape(z)[0],
            lambda n, s: -tf.math.log(-tf.math.log(tf.random.stateless_uniform([n, width], s, minval=1e-10, maxval=1.0))),
        )
        return networks.activate(logits, self._layout, noise, self.temperature), networks.activate(logits, self._layout)

    def _pack(self, rows):
        """`[batch, d]` -> `[batch / pac, pac * d]` (PacGAN)."""
        batch = tf.shape(rows)[0]
        check = tf.debugging.assert_equal(
            batch % self.pac, 0, message=f"Batches per replica must be a multiple of pac={self.pac}"
        )
        with tf.control_dependencies([check]):
            return tf.reshape(rows, [-1, self.pac * rows.shape[-1]])

    def _critic(self, labels, training):
        """`packed rows -> scores`, with the packed one-hot conditions of `labels`."""
        if not self.conditional:
            return lambda x: self.discriminator(x, training=training)
        packed = self._pack(tf.one_hot(labels, self.num_classes))
        return lambda x: self.discriminator([x, packed], training=training)

    def discriminate(self, samples, labels=None, training=False):
        """The critic's scores of `samples` in packs of `pac`: `[batch / pac, 1]`."""
        return self._critic(labels, training)(self._pack(tf.cast(samples, tf.float32)))

    # ------------------------------------------------------------------
    # Losses.

    def discriminator_loss(self, real, labels, training=True):
        z = self.sample_latent(tf.shape(real)[0])
        fake = tf.stop_gradient(self.generate_batch(z, labels, training=training))
        critic = self._critic(labels, training)
        real_packs, fake_packs = self._pack(real), self._pack(fake)
        loss = losses.wasserstein_discriminator_loss(critic(real_packs), critic(fake_packs), reduction="none")
        penalty = self.penalty(critic, real_packs, fake_packs)
        logs = {"wasserstein_distance": -tf.reduce_mean(loss), "gradient_penalty": tf.reduce_mean(penalty)}
        return loss + self.gp_weight * penalty, logs

    def generator_loss(self, real, labels, training=True):
        """`-D(pack of G(z, c))` plus `condition_weight` times the pack's mean
        cross-entropy of the conditioned slot (CTGAN)."""
        rows, probabilities = self._fake_rows(self.sample_latent(tf.shape(real)[0]), labels, training)
        loss = losses.wasserstein_generator_loss(self._critic(labels, training)(self._pack(rows)), reduction="none")
        if not self.conditional:
            return loss, {}
        chosen = tf.gather(probabilities, tf.gather(self._positions, labels), batch_dims=1)
        cross_entropy = tf.reduce_mean(tf.reshape(-tf.math.log(chosen + 1e-8), [-1, self.pac]), axis=1)
        return loss + self.condition_weight * cross_entropy, {"condition_loss": tf.reduce_mean(cross_entropy)}

    # ------------------------------------------------------------------
    # Tables in and out.

    def dataset(self, frame, batch_size, epochs=1, seed=0):
        """A `tf.data.Dataset` of `frame`'s encoded rows for `fit`.

        With the conditional vector: `(rows, conditions)` by
        training-by-sampling, `len(frame) * epochs` draws; without:
        `epochs` shuffled passes. `batch_size` is rounded down to a
        multiple of `pac`; partial batches are dropped. Scalars beyond a
        mode's 4 sigma are clipped to [-1, 1], what the `tanh` heads reach
        (as CTGAN does; `transform` itself keeps them, to round-trip).
        """
        rng = np.random.default_rng(seed)
        encoded = tf.constant(np.clip(self.transformer.transform(frame, seed=seed), -1.0, 1.0))
        n = len(frame) * int(epochs)
        if self.conditional:
            sizes = [self.transformer.slots(self.transformer.columns[i]) for i in self.transformer.categorical]
            rows, labels = conditions_lib.training_draws(self.transformer.category_codes(frame), sizes, n, rng)
            ds = tf.data.Dataset.from_tensor_slices((rows, labels.astype(np.int32)))
            ds = ds.batch(batch_size - batch_size % self.pac, drop_remainder=True)
            ds = ds.map(lambda i, c: (tf.gather(encoded, i), c))
        else:
            rows = np.concatenate([rng.permutation(len(frame)) for _ in range(int(epochs))])
            ds = tf.data.Dataset.from_tensor_slices(rows).batch(batch_size - batch_size % self.pac, drop_remainder=True)
            ds = ds.map(lambda i: tf.gather(encoded, i))
        return ds.prefetch(tf.data.AUTOTUNE)

    def condition_slot(self, conditions=None):
        """The condition slot of `conditions` (`{column: value}`, one pair)
        for every row, or -1: conditions drawn as the table's frequencies."""
        if not conditions:
            return -1
        if not isinstance(conditions, dict) or len(conditions) != 1:
            raise ValueError(f"`conditions` is one {{column: value}} pair. Received: conditions={conditions!r}")
        if not self.conditional:
            raise ValueError(f"The model has no conditional vector (condition_vector=False). Received: conditions={conditions!r}")
        (column, value), = conditions.items()
        return self.transformer.condition_index(column, value)

    def sample_columns(self, num_samples, seed, condition=-1):
        """`{column name: [num_samples] tensor}` (TF ops, eager or traced):
        `tf.string` for categorical columns (`""` missing), float32 for
        continuous ones (NaN missing), the one-hots sampled.

        Args:
            num_samples: int or int32 scalar.
            seed: int or int64 scalar: `z` as `generate(seed=seed)` draws
                it; the conditions and one-hots from its split.
            condition: int32 scalar, a condition slot for every row
                (`condition_slot`), or -1 for slots drawn as the table's
                frequencies (`serving.drawn_conditions`).
        """
        stateless = priors.seed_to_stateless(seed)
        z, _ = sampling.generator_inputs(self.prior, None, num_samples, stateless)
        condition_seed, decode_seed = tf.unstack(tf.random.experimental.stateless_split(tf.cast(stateless, tf.int64), 2))
        labels = None
        if self.conditional:
            condition = tf.cast(condition, tf.int32)
            labels = tf.cond(
                condition < 0,
                lambda: table_serving.drawn_conditions(self.transformer, num_samples, condition_seed),
                lambda: tf.fill([num_samples], condition),
            )
        rows = self.generate_batch(z, labels, training=False)
        return table_serving.decode_tensors(self.transformer, rows, decode_seed)

    def sample_endpoint(self, max_samples):
        """The export's `sample` signature, `(fn, input_signature)`
        (`tfgan_zoo.export` takes it in place of its own).

        Inputs: `num_samples` int32 (in `[1, max_samples]`), `seed` int64,
        `condition_column` and `condition_value` string scalars: `""` and
        `""` for conditions drawn as the table's frequencies, else the
        condition of every row (`condition_value` `""`: the column's
        missing category). Outputs: `sample_columns`' tensors, one per
        column, keyed by `serving.output_keys` (the export metadata's
        `sample_outputs`). An unknown column or category, or a condition
        for a model without the conditional vector, is InvalidArgument
        naming the value received.
        """
        keys = table_serving.output_keys([c["name"] for c in self.transformer.columns])

        def lookup(column, value):
            if self.conditional:
                return table_serving.condition_index(self.transformer, column, value)
            refuse = tf.debugging.Assert(
                False, ["The model has no conditional vector (condition_vector=False). Received: condition_column=", column]
            )
            with tf.control_dependencies([refuse]):
                return tf.constant(-1)

        def sample(num_samples, seed, condition_column, condition_value):
            num_samples = checks.checked(checks.sample_count(num_samples, max_samples), num_samples)
            condition = tf.cond(
                tf.equal(condition_column, ""), lambda: tf.constant(-1), lambda: lookup(condition_column, condition_value)
            )
            columns = self.sample_columns(num_samples, seed, condition)
            return {key: columns[name] for key, name in keys.items()}

        specs = [
            tf.TensorSpec([], tf.int32, name="num_samples"),
            tf.TensorSpec([], tf.int64, name="seed"),
            tf.TensorSpec([], tf.string, name="condition_column"),
            tf.TensorSpec([], tf.string, name="condition_value"),
        ]
        return sample, specs

    def export_metadata(self):
        """Entries of the export's metadata: `sample_outputs`, `{output key:
        column name}` of the `sample` signature."""
        return {"sample_outputs": table_serving.output_keys([c["name"] for c in self.transformer.columns])}

    def export_assets(self):
        """`{file name: bytes}` that `tfgan_zoo.export` writes into the
        export's `assets.extra`: the fitted transformer (config and weights),
        so that an export's encoded rows can be decoded
        (`tfgan_zoo.models.tabular.launch.table_transformer`)."""
        content = {
            "config": self.transformer.get_config(),
            "weights": [np.asarray(w, np.float32).tolist() for w in self.transformer.get_weights()],
        }
        return {TABLE_ASSET: json.dumps(content).encode()}

    def sample_rows(self, num_samples, conditions=None, seed=None, batch_size=1024):
        """`num_samples` generated rows as a DataFrame with the table's
        columns and dtypes: `sample_columns`' values (the export's `sample`
        signature's), in requests of `batch_size` rows
        (`serving.chunked_rows`).

        Args:
            num_samples: how many rows.
            conditions: `{column: value}` for every row, e.g.
                `{"Salary": ">50K"}`; default: conditions drawn as the
                table's frequencies.
            seed: int; the same seed gives the same rows. None: random.
            batch_size: rows per request.
        """
        seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
        condition = self.condition_slot(conditions)

        def draw(count, request_seed):
            return {k: v.numpy() for k, v in self.sample_columns(count, request_seed, condition).items()}

        return table_serving.rows_frame(self.transformer, table_serving.chunked_rows(draw, int(num_samples), seed, int(batch_size)))
