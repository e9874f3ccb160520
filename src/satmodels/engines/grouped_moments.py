"""Moments of every group of a lazy frame in one grouped aggregation.

The global first pass of :mod:`satmodels.engines.expressions` checks the
data and fixes one centring shift; then one ``group_by`` of the centred
frame sums the shifted products of every group, and one more counts each
group's rows and missing cells for its account. Three engine queries
whatever the number of groups (segments, companies, waves), where fitting
each group from a filtered frame costs two queries per group.

The shift is the overall mean, not each group's: the correction term of
Chan, Golub & LeVeque (1983, eq. 1.7), applied per group with the group's
own counts, makes the co-moments exact for any shift; a shift near every
group's mean (one survey scale) keeps the rounding small. Groups whose
means lie far from it (squared distance times weight over 1e6 times the
centred sum of squares, i.e. six digits lost) make the grouped read give
way to one fit per group.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from ..exceptions import InputError
from ._frame import CANCEL, W, num, xcol
from ._protocol import Account, MomentsRequest, MomentSums
from ._sums import sum_by
from .expressions import _centred, _first_pass, _prepared, sum_terms, to_moment_sums

__all__ = ["grouped_moments"]

_G = "__grp"


def _accounts(frame: nw.LazyFrame[Any], req: MomentsRequest) -> dict[str, Account]:
    """Rows read, used and excluded per group (one grouped count)."""
    p = len(req.columns)
    w = nw.col(W) if req.weight is not None else None
    aggs = [nw.len().alias("__n")]
    flags: dict[str, nw.Expr] = {}
    for i in range(p):
        flags[f"__m{i}"] = xcol(i).is_null()
    if req.listwise:
        complete = nw.all_horizontal(
            *(~xcol(i).is_null() for i in range(p)), ignore_nulls=True
        )
        flags["__complete"] = complete
        flags["__u"] = nw.col("__used")
        if w is not None:
            flags["__zero"] = complete & (w == 0)
    else:
        flags["__u"] = nw.any_horizontal(
            *(nw.col(f"__o{i}") for i in range(p)), ignore_nulls=True
        )
        if w is not None:
            flags["__zero"] = w == 0
    flat = frame.with_columns(*(e.cast(nw.Int64).alias(n) for n, e in flags.items()))
    names = list(flags)
    aggs += [nw.col(n).sum().alias(n) for n in names]
    out = flat.group_by(_G).agg(*aggs).collect()
    rows = {name: out.get_column(name).to_list() for name in ["__n", *names, _G]}
    accounts: dict[str, Account] = {}
    for k, label in enumerate(rows[_G]):
        if label is None:
            msg = (
                f"The 'segments' parameter of {req.where} has "
                f"{round(num(rows['__n'][k]))} missing label(s)."
            )
            raise InputError(msg)

        def count(name: str, k: int = k) -> int:
            return round(num(rows[name][k]))

        n_rows, used = count("__n"), count("__u")
        reasons: dict[str, int] = {}
        zero = count("__zero") if "__zero" in rows else 0
        if req.listwise:
            if n_rows - count("__complete"):
                reasons["missing value (listwise)"] = n_rows - count("__complete")
            if zero:
                reasons["zero weight"] = zero
        else:
            if zero:
                reasons["zero weight"] = zero
            if n_rows - used - zero > 0:
                reasons["no observed value"] = n_rows - used - zero
        accounts[str(label)] = Account(
            rows_total=n_rows,
            rows_used=used,
            reasons=reasons,
            column_missing={c: count(f"__m{i}") for i, c in enumerate(req.columns)},
        )
    return accounts


def _far_from_shift(sums: MomentSums, shift: np.ndarray[Any, Any]) -> bool:
    """Whether a group's centred sums of squares cancel (see ``CANCEL``)."""
    m = sums.moments
    d = np.diagonal(m.pair_mean, axis1=-2, axis2=-1) - shift
    w = np.diagonal(m.weight_sum, axis1=-2, axis2=-1)
    m2 = np.diagonal(m.pair_sumsq, axis1=-2, axis2=-1)
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.any(d * d * w > CANCEL * np.maximum(m2, 0.0)))


def grouped_moments(
    frame: nw.LazyFrame[Any], req: MomentsRequest, group: str
) -> dict[str, MomentSums] | None:
    """Moment sums of each label of column ``group``, in sorted label order.

    None when a group's means lie too far from the shared shift (groups on
    different scales, ``_frame.CANCEL``): the caller then fits each group from
    its own frame, shifted by its own means.
    """
    labelled = frame.with_columns(nw.col(group).cast(nw.String).alias(_G))
    prepared = _prepared(labelled, req.columns, req.weight, keep=[_G])
    pilot = _first_pass(prepared, req)
    accounts = _accounts(prepared, req)
    terms, slots = sum_terms(pilot, None, with_counts=True)
    sums = sum_by(_centred(prepared, pilot, extra=[_G]), _G, terms)
    labels = [str(key) for key, _ in sums]
    values = np.array([v for _, v in sums]).reshape(len(labels), len(terms))
    result: dict[str, MomentSums] = {}
    for k, label in sorted(enumerate(labels), key=lambda t: t[1]):
        account = accounts[label]
        if account.rows_used == 0:
            raise req.no_usable_row(account)
        own = replace(pilot, account=account)
        result[label] = to_moment_sums(own, values[k : k + 1], slots, batch=False)
    # a group whose rows are all unusable has no row in the sums
    for label in sorted(set(accounts) - set(labels)):
        raise req.no_usable_row(accounts[label])
    shift = np.asarray(pilot.shift, dtype=np.float64)
    if any(_far_from_shift(part, shift) for part in result.values()):
        return None
    return result
