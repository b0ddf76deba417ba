"""Table runs of the launchers: a `csv:<path>` table trains a table model,
and the run writes rows and per-column plots instead of image grids.

A model takes tables when its class has `for_table` (`TabularWGANGP`); the
launchers ask `takes_tables`, never the model's name.

- `TableData.read(spec)`, `.labelled(label)`, `.split(split)`: the table
  of a `csv:<path>` spec, its schema (with `label` declared categorical)
  and the rows of a split (`train`, `train[:80%]`; a CSV is one split).
- `TableData.build(model_name, hparams)`: `for_table` (fits the
  `TableTransformer`, builds the model; compile it yourself).
- `TableData.train_dataset(model, batch_size, epochs, ...)`: `(dataset,
  EpochPlan)`, the model's training-by-sampling rows in batches of
  `batch_size` rounded down to a multiple of `pac`, repeated, with an
  epoch of `rows // global batch` generator steps
  (`tfgan_zoo.training.epoch_plan`).
- `EpochRows`: the per-epoch callback of table runs, in place of
  `SampleGrid` (whose `as_images` has no picture of a row):
  `samples/epoch_NNNN.csv` and `samples/latest.csv`, rows sampled with a
  fixed seed.
- `TableData.write_report(model, directory, seed)`: at the end of a run,
  `samples.csv` (as many rows as the table, at most `REPORT_ROWS`) and
  `plots/NN_<column>.png`: real against generated per column (histograms,
  or category frequencies), titled with the column's KS statistic or
  total variation distance (`tfgan_zoo.metrics.tabular.column_distances`).
- `table_transformer(model)`: the transformer of a table model or of its
  export; `export` writes the transformer (config and fitted weights,
  `TabularWGANGP.export_assets`) into the version as
  `assets.extra/table_transformer.json` (the schema: column dtypes and
  categories, and conditions checked before a request).
- `table_rows(model, transformer, n, conditions, seed)`: rows of a table
  model (`sample_rows`) or of its export (its `sample` signature, one
  output per column); the same rows for a seed.
- `check_output(path, is_table)`, `parse_condition(text)`: what
  `launchers.generate` needs for CSV rows.

Every file is written atomically (`tfgan_zoo.fileio`).
"""

import json
import os
import re
import types

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import fileio
from tfgan_zoo import registry
from tfgan_zoo.models.tabular import serving as table_serving
from tfgan_zoo.models.tabular.tabular_wgan_gp import TABLE_ASSET
from tfgan_zoo.models.tabular.tabular_wgan_gp import TabularWGANGP
from tfgan_zoo.models.tabular.transformer import TableTransformer

TABLE_KIND = "csv"
REPORT_ROWS = 10_000  # Rows sampled for the end-of-run CSV and plots.
MAX_BARS = 20  # Categories shown in a categorical column's plot (the most frequent).
_MISSING = "<missing>"


def takes_tables(model_name):
    """Whether the registered model `model_name` trains on tables."""
    return hasattr(registry.get_model_class(model_name), "for_table")


def table_models():
    """The registered models that train on tables."""
    return [name for name in registry.available_models() if takes_tables(name)]


def is_table_spec(spec):
    """Whether the dataset `spec` names a table (`csv:<path>`)."""
    from tfgan_zoo import data

    try:
        return data.parse_spec(spec)[0] == TABLE_KIND
    except ValueError:  # An unknown spec: the image path names it.
        return False


def is_table_run(model_name, spec):
    """Whether `model_name` on `spec` is a table run; a ValueError if only one is a table's."""
    table_model, table_spec = takes_tables(model_name), is_table_spec(spec)
    if table_model and not table_spec:
        raise ValueError(f"Model {model_name!r} trains on a table: pass csv:<path>. Received: spec={spec!r}")
    if table_spec and not table_model:
        raise ValueError(
            f"Model {model_name!r} does not train on tables; the table models are {table_models()}. "
            f"Received: spec={spec!r}"
        )
    return table_model


