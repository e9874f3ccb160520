"""The satmodels command: demo, ratio over CSV/Parquet, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import satmodels
from satmodels import ratio
from satmodels.cli import main
from satmodels.datasets import SAMPLE_N
from satmodels.exceptions import InputError, SatmodelsWarning

SURVEY = "e1,p1,e2,p2,w\n5,6,4,4,1\n6,6,5,3,2\n4,5,5,,1\n7,7,3,4,0.5\n"
E1 = np.array([5, 6, 4, 7], dtype=float)
P1 = np.array([6, 6, 5, 7], dtype=float)
W = np.array([1, 2, 1, 0.5])


def _csv(tmp_path: Path, text: str = SURVEY, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _strict_json(text: str) -> Any:
    """json.loads that refuses NaN/Infinity (which json.loads accepts)."""

    def refuse(name: str) -> None:
        msg = f"invalid JSON constant {name}"
        raise ValueError(msg)

    return json.loads(text, parse_constant=refuse)


def _numbers(value: object) -> list[float]:
    return [
        float(v)
        for v in _leaves(value)
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def _assert_no_numeric_strings(value: object) -> None:
    for leaf in _leaves(value):
        if isinstance(leaf, str):
            with pytest.raises(ValueError):
                float(leaf)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run, expect exit code 2 and exactly one line on stderr; return it."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(("satmodels: error: ", "satmodels ratio: error: "))
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err.rstrip("\n")


def _ratio(path: Path | str, *args: str) -> list[str]:
    return ["ratio", str(path), "--expected", "e1", "--perceived", "p1", *args]


# ------------------------------------------------------------------ demo


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Satisfaction ratio c = b / a" in out
    assert "north" in out


def test_demo_json_has_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "json"]) == 0
    report = _strict_json(capsys.readouterr().out)
    assert "ratio" in report and "overview" in report
    counts = report["overview"]["tables"][0]["rows"]
    assert all(isinstance(row[1], int) for row in counts)
    assert sum(row[1] for row in counts) == SAMPLE_N


# ----------------------------------------------------------------- ratio


def test_ratio_json_against_numpy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path)
    code = main([
        "ratio", str(path), "--expected", "e1", "e2", "--perceived", "p1", "p2",
        "--scale", "1", "7", "--nan-policy", "omit", "--format", "json",
    ])  # fmt: skip
    assert code == 0
    got = _strict_json(capsys.readouterr().out)
    _assert_no_numeric_strings(got)
    numbers = _numbers(got)
    # R = mean(b) / mean(a); item 2 drops row 3 (empty p2)
    r1 = P1.mean() / E1.mean()
    r2 = np.mean([4, 3, 4]) / np.mean([4, 5, 3])
    assert min(abs(x - r1) for x in numbers) < 1e-12
    assert min(abs(x - r2) for x in numbers) < 1e-12


def test_ratio_weights_and_confidence_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path)
    assert main(_ratio(path, "--format", "json")) == 0
    plain = _strict_json(capsys.readouterr().out)
    assert main(_ratio(path, "--weights", "w", "--format", "json")) == 0
    weighted = _strict_json(capsys.readouterr().out)
    r_w = (W * P1).sum() / (W * E1).sum()  # weighted ratio of means
    assert min(abs(x - r_w) for x in _numbers(weighted)) < 1e-12
    assert min(abs(x - r_w) for x in _numbers(plain)) > 1e-6
    assert main(_ratio(path, "--confidence-level", "0.8", "--format", "json")) == 0
    level80 = _strict_json(capsys.readouterr().out)
    assert level80["confidence_level"] == 0.8
    assert plain["confidence_level"] == 0.95
    assert _numbers(level80) != _numbers(plain)


def test_ratio_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_ratio(_csv(tmp_path))) == 0
    out = capsys.readouterr().out
    assert "Satisfaction ratio c = b / a" in out
    assert f"{P1.mean() / E1.mean():.3f}" in out


def test_ratio_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"e1": E1, "p1": P1}), path)
    assert main(_ratio(path)) == 0
    assert f"{P1.mean() / E1.mean():.3f}" in capsys.readouterr().out


def test_json_nan_is_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # one respondent: every standard error and interval is NaN
    path = _csv(tmp_path, "e1,p1\n5,6\n")
    assert main(_ratio(path, "--format", "json")) == 0
    got = _strict_json(capsys.readouterr().out)
    assert None in list(_leaves(got))
    assert min(abs(x - 1.2) for x in _numbers(got)) < 1e-12


class _FakeResult:
    def to_dict(self) -> dict[str, object]:
        return {
            "nan": np.nan,
            "inf": -np.inf,
            "float": np.float64(1.5),
            "int": np.int64(3),
            "array": np.array([1.0, np.nan]),
        }

    def summary(self) -> str:
        return "fake summary"


def test_cli_calls_the_new_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []

    def satisfaction_ratio(
        data: object,
        *,
        perceived: list[str],
        expected: list[str],
        items: list[str] | None = None,
        scale: tuple[float, float] | None = None,
        weights: object = None,
        confidence_level: float = 0.95,
        nan_policy: str = "raise",
    ) -> _FakeResult:
        calls.append({
            "data": data, "perceived": perceived, "expected": expected,
            "items": items, "scale": scale, "weights": weights,
            "confidence_level": confidence_level, "nan_policy": nan_policy,
        })  # fmt: skip
        warnings.warn("first\n  second line", SatmodelsWarning, stacklevel=2)
        return _FakeResult()

    monkeypatch.setattr(ratio, "satisfaction_ratio", satisfaction_ratio)
    code = main([
        "ratio", str(_csv(tmp_path)), "--expected", "e1", "e2",
        "--perceived", "p1", "p2", "--weights", "w", "--scale", "1", "7",
        "--confidence-level", "0.9", "--nan-policy", "omit", "--format", "json",
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == "satmodels: warning: first second line\n"
    # numbers are JSON numbers, NaN and infinities null
    assert _strict_json(captured.out) == {
        "nan": None, "inf": None, "float": 1.5, "int": 3, "array": [1.0, None],
    }  # fmt: skip
    (call,) = calls
    data = call.pop("data")
    assert list(data) == ["e1", "e2", "p1", "p2", "w"]
    assert all(np.asarray(v).dtype == np.float64 for v in data.values())
    np.testing.assert_array_equal(data["w"], W)
    assert call == {
        "perceived": ["p1", "p2"], "expected": ["e1", "e2"],
        "items": ["p1/e1", "p2/e2"], "scale": (1.0, 7.0), "weights": "w",
        "confidence_level": 0.9, "nan_policy": "omit",
    }  # fmt: skip


# ---------------------------------------------------------------- errors


def test_error_unknown_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path)
    err = _error(capsys, ["ratio", str(path), "--expected", "e1", "--perceived", "P1"])
    assert err == (
        f"satmodels: error: {path}: no column 'P1' (--perceived); the file has "
        "'e1', 'p1', 'e2', 'p2', 'w'; did you mean 'p1' for 'P1'?"
    )


def test_error_unknown_weights_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, _ratio(_csv(tmp_path), "--weights", "weight"))
    assert "no column 'weight' (--weights)" in err


def test_error_cell_not_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "e1,p1\n5,6\n4,five\n")
    err = _error(capsys, _ratio(path))
    assert err == (
        f"satmodels: error: {path}: column 'p1' (--perceived), row 2 of data "
        "(line 3 of the file): 'five' is not a number"
    )


def test_error_directory_is_not_file_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, _ratio(tmp_path))
    assert f"{tmp_path}: is a directory, not a file" in err
    assert "not found" not in err


def test_error_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.csv"
    assert _error(capsys, _ratio(missing)) == (
        f"satmodels: error: {missing}: file not found"
    )


def test_error_undecodable_file_and_encoding_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("e1,p1,städte\n5,6,x\n".encode("latin-1"))
    err = _error(capsys, _ratio(path))
    assert f"{path}: not UTF-8: byte 9 of the file (0xE4, on line 1)" in err
    assert "pass --encoding" in err
    assert main(_ratio(path, "--encoding", "latin-1")) == 0
    capsys.readouterr()
    err = _error(capsys, _ratio(path, "--encoding", "latin-42"))
    assert "argument --encoding: unknown encoding 'latin-42'" in err


def test_error_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, "")
    assert _error(capsys, _ratio(path)) == (
        f"satmodels: error: {path}: the file is empty; expected a header row "
        "naming the columns"
    )


def test_error_duplicated_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "e1,p1,p1\n5,6,7\n")
    err = _error(capsys, _ratio(path))
    assert "the header names column 'p1' (--perceived) 2 times (columns 2, 3)" in err


def test_error_ragged_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, "e1,p1\n5,6\n4,5,9\n")
    err = _error(capsys, _ratio(path))
    assert err.endswith(
        "row 2 of data (line 3 of the file) has 3 field(s) but the header has 2"
    )


def test_error_parquet_without_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.parquet"
    path.write_bytes(b"PAR1")
    for name in ("pyarrow", "pyarrow.parquet", "polars"):
        monkeypatch.setitem(sys.modules, name, None)
    err = _error(capsys, _ratio(path))
    assert err.endswith("reading Parquet needs pyarrow or polars, and neither is "
                        "installed: pip install pyarrow")  # fmt: skip


def test_error_empty_cell_names_nan_policy_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path)
    err = _error(capsys, ["ratio", str(path), "--expected", "e2", "--perceived", "p2"])
    assert err == (
        f"satmodels: error: {path}: column 'p2' (--perceived) is empty in row 3 "
        "of data (line 4 of the file) (1 empty cell(s) in the columns read); "
        "pass --nan-policy omit to drop and count such pairs"
    )


def test_error_empty_weight_whatever_the_nan_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "e1,p1,w\n5,6,1\n4,,\n")
    for policy in ("raise", "omit"):
        err = _error(capsys, _ratio(path, "--weights", "w", "--nan-policy", policy))
        assert err == (
            f"satmodels: error: {path}: column 'w' (--weights) is empty in row 2 "
            "of data (line 3 of the file) (1 empty weight(s)); give every row a "
            "weight (0 leaves a row out)"
        )


def test_library_errors_in_the_commands_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = (
        "The 'expected' parameter of satisfaction_ratio must be positive; column "
        "'e1', row 2 is 0.0, row 9 is beyond the file; pass nan_policy='omit'."
    )

    def satisfaction_ratio(data: object, **kwargs: object) -> None:
        raise InputError(message)

    monkeypatch.setattr(ratio, "satisfaction_ratio", satisfaction_ratio)
    path = _csv(tmp_path, "e1,p1\n5,6\n\n0,5\n")
    assert _error(capsys, _ratio(path)) == (
        f"satmodels: error: {path}: --expected must be positive; column 'e1', "
        "row 2 of data (line 4 of the file) is 0.0, row 9 is beyond the file; "
        "pass --nan-policy omit."
    )


def test_error_from_the_library_names_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "e1,p1\n0,5\n")
    err = _error(capsys, _ratio(path))
    assert err.startswith(
        f"satmodels: error: {path}: --expected column 'e1' must be positive"
    )
    assert "row 1 of data (line 2 of the file)" in err
    err = _error(capsys, _ratio(_csv(tmp_path), "--scale", "1", "5"))
    assert "--expected column 'e1' has 2 answer(s) outside the [1, 5]" in err  # 6, 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expected", "e1", "e2", "--perceived", "p1"],
         "--expected names 2 column(s) but --perceived names 1; they are paired "
         "one to one"),
        (["--expected", "e1", "--perceived", "e1"],
         "column 'e1' is named by --expected and --perceived; name each column "
         "once"),
        (["--expected", "e1", "e1", "--perceived", "p1", "p2"],
         "column 'e1' is named twice by --expected; name each column once"),
        (["--expected", "e1", "--perceived", "p1", "--scale", "7", "1"],
         "--scale 7 1: give MIN then MAX, finite, MIN < MAX"),
        (["--expected", "e1", "--perceived", "p1", "--scale", "1", "inf"],
         "--scale 1 inf: give MIN then MAX, finite, MIN < MAX"),
        (["--expected", "e1", "--perceived", "p1", "--weights", "p1"],
         "column 'p1' is named by --perceived and --weights; name each column "
         "once"),
    ],
)  # fmt: skip
def test_error_command_line_inconsistent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    err = _error(capsys, ["ratio", str(_csv(tmp_path)), *args])
    assert err == f"satmodels: error: {message}"


def test_error_unknown_file_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "x", name="s.xlsx")
    assert "unknown file type '.xlsx'" in _error(capsys, _ratio(path))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "satmodels: error: the following arguments are required: COMMAND "
             "(see 'satmodels --help')"),
        (["ratio", "f.csv", "--expected", "e1"],
         "satmodels ratio: error: the following arguments are required: "
         "--perceived (see 'satmodels ratio --help')"),
        (["ratio", "f.csv", "--expected", "e", "--perceived", "p",
          "--nan-policy", "drop"],
         "satmodels ratio: error: argument --nan-policy: invalid choice: 'drop' "
         "(choose from 'raise', 'omit') (see 'satmodels ratio --help')"),
        (["ratio", "f.csv", "--expected", "e", "--perceived", "p",
          "--confidence-level", "95"],
         "satmodels ratio: error: argument --confidence-level: must be between 0 "
         "and 1, e.g. 0.95; got 95 (did you mean 0.95?) "
         "(see 'satmodels ratio --help')"),
        (["ratio", "f.csv", "--expected", "e", "--perceived", "p",
          "--confidence-level", "high"],
         "satmodels ratio: error: argument --confidence-level: must be a number "
         "between 0 and 1, e.g. 0.95; got 'high' (see 'satmodels ratio --help')"),
    ],
)  # fmt: skip
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert _error(capsys, argv) == message


def test_interrupt_is_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ratio, "satisfaction_ratio", interrupted)
    assert main(_ratio(_csv(tmp_path))) == 130
    assert capsys.readouterr().err == "satmodels: interrupted\n"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"satmodels {satmodels.__version__}\n"


# ------------------------------------------------------------ subprocess


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    src = str(Path(satmodels.__file__).parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    return subprocess.run(
        [sys.executable, "-m", "satmodels", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_subprocess_error_is_one_line_with_exit_code_2(tmp_path: Path) -> None:
    path = _csv(tmp_path, "e1,p1\n5,6\n4,5,9\n")
    done = _run(*_ratio(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"satmodels: error: {path}: row 2 of data (line 3 of the file) has 3 "
        "field(s) but the header has 2\n"
    )
    usage = _run("ratio", str(path))
    assert usage.returncode == 2
    assert usage.stderr.count("\n") == 1
    assert usage.stderr.endswith("(see 'satmodels ratio --help')\n")


def test_subprocess_json(tmp_path: Path) -> None:
    done = _run(*_ratio(_csv(tmp_path), "--format", "json"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    got = _strict_json(done.stdout)
    assert min(abs(x - P1.mean() / E1.mean()) for x in _numbers(got)) < 1e-12
