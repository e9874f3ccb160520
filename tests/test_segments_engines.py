"""Every segment of a lazy frame fitted from one grouped read of the engine.

Issue 13: "every model takes groups= (satmodels: ``segments=``) and fits
each group from its statistics, in one read of the data, in memory and on
every lazy engine". Two checks per model on polars lazy and DuckDB:

* the per-segment results equal those of the same rows in memory (split by
  label), to 1e-10; the in-memory path is itself held to a fit of each
  segment alone by ``test_segments_fit_each_segment`` in
  tests/test_conformance.py;
* the number of engine queries (collects) does not grow with the number of
  segments: 3 and 12 segments cost the same queries, because the Moments
  (or category counts) of every segment come from one grouped aggregation
  (:meth:`satmodels.data.Table.by_segment`), not one query per segment.

Queries are counted by wrapping narwhals' ``LazyFrame.collect`` (every
engine query of the library goes through it) and polars' ``collect_all``
(the polars counts run their per-column queries through it at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import satmodels
from satmodels import Scale, acsi, kano, servqual
from satmodels.csi import (
    ces,
    cronbach_alpha,
    csat,
    csi_index,
    csm,
    ipa,
    key_drivers,
    nps,
    relative_weights,
    shapley_importance,
)
from satmodels.data import read
from satmodels.datasets import ACSI_BLOCKS, load_sample_survey

pytestmark = [
    pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning"),
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

_SURVEY = {k: np.asarray(v) for k, v in load_sample_survey().items()}
_N = _SURVEY["overall"].size
_DRIVERS = ["qual1", "qual2", "val1", "val2"]
_SAT = list(ACSI_BLOCKS["SAT"])
_SQ = servqual.Instrument.define(
    {"tangibles": ["1", "2"], "reliability": ["3", "4", "5"]}, name="five"
)
# five items: DuckDB's pairwise moments cost p^2 expressions
_P = [f"sq_p{i}" for i in range(1, 6)]
_E = [f"sq_e{i}" for i in range(1, 6)]
_TREE = {
    "scale": {"kind": "likert", "minimum": 1, "maximum": 10},
    "root": {
        "name": "CSI",
        "pairwise": [[1, 2], [1 / 2, 1]],
        "children": [
            {"name": "quality", "children": [{"name": c} for c in _DRIVERS[:2]]},
            {"name": "value", "children": [{"name": c} for c in _DRIVERS[2:]]},
        ],
    },
}
_CSM_SCALE = Scale.levels(list(range(1, 11)), name="ten levels")
_F = [f"kano_f{i}" for i in range(2, 7)]
_D = [f"kano_d{i}" for i in range(2, 7)]

Fit = Callable[..., Any]

#: (id, fit(data, segments=...)) of every model that takes segments and
#: accepts a lazy frame.
MODELS: list[tuple[str, Fit]] = [
    (
        "key_drivers",
        lambda d, **k: key_drivers(
            d, items=_DRIVERS, target="overall", method="regression", **k
        ),
    ),
    (
        "shapley_importance",
        lambda d, **k: shapley_importance(d, items=_DRIVERS, target="overall", **k),
    ),
    (
        "relative_weights",
        lambda d, **k: relative_weights(d, items=_DRIVERS, target="overall", **k),
    ),
    (
        "ipa",
        lambda d, **k: ipa(d, items=_DRIVERS, target="overall", scale=(1, 10), **k),
    ),
    ("cronbach_alpha", lambda d, **k: cronbach_alpha(d, items=_SAT, **k)),
    (
        "cronbach_alpha[pairwise]",
        lambda d, **k: cronbach_alpha(d, items=_SAT, missing="pairwise", **k),
    ),
    ("csm", lambda d, **k: csm(d, items=_DRIVERS, scale=_CSM_SCALE, **k)),
    ("csi_index", lambda d, **k: csi_index(d, tree=_TREE, **k)),
    (
        "servqual.reliability",
        lambda d, **k: servqual.reliability(
            d, perceptions=_P, expectations=_E, instrument=_SQ, **k
        ),
    ),
    (
        "servqual.gaps",
        lambda d, **k: servqual.gaps(
            d, perceptions=_P, expectations=_E, instrument=_SQ, **k
        ),
    ),
    ("acsi.fit", lambda d, **k: acsi.fit(d, scale=(1, 10), **k)),
    ("acsi.consistent", acsi.consistent),
    ("acsi.htmt", lambda d, **k: acsi.htmt(d, correlations="absolute", **k)),
    ("nps", lambda d, **k: nps(d, items="nps", **k)),
    ("csat", lambda d, **k: csat(d, items="overall", scale=Scale.likert(1, 10), **k)),
    ("ces", lambda d, **k: ces(d, items="overall", scale=Scale.likert(1, 10), **k)),
    (
        "kano.analyze",
        lambda d, **k: kano.analyze(d, functional=_F, dysfunctional=_D, **k),
    ),
    (
        "satisfaction_ratio",
        lambda d, **k: satmodels.satisfaction_ratio(
            d, perceived=_P, expected=_E, nan_policy="omit", **k
        ),
    ),
]
IDS = [m[0] for m in MODELS]
ENGINES = ["polars", "duckdb"]


def _labels(n_segments: int) -> np.ndarray[Any, Any]:
    """Segment labels dealt round-robin (every segment about the same size)."""
    return np.array([f"g{i % n_segments:02d}" for i in range(_N)], dtype=object)


def _lazy(kind: str, data: dict[str, Any]) -> Any:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(data)
    if kind == "polars":
        return frame.lazy()
    duckdb = pytest.importorskip("duckdb")
    return duckdb.connect().from_arrow(frame.to_arrow())


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count engine queries: narwhals collects and polars collect_all calls."""
    import narwhals.dataframe as nwdf
    import polars as pl

    seen = [0]
    collect, collect_all = nwdf.LazyFrame.collect, pl.collect_all

    def counted_collect(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen[0] += 1
        return collect(self, *args, **kwargs)

    def counted_all(*args: Any, **kwargs: Any) -> Any:
        seen[0] += 1
        return collect_all(*args, **kwargs)

    monkeypatch.setattr(nwdf.LazyFrame, "collect", counted_collect)
    monkeypatch.setattr(pl, "collect_all", counted_all)
    return seen


def _same(got: Any, ref: Any) -> None:
    assert got.segments is not None
    assert ref.segments is not None
    assert list(got.segments) == list(ref.segments)
    for label, part in ref.segments.items():
        mine = got.segments[label]
        np.testing.assert_allclose(
            mine.estimates.estimate, part.estimates.estimate, rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(
            mine.estimates.standard_error,
            part.estimates.standard_error,
            rtol=1e-10,
            atol=1e-12,
        )


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("name", "fit"), MODELS, ids=IDS)
def test_engine_segments_equal_the_rows_in_memory(
    name: str, fit: Fit, kind: str
) -> None:
    data = _SURVEY | {"seg": _labels(4)}
    ref = fit(data, segments="seg", weights="weight")
    got = fit(_lazy(kind, data), segments="seg", weights="weight")
    _same(got, ref)


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("name", "fit"), MODELS, ids=IDS)
def test_engine_queries_do_not_grow_with_the_segments(
    name: str, fit: Fit, kind: str, queries: list[int]
) -> None:
    counts = []
    for n_segments in (3, 12):
        frame = _lazy(kind, _SURVEY | {"seg": _labels(n_segments)})
        queries[0] = 0
        res = fit(frame, segments="seg")
        assert res.segments is not None
        assert len(res.segments) == n_segments
        counts.append(queries[0])
    alone = _lazy(kind, _SURVEY)
    queries[0] = 0
    fit(alone)
    assert counts[0] == counts[1], f"{name}: {counts} queries for 3 and 12 segments"
    # the segments cost a fixed few grouped queries beyond the overall fit
    assert counts[0] - queries[0] <= 6


