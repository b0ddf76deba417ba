"""Installs tfgan_zoo."""

import os
import re

import setuptools

HERE = os.path.dirname(os.path.abspath(__file__))


def _version():
    with open(os.path.join(HERE, "tfgan_zoo", "version.py")) as f:
        return re.search(r'__version__ = "([^"]+)"', f.read()).group(1)


def _readme():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        return f.read()


setuptools.setup(
    name="tfgan_zoo",
    version=_version(),
    description="Generative adversarial networks for Keras 3 and TensorFlow.",
    long_description=_readme(),
    long_description_content_type="text/markdown",
    packages=setuptools.find_packages(include=["tfgan_zoo", "tfgan_zoo.*", "launchers"]),
    python_requires=">=3.10",
    install_requires=[
        "tensorflow>=2.16",
        "keras>=3.0",
        "tensorflow-datasets>=4.9",
        # tfds 4.9.10 imports it when it prepares a dataset, but declares it
        # only for Python < 3.9.
        "importlib_resources>=5",
        "tensorflow-probability[tf]>=0.24",
        "absl-py>=1.0",
        # tf.summary (MetricsCallback's TensorBoard logs); no longer pulled
        # in by the tensorflow wheel.
        "tensorboard>=2.16",
        # Warm-up records and the gRPC client (tfgan_zoo.serving).
        "tensorflow-serving-api>=2.16",
        "numpy>=1.23",
        "scipy>=1.10",
        "scikit-learn>=1.2",
        "pandas>=2.0",
        "scikit-image>=0.19",
        # The per-column plots of a table run (launchers.train --dataset=csv:...).
        "matplotlib>=3.5",
    ],
    extras_require={
        "test": [
            "pytest>=7",
            "pytest-timeout>=2",
            "pytest-xdist>=3",
        ],
        # benchmarks/quality.py's FID-over-training plot.
        "bench": ["matplotlib>=3.5"],
    },
    license="Apache-2.0",
)
