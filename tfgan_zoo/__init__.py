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

__all__ = [
    "__version__",
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
