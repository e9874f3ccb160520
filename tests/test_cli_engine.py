"""``satmodels ratio`` on large files: DuckDB scans, the numbers do not change.

Files of at least ``cli._ENGINE_MIN_BYTES`` go to DuckDB, which returns only
sums (satmodels.ratio._engine); the tests lower that threshold to 0 and
compare every number of ``--format json`` (and the text report) with the
in-memory path on the same file, and check that every file the in-memory
path refuses still gets its own message, word for word.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import _ratio_scan, cli
from satmodels.data import _engine_source
from satmodels.ratio import _engine

pytest.importorskip("duckdb")

pytestmark = pytest.mark.engine


def _survey(n: int, seed: int, *, holes: bool, discrete: bool = True) -> str:
    """A CSV with three pairs, weights (some 0) and, optionally, missing cells.

    Discrete answers (a 1-10 scale) take the grouped scan, continuous ones
    (more than ``_FEW`` distinct pairs) the summing scan.
    """
    rng = np.random.default_rng(seed)
    digits = 0 if discrete else 6
    e = np.clip(np.round(6 + rng.normal(size=(n, 3)) * 1.5, digits), 1, 10)
    p = np.clip(np.round(e + 0.4 + rng.normal(size=(n, 3)), digits), 1, 10)
    w = np.round(rng.uniform(0.2, 3.0, size=n), 3)
    w[::17] = 0.0
    cells = [[f"{v:g}" for v in row] for row in np.column_stack([e, p, w])]
    if holes:
        for r in range(0, n, 7):
            cells[r][r % 6] = ("", "NA", "nan", "N/A", " ", "null")[r % 6]
    head = "e1,e2,e3,p1,p2,p3,w,name\n"
    return head + "".join(
        ",".join([*row, f"r{r}"]) + "\n" for r, row in enumerate(cells)
    )


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _both(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> tuple[tuple[int, str, str], tuple[int, str, str], list[bool]]:
    """Run with the engine (threshold 0), then in memory; say if it was used."""
    used: list[bool] = []
    real = _engine.ratio_from_engine

    def spy(*args: Any, **kwargs: Any) -> Any:
        res = real(*args, **kwargs)
        used.append(res is not None)
        return res

    monkeypatch.setattr(_engine, "ratio_from_engine", spy)
    monkeypatch.setattr(cli, "_ENGINE_MIN_BYTES", 0)
    fast = _run(capsys, argv)
    monkeypatch.setattr(cli, "_ENGINE_MIN_BYTES", 1 << 62)
    slow = _run(capsys, argv)
    return fast, slow, used


def _close(a: object, b: object, where: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict)
        assert set(a) == set(b), where
        for k in a:
            _close(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list):
        assert isinstance(b, list)
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert a == pytest.approx(b, rel=1e-10, abs=1e-12), where
    else:
        assert a == b, where


ARGS = ["--expected", "e1", "e2", "e3", "--perceived", "p1", "p2", "p3"]


@pytest.fixture(params=[True, False], ids=["fanout", "grouping_sets"])
def form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Scan answers on a scale with either query of ``_ratio_scan._grouped``.

    DuckDB 2 gets one ``GROUP BY`` per grouping over a streamed CTE, older
    DuckDB ``GROUPING SETS``; both run here, on the DuckDB installed.
    """
    fanout = bool(request.param)
    real = _ratio_scan._grouped

    def forced(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **(kwargs | {"fanout": fanout}))

    monkeypatch.setattr(_ratio_scan, "_grouped", forced)
    return fanout


@pytest.mark.parametrize("discrete", [True, False])
@pytest.mark.parametrize("holes", [False, True])
@pytest.mark.parametrize("weights", [False, True])
def test_engine_equals_in_memory_json(  # noqa: PLR0917
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    holes: bool,
    weights: bool,
    discrete: bool,
    form: bool,
) -> None:
    path = tmp_path / "s.csv"
    text = _survey(3000, 1, holes=holes, discrete=discrete)
    path.write_text(text, encoding="utf-8")
    argv = ["ratio", str(path), *ARGS, "--nan-policy", "omit", "--format", "json"]
    if weights:
        argv += ["--weights", "w"]
    grouped: list[bool] = []
    real = _ratio_scan._few_values

    def spy(*args: Any, **kwargs: Any) -> bool:
        out = bool(real(*args, **kwargs))
        grouped.append(out)
        return out

    monkeypatch.setattr(_ratio_scan, "_few_values", spy)
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert used == [True]
    assert grouped == [discrete]
    assert fast[0] == slow[0] == 0
    assert fast[2] == slow[2]
    _close(json.loads(fast[1]), json.loads(slow[1]))