class TableData:
    """A table of a run: `frame` (a DataFrame), `schema`, and its `spec`."""

    def __init__(self, spec, frame, schema):
        self.spec, self.frame, self.schema = spec, frame, schema

    @classmethod
    def read(cls, spec, label=None):
        """The table of `spec` (`csv:<path>`), read by `tfgan_zoo.data.table.read_csv`."""
        from tfgan_zoo import data
        from tfgan_zoo.data import table

        kind, path = data.parse_spec(spec)
        if kind != TABLE_KIND:
            raise ValueError(f"A table spec is csv:<path>. Received: spec={spec!r}")
        return cls(spec, *table.read_csv(path, label=label))

    @property
    def info(self):
        """The table's `tfgan_zoo.data.DataInfo` (rows; no image shape or classes)."""
        from tfgan_zoo.data import DataInfo

        return DataInfo(len(self.frame), None, None, None)

    def labelled(self, label):
        """This table with `label` (a column name, or None) as its label."""
        if label is None:
            return self
        columns = [str(c) for c in self.frame.columns]
        if label not in columns:
            raise ValueError(f"The label must be one of the table's columns {columns}. Received: label={label!r}")
        if label in self.schema["continuous"]:  # Numbers read as categories: read it again so.
            return TableData.read(self.spec, label=label)
        return TableData(self.spec, self.frame, {**self.schema, "label": label})

    def split(self, split):
        """The rows of `split`: `train`, or a slice of it (`train[:80%]`, `train[100:]`)."""
        from tfgan_zoo.data import splits

        cut = splits.parse_split(split)
        if cut.name != "train":
            raise ValueError(f"A CSV table is one split, 'train' (slice it: 'train[:80%]'). Received: split={split!r}")
        rows = cut.rows(len(self.frame), self.spec)
        return TableData(self.spec, self.frame.iloc[rows].reset_index(drop=True), self.schema)

    def build(self, model_name, hparams):
        """The uncompiled model `model_name` for this table (`for_table`), with `hparams`."""
        model_class = registry.get_model_class(model_name)
        return model_class.for_table(self.frame, self.schema, compile=False, **hparams)

    def train_dataset(self, model, batch_size, epochs, seed=0, replicas=1, steps_per_epoch=None):
        """`(tf.data.Dataset, EpochPlan)` for `fit(steps_per_epoch=plan.steps_per_epoch)`.

        `batch_size` (per replica and discriminator step) is rounded down
        to a multiple of the model's `pac`; the draws are fresh for each of
        `epochs` and then repeat (a longer `steps_per_epoch`).
        """
        from tfgan_zoo import training

        pac = int(getattr(model, "pac", 1))
        batch = int(batch_size) - int(batch_size) % pac
        if batch < 1:
            raise ValueError(f"The batch must hold at least one pack of pac={pac} rows. Received: batch_size={batch_size}")
        plan = training.epoch_plan(len(self.frame), batch, model.d_steps, replicas, steps_per_epoch)
        if len(self.frame) < plan.global_batch_size:
            raise ValueError(
                f"The table's {len(self.frame)} rows are fewer than one batch of {plan.global_batch_size} "
                f"({replicas} replica(s) x {batch}). Received: batch_size={batch_size}"
            )
        steps = plan.steps_per_epoch or plan.generator_steps
        dataset = model.dataset(self.frame, plan.fit_batch_size, epochs=int(epochs) * model.d_steps, seed=seed)
        return dataset.repeat(), plan._replace(steps_per_epoch=steps, repeat=True)

    def write_report(self, model, directory, seed=0):
        """`samples.csv` and `plots/` under `directory`; returns their paths."""
        rows = model.sample_rows(min(len(self.frame), REPORT_ROWS), seed=seed)
        csv_path = os.path.join(directory, "samples.csv")
        write_csv(csv_path, rows)
        plot_dir = os.path.join(directory, "plots")
        plot_columns(plot_dir, self.frame, rows, self.schema)
        return {"samples_csv": csv_path, "plots": plot_dir}


class EpochRows(keras.callbacks.Callback):
    """Writes `num_rows` rows from a fixed seed after every epoch (the
    table runs' `SampleGrid`): `directory/epoch_0001.csv`, ..., and
    `directory/latest.csv`. The same seed every time (noise, conditions
    and the one-hot draws), so the files show training progress."""

    def __init__(self, directory, num_rows=64, seed=0):
        super().__init__()
        self.directory, self.num_rows, self.seed = directory, int(num_rows), int(seed)
        self.last_path = None

    def on_epoch_end(self, epoch, logs=None):
        rows = self.model.sample_rows(self.num_rows, seed=self.seed)
        self.last_path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.csv")
        write_csv(self.last_path, rows)
        write_csv(os.path.join(self.directory, "latest.csv"), rows)


def write_csv(path, frame):
    """Writes the DataFrame `frame` as CSV (header, no index) atomically.
    Floats with 7 significant digits: generated values are float32 (no
    `8.300000190734863` for 8.3)."""
    fileio.write_bytes(path, frame.to_csv(index=False, float_format="%.7g").encode())


# ----------------------------------------------------------------------------
# Plots.


def _file_name(index, column):
    return f"{index:02d}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', column)}.png"


def _frequencies(values):
    return values.astype(object).where(values.notna(), _MISSING).astype(str).value_counts(normalize=True)


