"""Reading CSV and Parquet files for the command line (satmodels.data._io)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from satmodels.data._io import FileColumns, read_columns
from satmodels.exceptions import InputError


def _write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _parquet(
    tmp_path: Path, columns: dict[str, object], name: str = "s.parquet"
) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


# ------------------------------------------------------------------- CSV


def test_csv_reads_only_requested_columns_as_floats(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,a,b,comment\nx,1,2.5,hello\ny,-3,1e2,\nz,4,,NA\n")
    cols = read_columns(path, ["b", "a"])
    assert isinstance(cols, Mapping)
    assert list(cols) == ["b", "a"]
    assert len(cols) == 2
    np.testing.assert_array_equal(cols["a"], [1.0, -3.0, 4.0])
    np.testing.assert_array_equal(cols["b"], [2.5, 100.0, np.nan])
    assert cols["a"].dtype == np.float64


@pytest.mark.parametrize("token", ["", "NA", "n/a", "NaN", "null", "None", "  "])
def test_csv_missing_tokens_are_nan(tmp_path: Path, token: str) -> None:
    path = _write(tmp_path, f"a,b\n1,1\n{token},1\n")
    assert np.isnan(read_columns(path, ["a"])["a"][1])


def test_csv_line_numbers_follow_blank_lines_and_quoted_newlines(
    tmp_path: Path,
) -> None:
    text = "\n".join(["a,note", '1,"two', 'lines"', "", "2,x", "3,y", ""])
    cols = read_columns(_write(tmp_path, text), ["a"])
    np.testing.assert_array_equal(cols["a"], [1.0, 2.0, 3.0])
    assert isinstance(cols, FileColumns)
    assert cols.lines is not None
    assert cols.lines.tolist() == [2, 5, 6]
    assert cols.where(1) == "row 2 of data (line 5 of the file)"


def test_csv_bom_and_padded_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa , b\n1,2\n".encode())
    cols = read_columns(path, ["a", "b"])
    assert cols["a"].tolist() == [1.0] and cols["b"].tolist() == [2.0]


def test_csv_other_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("caf\xe9,b\n1,2\n".encode("cp1252"))
    with pytest.raises(InputError) as err:
        read_columns(path, ["b"])
    assert str(err.value) == (
        f"{path}: not UTF-8: byte 4 of the file (0xE9, on line 1) cannot be "
        "decoded; re-save the file as UTF-8 or pass --encoding with its encoding "
        "(e.g. --encoding cp1252)"
    )
    cols = read_columns(path, ["café"], encoding="cp1252")
    assert cols["café"].tolist() == [1.0]


def test_undecodable_byte_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\n")
    with pytest.raises(InputError, match=r"byte 11 of the file \(0xFF, on line 3\)"):
        read_columns(path, ["a"])


def test_unknown_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "a\n1\n")
    with pytest.raises(InputError, match=r"unknown encoding 'klingon'"):
        read_columns(path, ["a"], encoding="klingon")


def test_missing_file_and_directory_are_different_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_columns(tmp_path / "nope.csv", ["a"])
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: file not found"
    with pytest.raises(InputError) as err:
        read_columns(tmp_path, ["a"])
    assert str(err.value).startswith(f"{tmp_path}: is a directory, not a file")


@pytest.mark.parametrize("text", ["", "\n", "\r\n\r\n", ","])
def test_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError, match=r"survey.csv: the file is empty"):
        read_columns(_write(tmp_path, text), ["a"])


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"has a header but no data rows"):
        read_columns(_write(tmp_path, "a,b\n\n"), ["a"])


def test_unknown_column_names_flag_and_suggests(tmp_path: Path) -> None:
    path = _write(tmp_path, "Speed,price\n1,2\n")
    with pytest.raises(InputError) as err:
        read_columns(path, ["speed", "price", "qual"], named_by={"speed": "--x"})
    assert str(err.value) == (
        f"{path}: no columns 'speed' (--x), 'qual'; the file has 'Speed', "
        "'price'; did you mean 'Speed' for 'speed'?"
    )


def test_unknown_column_lists_at_most_twenty(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(25))
    path = _write(tmp_path, header + "\n" + ",".join("1" * 25) + "\n")
    with pytest.raises(InputError, match=r"'c19', \.\.\. \(5 more\)"):
        read_columns(path, ["zz"])


@pytest.mark.parametrize(("sep", "word"), [(";", "';'"), ("\t", "tabs")])
def test_other_separator_is_named(tmp_path: Path, sep: str, word: str) -> None:
    path = _write(tmp_path, f"a{sep}b\n1{sep}2\n")
    with pytest.raises(InputError, match=f"is the file separated by {word}"):
        read_columns(path, ["a"])


def test_duplicated_header_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b,a\n1,2,3\n")
    with pytest.raises(InputError) as err:
        read_columns(path, ["b", "a"], named_by={"a": "--perceived"})
    assert str(err.value) == (
        f"{path}: the header names column 'a' (--perceived) 2 times (columns 1, "
        "3); rename the duplicates so the column to read is unambiguous"
    )
    # a duplicate among columns that are not read is harmless
    assert read_columns(path, ["b"])["b"].tolist() == [2.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n3\n", "row 2 of data (line 3 of the file) has 1 field(s)"),
        ("a,b\n1,2\n\n3,4,5\n", "row 2 of data (line 4 of the file) has 3 field(s)"),
    ],
)
def test_ragged_rows(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_columns(_write(tmp_path, text), ["a"])
    assert message + " but the header has 2" in str(err.value)


@pytest.mark.parametrize(
    ("cell", "extra"),
    [
        ("x", ""),
        ("1_000", ""),
        ("3,5", " (a decimal comma? write 3.5, not 3,5)"),
        ("5 points", ""),
    ],
)
def test_cell_not_a_number(tmp_path: Path, cell: str, extra: str) -> None:
    path = _write(tmp_path, f'a,b\n1,2\n\n4,"{cell}"\n')
    with pytest.raises(InputError) as err:
        read_columns(path, ["a", "b"], named_by={"b": "--perceived"})
    assert str(err.value) == (
        f"{path}: column 'b' (--perceived), row 2 of data (line 4 of the file): "
        f"{cell!r} is not a number{extra}"
    )


def test_malformed_csv(tmp_path: Path) -> None:
    import csv

    limit = csv.field_size_limit()
    path = _write(tmp_path, "a\n" + "1" * (limit + 1) + "\n")
    with pytest.raises(InputError, match=r"malformed CSV at line 2"):
        read_columns(path, ["a"])


def test_unknown_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path, "a\n1\n", name="s.xlsx")
    with pytest.raises(InputError, match=r"unknown file type '.xlsx'"):
        read_columns(path, ["a"])
    bare = _write(tmp_path, "a\n1\n", name="survey")
    with pytest.raises(InputError, match=r"unknown file type \(no suffix\)"):
        read_columns(bare, ["a"])


# --------------------------------------------------------------- Parquet


def test_parquet_numbers_and_nulls(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    path = _parquet(
        tmp_path,
        {
            "a": pa.array([1, None, 3], pa.int64()),
            "b": [0.5, 1.5, None],
            "s": ["x", "y", "z"],
        },
    )
    cols = read_columns(path, ["a", "b"])
    np.testing.assert_array_equal(cols["a"], [1.0, np.nan, 3.0])
    np.testing.assert_array_equal(cols["b"], [0.5, 1.5, np.nan])
    assert cols.lines is None
    assert cols.where(0) == "row 1"


def test_parquet_by_content_whatever_the_suffix(tmp_path: Path) -> None:
    path = _parquet(tmp_path, {"a": [1.0, 2.0]}, name="export.dat")
    assert read_columns(path, ["a"])["a"].tolist() == [1.0, 2.0]


def test_parquet_errors(tmp_path: Path) -> None:
    path = _parquet(tmp_path, {"a": [1.0], "s": ["x"]})
    with pytest.raises(InputError, match=r"no column 'b' \(--weights\)"):
        read_columns(path, ["b"], named_by={"b": "--weights"})
    with pytest.raises(InputError, match=r"column 's' holds string, not numbers"):
        read_columns(path, ["s"])
    empty = _parquet(tmp_path, {"a": np.array([], dtype=float)}, name="e.parquet")
    with pytest.raises(InputError, match=r"e.parquet: the file has no rows"):
        read_columns(empty, ["a"])
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError, match=r"broken.parquet: not a readable Parquet"):
        read_columns(broken, ["a"])


def _corrupt_data_pages(tmp_path: Path) -> Path:
    """A Parquet file whose footer is intact but whose data pages are not."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "pages.parquet"
    pq.write_table(pa.table({"a": [1.0, 2.0, 3.0] * 100}), path, compression="none")
    raw = bytearray(path.read_bytes())
    raw[4:60] = b"\xff" * 56
    path.write_bytes(bytes(raw))
    return path


