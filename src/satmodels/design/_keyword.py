r"""The ``design`` keyword of every estimate: one shared mechanism.

A public function given ``design=`` calls :func:`fit_with_design` first
thing, with its own arguments (``locals()`` at the top of its body). The
function is fitted once with the design's weights and its estimates table
is replaced by the design-based one: the same rows, design-based standard
errors, t intervals on the design's degrees of freedom and a
``design_effect`` column. The result keeps the function's own type.

Which statistic uses which variance (docs/design.md, "The design keyword"):

* Taylor linearisation under a :class:`~satmodels.design.Design` for the
  rows that are weighted means of a coding of one answer: ``csi.nps`` (the
  NPS and its three shares), ``csi.csat`` (top-box share), ``csi.ces``
  (mean, agree share) and ``ratio.satisfaction_ratio`` (c = b/a ratio of
  means, mean ratio, expectation and perception means); exactly
  :func:`satmodels.design.mean` or :func:`satmodels.design.ratio` of the
  coded answers (:mod:`._taylor`).
* Replication for every other statistic, and for every statistic under a
  :class:`~satmodels.design.ReplicateDesign`: the stratified
  delete-one-PSU jackknife (JKn; Wolter 2007, sec. 4.5, with the fpc)
  built from a ``Design``, or the given replicate columns; exactly
  :func:`satmodels.design.replicate`.

The design effect of a row is its design-based variance over the variance
the function reports without the design (its case-weighted, model-based
variance: Skinner's 1989 misspecification effect); NaN where the function
gives no standard error (e.g. a Wilson-interval share).

References
----------
.. [1] Skinner, C. J. (1989). Introduction to part A. In Skinner, Holt &
   Smith (eds.), Analysis of Complex Surveys, 23-58. Wiley.
.. [2] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd ed.).
   Springer.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from .._validation import check_confidence_level
from ..exceptions import InputError
from ..results._estimates import Estimates, estimates
from ._prepare import prepare, without_design_columns
from ._replicate import need_rows, run_replicate
from ._spec import Design
from ._taylor import CODINGS, taylor_table

__all__ = ["fit_with_design", "with_table"]

_R = TypeVar("_R")


def _where(func: Callable[..., Any]) -> str:
    module = func.__module__.split(".")
    short = module[1] if len(module) > 1 and module[0] == "satmodels" else ""
    return f"{short}.{func.__name__}" if short else func.__name__


def fit_with_design(func: Callable[..., _R], arguments: Mapping[str, Any]) -> _R:
    """Fit ``func`` under ``arguments["design"]``; its result, design-based.

    Parameters
    ----------
    func : callable
        The public function (it is called again without ``design``).
    arguments : mapping
        The function's arguments by name (``locals()`` at the top of its
        body): ``data``, ``design``, ``weights`` and its options.

    Returns
    -------
    The function's own result type, whose ``estimates`` are design-based
    (with ``design_effect``), as are its segments' and the stored
    headline standard error and interval where it has them.

    Raises
    ------
    InputError
        ``weights`` together with ``design`` (the design carries them),
        ``n_resamples`` together with ``design`` (the design gives the
        standard errors), a lazy frame or statistics (the rows are
        needed), or a bad design.
    """
    where = _where(func)
    args = dict(arguments)
    data = args.pop("data")
    design = args.pop("design")
    if args.pop("weights", None) is not None:
        msg = (
            f"The 'weights' and 'design' parameters of {where} cannot both be "
            "given: the design carries the weights (Design(weights=...) or "
            "ReplicateDesign(weights=...)). Remove 'weights'."
        )
        raise InputError(msg)
    from ..stats.counts import CategoryCounts  # noqa: PLC0415 - stats sits below
    from ..stats.moments import Moments  # noqa: PLC0415

    if isinstance(data, Moments | CategoryCounts):
        msg = (
            f"The 'design' parameter of {where} needs the respondents' rows "
            "(each with its stratum, cluster and weight). Got "
            f"{type(data).__name__} instead."
        )
        raise InputError(msg)
    n_resamples = args.pop("n_resamples", 0)
    if n_resamples not in (0, None):
        msg = (
            f"The 'n_resamples' and 'design' parameters of {where} cannot both "
            "be given: under a design the standard errors come from the design "
            f"(Taylor or its replicates). Got n_resamples={n_resamples!r}; set "
            "it to 0, or use satmodels.design.replicate(..., "
            "method='bootstrap') for a bootstrap of PSUs."
        )
        raise InputError(msg)
    args.pop("rng", None)  # randomness only drives the refused resampling
    level = check_confidence_level(args.pop("confidence_level", 0.95), where)
    if isinstance(design, Design):
        taylor = _taylor(func, data, design, args, level, where)
        if taylor is not None:
            return taylor
    rep = run_replicate(
        func,
        data,
        design=design,
        method="JKn",
        n_resamples=0,
        rng=None,
        level=level,
        options=args,
        where=where,
        segment_rows=True,
    )
    out: _R = with_table(rep.result, rep.estimates)
    return out


def _taylor(  # noqa: PLR0917 - private
    func: Callable[..., _R],
    data: object,
    design: Design,
    args: dict[str, Any],
    level: float,
    where: str,
) -> _R | None:
    """Return the result with Taylor rows (None: its rows are not means)."""
    if f"{func.__module__}.{func.__name__}" not in CODINGS:
        return None
    prep = prepare(
        data, where=where, columns=args.get("columns"), roles={}, design=design
    )
    need_rows(prep, where)
    data, seen = without_design_columns(data, args.get("columns"), prep.reserved)
    options = args if seen is None else {**args, "columns": seen}
    full = func(data, weights=prep.weights, confidence_level=level, **options)
    table = taylor_table(func, data, prep, full, options, level)
    if table is None:
        return None
    out: _R = with_table(full, table)
    return out


def _at_level(table: Estimates, level: float) -> Estimates:
    """Rebuild the design-based table at another level (t intervals)."""
    return estimates(
        name=list(table.name),
        estimate=table.estimate,
        kind=list(table.kind),
        confidence_level=level,
        standard_error=table.standard_error,
        n=table.n,
        df=table.df,
        interval=list(table.interval),
        segment=list(table.segment),
        design_effect=table.design_effect,
        backend=table._backend,
    )


def _mapped(value: object, old: Estimates, table: Estimates) -> object:
    """Map a stored standard error (float, array, dict) to the design's.

    Each stored value is the table's standard error of some row; it becomes
    that row's design-based standard error. None when a value is not found
    in the table (the field is then left as it is).
    """

    def one(v: object) -> float | None:
        if not isinstance(v, float | np.floating) or not np.isfinite(v):
            return None
        rows = np.flatnonzero(old.standard_error == v)
        return float(table.standard_error[rows[0]]) if rows.size else None

    if isinstance(value, float | np.floating):
        return one(value)
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        got = [one(v) for v in value.tolist()]
        if any(g is None for g in got):
            return None
        return np.asarray(got, dtype=np.float64)
    if isinstance(value, dict) and value:
        mapped = {k: one(v) for k, v in value.items()}
        if any(g is None for g in mapped.values()):
            return None
        return mapped
    return None


def with_table(result: Any, table: Estimates) -> Any:  # noqa: ANN401 - any result
    """Return ``result`` with ``table`` as its estimates.

    Also replaces what duplicates the table: the refit at another level (the
    design table's t intervals), a headline ``se`` / ``ci_low`` /
    ``ci_high`` stored beside it, other stored standard errors (fields
    named ``*_se``: each value found in the table's standard errors), and
    each segment's sub-result (the rows of its label).
    """
    fields = {f.name for f in dataclasses.fields(result)}
    old: Estimates = result.estimates
    whole, table = table, table._take(range(len(old)))  # segment rows follow
    changes: dict[str, Any] = {}
    if "estimates" in fields:
        changes["estimates"] = table
    else:  # a PLS fit derives its table on first access
        changes["_derived"] = result._derived.with_estimates(table)
    if "_refit" in fields and result._refit is not None:
        changes["_refit"] = functools.partial(_at_level, table)
    se = getattr(result, "se", None) if "se" in fields else None
    if isinstance(se, float):
        rows = np.flatnonzero(old.standard_error == se)
        if rows.size:
            i = int(rows[0])
            changes["se"] = float(table.standard_error[i])
            if "ci_low" in fields and "ci_high" in fields:
                changes["ci_low"] = float(table.ci_low[i])
                changes["ci_high"] = float(table.ci_high[i])
    for name in fields:
        if name != "se" and (name.endswith("_se") or name.startswith("se_")):
            new_se = _mapped(getattr(result, name), old, table)
            if new_se is not None:
                changes[name] = new_se
    parts = getattr(result, "segments", None) if "segments" in fields else None
    if isinstance(parts, dict) and parts:
        new: dict[Any, Any] = {}
        for label, sub in parts.items():
            rows_l = [i for i, s in enumerate(whole.segment) if s == str(label)]
            own = sub.estimates
            taken = whole._take(rows_l)
            if len(rows_l) != len(own) or taken.name != own.name:
                new[label] = sub
                continue
            new[label] = with_table(
                sub, dataclasses.replace(taken, segment=own.segment)
            )
        changes["segments"] = new
    return dataclasses.replace(result, **changes)
