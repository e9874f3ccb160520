"""Lazy engines: Dask, and PySpark/DuckDB/polars lazy through narwhals.

The engines compute sums and counts where the data lives and hand back small
arrays; they never import a model.
"""

from __future__ import annotations