def plot_columns(directory, real, fake, schema):
    """One PNG per column under `directory`: `real` against `fake` rows.

    Continuous columns: density histograms on 40 bins over the real range;
    categorical ones: the frequencies of the `MAX_BARS` most frequent real
    categories (missing values as `<missing>`). Each title has the
    column's distance (`column_distances`). Returns the paths.
    """
    from matplotlib.figure import Figure

    from tfgan_zoo.metrics import tabular as tabular_metrics

    distances = tabular_metrics.column_distances(real, fake, schema)
    paths = []
    for index, name in enumerate(str(c) for c in real.columns):
        figure = Figure(figsize=(6.4, 3.6))
        axes = figure.subplots()
        if name in schema["continuous"]:
            a, b = real[name].dropna().to_numpy(float), fake[name].dropna().to_numpy(float)
            low, high = (a.min(), a.max()) if a.size else (0.0, 1.0)
            bins = np.linspace(low - 0.5, high + 0.5, 41) if low == high else np.linspace(low, high, 41)
            axes.hist(a, bins, density=True, alpha=0.5, label=f"real ({a.size})")
            axes.hist(np.clip(b, low, high), bins, density=True, alpha=0.5, label=f"generated ({b.size})")
            title = f"{name} (continuous): KS {distances[name]:.3f}"
        else:
            p, q = _frequencies(real[name]), _frequencies(fake[name])
            shown = p.index[:MAX_BARS]
            x = np.arange(len(shown))
            axes.bar(x - 0.2, p.reindex(shown, fill_value=0.0), 0.4, label="real")
            axes.bar(x + 0.2, q.reindex(shown, fill_value=0.0), 0.4, label="generated")
            axes.set_xticks(x, [s[:16] for s in shown], rotation=45, ha="right", fontsize=7)
            axes.set_ylabel("frequency")
            title = f"{name} (categorical): TV distance {distances[name]:.3f}"
        axes.set_title(title, fontsize=10)
        axes.legend(fontsize=8)
        paths.append(fileio.save_figure(figure, os.path.join(directory, _file_name(index, name)), dpi=100))
    return paths


# ----------------------------------------------------------------------------
# Exports and CSV rows.


def table_transformer(model):
    """The `TableTransformer` of a table model, a Keras model or a loaded
    export (`tfgan_zoo.export.ExportedGenerator`); None for other models.

    Raises:
        FileNotFoundError: an export of a table model without
            `assets.extra/table_transformer.json`.
    """
    transformer = getattr(model, "transformer", None)
    if isinstance(transformer, TableTransformer):
        return transformer
    metadata = getattr(model, "metadata", None) or {}
    if "transformer" not in metadata.get("hparams", {}):
        return None
    asset = os.path.join(model.path, "assets.extra", TABLE_ASSET)
    if not os.path.isfile(asset):
        raise FileNotFoundError(
            f"{model.path} is an export of the table model {metadata.get('model')!r} without its transformer "
            f"(assets.extra/{TABLE_ASSET}), so its encoded rows cannot be decoded; export it with "
            f"`python -m launchers.export` or `launchers.train --export_only`, or pass its model.keras. Received: path={model.path!r}"
        )
    with open(asset) as f:
        content = json.load(f)
    transformer = TableTransformer.from_config(content["config"])
    transformer.set_weights([np.asarray(w, np.float32) for w in content["weights"]])
    return transformer


def check_output(path, is_table):
    """Refuses an output file of the other kind: a table model writes CSV
    rows (`.csv`), other models PNG grids."""
    is_csv = str(path).lower().endswith(".csv")
    if is_table and not is_csv:
        raise ValueError(f"A table model writes its rows as CSV: pass a path ending in .csv. Received: output={path!r}")
    if is_csv and not is_table:
        raise ValueError(
            f"Only table models write CSV rows; this model's samples are written as a PNG grid. Received: output={path!r}"
        )


def parse_condition(text):
    """`"Salary=>50K"` -> `{"Salary": ">50K"}` (split at the first `=`); None -> None."""
    if text is None:
        return None
    column, sep, value = str(text).partition("=")
    if not sep or not column:
        raise ValueError(f"A condition is column=value, e.g. Salary=>50K. Received: condition={text!r}")
    return {column: value}


def table_rows(model, transformer, num_rows, conditions=None, seed=0):
    """`num_rows` rows (a DataFrame) of a Keras table model or of its export
    (`ExportedGenerator`, with its `transformer`): `sample_rows` of the
    model; the export's `sample` signature, rows straight from its graph.
    Both in requests of at most the export's `max_samples` (a Keras model:
    the export default), so a seed gives the same rows from both when the
    export has the default `max_samples` or `num_rows` is within it."""
    from tfgan_zoo import export as export_lib

    limit = int(getattr(model, "max_samples", export_lib.DEFAULT_MAX_SAMPLES))
    if hasattr(model, "sample_rows"):
        return model.sample_rows(num_rows, conditions, seed, batch_size=limit)
    keys = model.metadata.get("sample_outputs")
    if keys is None:
        raise ValueError(
            f"{model.path} was exported before the table models' `sample` signature served rows; export it "
            f"again (`python -m launchers.export`) or pass its model.keras. Received: path={model.path!r}"
        )
    # Refused here, naming the value, before any request (the graph checks it too).
    view = types.SimpleNamespace(conditional=model.num_classes is not None, transformer=transformer)
    TabularWGANGP.condition_slot(view, conditions)
    column, value = next(iter(conditions.items())) if conditions else ("", "")
    value = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    sample = model.signature("sample")

    def draw(count, request_seed):
        out = sample(
            num_samples=tf.constant(count, tf.int32), seed=tf.constant(request_seed, tf.int64),
            condition_column=tf.constant(column), condition_value=tf.constant(value),
        )
        return {keys[key]: tensor.numpy() for key, tensor in out.items()}

    return table_serving.rows_frame(transformer, table_serving.chunked_rows(draw, int(num_rows), seed, limit))
