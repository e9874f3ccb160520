"""``read_columns`` of a large CSV file: DuckDB parses it, nothing changes.

From ``_io._COLUMNS_MIN_BYTES`` on, a CSV file's requested columns are read
by DuckDB (satmodels.data._io._columns_on_engine) instead of the pure-Python
reader. The tests lower that threshold to 0 and compare every array, label
and line number with the Python reader on the same file, and check that
every file DuckDB does not take as it is (a blank line, a quoted line break,
a cell that is not a number, an unusual missing-value spelling) goes to the
Python reader, whose result or message is then the same by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels.data import _engine_source, _io
from satmodels.exceptions import InputError

pytest.importorskip("duckdb")

pytestmark = pytest.mark.engine

COLS = ["e1", "p1", "e2", "p2", "w", "segment"]


def _survey(n: int, seed: int) -> str:
    """Rating-scale pairs, weights, a segment label; missing cells spelled many ways."""
    rng = np.random.default_rng(seed)
    e = rng.integers(1, 11, size=(n, 2)).astype(float)
    p = np.clip(e + rng.integers(-2, 3, size=(n, 2)), 1, 10)
    w = np.round(rng.uniform(0.2, 3.0, size=n), 4)
    seg = rng.choice(["north", " south ", "East"], size=n)
    rows = []
    for r in range(n):
        cells = [f"{e[r, 0]:g}", f"{p[r, 0]:g}", f"{e[r, 1]:g}", f"{p[r, 1]:g}",
                 f"{w[r]:g}", str(seg[r]), f"id{r}"]  # fmt: skip
        if r % 7 == 3:
            cells[r % 5] = ("", "NA", "nan", "N/A", " ", "null")[r % 6]
        if r % 11 == 5:
            cells[5] = ("", "NA", "none")[r % 3]
        rows.append(",".join(cells))
    return "e1,p1,e2,p2,w,segment,name\n" + "\n".join(rows) + "\n"


def _engine_calls(monkeypatch: pytest.MonkeyPatch, *, lower: bool = True) -> list[bool]:
    """Say, per read, whether DuckDB gave the columns (threshold lowered to 0)."""
    used: list[bool] = []
    real = _io._columns_on_engine

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(_io, "_columns_on_engine", spy)
    if lower:
        monkeypatch.setattr(_io, "_COLUMNS_MIN_BYTES", 0)
    return used


def _python(path: Path, monkeypatch: pytest.MonkeyPatch) -> _io.FileColumns:
    with monkeypatch.context() as m:
        m.setattr(_io, "_COLUMNS_MIN_BYTES", 1 << 62)
        return _io.read_columns(path, COLS, text=["segment"])


def _same(a: _io.FileColumns, b: _io.FileColumns) -> None:
    assert list(a) == list(b)
    for c in a:
        if a[c].dtype == object:
            assert a[c].tolist() == b[c].tolist(), c
        else:
            assert a[c].dtype == b[c].dtype == np.float64
            np.testing.assert_array_equal(a[c], b[c], err_msg=c)
    assert a.lines is not None and b.lines is not None
    np.testing.assert_array_equal(a.lines, b.lines)


def _write(tmp_path: Path, text: str, newline: str = "\n") -> Path:
    path = tmp_path / "s.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("last_newline", [True, False])
def test_duckdb_columns_equal_the_python_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str, last_newline: bool
) -> None:
    text = _survey(2000, 1)
    path = _write(tmp_path, text if last_newline else text.rstrip("\n"), newline)
    used = _engine_calls(monkeypatch)
    fast = _io.read_columns(path, COLS, text=["segment"])
    assert used == [True]
    slow = _python(path, monkeypatch)
    _same(fast, slow)
    assert np.isnan(fast["e1"]).sum() > 0
    assert None in fast["segment"].tolist()
    assert "south" in fast["segment"].tolist()  # labels stripped


def test_markers_after_the_head_are_read_by_a_second_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _survey(2000, 2)
    path = _write(tmp_path, text)
    monkeypatch.setattr(_engine_source, "_HEAD_BYTES", len(text.split("\n", 1)[0]) + 60)
    used = _engine_calls(monkeypatch)
    fast = _io.read_columns(path, COLS, text=["segment"])
    assert used == [True]
    _same(fast, _python(path, monkeypatch))


@pytest.mark.parametrize(
    "edit",
    [
        lambda rows: [*rows[:50], "", *rows[50:]],  # a blank line
        lambda rows: [*rows[:50], '1,2,3,4,1,"two\nlines",x', *rows[50:]],
        lambda rows: [*rows[:50], "1,2,nA,4,1,north,x", *rows[50:]],  # other spelling
        lambda rows: [*rows[:50], "1,2,3,4,1.5.2,north,x", *rows[50:]],  # not a number
        lambda rows: [*rows[:50], "1,2,3,4,1,north", *rows[50:]],  # ragged
        lambda rows: rows[:1],  # a header and no data rows
    ],
)
def test_files_duckdb_does_not_take_go_to_the_python_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Any
) -> None:
    rows = _survey(500, 3).rstrip("\n").split("\n")
    path = _write(tmp_path, "\n".join(edit(rows)) + "\n")
    used = _engine_calls(monkeypatch)
    try:
        fast: _io.FileColumns | str = _io.read_columns(path, COLS, text=["segment"])
    except InputError as exc:
        fast = str(exc)
    assert used == [False]
    try:
        slow: _io.FileColumns | str = _python(path, monkeypatch)
    except InputError as exc:
        slow = str(exc)
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
    else:
        _same(fast, slow)


def test_underscored_numbers_are_the_one_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # documented in engine_source: DuckDB reads 1_000 as 1000, the Python
    # reader refuses it as not a number
    path = _write(tmp_path, "e1,p1\n5,6\n4,1_0\n3,3\n")
    _engine_calls(monkeypatch)
    fast = _io.read_columns(path, ["e1", "p1"])
    np.testing.assert_array_equal(fast["p1"], [6.0, 10.0, 3.0])
    with monkeypatch.context() as m:
        m.setattr(_io, "_COLUMNS_MIN_BYTES", 1 << 62)
        with pytest.raises(InputError, match="'1_0' is not a number"):
            _io.read_columns(path, ["e1", "p1"])


def test_small_files_stay_with_the_python_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, _survey(50, 4))
    calls = _engine_calls(monkeypatch, lower=False)
    _io.read_columns(path, COLS, text=["segment"])  # 16 MB threshold
    assert calls == [False]
