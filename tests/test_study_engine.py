"""The study runner on a large file: staged by DuckDB, analysed in the engine.

Files from ``ENGINE_MIN_BYTES`` are parsed once by DuckDB into a temporary
Parquet file and every analysis aggregates its statistics there. The tests
lower the threshold so the bundled sample study takes that path, and hold
it to the in-memory run of the same file: every estimate of every section
to 1e-10 (the ACSI bootstrap excepted: Poisson weights on an engine,
multinomial resamples in memory, by design), the same n, warnings and
priorities; and to the in-memory reader's messages when DuckDB cannot read
the file.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels.data._engine_source import engine_source
from satmodels.datasets import sample_study_path
from satmodels.exceptions import InputError
from satmodels.study import StudyResult, _data, load_spec, run, runner

duckdb = pytest.importorskip("duckdb")

#: Estimates of the ACSI section that rest on its bootstrap.
_BOOTSTRAP = {"standard_error", "statistic", "pvalue", "ci_low", "ci_high"}


def _staged() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob("satmodels-study-*"))


def _estimates(result: StudyResult) -> dict[tuple[str, str, int, str], Any]:
    """Every estimate-table cell of every result of every section."""
    out: dict[tuple[str, str, int, str], Any] = {}
    for section in result.sections:
        for key, res in section.results.items():
            est = getattr(res, "estimates", None)
            if est is None:
                continue
            for i, row in enumerate(est.to_dict()["rows"]):
                for field, value in row.items():
                    out[section.name, key, i, field] = value
    return out


def _assert_same(got: StudyResult, want: StudyResult) -> None:
    assert got.n == want.n
    a, b = _estimates(got), _estimates(want)
    assert a.keys() == b.keys()
    compared = 0
    for key, value in b.items():
        if key[0] == "acsi" and key[3] in _BOOTSTRAP:
            continue
        other = a[key]
        if isinstance(value, float) and isinstance(other, float):
            assert math.isclose(other, value, rel_tol=1e-10, abs_tol=1e-10) or (
                math.isnan(other) and math.isnan(value)
            ), key
            compared += 1
        else:
            assert other == value, key
    assert compared > 1000
    assert [h.estimate for h in got.headline] == pytest.approx(
        [h.estimate for h in want.headline], rel=1e-12
    )
    assert [p.item for p in got.priorities] == [p.item for p in want.priorities]
    assert [s.warnings for s in got.sections] == [s.warnings for s in want.sections]


@pytest.fixture(scope="module")
def in_memory() -> StudyResult:
    return run(sample_study_path())


def test_sample_study_in_the_engine_equals_the_rows(
    in_memory: StudyResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    seen: list[str] = []
    real = runner._RUNNERS["servqual"]

    def spy(a: Any, ctx: Any) -> Any:
        seen.append(type(ctx.data).__name__)
        return real(a, ctx)

    monkeypatch.setitem(runner._RUNNERS, "servqual", spy)
    before = _staged()
    got = run(sample_study_path())
    assert seen == ["DuckDBPyRelation"]  # analysed in the engine, not in memory
    assert _staged() == before  # the staged Parquet file is removed
    _assert_same(got, in_memory)
    assert "n = 500" in got.what_to_look_at()


def _big_copy(tmp_path: Path, late: str) -> Path:
    """The sample survey repeated past DuckDB's 1 MB head, ``late`` near the end."""
    src = sample_study_path()
    text = (src.parent / "sample_survey.csv").read_text()
    header, body = text.split("\n", 1)
    lines = body.splitlines() * 8  # ~1.3 MB: the markers are looked for in 1 MB
    cells = lines[-3].split(",")
    cells[header.split(",").index("qual2")] = late
    lines[-3] = ",".join(cells)
    data = tmp_path / "survey.csv"
    data.write_text(header + "\n" + "\n".join(lines) + "\n")
    return data


def _spec_for(data: Path) -> Any:
    return load_spec(sample_study_path()).model_copy(update={"data": data})


def test_a_marker_first_met_late_is_retried_with_every_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec_for(_big_copy(tmp_path, "NA"))
    want = run(spec)  # the rows: "NA" is a missing answer
    src = engine_source(spec.data, ["qual2"])
    assert src is not None and src.retry is not None  # no "NA" in the head
    with pytest.raises(duckdb.Error):  # so the first reading fails
        src.connection.execute(f"SELECT sum(q0) FROM {src.relation}").fetchall()
    src.connection.close()
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    engine = _data.stage(spec, spec.names())
    assert engine is not None  # staged on the second try, with every marker
    engine.close()
    _assert_same(run(spec), want)


def test_a_cell_duckdb_cannot_read_gets_the_readers_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec_for(_big_copy(tmp_path, "seven"))
    with pytest.raises(InputError) as in_memory:
        run(spec)
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    assert _data.stage(spec, spec.names()) is None
    with pytest.raises(InputError) as staged:
        run(spec)
    assert str(staged.value) == str(in_memory.value)
    assert "seven" in str(staged.value)


def test_a_failing_query_moves_the_rest_to_the_rows(
    in_memory: StudyResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    real = runner._RUNNERS["kano"]
    kinds: list[str] = []

    def over_budget(a: Any, ctx: Any) -> Any:
        kinds.append(type(ctx.data).__name__)
        if len(kinds) == 1:
            msg = "Out of Memory Error: (a test)"
            raise duckdb.OutOfMemoryException(msg)
        return real(a, ctx)

    monkeypatch.setitem(runner._RUNNERS, "kano", over_budget)
    got = run(sample_study_path())
    assert kinds == ["DuckDBPyRelation", "dict"]
    _assert_same(got, in_memory)


def test_segment_labels_are_trimmed_as_the_reader_trims_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = sample_study_path()
    text = (src.parent / "sample_survey.csv").read_text()
    data = tmp_path / "spaced.csv"
    data.write_text(text.replace(",north,", ", north ,"))
    spec = _spec_for(data)
    want = run(spec)
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    got = run(spec)
    labels = {k for s in got.sections for k in getattr(
        s.results["main"], "segments", None) or {}}  # fmt: skip
    assert "north" in labels
    _assert_same(got, want)
    assert np.isfinite(got.headline[0].estimate)


def test_a_parquet_file_is_staged_too(
    in_memory: StudyResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pl = pytest.importorskip("polars")
    src = sample_study_path()
    data = tmp_path / "survey.parquet"
    pl.read_csv(src.parent / "sample_survey.csv").write_parquet(data)
    spec = _spec_for(data)
    monkeypatch.setattr(_data, "ENGINE_MIN_BYTES", 0)
    engine = _data.stage(spec, spec.names())
    assert engine is not None  # the text segment column too
    engine.close()
    _assert_same(run(spec), in_memory)
