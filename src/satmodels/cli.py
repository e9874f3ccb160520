"""The ``satmodels`` command.

::

    satmodels demo [--format text|json] [--out report.html|.xlsx|.json]
    satmodels report STUDY.toml|STUDY.json --out report.html|.xlsx|.json
    satmodels ratio FILE --expected COL [COL ...] --perceived COL [COL ...]
                   [--scale MIN MAX] [--weights COL] [--nan-policy raise|omit]
                   [--confidence-level 0.95] [--encoding utf-8]
                   [--format text|json]

``report`` runs a study specification (docs/study.md) and writes its report:
one self-contained HTML page, an Excel workbook (a sheet per table) or JSON
following ``study-result.schema.json``, chosen by the suffix of ``--out``;
it prints what to look at (headline indices, points to improve first).
``demo --out`` does the same for the bundled sample study.

``FILE`` is a comma-separated file with a header row (UTF-8 unless
``--encoding`` says otherwise) or a Parquet file (read with pyarrow or
polars, whichever is installed). When DuckDB is installed, a clean file is
scanned by DuckDB, which returns only sums: memory does not grow with the
file (a 200 MB CSV runs in under 300 MB; files under 16 MB are read in
memory). A file with anything to report
(an invalid cell, a missing answer under ``--nan-policy raise``, ...) is
read in memory, which names the problem. ``--format json`` writes valid JSON:
numbers as numbers, NaN and infinities as ``null``.

Every error ends the command with exit code 2 and ONE line on standard error,
``satmodels: error: ...``, naming the file, the column and the flag as typed
(no traceback). Row numbers are 1-based and count data rows, not the header:
"row 3 of data (line 4 of the file)". Warnings of the library are printed as
one line each, ``satmodels: warning: ...``, and do not change the exit code.
"""

from __future__ import annotations

import argparse
import codecs
import importlib.util
import json
import math
import re
import sys
import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._limits import ENGINE_MIN_BYTES
from ._version import __version__
from .exceptions import SatmodelsError

if TYPE_CHECKING:
    from .data._io import FileColumns
    from .ratio import RatioResult
    from .study import StudyResult

__all__ = ["main"]

EXIT_ERROR = 2
_REPORT_SUFFIXES = (".html", ".xlsx", ".json")


#: Files at least this large are scanned by DuckDB when it is installed
#: (smaller ones are read in memory, which is as fast and costs < 200 MB).
_ENGINE_MIN_BYTES = ENGINE_MIN_BYTES

