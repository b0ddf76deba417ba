"""`csv:<path>`: tables (CSV files or pandas DataFrames) with a schema.

A table's **schema** says which columns are continuous, which categorical,
and which (optional) categorical column is the label:
`{"continuous": [...], "categorical": [...], "label": "Salary"}`. Columns
the schema leaves out are inferred: numeric columns are continuous, the
others categorical.

Missing values (`?`, empty fields, NaN) become NaN, never a silent drop:
the transformer (`tfgan_zoo.models.tabular.TableTransformer`) gives a
categorical column a "missing" category and a continuous column, with
`missing="indicator"`, a missing-indicator mode; with `missing="error"` a
NaN in a continuous column is an error naming the column and row.

Example:

>>> import pandas as pd
>>> frame = pd.DataFrame({"age": [30, 40], "sex": ["F", "M"]})
>>> table_schema(frame, label="sex")
{'continuous': ['age'], 'categorical': ['sex'], 'label': 'sex'}
"""

import csv
import os

import numpy as np

from tfgan_zoo.data.sources import DataInfo, Source, register_source

MISSING_TOKENS = ("?", "")


def _pandas():
    import pandas as pd  # Lazy: image users never pay for it.

    return pd


def _names(value, argument):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def table_schema(frame, continuous=None, categorical=None, label=None):
    """The checked schema of `frame`, with the columns it leaves out inferred.

    Args:
        frame: a pandas DataFrame.
        continuous: column names declared continuous.
        categorical: column names declared categorical.
        label: an optional categorical column used as the label/condition.

    Returns:
        `{"continuous": [...], "categorical": [...], "label": label}`, in
        the table's column order.

    Raises:
        ValueError: a declared column the table lacks, one declared twice.
    """
    pd = _pandas()
    columns = [str(c) for c in frame.columns]
    declared = {"continuous": _names(continuous, "continuous"), "categorical": _names(categorical, "categorical")}
    if label is not None:
        declared["label"] = [str(label)]
    for argument, names in declared.items():
        unknown = [n for n in names if n not in columns]
        if unknown:
            raise ValueError(
                f"Unknown column(s) {unknown} in the schema; the table's columns are {columns}. "
                f"Received: {argument}={names if argument != 'label' else names[0]!r}"
            )
    both = sorted(set(declared["continuous"]) & set(declared["categorical"] + declared.get("label", [])))
    if both:
        raise ValueError(f"Column(s) {both} are declared both continuous and categorical. Received: continuous={declared['continuous']}")
    kinds = {}
    for name in columns:
        if name in declared["continuous"]:
            kinds[name] = "continuous"
        elif name in declared["categorical"] or name == label:
            kinds[name] = "categorical"
        else:
            numeric = pd.api.types.is_numeric_dtype(frame[name]) and not pd.api.types.is_bool_dtype(frame[name])
            kinds[name] = "continuous" if numeric else "categorical"
    return {
        "continuous": [n for n in columns if kinds[n] == "continuous"],
        "categorical": [n for n in columns if kinds[n] == "categorical"],
        "label": None if label is None else str(label),
    }


def _numeric(values, name, offset):
    """A continuous column parsed as numbers; unparseable cells name row and column."""
    pd = _pandas()
    parsed = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy() & values.notna().to_numpy())
    if bad.size:
        row = int(bad[0])
        raise ValueError(
            f"Column {name!r} is continuous, but row {row + offset} holds a value that is not a number "
            f"({bad.size} such rows). Received: {name}={values.iloc[row]!r} at row {row + offset}"
        )
    if parsed.notna().all() and np.all(np.mod(parsed.to_numpy(dtype=float), 1) == 0):
        return parsed.astype("int64")
    return parsed.astype("float64")


def parse_table(frame, schema, row_offset=0):
    """`frame` with missing tokens as NaN and continuous columns as numbers.

    Args:
        frame: a DataFrame (e.g. of strings, as read from a CSV).
        schema: from `table_schema`.
        row_offset: added to row numbers in errors (a CSV's header line).
    """
    pd = _pandas()
    out = {}
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.where(~values.isin(MISSING_TOKENS), np.nan)
        if name in schema["continuous"] and not pd.api.types.is_numeric_dtype(values):
            values = _numeric(values, name, row_offset)
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def read_csv(path, continuous=None, categorical=None, label=None, delimiter=","):
    """Reads a CSV with a header line into `(DataFrame, schema)`.

    Spaces after the delimiter are skipped (UCI Adult is comma plus space).
    Missing tokens (`?`, empty) become NaN. Every row must have as many
    fields as the header; a ragged row is an error naming it.

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write("age, job\\n30, a\\n?, b\\n")
    >>> frame, schema = read_csv(path)
    >>> frame["age"].isna().tolist(), schema["continuous"]
    ([False, True], ['age'])
    """
    pd = _pandas()
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No CSV file at {path}. Received: path={path!r}")
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter, skipinitialspace=True))
    rows = [r for r in rows if r]  # Blank lines (Adult ends with one).
    if len(rows) < 2:
        raise ValueError(f"{path} needs a header line and at least one row. Received: {len(rows)} line(s)")
    header, body = [h.strip() for h in rows[0]], rows[1:]
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise ValueError(
                f"{path}: line {i + 2} has {len(row)} fields, the header has {len(header)} "
                f"({header}). Received: line {i + 2} = {row!r}"
            )
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame = frame.apply(lambda c: c.str.strip())
    declared = table_schema(frame.iloc[:0], continuous, categorical, label)  # Names checked.
    explicit = set(_names(continuous, "continuous")) | set(_names(categorical, "categorical")) | {label}
    guess = {n: "continuous" for n in declared["continuous"]}
    for name in header:
        if name not in explicit:  # Infer: a column whose present values all parse is continuous.
            present = frame[name][~frame[name].isin(MISSING_TOKENS)]
            if len(present) and pd.to_numeric(present, errors="coerce").notna().all():
                guess[name] = "continuous"
    schema = {
        "continuous": [n for n in header if guess.get(n) == "continuous"],
        "categorical": [n for n in header if guess.get(n) != "continuous"],
        "label": None if label is None else str(label),
    }
    frame = parse_table(frame, schema, row_offset=2)
    for name in schema["categorical"]:
        frame[name] = frame[name].astype("str")  # NaN stays NaN.
    return frame, schema


@register_source("csv")
class Csv(Source):
    """`csv:<path>`: a table. `info` counts its rows; tables are encoded by
    a fitted `TableTransformer`, so read them with `read_csv` and train with
    `tfgan_zoo.models.tabular.TabularWGANGP.for_table`."""

    specs = ("csv:<path>",)
    takes_argument = True

    def info(self, arg, split_name, data_dir=None):
        frame, _ = read_csv(arg)
        return DataInfo(len(frame), None, None, None)

    def arrays(self, arg, split_name, image_shape, take):
        raise ValueError(
            "A table is encoded by a fitted TableTransformer: read it with "
            "tfgan_zoo.data.table.read_csv and train with TabularWGANGP.for_table. "
            f"Received: spec='csv:{arg}'"
        )
