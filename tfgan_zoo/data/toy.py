"""`ring8`, `grid25`: 2-D toy data, mixtures of Gaussians that probe mode collapse.

The datasets are scaled into [-1, 1] (a tanh generator can reach every
mode): the ring of 8 Gaussians of Metz et al. (radius 2, std 0.02) and the
5x5 grid of Srivastava et al. / Lin et al. (spacing 2, std 0.05), shrunk
by 0.4 and 0.2 respectively. Each holds `TOY_EXAMPLES` fixed points
(seed 0); labels are the mode index.

Example:

>>> centers, std = toy_modes("ring8")
>>> centers.shape, std
((8, 2), 0.008)
"""

import numpy as np

from tfgan_zoo.data import checks
from tfgan_zoo.data.sources import DataInfo, Source, register_source

TOY_EXAMPLES = 10_000
TOY = {
    "ring8": {
        "centers": 0.8 * np.stack(
            [np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], axis=1
        ),
        "std": 0.008,
    },
    "grid25": {
        "centers": np.stack(np.meshgrid(np.linspace(-0.8, 0.8, 5), np.linspace(-0.8, 0.8, 5)), -1).reshape(-1, 2),
        "std": 0.01,
    },
}


def toy_modes(spec):
    """`(centers [modes, 2], std)` of a toy dataset (`"ring8"`, `"grid25"`)."""
    if spec not in TOY:
        raise ValueError(f"Unknown toy dataset {spec!r}. Valid: {sorted(TOY)}. Received: spec={spec!r}")
    return TOY[spec]["centers"].astype(np.float32), TOY[spec]["std"]


@register_source("toy")
class Toy(Source):
    specs = tuple(TOY)
    aliases = {name: name for name in TOY}

    def check_shape(self, image_shape, spec):
        if image_shape is not None and tuple(image_shape) != (2,):
            raise ValueError(f"{spec} holds 2-D points. Received: image_shape={tuple(image_shape)}")
        return image_shape

    def convert(self, values, image_shape, spec):
        return values  # Points are already float32 in [-1, 1].

    def info(self, arg, split_name, data_dir=None):
        checks.only_train(split_name, arg, TOY_EXAMPLES)
        modes = len(TOY[arg]["centers"])
        return DataInfo(TOY_EXAMPLES, (2,), modes, [str(i) for i in range(modes)])

    def arrays(self, arg, split_name, image_shape, take):
        checks.only_train(split_name, arg, TOY_EXAMPLES)
        centers, std = toy_modes(arg)
        rng = np.random.default_rng(0)  # The dataset is fixed.
        labels = rng.integers(0, len(centers), TOY_EXAMPLES).astype(np.int32)
        points = (centers[labels] + rng.normal(0.0, std, (TOY_EXAMPLES, 2))).astype(np.float32)
        rows = take(TOY_EXAMPLES)
        return points[rows], labels[rows]