# Library parameter -> the flag that sets it, to say errors in the user's words.
_FLAGS = {
    "perceived": "--perceived",
    "expected": "--expected",
    "weights": "--weights",
    "scale": "--scale",
    "confidence_level": "--confidence-level",
    "nan_policy": "--nan-policy",
}


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line with a pointer to ``--help``, exit code 2."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(message.split())
        self.exit(
            EXIT_ERROR,
            f"{self.prog}: error: {text} (see '{self.prog} --help')\n",
        )


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"must be a number between 0 and 1, e.g. 0.95; got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 0 < value < 1:
        hint = f" (did you mean {value / 100:g}?)" if 1 < value < 100 else ""
        msg = f"must be between 0 and 1, e.g. 0.95; got {text}{hint}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        msg = f"unknown encoding {text!r}; e.g. utf-8, cp1252, latin-1, utf-16"
        raise argparse.ArgumentTypeError(msg) from None
    return text


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="satmodels",
        description="Customer-satisfaction measurement models.",
    )
    parser.add_argument(
        "--version", action="version", version=f"satmodels {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="run a complete study on the bundled sample survey"
    )
    demo.add_argument("--format", choices=("text", "json"), default="text")
    demo.add_argument(
        "--out",
        metavar="PATH",
        help="also write the sample study's report: .html, .xlsx or .json",
    )

    report = sub.add_parser(
        "report",
        help="run a study spec (TOML/JSON) and write its report",
        description=(
            "Run the analyses of a study specification (TOML or JSON, see "
            "docs/study.md) and write the report: a self-contained HTML page, "
            "an Excel workbook or JSON, chosen by the suffix of --out."
        ),
    )
    report.add_argument("spec", help="study specification, .toml or .json")
    report.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="report file: .html (needs the plot extra), .xlsx (report extra) or .json",
    )

    ratio = sub.add_parser(
        "ratio",
        help="satisfaction ratio c = b / a of a CSV/Parquet file",
        description=(
            "Satisfaction ratio c = b / a (perceived over expected) per pair "
            "of columns of a CSV or Parquet file with one row per respondent."
        ),
    )
    ratio.add_argument("file", help="CSV or Parquet file, one row per respondent")
    ratio.add_argument(
        "--expected",
        nargs="+",
        required=True,
        metavar="COL",
        help="column(s) of expected values a",
    )
    ratio.add_argument(
        "--perceived",
        nargs="+",
        required=True,
        metavar="COL",
        help="column(s) of perceived values b, paired one to one with --expected",
    )
    ratio.add_argument(
        "--scale",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        help="declared answer scale, e.g. 1 7; answers off it are an error",
    )
    ratio.add_argument(
        "--weights", metavar="COL", help="column of case weights (one per row)"
    )
    ratio.add_argument(
        "--nan-policy",
        choices=("raise", "omit"),
        default="raise",
        help="an empty cell is an error (raise, default) or its pair is "
        "dropped and counted (omit)",
    )
    ratio.add_argument(
        "--confidence-level",
        type=_level,
        default=0.95,
        metavar="LEVEL",
        help="level of the intervals (default 0.95)",
    )
    ratio.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        help="text encoding of a CSV file (default utf-8)",
    )
    ratio.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _fit_ratio(
    data: FileColumns,
    *,
    perceived: list[str],
    expected: list[str],
    weights: str | None,
    scale: tuple[float, float] | None,
    confidence_level: float,
    nan_policy: str,
) -> RatioResult:
    """Call the library: the one place that knows ``satisfaction_ratio``'s shape.

    ``data`` maps each named column to a float array (only the columns the
    command asked for). Errors of the library come back in the command's
    words (:func:`_in_flags`).
    """
    from . import ratio  # noqa: PLC0415 - keep start-up light

    items = [f"{p}/{e}" for p, e in zip(perceived, expected, strict=True)]
    try:
        res = ratio.satisfaction_ratio(
            dict(data),
            perceived=perceived,
            expected=expected,
            items=items,
            scale=scale,
            weights=weights,
            confidence_level=confidence_level,
            nan_policy=nan_policy,  # type: ignore[arg-type]
        )
    except SatmodelsError as exc:
        # Library rows are data rows counted from 1; add the file's line.
        raise SatmodelsError(_in_flags(str(exc), data, rows=True)) from exc
    return res


def _check_columns(args: argparse.Namespace) -> dict[str, str]:
    """Which flag named each column; a column named twice is an error."""
    if len(args.expected) != len(args.perceived):
        msg = (
            f"--expected names {len(args.expected)} column(s) but --perceived names "
            f"{len(args.perceived)}; they are paired one to one"
        )
        raise SatmodelsError(msg)
    named_by: dict[str, str] = {}
    flagged = [(c, "--expected") for c in args.expected]
    flagged += [(c, "--perceived") for c in args.perceived]
    if args.weights is not None:
        flagged.append((args.weights, "--weights"))
    for column, flag in flagged:
        if column in named_by:
            before = named_by[column]
            where = f"twice by {flag}" if before == flag else f"by {before} and {flag}"
            msg = f"column {column!r} is named {where}; name each column once"
            raise SatmodelsError(msg)
        named_by[column] = flag
    return named_by


def _check_scale(scale: Sequence[float] | None) -> tuple[float, float] | None:
    if scale is None:
        return None
    low, high = scale
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        msg = f"--scale {low:g} {high:g}: give MIN then MAX, finite, MIN < MAX"
        raise SatmodelsError(msg)
    return (low, high)


