"""Reading survey files for the command line: CSV (stdlib) and Parquet.

CSV needs nothing beyond the standard library; Parquet uses pyarrow, or
polars when pyarrow is not installed. Only the requested columns are
converted to numbers. Every problem is an :class:`InputError` whose message
starts with the path as given and names the column (and, through
``named_by``, the command-line flag that asked for it).

Conventions of the CSV reader
-----------------------------
- Comma-separated, first row is the header; a UTF-8 byte-order mark is
  ignored. Header names are stripped of surrounding spaces.
- Empty cells and ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` (any case)
  are missing (NaN). Any other cell of a requested column must be a number
  (``3``, ``-1.5``, ``2e3``); anything else is an error naming the cell.
- Blank lines are skipped; every other row must have as many fields as the
  header.
- A requested column whose name appears twice in the header is an error
  (duplicates among columns not read are ignored).
- Row numbers are 1-based and count data rows only (the header is not a
  row): "row 3 of data (line 4 of the file)". The line is where the row
  starts in the file, so a quoted cell spanning lines or a skipped blank
  line makes the two differ. Row ``k`` of data is element ``k - 1`` of the
  returned arrays.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from .._limits import ENGINE_MIN_BYTES
from .._typing import FloatArray
from ..exceptions import InputError
from ._engine_source import (
    _CSV_SUFFIXES,
    _PARQUET_MAGIC,
    _PARQUET_SUFFIXES,
    EngineSource,
    engine_source,
)

__all__ = ["EngineSource", "FileColumns", "engine_source", "read_columns"]

_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
_MAX_LISTED = 20
#: CSV files from this size on are read by DuckDB in :func:`read_columns`.
_COLUMNS_MIN_BYTES = ENGINE_MIN_BYTES


@dataclass(frozen=True, slots=True, eq=False)
class FileColumns(Mapping[str, FloatArray]):
    """The requested columns of a file, as a mapping of name to float array.

    Attributes
    ----------
    path : str
        The path as given.
    lines : ndarray of int or None
        For CSV files, the 1-based line of the file where each data row
        starts; None for Parquet.
    """

    path: str
    columns: dict[str, FloatArray] = field(repr=False)
    lines: np.ndarray[Any, np.dtype[np.int64]] | None = field(default=None, repr=False)

    def __getitem__(self, key: str) -> FloatArray:
        return self.columns[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def where(self, index: int) -> str:
        """Describe the row at 0-based array ``index`` for a message."""
        return _where(index, self.lines)


def read_columns(
    path: str | Path,
    columns: Sequence[str],
    *,
    encoding: str = "utf-8",
    named_by: Mapping[str, str] | None = None,
    text: Sequence[str] = (),
) -> FileColumns:
    """Read the named numeric columns of a CSV or Parquet file.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt`` file (comma-separated, header row) or a Parquet
        file (``.parquet``, ``.pq``, or any file starting with ``PAR1``).
    columns : sequence of str
        Columns to read, nothing else is converted.
    encoding : str
        Text encoding of a CSV file (default UTF-8, with or without a
        byte-order mark).
    named_by : mapping of str to str, optional
        How each column was asked for (e.g. ``{"p1": "--perceived"}``), quoted
        next to the column in messages.
    text : sequence of str
        Columns of ``columns`` read as labels (e.g. segments): an object
        array of stripped strings, ``None`` where the cell is missing.

    Returns
    -------
    FileColumns
        A mapping of each requested column to a float64 array (NaN where the
        cell is missing), with the file's line of each row.

    Raises
    ------
    InputError
        Missing file, a directory, an unknown format or encoding, an empty
        file, a file without data rows, an unknown or duplicated column,
        ragged rows, a cell that is not a number, or Parquet without pyarrow
        or polars. The message starts with the path.
    """
    reader = _Reader(
        str(path), list(dict.fromkeys(columns)), named_by or {}, frozenset(text)
    )
    p = Path(path)
    if p.is_dir():
        reader.fail("is a directory, not a file; give the CSV or Parquet file")
    if not p.exists():
        reader.fail("file not found")
    fast = _columns_on_engine(p, reader, encoding)
    if fast is not None:
        return fast
    try:
        raw = p.read_bytes()
    except OSError as exc:
        reader.fail(f"cannot read the file ({exc.strerror})")
    suffix = p.suffix.lower()
    if suffix in _PARQUET_SUFFIXES or raw.startswith(_PARQUET_MAGIC):
        return reader.parquet(raw)
    if suffix not in _CSV_SUFFIXES:
        shown = repr(suffix) if suffix else "(no suffix)"
        reader.fail(
            f"unknown file type {shown}; satmodels reads .csv and .parquet files"
        )
    return reader.csv(raw, encoding)


def _columns_on_engine(p: Path, reader: _Reader, encoding: str) -> FileColumns | None:
    """Read a large CSV file's columns with DuckDB (None: read it here).

    The pure-Python reader holds the whole text and every cell as a
    string (2.3 GB for a 203 MB file); DuckDB parses in C on every core and
    only the requested columns come back, as float64 arrays (8 bytes a
    cell). Taken only for a CSV file of at least ``_COLUMNS_MIN_BYTES``
    that :func:`~satmodels.data._engine_source.engine_source` accepts,
    whose every line is one row (no blank line, no quoted line break: the
    file's line of each row is then known for messages) and that DuckDB
    reads without an error; anything else (a cell that is not a number, a
    ragged row, ...) is left to the reader here, whose messages name the
    problem. The values are the ones the reader here gives
    (``tests/test_read_columns_engine.py`` compares them), with one
    documented difference (``1_000``, see
    :func:`~satmodels.data._engine_source.engine_source`).
    """
    try:
        if (
            p.stat().st_size < _COLUMNS_MIN_BYTES
            or p.suffix.lower() not in _CSV_SUFFIXES
        ):
            return None
    except OSError:
        return None
    src = engine_source(p, reader.wanted, encoding=encoding, text=sorted(reader.text))
    if src is None:
        return None
    import duckdb  # noqa: PLC0415 - engine_source found it

    con = src.connection
    got: dict[str, Any] | None = None
    try:
        con.execute("RESET memory_limit")  # the columns come back whole
        for relation in src.relations:
            try:
                got = con.execute(f"SELECT * FROM {relation}").fetchnumpy()  # noqa: S608
            except duckdb.Error:
                continue
            break
    finally:
        con.close()
    if got is None:
        return None
    n = len(got["q0"]) if got else 0
    if n == 0 or _lines_in(p) != n + 1:
        return None
    out: dict[str, FloatArray] = {}
    for k, c in enumerate(reader.wanted):
        v = got[f"q{k}"]
        if c in reader.text:
            cells = np.array(np.ma.getdata(v), dtype=object)
            cells[np.ma.getmaskarray(v)] = None  # NULL: a missing label
            out[c] = _labels(cells.tolist())
        else:
            out[c] = np.ma.filled(np.ma.asarray(v, dtype=np.float64), np.nan)
    lines = np.arange(2, n + 2, dtype=np.int64)
    return FileColumns(path=reader.path, columns=out, lines=lines)


def _lines_in(p: Path) -> int:
    """Return the number of lines of a file (a last line without a newline too)."""
    count, last = 0, b""
    with p.open("rb") as fh:
        while chunk := fh.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last not in {b"", b"\n"})


@dataclass(frozen=True, slots=True)
class _Reader:
    path: str
    wanted: list[str]
    named_by: Mapping[str, str]
    text: frozenset[str] = frozenset()

    def fail(self, text: str) -> NoReturn:
        """Raise the one error type, the path first, without a chained cause."""
        msg = f"{self.path}: {' '.join(text.split())}"
        raise InputError(msg) from None

    def label(self, column: str) -> str:
        flag = self.named_by.get(column)
        return f"{column!r} ({flag})" if flag else repr(column)

    def check_header(self, header: Sequence[str]) -> None:
        unknown = [c for c in self.wanted if c not in header]
        if unknown:
            words = ", ".join(self.label(c) for c in unknown)
            text = f"no column {words}" if len(unknown) == 1 else f"no columns {words}"
            hints = [
                f"did you mean {close!r} for {c!r}?"
                for c in unknown
                if (close := _close_match(c, header))
            ]
            shown = ", ".join(repr(h) for h in header[:_MAX_LISTED])
            more = len(header) - _MAX_LISTED
            if more > 0:
                shown += f", ... ({more} more)"
            text += f"; the file has {shown}"
            if len(header) == 1 and (sep := _separator(header[0])):
                text += (
                    f"; the header is one column: is the file separated by {sep}? "
                    "satmodels reads comma-separated files"
                )
            elif hints:
                text += "; " + " ".join(hints)
            self.fail(text)
        for c in self.wanted:
            where = [k + 1 for k, h in enumerate(header) if h == c]
            if len(where) > 1:
                places = ", ".join(str(k) for k in where)
                msg = (
                    f"the header names column {self.label(c)} {len(where)} times "
                    f"(columns {places}); rename the duplicates so the column "
                    "to read is unambiguous"
                )
                self.fail(msg)

    # ------------------------------------------------------------------ CSV
    def csv(self, raw: bytes, encoding: str) -> FileColumns:
        rows = csv.reader(io.StringIO(self._decode(raw, encoding), newline=""))
        try:
            header = [h.strip() for h in next((r for r in rows if r), [])]
        except csv.Error as exc:
            msg = f"malformed CSV at line {rows.line_num} of the file ({exc})"
            self.fail(msg)
        if not any(header):
            msg = "the file is empty; expected a header row naming the columns"
            self.fail(msg)
        self.check_header(header)
        idx = [header.index(c) for c in self.wanted]
        cells: list[list[str]] = [[] for _ in self.wanted]
        lines: list[int] = []
        last_line = rows.line_num
        try:
            for row in rows:
                start, last_line = last_line + 1, rows.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    msg = (
                        f"row {len(lines) + 1} of data (line {start} of the file) "
                        f"has {len(row)} field(s) but the header has {len(header)}"
                    )
                    self.fail(msg)
                lines.append(start)
                for k, i in enumerate(idx):
                    cells[k].append(row[i])
        except csv.Error as exc:
            msg = f"malformed CSV at line {rows.line_num} of the file ({exc})"
            self.fail(msg)
        if not lines:
            self.fail("the file has a header but no data rows")
        at = np.asarray(lines, dtype=np.int64)
        out = {
            c: _labels(values) if c in self.text else self._numbers(c, values, at)
            for c, values in zip(self.wanted, cells, strict=True)
        }
        return FileColumns(path=self.path, columns=out, lines=at)

    def _decode(self, raw: bytes, encoding: str) -> str:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            msg = f"unknown encoding {encoding!r} (--encoding {encoding})"
            self.fail(msg)
        if codec == "utf-8":
            codec = "utf-8-sig"
        try:
            return raw.decode(codec)
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            bad = raw[exc.start : exc.start + 1].hex().upper()
            name = "UTF-8" if codec == "utf-8-sig" else encoding
            msg = (
                f"not {name}: byte {exc.start + 1} of the file (0x{bad}, on line "
                f"{line}) cannot be decoded; "
                f"re-save the file as UTF-8 or pass --encoding with its "
                "encoding (e.g. --encoding cp1252)"
            )
            self.fail(msg)

    def _numbers(
        self, column: str, values: list[str], lines: np.ndarray[Any, Any]
    ) -> FloatArray:
        out = np.empty(len(values), dtype=np.float64)
        for r, raw in enumerate(values):
            cell = raw.strip()
            if cell.lower() in _MISSING:
                out[r] = np.nan
                continue
            try:
                if "_" in cell:  # float() would accept 1_000
                    raise ValueError  # noqa: TRY301
                out[r] = float(cell)
            except ValueError:
                hint = ""
                if cell.count(",") == 1 and cell.replace(",", "", 1).isdigit():
                    hint = " (a decimal comma? write 3.5, not 3,5)"
                msg = (
                    f"column {self.label(column)}, {_where(r, lines)}: {cell!r} is "
                    f"not a number{hint}"
                )
                self.fail(msg)
        return out

    # -------------------------------------------------------------- Parquet
    def parquet(self, raw: bytes) -> FileColumns:
        try:
            import pyarrow as pa  # noqa: PLC0415 - optional dependency
            import pyarrow.parquet as pq  # noqa: PLC0415
        except ImportError:
            return self._parquet_polars(raw)
        try:
            file = pq.ParquetFile(pa.BufferReader(raw))
        except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError
            self.fail(f"not a readable Parquet file ({exc})")
        self.check_header(file.schema_arrow.names)
        try:
            tab = file.read(columns=self.wanted)
        except (OSError, ValueError) as exc:
            self.fail(f"not a readable Parquet file ({exc})")
        if tab.num_rows == 0:
            self.fail("the file has no rows")
        out: dict[str, FloatArray] = {}
        for c in self.wanted:
            col = tab.column(c)
            kind = col.type
            if c in self.text:
                out[c] = _labels(col.cast(pa.string()).to_pylist())
                continue
            if not (
                pa.types.is_integer(kind)
                or pa.types.is_floating(kind)
                or pa.types.is_decimal(kind)
                or pa.types.is_null(kind)
            ):
                self.fail(f"column {self.label(c)} holds {kind}, not numbers")
            values = col.cast(pa.float64()).to_numpy()
            out[c] = np.asarray(values, dtype=np.float64)
        return FileColumns(path=self.path, columns=out)

    def _parquet_polars(self, raw: bytes) -> FileColumns:
        try:
            import polars as pl  # noqa: PLC0415 - optional dependency
        except ImportError:
            msg = (
                "reading Parquet needs pyarrow or polars, and neither is "
                "installed: pip install pyarrow"
            )
            self.fail(msg)
        try:
            names = list(pl.read_parquet_schema(io.BytesIO(raw)))
        except Exception as exc:  # polars' ComputeError and friends
            msg = f"not a readable Parquet file ({exc})"
            self.fail(msg)
        self.check_header(names)
        try:
            frame = pl.read_parquet(io.BytesIO(raw), columns=self.wanted)
        except Exception as exc:  # polars raises its own ComputeError and friends
            self.fail(f"not a readable Parquet file ({exc})")
        if frame.height == 0:
            self.fail("the file has no rows")
        out: dict[str, FloatArray] = {}
        for c in self.wanted:
            s = frame.get_column(c)
            if c in self.text:
                out[c] = _labels(s.cast(pl.Utf8).to_list())
                continue
            if not (s.dtype.is_numeric() or s.dtype == pl.Null):
                self.fail(f"column {self.label(c)} holds {s.dtype}, not numbers")
            values = s.cast(pl.Float64).to_numpy()
            out[c] = np.asarray(values, dtype=np.float64)
        return FileColumns(path=self.path, columns=out)


def _labels(values: Sequence[str | None]) -> FloatArray:
    """Labels as an object array: stripped text, None for a missing cell."""
    cells = [
        None if v is None or v.strip().lower() in _MISSING else v.strip()
        for v in values
    ]
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out  # labels (objects) share the mapping of float columns


def _where(index: int, lines: np.ndarray[Any, Any] | None) -> str:
    if lines is None:
        return f"row {index + 1}"
    return f"row {index + 1} of data (line {int(lines[index])} of the file)"


def _close_match(name: str, header: Sequence[str]) -> str | None:
    same = [h for h in header if h.casefold() == name.casefold()]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, header, n=1)
    return close[0] if close else None


def _separator(header: str) -> str | None:
    for sep, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
        if sep in header:
            return name
    return None
