"""`digits`: scikit-learn's bundled 8x8 digits (1,797 images, 10 classes); no download.

Example:

>>> Digits().info(None, "train")
DataInfo(num_examples=1797, image_shape=(8, 8, 1), num_classes=10, class_names=['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
"""

import numpy as np

from tfgan_zoo.data import checks
from tfgan_zoo.data.sources import DataInfo, Source, register_source

NUM_EXAMPLES = 1797
CLASS_NAMES = [str(i) for i in range(10)]


@register_source("digits")
class Digits(Source):
    specs = ("digits",)
    aliases = {"digits": None}

    def info(self, arg, split_name, data_dir=None):
        checks.only_train(split_name, "digits", NUM_EXAMPLES)
        return DataInfo(NUM_EXAMPLES, (8, 8, 1), len(CLASS_NAMES), list(CLASS_NAMES))

    def arrays(self, arg, split_name, image_shape, take):
        checks.only_train(split_name, "digits", NUM_EXAMPLES)
        from sklearn.datasets import load_digits

        digits = load_digits()
        rows = take(len(digits.images))
        images = (digits.images[rows] * (255.0 / 16.0)).round().astype(np.uint8)[..., None]
        return images, digits.target[rows].astype(np.int32)