def _check_missing(
    cols: FileColumns, named_by: Mapping[str, str], nan_policy: str
) -> None:
    """Refuse an empty weight, and an empty a or b under ``--nan-policy raise``."""
    import numpy as np  # noqa: PLC0415 - the in-memory path only

    for column, flag in named_by.items():
        if flag != "--weights":
            continue
        empty = np.flatnonzero(np.isnan(cols[column]))
        if empty.size:
            msg = (
                f"{cols.path}: column {column!r} ({flag}) is empty in "
                f"{cols.where(int(empty[0]))} ({empty.size} empty weight(s)); "
                "give every row a weight (0 leaves a row out)"
            )
            raise SatmodelsError(msg)
    if nan_policy != "raise":
        return
    first: tuple[int, str] | None = None
    total = 0
    for column in named_by:
        empty = np.flatnonzero(np.isnan(cols[column]))
        total += empty.size
        if empty.size and (first is None or empty[0] < first[0]):
            first = (int(empty[0]), column)
    if first is not None:
        row, column = first
        msg = (
            f"{cols.path}: column {column!r} ({named_by[column]}) is empty in "
            f"{cols.where(row)} ({total} empty cell(s) in the columns read); "
            "pass --nan-policy omit to drop and count such pairs"
        )
        raise SatmodelsError(msg)


def _in_flags(message: str, cols: FileColumns, *, rows: bool) -> str:
    """Say a library error in the command's words: file, flags, file rows.

    ``The 'expected' parameter of satisfaction_ratio`` becomes ``--expected``,
    ``nan_policy='omit'`` becomes ``--nan-policy omit`` and, with ``rows``,
    a 1-based ``row k`` becomes ``row k of data (line n of the file)``.
    """
    text = re.sub(
        r"nan_policy\s*=\s*'(\w+)'", r"--nan-policy \1", message, flags=re.IGNORECASE
    )
    text = re.sub(
        r"[Tt]he '(\w+)' column ('[^']*') of \w+",
        lambda m: f"{_FLAGS.get(m.group(1), m.group(1))} column {m.group(2)}",
        text,
    )
    text = re.sub(
        r"[Tt]he '(\w+)' parameter of \w+",
        lambda m: _FLAGS.get(m.group(1), m.group(0)),
        text,
    )
    if rows:
        n = cols.n_rows

        def _row(m: re.Match[str]) -> str:
            k = int(m.group(1))
            return cols.where(k - 1) if 1 <= k <= n else m.group(0)

        text = re.sub(r"\brow (\d+)\b(?! of data)", _row, text)
    return f"{cols.path}: {text}"


def _run_ratio(args: argparse.Namespace) -> str:
    named_by = _check_columns(args)
    scale = _check_scale(args.scale)
    # numpy loads beside DuckDB's work (_ratio_on_engine), not before it:
    # the modules that import it are imported once the path is known
    res = _ratio_on_engine(args, list(named_by), scale)
    from .results._base import jsonable  # noqa: PLC0415 - keep start-up light

    if res is not None:
        if args.format == "json":
            return _json(jsonable(res.to_dict()))
        return str(res.summary())
    from .data._io import read_columns  # noqa: PLC0415

    cols = read_columns(
        args.file, list(named_by), encoding=args.encoding, named_by=named_by
    )
    _check_missing(cols, named_by, args.nan_policy)
    res = _fit_ratio(
        cols,
        perceived=list(args.perceived),
        expected=list(args.expected),
        weights=args.weights,
        scale=scale,
        confidence_level=args.confidence_level,
        nan_policy=args.nan_policy,
    )
    if args.format == "json":
        return _json(jsonable(res.to_dict()))
    return str(res.summary())


def _check_out(out: str | None) -> None:
    """Refuse an --out suffix that names no report format, before any work."""
    if out is not None and Path(out).suffix.lower() not in _REPORT_SUFFIXES:
        got = Path(out).suffix or "no suffix"
        msg = f"--out {out}: the report file must end in .html, .xlsx or .json ({got})"
        raise SatmodelsError(msg)
    need = {".html": ("matplotlib", "plot"), ".xlsx": ("openpyxl", "report")}
    if out is not None and (lib := need.get(Path(out).suffix.lower())):
        module, extra = lib
        if importlib.util.find_spec(module) is None:
            msg = (
                f"--out {out}: writing it needs {module}, which is not installed; "
                f'pip install "satmodels[{extra}]"'
            )
            raise SatmodelsError(msg)


