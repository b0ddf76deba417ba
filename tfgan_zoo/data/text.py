"""Text as one-hot character sequences: `text:<file>`, and what the text sources share.

A plain-text file is one example per line (UTF-8; blank lines are
skipped). Its **vocabulary** is the sorted set of the characters in the
file, a string; the symbol at index 0 of every one-hot vector is the
end symbol, not a character: a line of `k` characters becomes its `k`
characters, then the end symbol up to `sequence_length` positions (a
longer line is cut to its first `sequence_length` characters, as
Gulrajani et al. 2017 cut theirs). An example is float32 one-hots
`[sequence_length, len(vocabulary) + 1]`; decoding stops at the first end
symbol.

`load("text:FILE", batch_size, sequence_length=...)` reads the file
(default length: the longest line plus its end symbol; a longer one is
refused, since its last positions would be padding in every example);
the vocabulary and the longest line are those of the whole file, so every
slice of it (`split="train[:90%]"`, `"train[90%:]"`) has the same shape.
A model takes the vocabulary as an hparam (`text_gan`'s `vocabulary`), so
it is saved with the model. A file with no characters, a sequence length
above the longest line, and, in `encode`/`decode`, a character or an index
outside the vocabulary are errors naming the value received.

Example:

>>> encode(["ab", "b"], "ab", 3).tolist()
[[1, 2, 0], [2, 0, 0]]
>>> decode([[1, 2, 0], [2, 0, 1]], "ab")
['ab', 'b']
>>> vocabulary_of(["hello", "world"])
'dehlorw'
"""

import os

import numpy as np

from tfgan_zoo.data import checks
from tfgan_zoo.data.sources import DataInfo, Source, register_source

END = 0  # The index of the end (padding) symbol.


def vocabulary_of(lines):
    """The sorted characters of `lines`, a string."""
    return "".join(sorted(set("".join(lines))))


def _check_vocabulary(vocabulary):
    if not isinstance(vocabulary, str) or not vocabulary or len(set(vocabulary)) != len(vocabulary) or "\n" in vocabulary:
        raise ValueError(
            "A vocabulary is a non-empty string of distinct characters, without a newline. "
            f"Received: vocabulary={vocabulary!r}"
        )
    return vocabulary


def encode(lines, vocabulary, sequence_length):
    """int32 ids `[len(lines), sequence_length]`: each character's index in
    `vocabulary` plus 1, then `END` (0); lines are cut to `sequence_length`.
    A character outside `vocabulary` is a ValueError naming it and its line."""
    vocabulary = _check_vocabulary(vocabulary)
    index = {c: i + 1 for i, c in enumerate(vocabulary)}
    ids = np.full((len(lines), int(sequence_length)), END, np.int32)
    for row, line in enumerate(lines):
        for col, char in enumerate(line[:sequence_length]):
            if char not in index:
                raise ValueError(
                    f"Line {row} has the character {char!r}, which is not in the vocabulary {vocabulary!r}. "
                    f"Received: line={line!r}"
                )
            ids[row, col] = index[char]
    return ids


def decode(ids, vocabulary):
    """The strings of ids `[n, steps]` (indices into `END + vocabulary`),
    each up to its first `END`. An index outside is a ValueError naming it."""
    vocabulary = _check_vocabulary(vocabulary)
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"`ids` must be integers of shape [n, steps]. Received: ids of shape {ids.shape} and dtype {ids.dtype}")
    bad = (ids < 0) | (ids > len(vocabulary))
    if bad.any():
        raise ValueError(
            f"Character indices lie in [0, {len(vocabulary)}] (0: the end symbol) for the vocabulary "
            f"{vocabulary!r}. Received: {sorted(set(ids[bad].tolist()))[:10]}"
        )
    symbols = np.array(["\n", *vocabulary])
    return ["".join(symbols[row]).split("\n", 1)[0] for row in ids]


def one_hot(ids, vocabulary_size):
    """float32 one-hots `[n, steps, vocabulary_size + 1]` of `ids` (`END` included)."""
    return np.eye(vocabulary_size + 1, dtype=np.float32)[ids]


