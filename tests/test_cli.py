"""The satmodels command: demo, ratio over CSV/Parquet, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from satmodels import satisfaction_ratio
from satmodels.cli import main


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Satisfaction ratio c = b / a" in out
    assert "north" in out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "ratio" in report and "overview" in report


def test_ratio_matches_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "e1,p1,e2,p2\n5,6,4,4\n6,6,5,3\n4,5,5,\n7,7,3,4\n")
    code = main([
        "ratio", str(path), "--expected", "e1", "e2", "--perceived", "p1", "p2",
        "--scale", "1", "7", "--nan-policy", "omit", "--format", "json",
    ])  # fmt: skip
    assert code == 0
    got = json.loads(capsys.readouterr().out)
    a = np.array([[5, 4], [6, 5], [4, 5], [7, 3]], dtype=float)
    b = np.array([[6, 4], [6, 3], [5, np.nan], [7, 4]], dtype=float)
    ref = satisfaction_ratio(b, a, nan_policy="omit").to_dict()
    assert [r["ratio_of_means"] for r in got["items"]] == pytest.approx(
        [r["ratio_of_means"] for r in ref["items"]], rel=1e-12
    )
    assert got["n_omitted"] == {"p1/e1": 0, "p2/e2": 1}


def test_ratio_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"e": [5.0, 6.0, 4.0], "p": [6.0, 6.0, 5.0]}), path)
    assert main(["ratio", str(path), "--expected", "e", "--perceived", "p"]) == 0
    assert "1.133" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("e,p\n0,5\n", [], "must be positive"),
        ("e,p\n3,x\n", [], "Column 'p' of 'survey.csv' must be numeric; row 0"),
        ("e,q\n3,4\n", [], "no column(s) ['p']"),
        ("e,p\n3,\n", [], "missing value"),
        ("e,p\n3,9\n", ["--scale", "1", "7"], "outside the 1..7"),
    ],
)
def test_ratio_errors_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    args: list[str],
    message: str,
) -> None:
    path = _csv(tmp_path, text)
    code = main(["ratio", str(path), "--expected", "e", "--perceived", "p", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("satmodels: error: ")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_unpaired_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ratio", str(tmp_path / "nope.csv"), "--expected", "e",
                 "--perceived", "p"]) == 2  # fmt: skip
    assert "File not found" in capsys.readouterr().err
    path = _csv(tmp_path, "e,p,q\n1,2,3\n")
    assert main(["ratio", str(path), "--expected", "e", "--perceived", "p", "q"]) == 2
    assert "paired one to one" in capsys.readouterr().err
    other = tmp_path / "s.xlsx"
    other.write_text("x", encoding="utf-8")
    assert main(["ratio", str(other), "--expected", "e", "--perceived", "p"]) == 2
    assert "Unknown file type" in capsys.readouterr().err