@pytest.mark.parametrize("kind", ENGINES)
def test_counts_by_segment_equal_the_split_rows(kind: str) -> None:
    data = _SURVEY | {"seg": _labels(5)}
    data["nps"] = data["nps"].copy()
    data["nps"][:7] = np.nan
    names, cats = ["nps", "overall"], [float(c) for c in range(11)]
    lazy = read(
        _lazy(kind, data), where="f", columns=names, weights="weight", segments="seg"
    )
    rows = read(data, where="f", columns=names, weights="weight", segments="seg")
    got = lazy.counts_by_segment(names, categories=cats)
    ref = rows.counts_by_segment(names, categories=cats)
    assert list(got) == list(ref) == [f"g{i:02d}" for i in range(5)]
    for label, cc in ref.items():
        np.testing.assert_array_equal(got[label].counts, cc.counts)
        np.testing.assert_array_equal(got[label].missing, cc.missing)
        np.testing.assert_allclose(
            got[label].weighted_counts, cc.weighted_counts, rtol=1e-12
        )
        np.testing.assert_allclose(
            got[label].weight_sq_sums, cc.weight_sq_sums, rtol=1e-12
        )


def test_grouped_counts_refuse_missing_labels() -> None:
    pl = pytest.importorskip("polars")
    labels = [None if i < 4 else f"g{i % 3}" for i in range(_N)]
    frame = pl.DataFrame(_SURVEY).with_columns(pl.Series("seg", labels)).lazy()
    with pytest.raises(satmodels.InputError, match="'segments' parameter of nps"):
        nps(frame, items="nps", segments="seg")


#: The models PySpark runs by segment: one for each kind of grouped read
#: (listwise moments, pairwise moments, a scale's levels, the ACSI blocks
#: with their scale check, category counts of one item and of item pairs).
#: polars and DuckDB run every model above; on PySpark each model costs
#: 1-13 s, and all of them were an eighth of the suite's time.
SPARK_MODELS = ["key_drivers", "cronbach_alpha[pairwise]", "csm", "acsi.fit", "nps",
                "kano.analyze"]  # fmt: skip


@pytest.mark.engine
def test_spark_segments_come_from_one_grouped_pass(spark: Any) -> None:
    pd = pytest.importorskip("pandas")
    data = _SURVEY | {"seg": _labels(4)}
    frame = spark.createDataFrame(pd.DataFrame(data))
    fits = dict(MODELS)
    assert set(SPARK_MODELS) <= set(fits)
    for name in SPARK_MODELS:
        _same(fits[name](frame, segments="seg"), fits[name](data, segments="seg"))
