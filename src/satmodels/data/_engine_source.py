"""Large files opened in DuckDB without reading them: :func:`engine_source`.

The command line (``satmodels ratio FILE``), :func:`~satmodels.data._io.read_columns`
and the study runner hand a large CSV or Parquet file to DuckDB, which
scans it and computes sums (or the requested columns) in its engine.
This module imports neither numpy nor the rest of the ingestion layer, so
that the command line starts DuckDB's scan quickly.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["EngineSource", "engine_source"]

_CSV_SUFFIXES = (".csv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_PARQUET_MAGIC = b"PAR1"
#: DuckDB's own memory budget (a query that needs more fails, and the file
#: is then read in memory) and threads (each adds reader buffers and hash
#: tables, ~60 MB).
_ENGINE_MEMORY = "256MB"
_ENGINE_THREADS = 2
#: Text of the CSV header looked at before a file is handed to DuckDB.
_HEAD_BYTES = 1 << 20
#: Missing-value markers of read_columns in the spellings DuckDB is given
#: (other spellings fail the DuckDB scan, and read_columns reads the file).
_NULL_MARKERS = (
    "", " ", "NA", "na", "Na", "N/A", "n/a", "NaN", "nan", "NAN",
    "null", "NULL", "Null", "None", "none", "NONE",
)  # fmt: skip
_NUMERIC = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
    "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
    "DECIMAL", '"NULL"', "NULL",
)  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class EngineSource:
    """A file opened in DuckDB: the requested columns as DOUBLE expressions.

    Attributes
    ----------
    connection : duckdb.DuckDBPyConnection
        A private in-memory connection (close it when done).
    relation : str
        A ``FROM`` item whose columns ``q0``, ``q1``, ... are the requested
        columns, in order: DOUBLE, NULL where the cell is missing. A cell
        that is not a number makes the query fail (``duckdb.Error``).
    retry : str or None
        The same ``FROM`` item with every missing-value marker, when
        ``relation`` has only the markers found in the file's first
        megabyte (each marker costs DuckDB a string comparison per cell:
        the sixteen cost a third of a scan). A marker first met later
        fails the scan of ``relation`` (or, spelled as a NaN, makes it
        refuse the file): scan ``retry`` then, before the file goes to
        the in-memory reader. None for Parquet, and when the head holds
        every marker.
    head : str
        A CSV's first megabyte as text (header line first), for a caller
        that can judge its answers from the first rows without asking
        DuckDB; empty for Parquet.
    positions : tuple of int
        Field number (0-based) in ``head``'s lines of ``q0``, ``q1``, ...;
        empty for Parquet.
    """

    connection: Any = field(repr=False)
    relation: str
    retry: str | None = None
    head: str = field(default="", repr=False)
    positions: tuple[int, ...] = ()

    @property
    def relations(self) -> tuple[str, ...]:
        """The ``FROM`` items to try in turn: ``relation``, then ``retry``."""
        return (self.relation,) if self.retry is None else (self.relation, self.retry)


def engine_source(
    path: str | Path,
    columns: Sequence[str],
    *,
    encoding: str = "utf-8",
    text: Sequence[str] = (),
) -> EngineSource | None:
    """Open a CSV or Parquet file in DuckDB without reading it into memory.

    The fast path of the command line: DuckDB scans the file and computes
    sums in its engine, so memory does not grow with the file. Only a
    clean, unambiguous case is taken: a UTF-8 CSV whose header (parsed
    as :func:`read_columns` parses it) names every requested column
    once, or a Parquet file whose requested columns are numeric. Anything
    else (DuckDB not installed, another encoding, an unknown or duplicate
    column, a non-numeric Parquet column) returns None, and the caller
    reads the file with :func:`read_columns`, whose messages name the
    problem. Cells are converted as :func:`read_columns` converts them:
    surrounding spaces are ignored and the usual spellings of the
    missing-value markers are NULL (a NaN value is left to the caller,
    which counts it). One difference remains: DuckDB reads ``1_000`` as
    1000, which :func:`read_columns` refuses as not a number. Columns
    named in ``text`` are read as text (VARCHAR).

    Returns
    -------
    EngineSource or None
    """
    try:
        import duckdb  # noqa: PLC0415 - optional engine
    except ImportError:
        return None
    p = Path(path)
    if not p.is_file():
        return None
    wanted = list(dict.fromkeys(columns))
    suffix = p.suffix.lower()
    try:
        with p.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = '{_ENGINE_MEMORY}'")
        con.execute(f"SET threads = {_ENGINE_THREADS}")
        con.execute("SET temp_directory = ''")  # never spill into the user's cwd
        if suffix in _PARQUET_SUFFIXES or head.startswith(_PARQUET_MAGIC):
            src = _parquet_source(con, str(p), wanted, frozenset(text))
        elif suffix in _CSV_SUFFIXES:
            src = _csv_source(
                con, str(p), wanted, head, encoding, text_columns=frozenset(text)
            )
        else:
            src = None
    except duckdb.Error:
        src = None
    if src is None:
        con.close()
    return src


def _sql_path(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _csv_source(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    path: str,
    wanted: list[str],
    head: bytes,
    encoding: str,
    *,
    text_columns: frozenset[str] = frozenset(),
) -> EngineSource | None:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return None
    if codec != "utf-8" or not head.strip():
        return None
    text = head.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    if not first.strip() or '"' in first or "\r" in first.rstrip("\r"):
        return None  # a blank first line or a quoted header: the exact reader
    if len(head) == _HEAD_BYTES and "\n" not in text:
        return None
    header = [h.strip() for h in next(csv.reader([first.rstrip("\r")]))]
    if any(header.count(c) != 1 for c in wanted):
        return None
    types = ", ".join(
        f"'c{k}': '{'DOUBLE' if h in wanted and h not in text_columns else 'VARCHAR'}'"
        for k, h in enumerate(header)
    )
    cols = ", ".join(f"c{header.index(c)} AS q{k}" for k, c in enumerate(wanted))

    def relation(markers: Sequence[str]) -> str:
        nulls = ", ".join(f"'{m}'" for m in markers)
        # no sniffing: the reader checks every row against the header (a
        # ragged row, a cell that is not a number or not UTF-8 is an error,
        # and the file then goes to read_columns, whose message names it)
        rel = (
            f"read_csv({_sql_path(path)}, auto_detect = false, header = true, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = false, columns = {{{types}}}, nullstr = [{nulls}])"
        )
        return f"(SELECT {cols} FROM {rel})"  # noqa: S608 - quoted path, our names

    seen = _markers_in(text)
    every = relation(_NULL_MARKERS)
    at = tuple(header.index(c) for c in wanted)
    if len(seen) == len(_NULL_MARKERS):
        return EngineSource(connection=con, relation=every, head=text, positions=at)
    return EngineSource(
        connection=con, relation=relation(seen), retry=every, head=text, positions=at
    )


def _markers_in(text: str) -> tuple[str, ...]:
    """Return the missing-value markers that are cells of ``text`` (and ``''``).

    A cell counts with and without its surrounding spaces, so a marker is
    kept whenever DuckDB might meet it in these rows. A marker that is not
    even a substring of ``text`` (a space, for ``' '``) is no cell: in a
    file of numbers that settles every marker without splitting a
    megabyte into cells (a tenth of a second).
    """
    if not any((m.strip() or " ") in text for m in _NULL_MARKERS if m):
        return ("",)
    cells: set[str] = set()
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            cells.add(cell)
            cells.add(cell.strip())
    return tuple(m for m in _NULL_MARKERS if m == "" or m in cells)


def _parquet_source(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    path: str,
    wanted: list[str],
    text: frozenset[str] = frozenset(),
) -> EngineSource | None:
    rel = f"read_parquet({_sql_path(path)})"
    schema = {
        str(r[0]): str(r[1])
        for r in con.sql(f"DESCRIBE SELECT * FROM {rel}").fetchall()  # noqa: S608
    }
    if any(c not in schema for c in wanted):
        return None
    numeric = [c for c in wanted if c not in text]
    if any(not schema[c].upper().startswith(_NUMERIC) for c in numeric):
        return None
    cols = ", ".join(
        f"CAST({_ident(c)} AS {'VARCHAR' if c in text else 'DOUBLE'}) AS q{k}"
        for k, c in enumerate(wanted)
    )
    relation = f"(SELECT {cols} FROM {rel})"  # noqa: S608 - quoted names
    return EngineSource(connection=con, relation=relation)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
