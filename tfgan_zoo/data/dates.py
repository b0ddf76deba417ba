"""`dates`: calendar dates written in three formats, a corpus whose every
string can be checked exactly (`accepts`), for GANs on text.

The strings come from a small probabilistic grammar:

    DATE    -> ISO (0.4) | DMY (0.3) | WRITTEN (0.3)
    ISO     -> YEAR "-" MM "-" DD           2024-02-29
    DMY     -> DD "/" MM "/" YEAR           29/02/2024
    WRITTEN -> D " " MONTH " " YEAR         29 Feb 2024

with YEAR uniform in 1950..2049, the month uniform, the day uniform among
the month's days (leap years by the Gregorian rule), MM and DD two digits,
D without a leading zero and MONTH the English three-letter abbreviation.
`accepts(s)` parses `s` with the same rules: it is True exactly for the
strings the grammar can produce. The vocabulary (`VOCABULARY`) has 35
characters; the longest string has 11 (`SEQUENCE_LENGTH` = 12 with the
end symbol, see `tfgan_zoo.data.text`).

The `train` split holds 20,000 strings (seed 0), `test` 2,000 (seed 1);
the same seed always gives the same strings (`dates(n, seed=...)`).
Labels are the format (0 ISO, 1 DMY, 2 WRITTEN). Two ways in:

- `tfgan_zoo.data.load("dates", batch_size)`: one-hots `[12, 36]`, with
  the package's split slicing (`split_strings` gives the strings);
- `tfds.load("dates")`: the strings (`text`) and their `format`, from a
  builder that prepares with no network.

Example:

>>> strings, formats = dates(3, seed=0)
>>> all(accepts(s) for s in strings), formats.tolist()
(True, [1, 0, 0])
>>> accepts("2023-02-29"), accepts("2024-02-29"), accepts("29 Feb 2024"), accepts("1 Feb 2024 ")
(False, True, True, False)
"""

import calendar
import re

import numpy as np
import tensorflow_datasets as tfds

from tfgan_zoo.data import text
from tfgan_zoo.data.sources import register_source

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
YEARS = (1950, 2049)
FORMATS = ("iso", "dmy", "written")
FORMAT_PROBABILITIES = (0.4, 0.3, 0.3)
VOCABULARY = text.vocabulary_of(["0123456789-/ ", *MONTHS])
SEQUENCE_LENGTH = 12
SPLITS = {"train": (20_000, 0), "test": (2_000, 1)}  # (strings, seed)

_PATTERNS = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9][0-9])-(?P<day>[0-9][0-9])"),
    re.compile(r"(?P<day>[0-9][0-9])/(?P<month>[0-9][0-9])/(?P<year>[0-9]{4})"),
    re.compile(r"(?P<day>[1-9][0-9]?) (?P<month>[A-Z][a-z][a-z]) (?P<year>[0-9]{4})"),
)


def _write(form, year, month, day):
    if form == 0:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if form == 1:
        return f"{day:02d}/{month:02d}/{year:04d}"
    return f"{day} {MONTHS[month - 1]} {year:04d}"


def dates(num_examples, seed=0):
    """`(strings, formats int32)`: `num_examples` strings of the grammar."""
    if isinstance(num_examples, bool) or not isinstance(num_examples, (int, np.integer)) or num_examples < 1:
        raise ValueError(f"`num_examples` must be a positive int. Received: num_examples={num_examples!r}")
    rng = np.random.default_rng(seed)
    forms = rng.choice(len(FORMATS), size=num_examples, p=FORMAT_PROBABILITIES).astype(np.int32)
    years = rng.integers(YEARS[0], YEARS[1] + 1, num_examples)
    months = rng.integers(1, 13, num_examples)
    unit = rng.uniform(size=num_examples)
    strings = []
    for form, year, month, u in zip(forms, years, months, unit):
        days = calendar.monthrange(int(year), int(month))[1]
        strings.append(_write(int(form), int(year), int(month), int(u * days) + 1))
    return strings, forms


def accepts(string):
    """Whether the grammar produces `string` (parsed, calendar checked)."""
    if not isinstance(string, str):
        return False
    for form, pattern in enumerate(_PATTERNS):
        match = pattern.fullmatch(string)
        if match is None:
            continue
        year, day = int(match["year"]), int(match["day"])
        if form == 2:
            if match["month"] not in MONTHS:
                return False
            month = MONTHS.index(match["month"]) + 1
        else:
            month = int(match["month"])
        if not (YEARS[0] <= year <= YEARS[1] and 1 <= month <= 12):
            return False
        return 1 <= day <= calendar.monthrange(year, month)[1]
    return False


def split_strings(split_name):
    """The whole `train` or `test` split: `(strings, formats)`."""
    if split_name not in SPLITS:
        raise ValueError(f"dates has splits {sorted(SPLITS)}. Received: split={split_name!r}")
    count, seed = SPLITS[split_name]
    return dates(count, seed=seed)


@register_source("dates")
class DatesSource(text.TextSource):
    specs = ("dates",)
    aliases = {"dates": ""}
    takes_argument = False

    def corpus(self, arg):
        return VOCABULARY, SEQUENCE_LENGTH - 1

    def lines(self, arg, split_name):
        return np.array(split_strings(split_name)[0], dtype=object)

    def info(self, arg, split_name, data_dir=None):
        return super().info(arg, split_name, data_dir)._replace(num_classes=len(FORMATS), class_names=list(FORMATS))

    def arrays(self, arg, split_name, image_shape, take):
        values, _ = super().arrays(arg, split_name, image_shape, take)
        return values, split_strings(split_name)[1][take(SPLITS[split_name][0])]


class Dates(tfds.core.GeneratorBasedBuilder):
    """Dates in three formats from a probabilistic grammar; see `tfgan_zoo.data.dates`."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "ISO, DMY and written dates, 1950-2049, train 20,000 (seed 0) / test 2,000 (seed 1)."}

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {"text": tfds.features.Text(), "format": tfds.features.ClassLabel(names=list(FORMATS))}
            ),
            supervised_keys=("text", "format"),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Nothing to download.
        return {name: self._generate_examples(name) for name in SPLITS}

    def _generate_examples(self, split_name):
        strings, formats = split_strings(split_name)
        for i, (string, form) in enumerate(zip(strings, formats)):
            yield i, {"text": string, "format": int(form)}
