"""tfgan_zoo: generative adversarial networks for Keras 3 and TensorFlow.

Example:

>>> import tfgan_zoo
>>> "dcgan" in tfgan_zoo.available_models()
True
"""

from tfgan_zoo import losses
from tfgan_zoo import models
from tfgan_zoo import networks
from tfgan_zoo import priors
from tfgan_zoo.registry import available_models
from tfgan_zoo.registry import create
from tfgan_zoo.registry import get_model_class
from tfgan_zoo.registry import model_hparams
from tfgan_zoo.registry import register_model
from tfgan_zoo.version import __version__

# Imported on first use (`tfgan_zoo.data.load(...)` after `import
# tfgan_zoo`), so that `import tfgan_zoo` stays as fast as the core.
_LAZY_SUBMODULES = (
    "benchmarking",
    "callbacks",
    "compat",
    "data",
    "distribute",
    "export",
    "images",
    "metrics",
    "objective",
    "regularizers",
    "sampling",
    "serving",
    "training",
)


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"tfgan_zoo.{name}")
    raise AttributeError(f"module 'tfgan_zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))

__all__ = [
    "__version__",
    *_LAZY_SUBMODULES,
    "available_models",
    "create",
    "get_model_class",
    "losses",
    "model_hparams",
    "models",
    "networks",
    "priors",
    "register_model",
]
