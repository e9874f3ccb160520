"""Every public function and result held to docs/conventions.md.

Two parts:

* a static walk over every public callable of the package (signatures: data
  first and positional, options keyword-only, the vocabulary's words, no
  retired synonyms);
* the cases in ``tests/conformance/cases_*.py``: each public function called
  on a good sample through every input kind, with weights, segments, rng and
  confidence levels, and its result checked for the shared estimates table,
  the to_frame backend rule, a short repr, JSON, summary and typed errors.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import satmodels
from satmodels import InputError, Moments
from satmodels.results._estimates import Estimates

HERE = Path(__file__).parent / "conformance"
sys.path.insert(0, str(HERE))

from _harness import Case, load_cases  # noqa: E402

CASES = load_cases()
IDS = [c.id for c in CASES]

# ------------------------------------------------------------------ static
#: Words the vocabulary retired, with the word to use instead.
RETIRED = {
    "n_bootstrap": "n_resamples",
    "n_replicates": "n_resamples",
    "n_boot": "n_resamples",
    "seed": "rng",
    "random_state": "rng",
    "ci": "confidence_level",
    "level": "confidence_level",
    "by_segment": "segments",
    "segment": "segments",
    "case_weights": "weights",
    "alpha": "confidence_level or significance_level",
}
#: Public callables whose first argument is not a survey (they take a
#: matrix, results or counts) and are exempt from "data first".
NOT_DATA_FIRST = {
    "ahp",
    "from_tables",
    "compare",
    "compare_waves",
    "five_gaps",
    "nps_difference",
    "grade",
    "make_survey",
    "load_sample_survey",
    "aggregate",
    # design: a function to refit, and a kernel of PSU indices
    "replicate",
    "jackknife_weights",
    "customer_orientation_tree",
    # tracking: one result per wave
    "waves",
    # acsi.indirect_effects takes a fitted PLS / PLSc result
    "indirect_effects",
    # acsi.model_fit takes a fitted PLS / PLSc result (data= for its test)
    "model_fit",
    # acsi.effect_sizes takes a fitted PLS result
    "effect_sizes",
    # model specifications (presets), not fits
    "acsi",
    "ecsi",
    "scsb",
    "ccsi",
    # figures and matrices, not surveys (issue 15): keyword-only figures
    "house",
    "from_figures",
    "lifetime_value",
    "retention_effect",
    "acquisition_vs_retention",
}


def _public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    modules = [satmodels, satmodels.csi, satmodels.kano, satmodels.servqual]
    modules += [satmodels.acsi, satmodels.weighting, satmodels.design]
    modules += [satmodels.qfd, satmodels.value, satmodels.retention]
    modules += [satmodels.sqi, satmodels.tracking]
    modules += [satmodels.national]
    seen: set[int] = set()
    for mod in modules:
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and id(obj) not in seen:
                seen.add(id(obj))
                yield f"{mod.__name__}.{name}", obj


FUNCTIONS = sorted(_public_functions())


@pytest.mark.parametrize(("qualname", "func"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_signature_follows_the_vocabulary(
    qualname: str, func: Callable[..., Any]
) -> None:
    params = list(inspect.signature(func).parameters.values())
    for p in params:
        assert p.name not in RETIRED, (
            f"{qualname} takes {p.name!r}; the vocabulary says {RETIRED[p.name]!r}"
        )
    short = qualname.rsplit(".", 1)[1]
    if short in NOT_DATA_FIRST or not params:
        return
    first, rest = params[0], params[1:]
    assert first.name == "data", f"{qualname}: the survey comes first, as 'data'"
    assert first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD)
    positional = [p.name for p in rest if p.kind is not p.KEYWORD_ONLY]
    assert not positional, f"{qualname}: options must be keyword-only: {positional}"
    if "rng" in {p.name for p in rest}:
        assert inspect.signature(func).parameters["rng"].default is None


#: Functions with case weights but no survey ``design`` keyword, and why.
NO_DESIGN = {
    "calibrate": "builds weights",
    "poststratify": "builds weights",
    "rake": "builds weights",
    "pair_counts": "sufficient statistics, not an estimate",
    "classify": "per-respondent categories",
    "invariance": "likelihood-ratio tests across segments",
    "predict": "out-of-sample prediction error, not a population estimate",
    "cvpat": "a test of prediction losses over folds, not a population estimate",
    "blindfold": "cross-validated redundancy (Q²), not a population estimate",
    "compare_segments": "permutation test across segments (its own resampling)",
}


@pytest.mark.parametrize(("qualname", "func"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_every_weighted_estimate_takes_a_design(
    qualname: str, func: Callable[..., Any]
) -> None:
    """docs/conventions.md: ``design`` right after ``weights``."""
    names = list(inspect.signature(func).parameters)
    short = qualname.rsplit(".", 1)[1]
    if "weights" not in names or short in NOT_DATA_FIRST | set(NO_DESIGN):
        return
    assert "design" in names, f"{qualname} takes weights but no design"
    assert names.index("design") == names.index("weights") + 1, qualname


# ------------------------------------------------------------- the cases
N_KIND = ["array", "dict", "pandas", "polars", "pyarrow"]
LAZY_KIND = ["polars_lazy", "duckdb"]


def _frame(case: Case, kind: str, extra: dict[str, Any] | None = None) -> Any:
    cols = dict(case.data) | (extra or {})
    if kind == "dict":
        return cols
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(cols)
    if kind == "pyarrow":
        import pyarrow as pa

        return pa.table(cols)
    import polars as pl

    frame = pl.DataFrame(cols)
    if kind == "polars":
        return frame
    if kind == "polars_lazy":
        return frame.lazy()
    if kind == "duckdb":
        import duckdb

        con = duckdb.connect()
        return con.from_arrow(frame.to_arrow())
    raise AssertionError(kind)


def _call(case: Case, kind: str = "dict", **over: Any) -> Any:
    kwargs = case.kwargs | over
    if kind == "array":
        names = list(case.data)
        x = np.column_stack([case.data[c] for c in names])
        return case.call(x, columns=names, **kwargs)
    return case.call(_frame(case, kind), **kwargs)


def _same(a: np.ndarray, b: np.ndarray, rtol: float) -> None:
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True)


def _est(result: Any) -> Estimates:
    est = result.estimates
    assert isinstance(est, Estimates), f"{type(result).__name__}.estimates"
    return est


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def reference(case: Case) -> Any:
    return _call(case)


@pytest.mark.parametrize("kind", N_KIND + LAZY_KIND + ["moments"])
def test_every_input_kind_gives_the_same_numbers(
    case: Case, reference: Any, kind: str
) -> None:
    if kind in LAZY_KIND and not case.lazy:
        pytest.skip("needs the rows")
    if kind == "moments":
        if not case.moments:
            pytest.skip("needs more than Moments")
        got = case.call(Moments.from_data(case.data), **case.kwargs)
    else:
        got = _call(case, kind)
    ref, est = _est(reference), _est(got)
    assert est.name == ref.name
    _same(est.estimate, ref.estimate, case.rtol)
    _same(est.standard_error, ref.standard_error, max(case.rtol, 1e-8))


def test_result_is_a_frozen_record_with_a_short_repr(reference: Any) -> None:
    result: Any = reference
    assert dataclasses.is_dataclass(reference)
    first = dataclasses.fields(reference)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(reference, first, None)
    with pytest.raises(TypeError):
        iter(result)
    text = repr(reference)
    assert len(text) <= 800, f"repr is {len(text)} characters"
    assert text.count("\n") <= 15
    json.dumps(result.to_dict(), allow_nan=False)
    summary = result.summary()
    assert str(summary).strip()
    assert "<table" in summary._repr_html_()


def test_estimates_table_and_confidence_level(case: Case, reference: Any) -> None:
    est = _est(reference)
    assert len(est) > 0
    assert est.confidence_level == 0.95
    if not case.confidence_level:
        return
    res = _call(case, confidence_level=0.9)
    assert res.confidence_level == 0.9
    assert _est(res).confidence_level == 0.9
    low, high = res.confidence_interval()
    stored = np.concatenate([_est(res).ci_low, _est(res).ci_high])
    for v in np.concatenate([np.ravel(low), np.ravel(high)]).astype(float):
        if np.isfinite(v):
            assert np.isclose(stored, v, rtol=1e-12, atol=1e-12).any(), (
                f"confidence_interval() gives {v}, not a stored bound"
            )
    for bad in (0.0, 1.0, 1.5, "0.9"):
        with pytest.raises(InputError, match="confidence_level"):
            _call(case, confidence_level=bad)


@pytest.mark.parametrize(
    ("kind", "backend"),
    [("dict", "pandas"), ("pandas", "pandas"), ("polars", "polars")],
)
def test_to_frame_follows_the_input(case: Case, kind: str, backend: str) -> None:
    frame = _call(case, kind).to_frame()
    assert type(frame).__module__.split(".")[0] == backend
    for col in ("estimate", "standard_error", "pvalue", "ci_low", "ci_high", "n"):
        assert col in list(frame.columns)
    other = "polars" if backend == "pandas" else "pandas"
    assert (
        type(_call(case, kind).to_frame(backend=other)).__module__.split(".")[0]
        == other
    )


def test_weights_are_case_weights(case: Case, reference: Any) -> None:
    if not case.weights:
        pytest.skip("no case weights")
    n = len(next(iter(case.data.values())))
    ones = _call(case, weights=np.ones(n))
    _same(_est(ones).estimate, _est(reference).estimate, 1e-9)
    w = np.random.default_rng(3).uniform(0.5, 2.0, size=n)
    by_array = _call(case, weights=w)
    by_name = case.call(_frame(case, "dict", {"w": w}), **case.kwargs, weights="w")
    _same(_est(by_name).estimate, _est(by_array).estimate, 1e-12)
    bad = np.ones(n)
    bad[2] = -1.0
    with pytest.raises(InputError, match="weights"):
        _call(case, weights=bad)
    with pytest.raises(InputError, match="weights"):
        _call(case, weights=np.ones(n + 1))


def test_segments_fit_each_segment(case: Case) -> None:
    if not case.segments:
        pytest.skip("no segments")
    n = len(next(iter(case.data.values())))
    seg = np.where(np.arange(n) % 3 == 0, "b", "a")
    res = case.call(_frame(case, "dict", {"seg": seg}), **case.kwargs, segments="seg")
    assert list(res.segments) == ["a", "b"]
    for label in ("a", "b"):
        sub = {k: v[seg == label] for k, v in case.data.items()}
        alone = case.call(sub, **case.kwargs)
        _same(_est(res.segments[label]).estimate, _est(alone).estimate, 1e-10)


def test_rng_is_validated_and_reproducible(case: Case) -> None:
    if not case.resample:
        pytest.skip("no resampling")
    a = _call(case, **case.resample, rng=7)
    b = _call(case, **case.resample, rng=7)
    _same(_est(a).standard_error, _est(b).standard_error, 0.0)
    _call(case, **case.resample, rng=np.random.SeedSequence(1))
    _call(case, **case.resample, rng=np.random.default_rng(1))
    for bad in ("seven", 1.5, -3, np.random.RandomState(0)):
        with pytest.raises(InputError, match="rng"):
            _call(case, **case.resample, rng=bad)


def test_bad_columns_are_named(case: Case) -> None:
    first = next(iter(case.data))
    strings = dict(case.data)
    strings[first] = np.array([f"v{i}" for i in range(len(case.data[first]))])
    with pytest.raises(InputError, match=first):
        case.call(strings, **case.kwargs)
    empty = {k: v[:0] for k, v in case.data.items()}
    with pytest.raises(InputError):
        case.call(empty, **case.kwargs)


def test_nan_policy_raise_names_the_column(case: Case) -> None:
    if "nan_policy" not in inspect.signature(case.call).parameters:
        pytest.skip("no nan_policy")
    first = next(iter(case.data))
    holed = dict(case.data)
    holed[first] = holed[first].copy()
    holed[first][4] = np.nan
    with pytest.raises(InputError, match=first):
        case.call(holed, **(case.kwargs | {"nan_policy": "raise"}))


def test_design_gives_design_based_errors(case: Case, reference: Any) -> None:
    """docs/design.md: the function's own result, its table design-based."""
    if "design" not in inspect.signature(case.call).parameters or not case.weights:
        pytest.skip("no survey design")
    if case.id.startswith("national."):
        pytest.skip("national's own Taylor design by company (no deff column yet)")
    from satmodels.design import Design

    n = len(next(iter(case.data.values())))
    w = np.random.default_rng(4).uniform(0.5, 2.0, size=n)
    extra = {"_st": (np.arange(n) % 2).astype(float), "_psu": np.arange(n) % 12.0}
    data = _frame(case, "dict", extra | {"w": w})
    design = Design(strata="_st", clusters="_psu", weights="w")
    kwargs = {k: v for k, v in case.kwargs.items() if k != "n_resamples"}
    got = case.call(data, design=design, **kwargs)
    assert type(got) is type(reference)
    est = _est(got)
    weighted = _call(case, weights=w)
    assert est.name == _est(weighted).name
    _same(est.estimate, _est(weighted).estimate, 1e-12)
    assert est.design_effect is not None
    assert np.all(est.df == 12.0 - 2.0)  # 12 PSUs (6 per stratum), 2 strata
    assert "design_effect" in list(got.to_frame().columns)
    json.dumps(got.to_dict(), allow_nan=False)
    with pytest.raises(InputError, match="'weights' and 'design'"):
        case.call(data, design=design, weights="w", **kwargs)
