"""Tabular GANs: tables of continuous and categorical columns (CTGAN-style)."""

from tfgan_zoo.models.tabular.transformer import TableTransformer

__all__ = ["TableTransformer"]
