"""GAN variants. Importing this package registers every variant.

A new variant is one new module in this package (or a family folder such
as `critics/`) whose class carries `@register_model("name")`: every module
here is imported below, so nothing else needs to list it.
"""

import importlib
import pkgutil

from tfgan_zoo import registry
from tfgan_zoo.models.base import GAN

# Modules that hold no variant.
_SUPPORT = {"base", "batches", "construction", "family", "hparams", "noise", "optimizers", "replicas"}


def _import_variants():
    for info in pkgutil.walk_packages(__path__, prefix=__name__ + "."):
        if info.name.rsplit(".", 1)[-1] not in _SUPPORT:
            importlib.import_module(info.name)


_import_variants()
# Each registered class by its class name: `tfgan_zoo.models.DCGAN`.
globals().update({cls.__name__: cls for cls in map(registry.get_model_class, registry.available_models())})

__all__ = ["GAN"] + sorted(cls.__name__ for cls in map(registry.get_model_class, registry.available_models()))
