"""Where a study's data comes from: the rows, or the file staged by DuckDB.

:func:`read_data` returns the survey as given, or the spec's file read
into memory (only the columns the analyses name), with every column
checked and named with its analysis; :func:`stage` stages a large file in
DuckDB instead (:class:`Staged`), so that the analyses aggregate it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._limits import ENGINE_MIN_BYTES as _LIMIT
from ..exceptions import InputError
from .spec import StudySpec

__all__ = ["ENGINE_MIN_BYTES", "Staged", "read_data", "stage", "wanted"]


def wanted(study: StudySpec, names: tuple[str, ...]) -> dict[str, str]:
    """Every column the study reads, with what asks for it."""
    out: dict[str, str] = {}
    for name, analysis in zip(names, study.analyses, strict=True):
        for key, cols in analysis.columns().items():
            for c in cols:
                out.setdefault(c, f"analysis {name!r}, {key}")
    if study.weights is not None:
        out.setdefault(study.weights, "weights")
    if study.segments is not None:
        out.setdefault(study.segments, "segments")
    return out


@dataclass(slots=True)
class Staged:
    """The spec's file staged by DuckDB: analyses computed in the engine.

    A file of at least ``ENGINE_MIN_BYTES`` is not read into memory. DuckDB
    parses it once (:func:`~satmodels.data._engine_source.engine_source`: the cells
    as :func:`~satmodels.data._io.read_columns` converts them) and writes
    the columns the study reads to a temporary Parquet file; every analysis
    gets a DuckDB relation on it, and its statistics (Moments, counts, the
    ratio's sums) are aggregated by DuckDB from the columns it needs, so
    memory does not grow with the file. A file DuckDB cannot stage (a
    ragged row, a cell that is not a number) is read into memory, whose
    messages name the cell; an analysis whose query fails (over DuckDB's
    memory budget) runs on the rows, and so do the ones after it.
    """

    connection: Any
    frame: Any
    n_rows: int
    folder: Any

    def failed(self, exc: Exception) -> bool:
        """Say whether ``exc`` is a DuckDB failure."""
        import duckdb  # noqa: PLC0415 - installed: it staged the file

        return isinstance(exc, duckdb.Error)

    def close(self) -> None:
        """Close the connection and remove the staged file."""
        self.connection.close()
        self.folder.cleanup()


#: Files from this size are analysed in DuckDB, not read into memory.
ENGINE_MIN_BYTES = _LIMIT


def stage(study: StudySpec, names: tuple[str, ...]) -> Staged | None:
    """Stage the spec's file in DuckDB when it is large (None: read it)."""
    import tempfile  # noqa: PLC0415

    from ..data._engine_source import _ident, engine_source  # noqa: PLC0415

    if study.data is None:
        return None
    try:
        size = Path(study.data).stat().st_size
    except OSError:
        return None  # the reader says why
    if size < ENGINE_MIN_BYTES:
        return None
    columns = list(wanted(study, names))
    text = [study.segments] if study.segments is not None else []
    src = engine_source(study.data, columns, text=text)
    if src is None:
        return None
    import duckdb  # noqa: PLC0415 - installed: engine_source found it

    con = src.connection
    folder = tempfile.TemporaryDirectory(prefix="satmodels-study-")
    staged = "'" + str(Path(folder.name, "study.parquet")).replace("'", "''") + "'"
    cols = ", ".join(
        f"{'trim' if c in text else ''}(q{k}) AS {_ident(c)}"
        for k, c in enumerate(columns)
    )
    # row groups of at most 2^21 values (16 MB): a wide file's default
    # groups (122,880 rows), one per thread, would not fit DuckDB's budget.
    # The file keeps the rows' order (DuckDB's default), on which the
    # Poisson bootstrap's multiplicities depend (docs/engines.md).
    group = max(2048, min(122_880, 2**21 // len(columns)))
    for relation in src.relations:  # the head's markers, then all of them
        try:
            con.execute(
                f"COPY (SELECT {cols} FROM {relation}) TO {staged} "  # noqa: S608
                f"(FORMAT parquet, ROW_GROUP_SIZE {group})"
            )
            ((count,),) = con.execute(
                f"SELECT count(*) FROM read_parquet({staged})"  # noqa: S608
            ).fetchall()
        except duckdb.Error:
            continue
        frame = con.sql(f"SELECT * FROM read_parquet({staged})")  # noqa: S608
        return Staged(con, frame, int(count), folder)
    con.close()
    folder.cleanup()
    return None


def read_data(
    study: StudySpec, names: tuple[str, ...], data: object
) -> tuple[Any, int | None]:
    """Return the survey as given or read from the spec's file; every column checked."""
    from ..data import read  # noqa: PLC0415 - the one ingestion layer
    from ..data._io import read_columns  # noqa: PLC0415

    columns = wanted(study, names)
    if data is None:
        if study.data is None:
            msg = (
                "The study spec names no 'data' file and run() was given no "
                "'data'; give one of them."
            )
            raise InputError(msg)
        text = [study.segments] if study.segments is not None else []
        data = dict(
            read_columns(study.data, list(columns), named_by=columns, text=text)
        )
    for name, analysis in zip(names, study.analyses, strict=True):
        for key, cols in analysis.columns().items():
            read(
                data,
                where=f"the study's analysis {name!r} ({analysis.kind}, {key!r})",
                columns=list(dict.fromkeys(cols)),
                accept=("rows", "lazy"),
            )
    first = next(iter(columns), None)
    table = read(
        data,
        where="the study",
        columns=None if first is None else [first],
        weights=study.weights,
        segments=study.segments,
        accept=("rows", "lazy"),
    )
    return data, table.n_rows  # None for a lazy frame (not counted here)