def read_lines(path):
    """The non-blank lines of the UTF-8 file `path` (line endings removed)."""
    spec = f"text:{path}"
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No text file at {path}. Received: spec={spec!r}")
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line.rstrip("\r\n") for line in f]
    except UnicodeDecodeError as e:
        raise ValueError(f"{spec} is not UTF-8 text: {e}. Received: spec={spec!r}") from None
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise ValueError(f"{spec} has no characters: text needs at least one non-blank line. Received: spec={spec!r}")
    return lines


def check_length(sequence_length, longest, spec):
    """`sequence_length` (default `longest + 1`): positive and at most the
    longest line plus its end symbol."""
    if sequence_length is None:
        return longest + 1
    if isinstance(sequence_length, bool) or not isinstance(sequence_length, (int, np.integer)) or sequence_length < 1:
        raise ValueError(f"`sequence_length` must be a positive int. Received: sequence_length={sequence_length!r}")
    if sequence_length > longest + 1:
        raise ValueError(
            f"{spec}: sequence_length is above the longest line ({longest} characters, {longest + 1} with its end "
            f"symbol), so its last positions would be padding in every example. Received: sequence_length={sequence_length}"
        )
    return int(sequence_length)


def with_length(source, sequence_length, image_shape, spec):
    """`load`'s sample shape for `sequence_length` (text sources only)."""
    if not isinstance(source, TextSource):
        raise ValueError(f"`sequence_length` is for text sources (text:<file>, dates). Received: spec={spec!r}")
    if image_shape is not None and tuple(image_shape)[:1] != (sequence_length,):
        raise ValueError(
            f"Pass sequence_length or image_shape, not two lengths. Received: sequence_length={sequence_length!r}, "
            f"image_shape={tuple(image_shape)}"
        )
    vocabulary, longest = source.corpus(source.argument(spec))
    return (check_length(sequence_length, longest, spec), len(vocabulary) + 1)


class TextSource(Source):
    """A source of text lines as one-hots; subclasses give `lines(arg, split_name)`
    (a split's lines) and `corpus(arg)` (`(vocabulary, longest line)` of all splits).

    The sample shape (`image_shape`) is `(sequence_length, len(vocabulary) + 1)`,
    by default the longest line plus its end symbol.
    """

    takes_argument = True

    def lines(self, arg, split_name):
        raise NotImplementedError

    def corpus(self, arg):
        raise NotImplementedError

    def argument(self, spec):
        return spec.split(":", 1)[1] if ":" in spec else self.aliases[spec]

    def vocabulary(self, spec):
        """The vocabulary of `spec`, a string (`text_gan`'s `vocabulary`)."""
        return self.corpus(self.argument(spec))[0]

    def check_shape(self, image_shape, spec):
        """`(sequence_length, vocabulary size + 1)`: checked, or the default."""
        vocabulary, longest = self.corpus(self.argument(spec))
        if image_shape is None:
            return (longest + 1, len(vocabulary) + 1)
        shape = tuple(image_shape)
        if len(shape) != 2 or shape[1] != len(vocabulary) + 1:
            raise ValueError(
                f"{spec} holds one-hots of {len(vocabulary) + 1} symbols per position, [sequence_length, "
                f"{len(vocabulary) + 1}]. Received: image_shape={shape}"
            )
        return (check_length(shape[0], longest, spec), shape[1])

    def convert(self, values, image_shape, spec):
        return values

    def info(self, arg, split_name, data_dir=None):
        vocabulary, longest = self.corpus(arg)
        return DataInfo(len(self.lines(arg, split_name)), (longest + 1, len(vocabulary) + 1), None, None)

    def arrays(self, arg, split_name, image_shape, take):
        vocabulary, longest = self.corpus(arg)
        length = longest + 1 if image_shape is None else image_shape[0]
        lines = self.lines(arg, split_name)
        ids = encode(lines[take(len(lines))], vocabulary, length)
        return one_hot(ids, len(vocabulary)), None


@register_source("text")
class TextFile(TextSource):
    specs = ("text:<file>",)

    def corpus(self, arg):
        lines = read_lines(arg)
        return vocabulary_of(lines), max(map(len, lines))

    def lines(self, arg, split_name):
        lines = read_lines(arg)
        checks.only_train(split_name, f"text:{arg}", len(lines))
        return np.array(lines, dtype=object)
