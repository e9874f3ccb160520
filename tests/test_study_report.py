"""The study report writers: Excel cell for cell, the HTML page, the commands."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from study_charts import standin

from satmodels.cli import main
from satmodels.data._io import read_columns
from satmodels.datasets import load_sample_survey, sample_study_path
from satmodels.demo import sample_study
from satmodels.study import StudyResult, result_schema, run
from satmodels.study._excel import sheet_names
from satmodels.study.result import headline_text

openpyxl = pytest.importorskip("openpyxl")
jsonschema = pytest.importorskip("jsonschema")
pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def sample() -> StudyResult:
    return sample_study()


def _figures(result: StudyResult) -> list[str]:
    return [f.chart for s in result.sections for f in s.figures]


# ------------------------------------------------------------- Excel
def test_excel_cells_equal_the_results_numbers(
    sample: StudyResult, tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    sample.to_excel(path)
    book = openpyxl.load_workbook(path)
    tables = sample.tables()
    sheets = sheet_names([t.name for t in tables])
    assert book.sheetnames == ["contents", *sheets]
    contents = list(book["contents"].iter_rows(values_only=True))
    assert contents[0] == ("sheet", "table", "title")
    checked = 0
    for sheet, table in zip(sheets, tables, strict=True):
        rows = list(book[sheet].iter_rows(values_only=True))
        assert rows[0] == tuple(c or None for c in table.columns)
        assert len(rows) == len(table.rows) + 1
        for got, want in zip(rows[1:], table.rows, strict=True):
            for g, w in zip(got, want, strict=True):
                if (isinstance(w, float) and not math.isfinite(w)) or w == "":
                    assert g is None  # NaN and empty text are empty cells
                elif isinstance(w, (int, float)) and not isinstance(w, bool):
                    # a number, not text; openpyxl writes 16 significant
                    # digits ("%.16g"), so equal to within 1e-15 relative
                    assert type(g) in (int, float)
                    assert math.isclose(g, w, rel_tol=1e-15), (sheet, g, w)
                    checked += 1
                else:
                    assert g == w
    assert checked > 1000
    head = list(book["headline"].iter_rows(values_only=True))
    assert np.allclose(
        [r[2] for r in head[1:]], [h.estimate for h in sample.headline], rtol=1e-15
    )


# -------------------------------------------------------------- HTML
def test_html_page_is_self_contained_and_marks_its_numbers(
    sample: StudyResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked = standin(monkeypatch)
    path = tmp_path / "report.html"
    page = sample.to_html(path)
    assert path.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>")
    assert asked == _figures(sample)
    assert "<script" not in page.lower()
    assert "<?xml" not in page  # the SVG prolog is stripped
    # nothing to fetch: links are in-page anchors, url() refers to ids only
    assert re.findall(r'\b(?:src|href)="(?!#)', page) == []
    assert re.findall(r"url\((?!#)", page) == []
    assert page.count("<svg") == len(asked) == page.count("<figure")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # no two figures share an SVG id
    for h in sample.headline:
        value, ci = headline_text(h)
        card = re.search(
            rf'<div class="card" data-headline="{h.analysis}" '
            rf'data-estimate="([^"]+)" data-ci-low="([^"]+)" data-ci-high="([^"]+)">'
            rf'.*?<span class="estimate">([^<]+)</span>.*?'
            rf'<span class="interval">([^<]+)</span>',
            page,
        )
        assert card is not None, h.analysis
        assert float(card[1]) == h.estimate
        assert (float(card[2]), float(card[3])) == (h.ci_low, h.ci_high)
        assert (card[4], card[5]) == (value, ci)
    for p in sample.priorities:
        assert f'data-priority="{p.rank}" data-item="{p.item}"' in page
    for s in sample.sections:
        assert f'<section id="{s.name}"' in page
        assert s.note.replace("'", "&#x27;") in page


def test_html_svg_is_stable(
    sample: StudyResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin(monkeypatch)
    assert sample.to_html() == sample.to_html()


def test_html_with_the_real_charts(sample: StudyResult) -> None:
    page = sample.to_html()
    assert page.count("<svg") == len(_figures(sample))


def test_a_study_without_priorities_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    standin(monkeypatch)
    spec = {"weights": "weight", "analyses": [{"kind": "nps", "item": "nps"}]}
    result = run(spec, load_sample_survey())
    assert result.priorities == ()
    assert "No IPA, IPMA or Kano analysis" in result.to_html()
    assert "Improve first: no IPA, IPMA or Kano" in result.what_to_look_at()


# ---------------------------------------------------------- commands
def test_report_command_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert main(["report", str(sample_study_path()), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("What to look at (Sample satisfaction study")
    assert f"Report written to {out}" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, result_schema())


def test_report_command_refuses_an_unknown_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(sample_study_path()), "--out", "r.pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("satmodels: error: --out r.pdf: the report file must end")
    assert err.count("\n") == 1


def test_report_command_names_a_bad_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text('[[analyses]]\nkind = "nps"\n', encoding="utf-8")
    assert main(["report", str(spec), "--out", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert "analyses.0.nps.item: Field required" in err


def test_demo_out_writes_excel_and_keeps_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo.xlsx"
    assert main(["demo", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0].startswith("satmodels demo")
    assert lines[2].startswith("What to look at")
    assert "Satisfaction ratio c = b / a" in text  # the sections follow
    assert f"Report written to {out}" in text
    assert openpyxl.load_workbook(out).sheetnames[:3] == [
        "contents", "headline", "priorities",
    ]  # fmt: skip


def test_demo_json_with_out_keeps_stdout_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo.json"
    assert main(["demo", "--format", "json", "--out", str(out)]) == 0
    assert "overview" in json.loads(capsys.readouterr().out)
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")), result_schema())


# --------------------------------------------- label columns in files
def test_read_columns_keeps_text_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("x,seg\n1, north\n2,\n3,NA\n", encoding="utf-8")
    cols = read_columns(path, ["x", "seg"], text=["seg"])
    assert cols["x"].tolist() == [1.0, 2.0, 3.0]
    assert cols["seg"].tolist() == ["north", None, None]


def test_read_columns_keeps_text_columns_of_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0], "seg": ["a", None]}), path)
    cols = read_columns(path, ["x", "seg"], text=["seg"])
    assert cols["seg"].tolist() == ["a", None]
    assert np.array_equal(cols["x"], [1.0, 2.0])


def test_read_columns_keeps_text_columns_of_parquet_with_polars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pl = pytest.importorskip("polars")
    path = tmp_path / "s.parquet"
    pl.DataFrame({"x": [1.0, 2.0], "seg": ["a", None]}).write_parquet(path)
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    cols = read_columns(path, ["x", "seg"], text=["seg"])
    assert cols["seg"].tolist() == ["a", None]


def test_a_missing_segment_label_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("nps,seg\n9,a\n3,\n", encoding="utf-8")
    spec = tmp_path / "s.toml"
    spec.write_text(
        'data = "s.csv"\nsegments = "seg"\n[[analyses]]\nkind = "nps"\nitem = "nps"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="seg"):
        run(spec)


def test_report_command_names_a_missing_extra_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "openpyxl" else real(name, *a),
    )
    spec = tmp_path / "s.toml"
    spec.write_text("analyses = [", encoding="utf-8")  # never read
    assert main(["report", str(spec), "--out", "r.xlsx"]) == 2
    err = capsys.readouterr().err
    assert (
        'needs openpyxl, which is not installed; pip install "satmodels[report]"' in err
    )
