"""Sums of terms on a lazy frame: DuckDB gets SQL text, other engines narwhals.

Both renderings of a term (satmodels.engines._sums) must give the same sums,
NULL propagating through ``+`` and ``*`` and skipped by the sum, per group
and overall; and a DuckDB relation must not go through narwhals' grouped
aggregation, whose cost grows with the square of the number of sums there.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pytest

from satmodels.engines import _sums

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

pytestmark = pytest.mark.engine


def _frames() -> tuple[Any, Any, dict[str, np.ndarray]]:
    rng = np.random.default_rng(3)
    n = 200
    x = rng.normal(size=n)
    y = rng.normal(size=n)
    x[::7] = np.nan
    y[::5] = np.nan
    g = rng.choice(["b", "a", "c"], size=n)
    data = {"g": g, "x": x, "y": y}
    polars = pl.DataFrame(data).with_columns(pl.col("x", "y").fill_nan(None)).lazy()
    rel = duckdb.connect().from_arrow(polars.collect().to_arrow())
    return nw.from_native(rel), nw.from_native(polars), data


TERMS = [
    _sums.ONE,
    _sums.col("x"),
    _sums.mul(_sums.col("x"), _sums.col("y")),
    _sums.add(_sums.mul(_sums.col("x"), _sums.col("x")), _sums.col("y")),
    _sums.add(_sums.ONE, _sums.mul(_sums.col("y"), _sums.ONE)),
]


def _expected(data: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    x, y = data["x"][rows], data["y"][rows]
    values = [
        np.ones_like(x),
        x,
        x * y,
        x * x + y,
        1.0 + y,
    ]
    return np.array([np.nansum(v) for v in values])  # NaN: NULL, skipped


def test_sql_and_narwhals_terms_give_the_same_sums() -> None:
    duck, polars, data = _frames()
    everything = np.ones(len(data["g"]), dtype=bool)
    for frame in (duck, polars):
        np.testing.assert_allclose(
            _sums.sum_all(frame, TERMS), _expected(data, everything), rtol=1e-13
        )
        got = _sums.sum_by(frame, "g", TERMS)
        assert [k for k, _ in got] == ["a", "b", "c"]
        for key, values in got:
            np.testing.assert_allclose(
                values, _expected(data, data["g"] == key), rtol=1e-13
            )


def test_duckdb_sums_skip_narwhals_grouped_aggregation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    duck, _, data = _frames()

    def refuse(*args: object, **kwargs: object) -> None:
        msg = "narwhals group_by used on DuckDB"
        raise AssertionError(msg)

    monkeypatch.setattr(nw.LazyFrame, "group_by", refuse)
    monkeypatch.setattr(nw.LazyFrame, "select", refuse)
    assert len(_sums.sum_by(duck, "g", TERMS)) == 3
    assert _sums.sum_all(duck, TERMS)[0] == len(data["g"])


def test_sql_quotes_names() -> None:
    assert _sums.to_sql(_sums.col('a"b')) == '"a""b"'
    term = _sums.add(_sums.ONE, _sums.mul(_sums.col("x"), _sums.col("y")))
    assert _sums.to_sql(term) == '(1.0 + ("x" * "y"))'
