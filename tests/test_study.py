"""satmodels.study: the spec, the run, and the JSON report against its schema.

The numbers of a study are the models' own: every headline is checked
against a direct call of the public model function on the same data.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi, csi, servqual
from satmodels.datasets import load_sample_survey, sample_study_path
from satmodels.exceptions import InputError
from satmodels.study import StudyResult, StudySpec, load_spec, result_schema, run
from satmodels.study._schema import (
    RESULT_SCHEMA_FILE,
    SPEC_SCHEMA_FILE,
    committed,
    dumps,
    spec_schema,
)
from satmodels.study._sections import Candidate, priorities
from satmodels.study.result import Table, headline_text

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def sample() -> StudyResult:
    return run(sample_study_path())


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _strict(text: str) -> Any:
    def refuse(name: str) -> None:
        msg = f"JSON holds {name}"
        raise AssertionError(msg)

    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------ spec
def test_sample_spec_loads_and_round_trips_through_json(tmp_path: Path) -> None:
    spec = load_spec(sample_study_path())
    assert spec.names()[:3] == ("nps", "csat", "acsi")
    assert Path(spec.data or "").name == "sample_survey.csv"
    path = tmp_path / "study.json"
    path.write_text(json.dumps(spec.model_dump(mode="json")), encoding="utf-8")
    assert load_spec(path) == spec
    jsonschema.validate(spec.model_dump(mode="json"), spec_schema())


def test_names_number_repeated_kinds() -> None:
    spec = load_spec(
        {
            "analyses": [
                {"kind": "nps", "item": "a"},
                {"kind": "nps", "item": "b"},
                {"kind": "nps", "item": "c", "name": "nps-3"},
                {"kind": "nps", "item": "d"},
            ]
        }
    )
    assert spec.names() == ("nps", "nps-2", "nps-3", "nps-4")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (
            {"analyses": [{"kind": "nps", "itme": "nps"}]},
            ["analyses.0.nps.itme", "'nps'"],
        ),
        (
            {"analyses": [{"kind": "ipa", "target": "y", "items": "x1"}]},
            ["analyses.0.ipa.items", "'x1'"],
        ),
        ({"analyses": [{"kind": "anova"}]}, ["analyses.0", "anova"]),
        ({"analyses": []}, ["analyses", "at least 1"]),
        (
            {"confidence_level": 95, "analyses": [{"kind": "nps", "item": "n"}]},
            ["confidence_level", "95"],
        ),
        (
            {
                "analyses": [
                    {"kind": "ratio", "perceived": ["p1", "p2"], "expected": ["e1"]}
                ]
            },
            ["paired one to one"],
        ),
        (
            {
                "analyses": [
                    {"kind": "kano", "pairs": [["f", "d"]], "attributes": ["a", "b"]}
                ]
            },
            ["'attributes' names 2"],
        ),
        (
            {"analyses": [{"kind": "acsi", "model": "acsii"}]},
            ["analyses.0.acsi.model", "acsii"],
        ),
        (
            {
                "analyses": [
                    {"kind": "nps", "item": "a", "name": "x"},
                    {"kind": "csat", "item": "b", "name": "x"},
                ]
            },
            ["unique", "'x'"],
        ),
        (
            {"analyses": [{"kind": "csi_tree", "tree": {"name": "t"}}]},
            ["analyses.0.csi_tree.tree"],
        ),
    ],
)
def test_spec_errors_name_the_field_and_value(
    raw: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(InputError) as info:
        load_spec(raw)
    for w in words:
        assert w in str(info.value)


def test_spec_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        load_spec(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("analyses = [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid toml"):
        load_spec(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid json"):
        load_spec(bad_json)
    other = tmp_path / "study.yaml"
    other.write_text("x: 1", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.toml or \.json"):
        load_spec(other)
    top = tmp_path / "list.json"
    top.write_text("[1]", encoding="utf-8")
    with pytest.raises(InputError, match="at the top"):
        load_spec(top)
    field = tmp_path / "field.toml"
    field.write_text('[[analyses]]\nkind = "nps"\nitem = 3\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"analyses\.0\.nps\.item.*got 3"):
        load_spec(field)


# ------------------------------------------------------------- the data
def test_no_data_is_refused() -> None:
    with pytest.raises(InputError, match="no 'data'"):
        run({"analyses": [{"kind": "nps", "item": "nps"}]})


def test_unknown_column_names_the_analysis_and_column() -> None:
    spec = {
        "analyses": [
            {"kind": "nps", "item": "nps"},
            {"kind": "kano", "name": "features", "pairs": [["kano_f1", "kano_d9"]]},
        ]
    }
    with pytest.raises(InputError, match=r"'features' \(kano, 'pairs'\).*'kano_d9'"):
        run(spec, load_sample_survey())


def test_unknown_column_in_a_file_names_the_analysis(tmp_path: Path) -> None:
    csv = tmp_path / "s.csv"
    csv.write_text("nps,w\n9,1\n3,1\n", encoding="utf-8")
    spec = tmp_path / "s.toml"
    spec.write_text(
        'data = "s.csv"\nweights = "w"\n[[analyses]]\nkind = "csat"\nitem = "sat"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"no column 'sat' \(analysis 'csat', item\)"):
        run(spec)


def test_a_model_refusal_names_the_analysis() -> None:
    survey = load_sample_survey()
    spec = {"analyses": [{"kind": "csat", "item": "overall", "scale": [1, 5]}]}
    with pytest.raises(InputError, match=r"^Study analysis 'csat' \(csat\): "):
        run(spec, survey)


def test_file_data_equals_the_sample_survey(sample: StudyResult) -> None:
    spec = load_spec(sample_study_path())
    again = run(spec.model_copy(update={"data": None}), load_sample_survey())
    assert again.headline == sample.headline
    assert [p.to_dict() for p in again.priorities] == [
        p.to_dict() for p in sample.priorities
    ]


# ------------------------------------------------------- the numbers
def test_headline_equals_direct_model_calls(sample: StudyResult) -> None:
    survey = load_sample_survey()
    heads = {h.analysis: h for h in sample.headline}
    r_nps = csi.nps(survey, items="nps", weights="weight")
    assert heads["nps"].estimate == r_nps.estimates.value("nps", "nps")
    r_csat = csi.csat(survey, items="overall", scale=(1, 10), weights="weight")
    assert heads["csat"].estimate == r_csat.estimates.value("csat", "share")
    assert heads["csat"].ci_low == r_csat.estimates.ci_low[0]
    gaps = servqual.gaps(
        survey,
        perceptions=[f"sq_p{i}" for i in range(1, 23)],
        expectations=[f"sq_e{i}" for i in range(1, 23)],
        weights="weight",
    )
    assert heads["servqual"].estimate == gaps.estimates.value("unweighted", "score")
    pls = acsi.fit(survey, scale=(1, 10), weights="weight", scores=False)
    assert math.isclose(heads["acsi"].estimate, float(pls.indices[3]), rel_tol=1e-12)
    low, high = heads["acsi"].ci_low, heads["acsi"].ci_high
    assert low < heads["acsi"].estimate < high  # the bootstrap interval
    assert [h.analysis for h in sample.headline] == [
        "nps", "csat", "acsi", "csi_tree", "csm", "servqual", "ratio",
    ]  # fmt: skip


def test_priorities_of_the_sample(sample: StudyResult) -> None:
    got = [(p.rank, p.item, p.source) for p in sample.priorities]
    # IPMA of LOY without SAT (the headline outcome): QUAL has the largest
    # total effect times room to 100; IPA: qual1 is the only item in
    # 'concentrate here'; Kano: attribute 1 is the only must-be.
    assert got == [(1, "QUAL", "IPMA"), (2, "qual1", "IPA"), (3, "attribute 1", "Kano")]
    ipa = sample.section("ipa").result
    assert ipa.quadrant["qual1"] == "concentrate here"  # type: ignore[attr-defined]
    kano = sample.section("kano").result
    assert kano.category[0] == "M"  # type: ignore[attr-defined]


def _cand(item: str, source: str) -> Candidate:
    return Candidate(
        item=item, source=source, reason="", importance=1.0, performance=1.0, order=0.0
    )


def test_priorities_take_each_source_in_turn_without_repeats() -> None:
    ipa = [_cand("a", "IPA"), _cand("b", "IPA"), _cand("c", "IPA")]
    kano = [_cand("a", "Kano"), _cand("d", "Kano")]
    got = priorities([ipa, kano])
    assert [(p.item, p.source) for p in got] == [
        ("a", "IPA"),
        ("b", "IPA"),
        ("d", "Kano"),
    ]
    assert [p.rank for p in got] == [1, 2, 3]
    assert priorities([]) == ()


def test_tables_carry_the_models_numbers(sample: StudyResult) -> None:
    sec = sample.section("nps")
    est = sec.result.estimates  # type: ignore[attr-defined]
    table = sec.tables[-1]
    assert table.columns[:4] == ("segment", "kind", "name", "estimate")
    assert len(table.rows) == len(est)
    assert [r[3] for r in table.rows] == est.estimate.tolist()
    # a segmented result without segment rows gets its segments' rows
    csm = sample.section("csm").tables[-1]
    assert {r[0] for r in csm.rows} == {None, "north", "south", "west"}


def test_what_to_look_at(sample: StudyResult) -> None:
    text = sample.what_to_look_at()
    h = sample.headline[0]
    value, ci = headline_text(h)
    assert text.startswith("What to look at (Sample satisfaction study, n = 500):")
    assert f"{h.label}: {value}" in text and ci in text
    assert "1. QUAL (IPMA)" in text
    assert "Sample satisfaction study" in repr(sample)


# -------------------------------------------------------------- JSON
def test_json_validates_against_the_committed_schema(sample: StudyResult) -> None:
    data = _strict(sample.to_json())
    schema = json.loads(committed(RESULT_SCHEMA_FILE))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    leaves = list(_leaves(data))
    assert None in leaves  # NaN standard errors are null
    for section in data["sections"]:
        for table in section["tables"]:
            for row in table["rows"]:
                for column, v in zip(table["columns"], row, strict=True):
                    if isinstance(v, str) and column not in ("name", "item"):
                        # numbers are never written as text (SERVQUAL's item
                        # ids "1".."22" are labels, in the name/item columns)
                        with pytest.raises(ValueError):
                            float(v)
        est = section["tables"][-1]
        assert est["columns"][3:10] == [
            "estimate", "standard_error", "statistic", "pvalue", "ci_low", "ci_high", "n",
        ]  # fmt: skip
        for row in est["rows"]:
            assert all(v is None or isinstance(v, float) for v in row[3:10])
    heads = data["headline"]
    assert [h["estimate"] for h in heads] == [h.estimate for h in sample.headline]


def test_json_refused_by_the_schema_when_a_number_is_a_string(
    sample: StudyResult,
) -> None:
    data = sample.to_dict()
    data["headline"][0]["estimate"] = "2.7"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, result_schema())


def test_committed_schemas_are_up_to_date() -> None:
    assert committed(RESULT_SCHEMA_FILE) == dumps(result_schema()), (
        "run: python -m satmodels.study._schema"
    )
    assert committed(SPEC_SCHEMA_FILE) == dumps(spec_schema()), (
        "run: python -m satmodels.study._schema"
    )


def test_table_nan_is_null() -> None:
    t = Table(
        name="t", title="T", columns=("a", "b"), rows=((1.0, math.nan), ("x", None))
    )
    assert t.to_dict()["rows"] == [[1.0, None], ["x", None]]


def test_to_json_writes_the_file(sample: StudyResult, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    text = sample.to_json(path)
    assert path.read_text(encoding="utf-8") == text


# --------------------------------------------- optional dependencies
def test_html_without_matplotlib_names_the_extra(
    sample: StudyResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "satmodels\[plot\]"'):
        sample.to_html()


def test_excel_without_openpyxl_names_the_extra(
    sample: StudyResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match=r'pip install "satmodels\[report\]"'):
        sample.to_excel(tmp_path / "r.xlsx")


def test_spec_is_frozen() -> None:
    spec = load_spec({"analyses": [{"kind": "nps", "item": "nps"}]})
    assert isinstance(spec, StudySpec)
    with pytest.raises(ValueError, match="frozen"):
        spec.title = "x"  # type: ignore[misc]
    assert np.isfinite(spec.confidence_level)


def test_the_other_kinds_and_model_forms() -> None:
    survey = load_sample_survey()
    model = {
        "measurement": {"QUAL": ["qual1", "qual2", "qual3"], "SAT": ["sat1", "sat2"]},
        "structural": {"SAT": ["QUAL"]},
    }
    spec = {
        "weights": "weight",
        "segments": "segment",
        "analyses": [
            {"kind": "ces", "item": "overall", "scale": [1, 10]},
            {
                "kind": "csm",
                "items": ["sq_p1", "sq_p2"],
                "codes": [1, 2, 3, 4, 5, 6, 7],
            },
            {"kind": "acsi", "method": "ml", "scale": [1, 10], "model": model},
            {
                "kind": "acsi",
                "model": "QUAL =~ qual1 + qual2\nSAT =~ sat1 + sat2\nSAT ~ QUAL",
                "scale": [1, 10],
                "target": "SAT",
            },
        ],
    }
    result = run(spec, survey)
    heads = {h.analysis: h for h in result.headline}
    r_ces = csi.ces(survey, items="overall", scale=(1, 10), weights="weight")
    assert heads["ces"].estimate == r_ces.estimates.value("mean", "mean")
    r_csm = csi.csm(
        survey, items=["sq_p1", "sq_p2"], codes=(1, 2, 3, 4, 5, 6, 7), weights="weight"
    )
    assert heads["csm"].estimate == r_csm.csm
    ml = result.section("acsi")
    assert set(ml.results) == {"main"}  # no IPMA without PLS
    assert [f.chart for f in ml.figures] == ["path_diagram"]
    assert ml.title == "Structural equation model (ML)"
    pls = result.section("acsi-2")
    assert [f.chart for f in pls.figures] == ["path_diagram", "ipma_map"]
    # SAT is the target's own index here: QUAL is the only lever
    assert [(p.item, p.source) for p in result.priorities] == [("QUAL", "IPMA")]
    assert math.isnan(heads["acsi-2"].ci_low)  # no bootstrap, no interval
    assert "n/a" in result.what_to_look_at()


def test_small_pieces(sample: StudyResult) -> None:
    from satmodels.study._sections import cell, headline_of

    assert cell(np.bool_(True)) is True
    assert cell(np.int64(3)) == 3 and isinstance(cell(np.int64(3)), int)
    assert cell((1, 2)) == "(1, 2)"
    with pytest.raises(KeyError, match="No section 'nope'"):
        sample.section("nope")
    with pytest.raises(LookupError, match="no estimate index/XYZ"):
        headline_of("acsi", sample.section("acsi").result, ("x", "index", "XYZ", ""))


def test_every_analysis_runs_on_a_lazy_frame(sample: StudyResult) -> None:
    pl = pytest.importorskip("polars")
    lazy = pl.DataFrame(load_sample_survey("polars")).lazy()
    spec = load_spec(sample_study_path()).model_copy(update={"data": None})
    result = run(spec, lazy)
    assert result.n is None
    assert "n = unknown" in result.what_to_look_at()
    want = {h.analysis: h.estimate for h in sample.headline}
    got = {h.analysis: h.estimate for h in result.headline}
    assert got.keys() == want.keys()
    assert {s.kind for s in result.sections} >= {"ratio", "csm", "csat", "acsi"}
    for k, v in want.items():
        assert math.isclose(got[k], v, rel_tol=1e-12)