def _scanned_relations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the ``FROM`` item of every DuckDB scan of the command."""
    relations: list[str] = []
    real = _ratio_scan._scan

    def spy(con: Any, relation: str, *args: Any, **kwargs: Any) -> Any:
        relations.append(relation)
        return real(con, relation, *args, **kwargs)

    monkeypatch.setattr(_ratio_scan, "_scan", spy)
    return relations


@pytest.mark.parametrize("discrete", [True, False])
def test_markers_after_the_head_are_read_by_a_second_scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    discrete: bool,
) -> None:
    # DuckDB is given only the missing-value markers of the file's head (a
    # third faster); a marker first met later ('NA' fails the scan, 'nan'
    # reads as a NaN the scan refuses) makes it scan again with all of them
    text = _survey(3000, 4, holes=True, discrete=discrete)
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    head = len(text.split("\n", 3)[0]) + 1  # the header line only
    monkeypatch.setattr(_engine_source, "_HEAD_BYTES", head + 40)
    relations = _scanned_relations(monkeypatch)
    argv = ["ratio", str(path), *ARGS, "--weights", "w", "--nan-policy", "omit",
            "--format", "json"]  # fmt: skip
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert used == [True]
    assert len(relations) == 2
    assert "'NA'" not in relations[0]
    assert "'NA'" in relations[1]
    assert fast[0] == slow[0] == 0
    _close(json.loads(fast[1]), json.loads(slow[1]))


def test_markers_in_the_head_need_one_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(_survey(3000, 5, holes=True), encoding="utf-8")
    relations = _scanned_relations(monkeypatch)
    argv = ["ratio", str(path), *ARGS, "--nan-policy", "omit", "--format", "json"]
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert used == [True]
    assert len(relations) == 1
    for marker in ("'NA'", "'nan'", "'N/A'", "'null'"):
        assert marker in relations[0]
    assert "'NONE'" not in relations[0]
    _close(json.loads(fast[1]), json.loads(slow[1]))


@pytest.mark.parametrize(
    "body",
    [
        "1,2\n3,4\n",  # numbers only: no marker but the empty cell
        "1,NA\n3, nan \n",
        "Jonathan,2\nNAN1,4\n",  # markers inside cells are no cells
        "1, \n3,4\n",  # a cell of one space
        "1,  \n3,None\r\n",
        "1,N/A\n,null\n",
    ],
)
def test_markers_of_the_head_are_its_cells(body: str) -> None:
    # the definition: a marker is kept when it is a cell of a row after the
    # header, with or without the cell's surrounding spaces
    cells = {c for line in body.splitlines() for c in line.split(",")}
    cells |= {c.strip() for c in cells}
    want = tuple(m for m in _engine_source._NULL_MARKERS if m == "" or m in cells)
    assert _engine_source._markers_in("a,b\n" + body) == want


def test_engine_equals_in_memory_text_and_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(_survey(500, 2, holes=False), encoding="utf-8")
    argv = ["ratio", str(path), *ARGS, "--weights", "w", "--scale", "1", "10"]
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert used == [True]
    assert fast == slow


def test_engine_reads_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pl = pytest.importorskip("polars")
    rng = np.random.default_rng(3)
    e = rng.integers(1, 8, size=(400, 2)).astype(float)
    frame = pl.DataFrame({
        "e1": e[:, 0], "e2": e[:, 1].astype(np.int64),
        "p1": e[:, 0] + rng.integers(0, 2, 400), "p2": e[:, 1] + 1.0,
    })  # fmt: skip
    path = tmp_path / "s.parquet"
    frame.write_parquet(path)
    argv = ["ratio", str(path), "--expected", "e1", "e2", "--perceived", "p1", "p2",
            "--format", "json"]  # fmt: skip
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert used == [True]
    _close(json.loads(fast[1]), json.loads(slow[1]))


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("e1,p1\n5,6\n4,5,9\n", []),  # ragged row
        ("e1,p1\n5,6\n4,five\n", []),  # not a number
        ("e1,p1\n5,6\n4,\n", []),  # empty cell under --nan-policy raise
        ("e1,p1\n5,6\n0,5\n", []),  # a <= 0
        ("e1,p1\n5,6\n4,-1\n", []),  # b < 0
        ("e1,p1\n5,6\n4,inf\n", []),  # infinite
        ("e1,p1\n5,6\n4,9\n", ["--scale", "1", "7"]),  # off the scale
        ("e1,p1,w\n5,6,1\n4,5,\n", ["--weights", "w"]),  # empty weight
        ("e1,p1,w\n5,6,1\n4,5,-2\n", ["--weights", "w"]),  # negative weight
        ("e1,p1,w\n5,6,1\n4,5,0\n3,4,-2\n", ["--weights", "w"]),  # beside a 0
        # a negative weight that the positive weights of its group outweigh
        ("e1,p1,w\n5,6,1\n4,5,2\n4,5,-0.5\n3,4,1\n", ["--weights", "w"]),
        ("e1,p1,w\n5,6,1\n,,-2\n", ["--weights", "w"]),  # on a row with no pair
        ("e1,p1,w\n5,6,1\n4,5,nan\n", ["--weights", "w"]),  # NaN weight
        ("e1,p1,w\n5,6,1\n4,5,inf\n3,4,1\n", ["--weights", "w"]),  # infinite
        ("e1,p1,w\n5,6,1\n4,5,-inf\n3,4,1\n", ["--weights", "w"]),
        ("e1,p1\n5,6\n", []),  # one respondent: a warning
        ("e1,p1\n", []),  # no rows
        ("e1,p1\n5,6\n4,  \n", []),  # other blanks: read in memory
    ],
)
def test_refusals_keep_the_in_memory_messages(  # noqa: PLR0917
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    extra: list[str],
    form: bool,
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    argv = ["ratio", str(path), "--expected", "e1", "--perceived", "p1", *extra]
    fast, slow, used = _both(capsys, monkeypatch, argv)
    assert fast == slow
    assert used in ([], [False])


def test_duckdb_reads_underscored_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the one documented difference (satmodels.data._engine_source.engine_source):
    # DuckDB reads 1_000 as 1000, which the in-memory reader refuses
    path = tmp_path / "s.csv"
    path.write_text("e1,p1\n5,6\n4,1_0\n3,3\n", encoding="utf-8")
    fast, slow, used = _both(capsys, monkeypatch, ["ratio", str(path), "--expected",
                                                   "e1", "--perceived", "p1"])  # fmt: skip
    assert used == [True]
    assert fast[0] == 0
    assert "'1_0' is not a number" in slow[2]


def test_without_duckdb_the_file_is_read_in_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_duckdb(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "duckdb":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    path = tmp_path / "s.csv"
    path.write_text(_survey(50, 4, holes=False), encoding="utf-8")
    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    fast, slow, used = _both(capsys, monkeypatch, ["ratio", str(path), *ARGS])
    assert used == []
    assert fast == slow


@pytest.mark.parametrize("holes", [False, True])
@pytest.mark.parametrize("discrete", [True, False])
def test_head_text_judges_the_scale_as_duckdb_does(
    tmp_path: Path, holes: bool, discrete: bool
) -> None:
    # the pilot reads the CSV's first lines in Python (5 ms) instead of
    # asking DuckDB (35 ms at the command's start): the same decision
    path = tmp_path / "s.csv"
    path.write_text(_survey(3000, 2, holes=holes, discrete=discrete), encoding="utf-8")
    cols = ["e1", "e2", "e3", "p1", "p2", "p3", "w"]
    src = _engine_source.engine_source(path, cols)
    assert src is not None
    try:
        at = dict(zip(cols, src.positions, strict=True))
        assert src.positions == (0, 1, 2, 3, 4, 5, 6)
        text = _ratio_scan._few_in_text(
            src.head, [at[c] for c in cols[:3]], [at[c] for c in cols[3:6]]
        )
        duck = _ratio_scan._few_values(
            src.connection, src.relation, ["q0", "q1", "q2"], ["q3", "q4", "q5"]
        )
        assert text is duck is discrete
    finally:
        src.connection.close()


def _lines(n: int, row: str = "7,8,x") -> str:
    return "a,b,name\n" + "".join(f"{row}\n" for _ in range(n))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (_lines(500), True),
        (_lines(150), None),  # too few lines to judge: DuckDB's pilot
        (_lines(500) + '7,8,"a, b"\n' + _lines(10)[9:], None),  # a quote
        (_lines(500) + "7\n" + _lines(10)[9:], None),  # a short row
        # 7 and 7.0 are two pairs (a guess on the side of summing rows)
        (_lines(300, "7,8,x") + _lines(300, " 7.0 ,8,x")[9:], True),
        ("a,b\n" + "".join(f"{r % 7},{r}\n" for r in range(1000)), False),
        ("a,b\n" + "".join(f"{1 + r % 9},NA\n" for r in range(1000)), True),
    ],
)
def test_head_text_pilot(text: str, want: bool | None) -> None:
    assert _ratio_scan._few_in_text(text, [0], [1]) is want
