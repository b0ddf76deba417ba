"""Tabular GANs: tables of continuous and categorical columns (CTGAN-style).

`TableTransformer` encodes a table (see `tfgan_zoo.data.table` to read
one); `TabularWGANGP` (`"tabular_wgan_gp"`) trains on the encoded rows.
"""

from tfgan_zoo.models.tabular.tabular_wgan_gp import TabularWGANGP
from tfgan_zoo.models.tabular.transformer import TableTransformer

__all__ = ["TableTransformer", "TabularWGANGP"]
