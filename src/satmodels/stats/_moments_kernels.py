"""From user data to the engines' typed sums (the Moments side of stats).

:class:`~satmodels.stats.moments.Moments` asks this module for the sums of
its data: rows in memory go to the numpy engine
(:mod:`satmodels.engines.memory`), lazy frames to the engine that holds
them (:mod:`satmodels.engines`). Both return
:class:`~satmodels.engines.MomentSums`; this module never builds a
``Moments`` itself, so nothing here imports :mod:`.moments`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..data import read
from ..data._table import Kind, Table
from ..engines import Account, MomentSums, PairMoments, check_finite
from ..engines import memory as memory_engine
from ..exceptions import InputError
from ._report import MissingReport

__all__ = [
    "check_options",
    "covariance_sums",
    "moments_fields",
    "read_columns",
    "replicate_sums",
    "to_sums",
]


def read_columns(
    data: object,
    columns: Sequence[str] | None,
    weights: object,
    where: str,
    *,
    accept: Collection[Kind],
    roles: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    """Read ``data`` once with :func:`satmodels.data.read`.

    ``columns`` names a bare array's columns; for a frame or mapping it
    selects the columns as the ``columns`` role (``roles`` default to
    ``{"columns": columns}``), so that a weights or segments column need not
    be listed in it.
    """
    bare = isinstance(data, np.ndarray | list | tuple)
    select = columns if bare else None  # frames: the role selects the columns
    if roles is None and columns is not None:
        roles = {"columns": list(columns)}
    return read(
        data,
        where=where,
        columns=select,
        roles=roles,
        weights=weights,
        accept=accept,
    )


def check_choice(
    value: object, param: str, choices: tuple[str, ...], where: str
) -> None:
    """Refuse a value of ``param`` that is none of ``choices``, by name."""
    if value not in choices:
        allowed = " or ".join(repr(c) for c in choices)
        msg = (
            f"The '{param}' parameter of {where} must be {allowed}. "
            f"Got {value!r} instead."
        )
        raise InputError(msg)


def check_options(missing: object, nan_policy: object, where: str) -> None:
    """Refuse an unknown missing-data method or NaN policy, by name."""
    check_choice(missing, "missing", ("listwise", "pairwise", "em"), where)
    check_choice(nan_policy, "nan_policy", ("omit", "raise"), where)


def replicate_sums(  # noqa: PLR0917
    x: FloatArray,
    base: MomentSums,
    w: FloatArray | None,
    n_resamples: int,
    method: str,
    rng: np.random.Generator,
) -> MomentSums:
    """Bootstrap replicates of rows in memory, centred by ``base``'s means."""
    shift = np.diagonal(base.moments.pair_mean).copy()
    reps = memory_engine.bootstrap(
        x,
        shift,
        w,
        n_resamples,
        method,
        rng,
        listwise=base.missing == "listwise",
    )
    return replace(base, moments=reps, shift=shift)


def moments_fields(sums: MomentSums, *, where: str, name: str) -> dict[str, Any]:
    """Return the fields of a Moments built from ``sums`` (refusing overflow)."""
    m = sums.moments
    check_finite(
        {
            "sum of weights": m.weight_sum,
            "sum of squared weights": m.weight_sq_sum,
            "mean": m.pair_mean,
            "co-moment": m.comoment,
            "sum of squares": m.pair_sumsq,
        },
        sums.columns,
        where=where,
        name=name,
    )
    acc = sums.account
    report = MissingReport(
        rows_total=acc.rows_total,
        rows_used=acc.rows_used,
        rows_excluded=acc.rows_total - acc.rows_used,
        reasons=dict(acc.reasons),
        column_missing=dict(acc.column_missing),
        missing=sums.missing,
    )
    return {
        "columns": sums.columns,
        "count": m.count,
        "weight_sum": m.weight_sum,
        "weight_sq_sum": m.weight_sq_sum,
        "pair_mean": m.pair_mean,
        "comoment": m.comoment,
        "pair_sumsq": m.pair_sumsq,
        "missing": sums.missing,
        "weighted": sums.weighted,
        "missing_report": report,
    }


def to_sums(moments: Any) -> MomentSums:  # noqa: ANN401 - a Moments
    """Return a Moments (or anything with its fields) as typed sums."""
    rep = moments.missing_report
    return MomentSums(
        columns=moments.columns,
        missing=moments.missing,
        weighted=moments.weighted,
        moments=PairMoments(
            count=moments.count,
            weight_sum=moments.weight_sum,
            weight_sq_sum=moments.weight_sq_sum,
            pair_mean=moments.pair_mean,
            comoment=moments.comoment,
            pair_sumsq=moments.pair_sumsq,
        ),
        account=Account(
            rows_total=rep.rows_total,
            rows_used=rep.rows_used,
            reasons=dict(rep.reasons),
            column_missing=dict(rep.column_missing),
        ),
    )


def covariance_sums(
    covariance: object,
    *,
    n: int,
    mean: object,
    columns: Sequence[str] | None,
    where: str,
) -> MomentSums:
    """Return the sums behind a published covariance matrix (divisor n - 1)."""
    cov = np.asarray(covariance, dtype=np.float64)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
        msg = (
            f"The 'covariance' parameter of {where} must be a square matrix. "
            f"Got shape {cov.shape} instead."
        )
        raise InputError(msg)
    p = cov.shape[0]
    if not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T, atol=1e-12):
        msg = f"The 'covariance' parameter of {where} must be finite and symmetric."
        raise InputError(msg)
    if np.any(np.diag(cov) < 0):
        msg = f"The 'covariance' parameter of {where} has a negative variance."
        raise InputError(msg)
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 2:
        msg = f"The 'n' parameter of {where} must be an integer >= 2. Got {n!r}."
        raise InputError(msg)
    mu = np.zeros(p) if mean is None else np.asarray(mean, dtype=np.float64)
    if mu.shape != (p,) or not np.all(np.isfinite(mu)):
        msg = (
            f"The 'mean' parameter of {where} must hold {p} finite values. "
            f"Got shape {mu.shape}."
        )
        raise InputError(msg)
    cols = tuple(columns) if columns is not None else tuple(f"x{i}" for i in range(p))
    if len(cols) != p:
        msg = f"The 'columns' parameter of {where} must name {p} columns."
        raise InputError(msg)
    with np.errstate(over="ignore", invalid="ignore"):
        comoment = cov * (n - 1)
    full = np.full((p, p), float(n))
    return MomentSums(
        columns=cols,
        missing="listwise",
        weighted=False,
        moments=PairMoments(
            count=np.full((p, p), int(n), dtype=np.int64),
            weight_sum=full,
            weight_sq_sum=full.copy(),
            pair_mean=np.repeat(mu[:, None], p, axis=1),
            comoment=comoment,
            pair_sumsq=np.repeat(np.diag(comoment)[:, None], p, axis=1),
        ),
        account=Account(
            rows_total=int(n),
            rows_used=int(n),
            reasons={},
            column_missing=dict.fromkeys(cols, 0),
        ),
    )
