"""The source registry: each kind of dataset is a `Source` registered by kind.

A new kind of data is one module with a `Source` subclass decorated with
`@register_source("kind")`, imported by `tfgan_zoo.data` (which imports the
modules in the order their specs are listed in `SOURCES`).

Example:

>>> parse_spec("idx:../shared/data/mnist")
('idx', '../shared/data/mnist')
>>> parse_spec("mnist")
('tfds', 'mnist')
>>> get_source("digits").info(None, "train").num_examples
1797
"""

import collections

from tfgan_zoo.data import checks, pipeline, splits, transform

DataInfo = collections.namedtuple("DataInfo", ["num_examples", "image_shape", "num_classes", "class_names"])
DataInfo.__doc__ = """What a source holds: example count, native image shape (None if it
varies), number of classes (None if unlabelled) and class names."""

_REGISTRY = {}


def register_source(kind):
    """Class decorator: registers an instance of a `Source` subclass as `kind`."""

    def register(cls):
        if kind in _REGISTRY:
            raise ValueError(f"A dataset source {kind!r} is already registered. Received: kind={kind!r}")
        cls.kind = kind
        _REGISTRY[kind] = cls()
        return cls

    return register


def get_source(kind):
    """The registered `Source` of `kind` (as `parse_spec` returns it)."""
    if kind not in _REGISTRY:
        raise ValueError(f"No dataset source {kind!r}; registered: {sorted(_REGISTRY)}. Received: kind={kind!r}")
    return _REGISTRY[kind]


def specs():
    """How each registered spec is written, in registration order."""
    return tuple(s for source in _REGISTRY.values() for s in source.specs)


def parse_spec(spec):
    """Splits `spec` into `(kind, argument)`; unknown specs list the valid ones."""
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"A dataset spec is a non-empty string, one of {specs()}. Received: spec={spec!r}")
    for kind, source in _REGISTRY.items():
        if spec in source.aliases:
            return kind, source.aliases[spec]
    kind, sep, arg = spec.partition(":")
    if sep and arg and kind in _REGISTRY and _REGISTRY[kind].takes_argument:
        return kind, arg
    raise ValueError(f"Unknown dataset spec {spec!r}. Valid specs: {list(specs())}. Received: spec={spec!r}")


class Source:
    """One kind of dataset. Subclasses set:

    - `specs`: how its specs are written (listed in `SOURCES` and errors);
    - `aliases`: whole specs that name it, mapped to the argument each means;
    - `takes_argument`: whether `kind:<argument>` specs name it;
    - `shard_files`: whether its `tf.data` pipeline reads files that
      tf.distribute can split between workers;

    and give `info(arg, split_name, data_dir)`, a `DataInfo` of a whole split
    read cheaply (headers, listings, known counts; never every example), and
    either `arrays(arg, split_name, image_shape, take)` or, for sources read
    as `tf.data` only, `stream(...)`. `arrays` returns the examples of the
    rows `take(count)` selects (a `slice`; take it before decoding where the
    format allows) as NumPy `(values, labels or None)`: uint8 images, or
    floats in [-1, 1].
    """

    kind = None
    specs = ()
    aliases = {}
    takes_argument = False
    shard_files = False

    def check_shape(self, image_shape, spec):
        """The checked `image_shape` argument (images: `(h, w, c)` or None)."""
        return checks.image_shape(image_shape)

    def convert(self, values, image_shape, spec):
        """NumPy examples -> the model's range and shape."""
        checks.channels(values.shape[-1], image_shape, spec)
        return transform.model_range(values, image_shape)

    def info(self, arg, split_name, data_dir=None):
        raise NotImplementedError

    def arrays(self, arg, split_name, image_shape, take):
        raise NotImplementedError

    def describe(self, spec, arg, split, data_dir=None):
        """`info` of the rows of `split` (a name and slice)."""
        cut = splits.parse_split(split)
        whole = self.info(arg, cut.name, data_dir)
        rows = cut.rows(whole.num_examples, spec)
        return whole._replace(num_examples=rows.stop - rows.start)

    def load_arrays(self, spec, arg, split, image_shape, num_classes, data_dir=None):
        """The rows of `split`, checked and converted: `(values, labels or None)`."""
        if type(self).arrays is Source.arrays:
            readable = [s for src in _REGISTRY.values() if type(src).arrays is not Source.arrays for s in src.specs]
            raise ValueError(f"load_arrays reads the in-memory sources {readable}. Received: spec={spec!r}")
        cut = splits.parse_split(split)
        image_shape = self.check_shape(image_shape, spec)
        values, labels = self.arrays(arg, cut.name, image_shape, lambda count: cut.rows(count, spec))
        checks.finite(values, spec)
        checks.labels(labels, num_classes, spec)
        return self.convert(values, image_shape, spec), labels

    def stream(self, spec, arg, split, image_shape, num_classes, shuffle, seed, data_dir=None):
        """An unbatched `pipeline.Stream` of the rows of `split`; `image_shape` is checked."""
        values, labels = self.load_arrays(spec, arg, split, image_shape, num_classes, data_dir)
        return pipeline.examples(values, labels, shuffle, seed)
