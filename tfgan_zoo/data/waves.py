"""`waves`: sine and sawtooth sequences, the data RCGAN is shown on.

Each example is a signal of `STEPS` = 30 time steps and `num_features`
channels (default 1), `amplitude * w(2 pi frequency t / STEPS + phase)`
for `t = 0 .. 29`, with `w` the sine (label 0) or the sawtooth (label 1,
`scipy.signal.sawtooth`: rising from -1 to 1 over each period). Every
channel draws its own

- frequency from U[1, 5] cycles per sequence (`FREQUENCY`),
- amplitude from U[0.1, 0.9] (`AMPLITUDE`), so values lie in [-0.9, 0.9],
- phase (offset) from U[-pi, pi] (`PHASE`),

as in Esteban, Hyland & Raetsch (2017). The classes are exactly balanced.
The `train` split holds 10,000 examples (seed 0), `test` 2,000 (seed 1);
a seed always gives the same waves (`waves(n, seed=...)`).

Two ways in, the same arrays:

- `tfgan_zoo.data.load("waves", batch_size)` (or `"waves:3"` for three
  channels), in memory, with the package's split slicing;
- `tfds.load("waves")` (configs `waves/1d`, the default, and `waves/3d`),
  a tensorflow-datasets builder registered when `tfgan_zoo.data` is
  imported, which prepares with no network.

Example:

>>> x, y = waves(4, seed=0)
>>> x.shape, x.dtype, y.tolist()
((4, 30, 1), dtype('float32'), [0, 0, 1, 1])
"""

import numpy as np
import scipy.signal
import tensorflow_datasets as tfds

from tfgan_zoo.data.sources import DataInfo, Source, register_source

STEPS = 30
FREQUENCY = (1.0, 5.0)
AMPLITUDE = (0.1, 0.9)
PHASE = (-np.pi, np.pi)
CLASS_NAMES = ("sine", "sawtooth")
SPLITS = {"train": (10_000, 0), "test": (2_000, 1)}  # (examples, seed)


def waves(num_examples, num_features=1, seed=0, steps=STEPS):
    """`(values float32 [n, steps, num_features] in [-0.9, 0.9], labels int32 [n])`.

    Labels alternate 0/1 in a seeded random order (exactly balanced for an
    even `n`); each channel of each example draws its frequency, amplitude
    and phase from the module's ranges.
    """
    num_examples, num_features, steps = (
        _positive(v, name) for v, name in ((num_examples, "num_examples"), (num_features, "num_features"), (steps, "steps"))
    )
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(num_examples) % 2).astype(np.int32)
    shape = (num_examples, 1, num_features)
    frequency = rng.uniform(*FREQUENCY, shape)
    amplitude = rng.uniform(*AMPLITUDE, shape)
    phase = rng.uniform(*PHASE, shape)
    theta = 2 * np.pi * frequency * np.arange(steps)[None, :, None] / steps + phase
    values = np.where(labels[:, None, None] == 0, np.sin(theta), scipy.signal.sawtooth(theta))
    return (amplitude * values).astype(np.float32), labels


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


def split_arrays(split_name, num_features=1):
    """The whole `train` or `test` split: `(values, labels)`."""
    if split_name not in SPLITS:
        raise ValueError(f"waves has splits {sorted(SPLITS)}. Received: split={split_name!r}")
    count, seed = SPLITS[split_name]
    return waves(count, num_features, seed=seed)


def _features_arg(arg, spec):
    try:
        num_features = int(arg)
    except ValueError:
        num_features = 0
    if num_features < 1 or str(num_features) != arg:
        raise ValueError(f"waves:<num_features> takes a positive int, e.g. 'waves:3'. Received: spec={spec!r}")
    return num_features


@register_source("waves")
class WavesSource(Source):
    specs = ("waves", "waves:<num_features>")
    aliases = {"waves": "1"}
    takes_argument = True

    def check_shape(self, image_shape, spec):
        """The sample shape `(30, num_features)` of `spec`, or None."""
        if image_shape is None:
            return None
        arg = spec.split(":", 1)[1] if ":" in spec else "1"
        want = (STEPS, _features_arg(arg, spec))
        if tuple(image_shape) != want:
            raise ValueError(f"{spec} holds sequences of shape {want}. Received: image_shape={tuple(image_shape)}")
        return want

    def convert(self, values, image_shape, spec):
        return values  # Already float32 in [-1, 1].

    def info(self, arg, split_name, data_dir=None):
        num_features = _features_arg(arg, f"waves:{arg}")
        if split_name not in SPLITS:
            raise ValueError(f"waves has splits {sorted(SPLITS)}. Received: split={split_name!r}")
        return DataInfo(SPLITS[split_name][0], (STEPS, num_features), 2, list(CLASS_NAMES))

    def arrays(self, arg, split_name, image_shape, take):
        values, labels = split_arrays(split_name, _features_arg(arg, f"waves:{arg}"))
        rows = take(len(values))
        return values[rows], labels[rows]


class WavesConfig(tfds.core.BuilderConfig):
    """A `waves` config: the number of channels."""

    def __init__(self, *, num_features=1, **kwargs):
        super().__init__(**kwargs)
        self.num_features = num_features


class Waves(tfds.core.GeneratorBasedBuilder):
    """Sine (label 0) and sawtooth (label 1) sequences of 30 steps; see `tfgan_zoo.data.waves`."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Sines and sawtooths, 30 steps, train 10,000 (seed 0) / test 2,000 (seed 1)."}
    BUILDER_CONFIGS = [
        WavesConfig(name="1d", num_features=1, description="One channel."),
        WavesConfig(name="3d", num_features=3, description="Three independent channels."),
    ]

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "sequence": tfds.features.Tensor(shape=(STEPS, self.builder_config.num_features), dtype=np.float32),
                    "label": tfds.features.ClassLabel(names=list(CLASS_NAMES)),
                }
            ),
            supervised_keys=("sequence", "label"),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Nothing to download.
        return {name: self._generate_examples(name) for name in SPLITS}

    def _generate_examples(self, split_name):
        values, labels = split_arrays(split_name, self.builder_config.num_features)
        for i, (sequence, label) in enumerate(zip(values, labels)):
            yield i, {"sequence": sequence, "label": int(label)}
