"""The study report as an Excel workbook: one sheet per table, numbers as numbers.

The first sheet, ``contents``, lists every table with its sheet and title;
each table then has its own sheet, the column names on row 1 and the rows
below, cells written as numbers (never as formatted text; openpyxl keeps 16
significant digits), NaN and empty text as empty cells. openpyxl is the
``report`` extra, imported only here.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import Cell, StudyResult

__all__ = ["sheet_names", "write_excel"]

_MAX_SHEET = 31  # Excel's limit on a sheet name
_BAD = re.compile(r"[\[\]:*?/\\']")


def sheet_names(names: list[str]) -> list[str]:
    """Return valid, unique Excel sheet names for the tables' names, in order.

    Examples
    --------
    >>> sheet_names(["acsi.1", "Contents", "a:b", "x" * 40, "x" * 40])[1:3]
    ['Contents (2)', 'a_b']
    >>> [len(s) for s in sheet_names(["x" * 40, "x" * 40])]
    [31, 31]
    """
    out: list[str] = []
    taken: set[str] = {"contents"}
    for name in names:
        base = _BAD.sub("_", name)[:_MAX_SHEET] or "table"
        candidate, k = base, 1
        while candidate.lower() in taken:
            k += 1
            suffix = f" ({k})"
            candidate = base[: _MAX_SHEET - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _value(v: Cell) -> Cell:
    if (isinstance(v, float) and not math.isfinite(v)) or v == "":
        return None
    return v


def write_excel(result: StudyResult, path: str | Path) -> None:
    """Write every table of ``result`` on its own sheet of the workbook ``path``.

    Raises
    ------
    ImportError
        openpyxl is not installed (``pip install "satmodels[report]"``).
    """
    try:
        from openpyxl import Workbook  # noqa: PLC0415 - optional dependency
        from openpyxl.styles import Font  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "StudyResult.to_excel writes .xlsx files with openpyxl, which is not "
            'installed. Install the report extra: pip install "satmodels[report]".'
        )
        raise ImportError(msg) from exc
    tables = result.tables()
    sheets = sheet_names([t.name for t in tables])
    book = Workbook()
    contents = book.active
    contents.title = "contents"
    bold = Font(bold=True)
    contents.append(["sheet", "table", "title"])
    for cell in contents[1]:
        cell.font = bold
    for sheet, t in zip(sheets, tables, strict=True):
        contents.append([sheet, t.name, t.title])
        ws = book.create_sheet(sheet)
        ws.append(list(t.columns))
        for cell in ws[1]:
            cell.font = bold
        for row in t.rows:
            ws.append([_value(v) for v in row])
        ws.freeze_panes = "A2"
    contents.append([])
    contents.append(["study", result.title])
    contents.append(["respondents", result.n])
    contents.append(["confidence_level", result.confidence_level])
    book.save(Path(path))