def test_parquet_corrupt_pages(tmp_path: Path) -> None:
    path = _corrupt_data_pages(tmp_path)
    with pytest.raises(InputError, match=r"pages.parquet: not a readable") as err:
        read_columns(path, ["a"])
    assert "\n" not in str(err.value)


def test_parquet_through_polars_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("polars")
    path = _parquet(tmp_path, {"a": [1.0, None], "s": ["x", "y"]})
    pages = _corrupt_data_pages(tmp_path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    cols = read_columns(path, ["a"])
    np.testing.assert_array_equal(cols["a"], [1.0, np.nan])
    with pytest.raises(InputError, match=r"column 's' holds String, not numbers"):
        read_columns(path, ["s"])
    with pytest.raises(InputError, match=r"no column 'b'"):
        read_columns(path, ["b"])
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError, match=r"not a readable Parquet file"):
        read_columns(broken, ["a"])
    with pytest.raises(InputError, match=r"not a readable Parquet file"):
        read_columns(pages, ["a"])


def test_parquet_without_pyarrow_or_polars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _parquet(tmp_path, {"a": [1.0]})
    for name in ("pyarrow", "pyarrow.parquet", "polars"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(InputError) as err:
        read_columns(path, ["a"])
    assert str(err.value) == (
        f"{path}: reading Parquet needs pyarrow or polars, and neither is "
        "installed: pip install pyarrow"
    )
