"""The file size from which satmodels reads a file through DuckDB.

Below it a file is read into memory, which is as fast and costs under
200 MB; from it on, DuckDB parses the file: the command line scans it
for sums (``cli``), :func:`~satmodels.data._io.read_columns` reads only
the requested columns, and the study runner stages the study's columns
in a temporary Parquet file. Each of those modules keeps its own name
for the value, so that a test or a benchmark can force one path alone.
This module imports nothing: the command line reads it before DuckDB
starts.
"""

from __future__ import annotations

__all__ = ["ENGINE_MIN_BYTES"]

#: 16 MiB.
ENGINE_MIN_BYTES = 16 * 2**20