def _write_report(result: StudyResult, out: str) -> None:
    """Write the report in the format the suffix of ``out`` names."""
    suffix = Path(out).suffix.lower()
    if suffix == ".html":
        result.to_html(out)
    elif suffix == ".xlsx":
        result.to_excel(out)
    else:
        result.to_json(out)


def _run_report(args: argparse.Namespace) -> str:
    from .study import run  # noqa: PLC0415 - keep start-up light

    _check_out(args.out)
    result = run(args.spec)
    _write_report(result, args.out)
    return f"{result.what_to_look_at()}\n\nReport written to {args.out}"


def _run_demo(args: argparse.Namespace) -> str:
    from .demo import demo_report, sample_study  # noqa: PLC0415

    _check_out(args.out)
    if args.format == "json" and args.out is None:
        return demo_report("json")  # the sections only: no study to run
    study = sample_study()
    text = demo_report(args.format, study=study)
    if args.out is None:
        return text
    _write_report(study, args.out)
    if args.format == "json":  # standard output stays one JSON document
        return text
    return f"{text}\nReport written to {args.out}"


def _ratio_on_engine(
    args: argparse.Namespace, columns: list[str], scale: tuple[float, float] | None
) -> RatioResult | None:
    """Compute c = b / a of the file in DuckDB, if installed and the file is clean.

    DuckDB scans the file and returns sums, so memory does not grow with
    the file. None (the file is then read in memory, whose messages name
    any problem) for a file under ``_ENGINE_MIN_BYTES``, when DuckDB is
    missing, or when the file has anything the in-memory path would refuse
    or warn about.
    """
    from .data._engine_source import engine_source  # noqa: PLC0415 - keep start-up light

    try:
        size = Path(args.file).stat().st_size
    except OSError:
        return None
    if size < _ENGINE_MIN_BYTES:
        return None
    # The result's modules (numpy and the ratio's, 50 ms) load in a thread
    # from here on, beside DuckDB's import and scan (its query holds no
    # GIL). From 100,000 respondents on, the result needs no scipy (its
    # t quantiles come from stats._student); with fewer, scipy.special
    # loads when the result is built. The in-memory path, should the scan
    # refuse the file, needs these modules too.
    loader = threading.Thread(
        target=importlib.import_module, args=("satmodels.ratio._engine",)
    )
    loader.start()
    try:
        src = engine_source(args.file, columns, encoding=args.encoding)
        if src is None:
            return None
        from ._ratio_scan import scan  # noqa: PLC0415

        try:
            sums = scan(
                src,
                columns,
                perceived=list(args.perceived),
                expected=list(args.expected),
                weights=args.weights,
                scale=scale,
                nan_policy=args.nan_policy,
            )
        finally:
            src.connection.close()
    finally:
        loader.join()
    if sums is None:
        return None
    from .ratio._engine import ratio_from_engine  # noqa: PLC0415

    return ratio_from_engine(
        sums,
        perceived=list(args.perceived),
        expected=list(args.expected),
        items=[f"{p}/{e}" for p, e in zip(args.perceived, args.expected, strict=True)],
        confidence_level=args.confidence_level,
    )


def _json(value: object) -> str:
    """Write valid JSON; NaN and infinities must already be None (jsonable)."""
    return json.dumps(value, indent=2, allow_nan=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``satmodels`` command and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on a usage or input error (one line on standard
        error), 130 when interrupted.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # usage error (2), --help or --version (0)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if args.command == "demo":
                out = _run_demo(args)
            elif args.command == "report":
                out = _run_report(args)
            else:
                out = _run_ratio(args)
        except (SatmodelsError, ValueError, OSError, ImportError) as exc:
            print(f"satmodels: error: {_one_line(str(exc))}", file=sys.stderr)
            return EXIT_ERROR
        except KeyboardInterrupt:
            print("satmodels: interrupted", file=sys.stderr)
            return 130
    for text in dict.fromkeys(_one_line(str(w.message)) for w in caught):
        print(f"satmodels: warning: {text}", file=sys.stderr)
    try:
        print(out)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
