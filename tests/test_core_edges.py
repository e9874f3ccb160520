"""Edge cases of the shared core: every error names the parameter and value.

These complement test_moments/test_ratio/test_scales with the rarely-hit
branches: malformed published matrices, bad bootstrap options, lazy frames
where rows are needed, JSON conversion of every value type, and file reading
errors of the command line.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from satmodels import InputError, Moments, RatioResult, Scale, satisfaction_ratio
from satmodels._validation import FiniteVector, FrozenModel, check_nan_policy, validated
from satmodels.datasets import make_survey
from satmodels.exceptions import SmallSampleWarning
from satmodels.ratio import grade
from satmodels.results._base import jsonable, records_to_frame
from satmodels.results._summary import Summary, format_value, table

# --------------------------------------------------------------- Moments


@pytest.mark.parametrize(
    ("cov", "kwargs", "match"),
    [
        (np.ones((2, 3)), {}, "square matrix"),
        (np.array([[1.0, 0.5], [0.2, 1.0]]), {}, "finite and symmetric"),
        (np.array([[-1.0, 0.0], [0.0, 1.0]]), {}, "negative variance"),
        (np.eye(2), {"n": 1}, "'n' parameter.*>= 2"),
        (np.eye(2), {"mean": [1.0]}, "'mean' parameter.*2 finite"),
        (np.eye(2), {"columns": ["a"]}, "'columns' parameter.*2 columns"),
    ],
)
def test_from_covariance_rejects(
    cov: np.ndarray, kwargs: dict[str, object], match: str
) -> None:
    args: dict[str, object] = {"n": 10, **kwargs}
    with pytest.raises(InputError, match=match):
        Moments.from_covariance(cov, **args)  # type: ignore[arg-type]


def test_bootstrap_options_and_batches() -> None:
    x = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(InputError, match=r"'n_resamples'.*Got 0"):
        Moments.bootstrap(x, n_resamples=0)
    with pytest.raises(InputError, match=r"'method'.*'jackknife'"):
        Moments.bootstrap(x, method="jackknife")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"'missing' parameter of Moments\.bootstrap"):
        Moments.bootstrap(x, missing="all")  # type: ignore[arg-type]
    reps = Moments.bootstrap(x, n_resamples=3, rng=0)
    with pytest.raises(InputError, match=r"'b' must be in \[0, 3\)"):
        reps.replicate(3)
    with pytest.raises(InputError, match="replicate"):
        reps.to_frame()
    assert "3 bootstrap replicates" in str(reps.summary())
    assert json.loads(json.dumps(reps.to_dict()))["n_resamples"] == 3
    with pytest.raises(InputError, match=r"'b' must be in \[0, 0\)"):
        Moments.from_data(x).replicate(0)


def test_missing_report_renders_and_merges() -> None:
    x = np.array([[1.0, np.nan], [2.0, 3.0], [3.0, 5.0], [np.nan, 1.0]])
    rep = Moments.from_data(x).missing_report
    assert rep.reasons == {"missing value (listwise)": 2}
    frame = rep.to_frame()
    assert dict(zip(frame["item"], frame["count"], strict=True))["rows_used"] == 2
    assert "Missing data (listwise)" in str(rep.summary())
    both = rep.merge(rep)
    assert both.rows_total == 8
    assert both.reasons == {"missing value (listwise)": 4}
    assert both.column_missing == {"x0": 2, "x1": 2}


def test_weights_column_cannot_be_an_item() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "w": [1.0, 1.0, 2.0]})
    with pytest.raises(InputError, match=r"'w' of Moments\.from_data is also one of"):
        Moments.from_data(frame, columns=["a", "w"], weights="w")
    with pytest.raises(InputError, match=r"'weights' parameter.*numeric.*'w'"):
        Moments.from_data(pd.DataFrame({"a": [1.0, 2.0], "w": ["x", "y"]}),
                          columns=["a"], weights="w")  # fmt: skip


def test_model_function_errors_name_their_own_parameter() -> None:
    from satmodels.data import read
    from satmodels.stats._moments_kernels import check_options

    table = read(np.array([[1.0, np.nan], [2.0, 3.0]]), where="my_fn")
    with pytest.raises(InputError, match="The 'items' parameter of my_fn has 1 miss"):
        table.moments(nan_policy="raise", name="items")
    with pytest.raises(InputError, match="'missing' parameter of my_fn"):
        check_options("all", "omit", "my_fn")
    with pytest.raises(InputError, match="'nan_policy' parameter of my_fn"):
        check_options("listwise", "drop", "my_fn")


# --------------------------------------------------------------- frames


# --------------------------------------------------------------- validation


class _Vec(FrozenModel):
    v: FiniteVector


def test_finite_vector_and_nan_policy() -> None:
    assert _Vec(v=[1, 2]).v.dtype == np.float64
    with pytest.raises(InputError, match=r"'v': .*1-D array"):
        validated(_Vec, "f", v=[[1.0]])
    with pytest.raises(InputError, match="finite values, got nan at position 1"):
        validated(_Vec, "f", v=[1.0, math.nan])
    with pytest.raises(InputError, match="expected numbers"):
        validated(_Vec, "f", v=["a"])
    assert check_nan_policy("omit", "f") == "omit"
    with pytest.raises(InputError, match=r"'nan_policy' parameter of f.*'skip'"):
        check_nan_policy("skip", "f")


# --------------------------------------------------------------- results


@dataclasses.dataclass
class _Plain:
    x: float
    _hidden: int = 0


def test_jsonable_covers_every_type() -> None:
    value = {
        1: np.bool_(True),
        "i": np.int64(3),
        "f": np.float32(0.5),
        "nan": float("nan"),
        "inf": np.inf,
        "arr": np.array([[1.0, np.nan]]),
        "tup": (1, "a"),
        "dc": _Plain(2.0),
        "other": {1, 2} and frozenset({3}),
        "none": None,
    }
    out = jsonable(value)
    assert out == {
        "1": True,
        "i": 3,
        "f": 0.5,
        "nan": None,
        "inf": None,
        "arr": [[1.0, None]],
        "tup": [1, "a"],
        "dc": {"x": 2.0},
        "other": "frozenset({3})",
        "none": None,
    }
    json.dumps(out)
    with pytest.raises(InputError, match=r"'backend' parameter of to_frame.*'excel'"):
        records_to_frame([{"a": 1}], "excel")


def test_summary_formatting() -> None:
    assert format_value(float("inf")) == "inf"
    assert format_value(float("-inf")) == "-inf"
    assert format_value(None) == ""
    assert format_value(True) == "True"
    assert format_value(np.int64(7)) == "7"
    assert format_value(np.float64(0.12345), digits=2) == "0.12"
    assert format_value("label") == "label"
    s = Summary(title="T", tables=(table("cap", ("a", "b"), [("x<y", 1.5)]),),
                notes=("n & m",))  # fmt: skip
    html = s._repr_html_()
    assert "x&lt;y" in html and "n &amp; m" in html and "<caption>cap</caption>" in html
    assert str(s).splitlines()[0] == "T"


# --------------------------------------------------------------- scales


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "interval", "minimum": 0.0, "maximum": math.inf}, "finite"),
        ({"kind": "likert", "minimum": 1.5, "maximum": 5.0}, "integer ends"),
        ({"kind": "likert", "minimum": 1, "maximum": 3, "values": (1, 2, 3)},
         "no explicit values"),
        ({"kind": "interval", "minimum": 0, "maximum": 1, "values": (0, 1)},
         "no explicit values"),
        ({"kind": "interval", "minimum": 0, "maximum": 1, "labels": ("a", "b")},
         "one entry per scale point"),
        ({"kind": "levels", "minimum": 0, "maximum": 9, "values": (1, 9)},
         "first and last value"),
    ],
)  # fmt: skip
def test_scale_rules(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Scale(**kwargs)


def test_scale_describe() -> None:
    assert Scale.interval(0, 1.5).describe() == "[0, 1.5] (interval)"
    assert "likert 1-5" in Scale.likert(1, 5).describe()
    assert Scale.interval(0, 1).points() == ()


# --------------------------------------------------------------- ratio


def _ratio(b: object, a: object, **kwargs: object) -> RatioResult:
    bb, aa = np.asarray(b, dtype=float), np.asarray(a, dtype=float)
    k = bb.shape[1]
    data = {f"p{j}": bb[:, j] for j in range(k)} | {f"e{j}": aa[:, j] for j in range(k)}
    return satisfaction_ratio(
        data,
        perceived=[f"p{j}" for j in range(k)],
        expected=[f"e{j}" for j in range(k)],
        items=[f"x{j}" for j in range(k)],
        **kwargs,  # type: ignore[arg-type]
    )


def test_ratio_rarely_hit_paths() -> None:
    a = np.array([[5.0, 4.0], [6.0, np.nan], [4.0, np.nan]])
    b = np.array([[6.0, np.nan], [6.0, 3.0], [5.0, np.nan]])
    with pytest.raises(
        InputError, match="Item 'x1' of satisfaction_ratio has no respondent"
    ):
        _ratio(b, a, nan_policy="omit")
    a2 = np.array([[5.0, np.nan], [6.0, 4.0]])
    b2 = np.array([[6.0, np.nan], [np.nan, 3.0]])
    with pytest.warns(SmallSampleWarning):
        res = _ratio(b2, a2, nan_policy="omit")
    assert res.overall_n == 0 and res.overall_grade == "undetermined"
    assert res.to_dict()["overall"]["ratio_of_means"] is None
    assert "omitted" in str(res.summary())
    with pytest.raises(InputError, match="positive weight"):
        _ratio([[1.0], [2.0]], [[1.0], [2.0]], weights=[0.0, 0.0])
    with pytest.raises(InputError, match=r"'scale' parameter.*Scale or"):
        _ratio([[1.0]], [[1.0]], scale=7)
    with pytest.warns(SmallSampleWarning):
        half = _ratio([[1.5]], [[2.5]], scale=(0.5, 9.5))
    assert half.ratio_of_means[0] == pytest.approx(0.6)
    with pytest.raises(InputError, match="finite and positive"):
        grade([1.0], (0.0, 0.9, 1.1, 1.2))
    with pytest.raises(InputError, match="'c' parameter of grade must be finite"):
        grade([np.nan])
    res = _ratio([[1.0], [2.0]], [[1.0], [2.0]])
    with pytest.raises(InputError, match="'statistic'"):
        res.confidence_interval(statistic="median")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="'method'"):
        res.confidence_interval(method="bootstrap")  # type: ignore[arg-type]


# --------------------------------------------------------------- io and data


def test_simulated_survey_outputs() -> None:
    s = make_survey(20, rng=0)
    d = s.to_dict()
    assert d["n"] == 20 and d["seed"] == 0
    assert {"source": "SAT", "target": "LOY", "value": 0.55} in d["paths"]
    assert s.to_frame("polars").height == 20
    assert "Population ACSI paths" in str(s.summary())
    with pytest.raises(InputError, match=r"'backend'.*'excel'"):
        s.to_frame("excel")
