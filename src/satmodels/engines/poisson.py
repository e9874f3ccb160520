r"""The Poisson bootstrap on lazy engines, in one more pass over the data.

The Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012) gives
row r an independent Poisson(1) multiplicity :math:`k_{rb}` in replicate b,
so every replicate's sums are one more weighted sum over the rows and need
no global coordination. narwhals has no random expressions, so the
multiplicities are drawn per engine: Dask partitions run numpy with
generators spawned from the caller's ``rng``; DuckDB streams its rows to
numpy in Arrow batches, where one generator seeded from ``rng`` draws
them row by row (without pyarrow, as polars); polars hashes a row number,
the replicate index and a seed drawn from ``rng`` into a uniform; PySpark
uses ``rand(seed)``. The uniform becomes a Poisson(1) draw by its inverse
CDF, :math:`k = \#\{j : u \ge F(j)\}` (Devroye 1986, X.3.3).

Reproducibility for a fixed ``rng``: Dask, when the partitioning is the
same (each partition has its own generator); polars and DuckDB, when the
row order is the same (and, for DuckDB, pyarrow installed in both runs or
in neither); PySpark, when the partitioning is the same (``rand(seed)`` is
per partition). Parallel engines may add rows in any order, so repeated
runs agree to rounding rather than bit for bit.

References
----------
.. [1] Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric
   bootstrap samples using Poisson frequencies. Computer Methods and
   Programs in Biomedicine, 83(1), 57-62.
.. [2] Chamandy, N., Muralidharan, O., Najmi, A., & Naidu, S. (2012).
   Estimating uncertainty for massive data streams. Google Technical Report.
.. [3] Devroye, L. (1986). Non-Uniform Random Variate Generation. Springer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from . import dask as dask_engine
from ._frame import engine_name, to_lazy
from ._protocol import MomentsRequest, MomentSums
from ._sums import sum_by
from .expressions import pilot_for, sum_terms, to_moment_sums
from .memory import centred_rows, row_products, sums_to_moments

__all__ = ["POISSON_MAX", "poisson_bootstrap", "poisson_thresholds"]

#: Largest multiplicity the inverse-CDF ladder produces; P(Poisson(1) > 15)
#: is below 1e-13, far under the resolution of any bootstrap.
POISSON_MAX = 15


def poisson_thresholds(kmax: int = POISSON_MAX) -> list[float]:
    r"""Poisson(1) CDF values :math:`F(0), \dots, F(k_{\max} - 1)`.

    A uniform ``u`` becomes the Poisson(1) draw :math:`\#\{j : u \ge F(j)\}`
    (inversion; Devroye 1986, section X.3.3).

    Examples
    --------
    >>> [round(t, 4) for t in poisson_thresholds(3)]
    [0.3679, 0.7358, 0.9197]
    """
    out: list[float] = []
    term = math.exp(-1.0)
    total = 0.0
    for k in range(kmax):
        total += term
        out.append(total)
        term /= k + 1
    return out


def _poisson_expr(u: nw.Expr) -> nw.Expr:
    """Poisson(1) draw from a uniform column by inversion (a sum of steps)."""
    steps = [(u >= t).cast(nw.Float64) for t in poisson_thresholds()]
    total = steps[0]
    for step in steps[1:]:
        total = total + step
    return total


def _poisson_sql(u: str) -> str:
    """Render the same draw in SQL: a ``CASE`` ladder (most rows leave early).

    ``k = #{j : u >= F(j)}`` is the first ``j`` with ``u < F(j)`` (the
    thresholds increase), so both renderings give the same multiplicity.
    """
    steps = " ".join(
        f"WHEN {u} < {t!r} THEN {j}" for j, t in enumerate(poisson_thresholds())
    )
    return f"CASE {steps} ELSE {POISSON_MAX} END"


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _with_draws(native: Any) -> nw.LazyFrame[Any]:  # noqa: ANN401
    """Add the multiplicity ``__k`` drawn from the uniform ``__u``."""
    return to_lazy(native).with_columns(_poisson_expr(nw.col("__u")).alias("__k"))


def _replicated_polars(native: Any, n_rep: int, seed: int) -> nw.LazyFrame[Any]:  # noqa: ANN401
    import polars as pl  # noqa: PLC0415 - optional engine

    reps = pl.LazyFrame({"__b": np.arange(n_rep, dtype=np.int64)})
    key = pl.col("__row").cast(pl.UInt64) * n_rep + pl.col("__b").cast(pl.UInt64)
    u = (key.hash(seed) // 2048).cast(pl.Float64) * 2.0**-53
    return _with_draws(
        native.with_row_index("__row")
        .join(reps, how="cross")
        .with_columns(u.alias("__u"))
    )


def _replicated_duckdb(native: Any, n_rep: int, seed: int) -> nw.LazyFrame[Any]:  # noqa: ANN401
    # Only integers and our own thresholds are formatted into the query.
    u = f"(hash(t.__row, b.range, {seed}) >> 11)::DOUBLE * pow(2, -53)"
    sql = (
        f"SELECT t.*, b.range AS __b, {_poisson_sql(u)} AS __k "  # noqa: S608
        "FROM (SELECT *, row_number() OVER () AS __row FROM __src) AS t "
        f"CROSS JOIN range({n_rep}) AS b"
    )
    return to_lazy(native.query("__src", sql))


def _replicated_spark(native: Any, n_rep: int, seed: int) -> nw.LazyFrame[Any]:  # noqa: ANN401
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    return _with_draws(
        native.withColumn(
            "__b", F.explode(F.sequence(F.lit(0), F.lit(n_rep - 1)))
        ).withColumn("__u", F.rand(seed))
    )


_REPLICATORS: dict[str, Callable[[Any, int, int], nw.LazyFrame[Any]]] = {
    "polars": _replicated_polars,
    "duckdb": _replicated_duckdb,
    "pyspark": _replicated_spark,
    "pyspark_connect": _replicated_spark,
}


def poisson_bootstrap(
    frame: nw.LazyFrame[Any],
    req: MomentsRequest,
    *,
    n_resamples: int,
    rng: np.random.Generator,
) -> MomentSums:
    """Poisson(1) replicates of the moments of a lazy frame.

    One pass computes the means (and the missing-data account); a second
    draws each row's multiplicity in every replicate on the engine and sums
    all replicates' statistics at once. Returns a batch: arrays with a
    leading axis of length ``n_resamples``.
    """
    engine = engine_name(frame)
    cols, weight, listwise = req.columns, req.weight, req.listwise
    if engine not in {"dask", *_REPLICATORS}:
        msg = (
            f"{req.where} has no Poisson bootstrap for the {engine!r} engine; "
            "supported: dask, duckdb, polars, pyspark."
        )
        raise InputError(msg)
    if engine == "dask" or (engine == "duckdb" and _has_pyarrow()):
        # the rows reach numpy (Dask partitions, DuckDB's Arrow batches):
        # multiplicities from numpy generators, replicate sums in BLAS
        if engine == "dask":  # one pass gives the account and the means
            base = dask_engine.moments(frame, req)
            shift, account, missing = (
                np.diagonal(base.moments.pair_mean).copy(),
                base.account,
                base.missing,
            )
            summed = dask_engine.bootstrap_sums
        else:  # DuckDB's first pass gives them: no co-moment pass is needed
            _, pilot = pilot_for(frame, req)
            shift, account = pilot.shift, pilot.account
            as_listwise = pilot.listwise and not pilot.as_pairwise
            missing = "listwise" if as_listwise else "pairwise"
            summed = _streamed_sums
        total = summed(frame, cols, weight, shift, n_resamples, rng, listwise=listwise)
        return MomentSums(
            columns=cols,
            missing=missing,
            weighted=weight is not None,
            moments=sums_to_moments(total, len(cols), shift, listwise=listwise),
            account=account,
            shift=shift,
        )
    centred, pilot = pilot_for(frame, req)
    rep = _REPLICATORS[engine](centred.to_native(), n_resamples, _seed(rng))
    # A row drawn 0 times adds 0 to every sum (a missing answer's NULL too,
    # which the engines' sums skip): about 37% of the rows are dropped
    # before the aggregation, and a replicate left without rows sums to 0.
    rep = rep.filter(nw.col("__k") > 0)
    terms, slots = sum_terms(pilot, "__k", with_counts=True)
    values = np.zeros((n_resamples, len(slots)))
    for b, sums in sum_by(rep, "__b", terms):
        values[int(b)] = sums
    return to_moment_sums(pilot, values, slots, batch=True)


#: Rows per Arrow batch fetched from DuckDB, and the cap (in float64 values)
#: of each block of multiplicities or row products held in numpy.
_BATCH_ROWS = 65_536
_BLOCK_VALUES = 2_000_000


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401, PLC0415 - DuckDB streams batches through it
    except ImportError:
        return False
    return True


def _streamed_sums(  # noqa: PLR0917
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    shift: FloatArray,
    n_rep: int,
    rng: np.random.Generator,
    *,
    listwise: bool,
) -> FloatArray:
    """Replicate sums of a DuckDB frame streamed through numpy, ``(B, q)``.

    DuckDB scans the relation in row order and hands it over in Arrow
    batches; each block of rows gets its multiplicities from one numpy
    generator, drawn row by row (``poisson(1, size=(rows, B))``, so the
    draws do not depend on where the blocks end), and adds
    ``K @ row_products`` (:func:`~satmodels.engines.memory.row_products`,
    the Dask engine's per-partition kernel). Memory stays at a few blocks
    whatever the relation's size; the products run in BLAS, where the
    same sums as SQL (a ``CROSS JOIN`` of the rows with the replicates)
    cost DuckDB about four times more (``bench/engines_poisson.py``).
    """
    names = [*cols, *([weight] if weight is not None else [])]
    quoted = ", ".join('CAST("' + c.replace('"', '""') + '" AS DOUBLE)' for c in names)
    gen = np.random.default_rng(_seed63(rng))
    p = len(cols)
    q = 3 + p + p * p if listwise else 6 * p * p
    step = max(1, min(_BLOCK_VALUES // q, _BLOCK_VALUES // n_rep))
    out = np.zeros((n_rep, q))
    proj = frame.to_native().project(quoted)
    # DuckDB 1.4 renamed fetch_arrow_reader (now deprecated) to_arrow_reader
    reader = getattr(proj, "to_arrow_reader", None) or proj.fetch_arrow_reader
    for batch in reader(_BATCH_ROWS):
        arrays = [
            np.asarray(batch.column(j).to_numpy(zero_copy_only=False), dtype=np.float64)
            for j in range(len(names))
        ]
        x_all = np.column_stack(arrays[:p])
        w_all = arrays[p] if weight is not None else None
        for a in range(0, x_all.shape[0], step):
            x = x_all[a : a + step]
            w = None if w_all is None else w_all[a : a + step]
            x0, obs, wcase = centred_rows(x, w, shift, listwise=listwise)
            z = row_products(x0, obs, wcase, listwise)
            draws = gen.poisson(1.0, size=(x.shape[0], n_rep))
            out += np.ascontiguousarray(draws.T, dtype=np.float64) @ z
    return out


def _seed63(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**63 - 1))
