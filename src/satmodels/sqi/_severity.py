r"""Failure weights derived from a survey: the drop in satisfaction.

Each respondent reports satisfaction (``target``) and which failures they
experienced (0/1 indicators, or counts). The weight of a failure type is the
drop in satisfaction associated with it, holding the other failures fixed:
minus its least-squares coefficient,

.. math::

    y_i = \beta_0 + \sum_j \beta_j f_{ij} + e_i, \qquad
    \text{severity}_j = -\hat\beta_j,

with the classical standard errors
:math:`\widehat{se} = \sqrt{\hat\sigma^2 [(X^\top W X)^{-1}]_{jj}}`,
:math:`\hat\sigma^2 = \sum_i w_i e_i^2 / (\sum_i w_i - p)` (case weights as
frequency weights; :math:`p` = failures + 1) and t intervals on
:math:`n - p` degrees of freedom (e.g. Greene, W. H. (2012), Econometric
Analysis, 7th ed., ch. 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from .._validation import check_confidence_level, check_nan_policy
from ..csi._estimated import fit_segments
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import EstimationError, InputError
from ..results._estimates import estimates
from ..stats.moments import MissingReport
from ._inputs import ROWS
from ._results import SeverityResult

__all__ = ["severity"]


def severity(
    data: object,
    *,
    target: str,
    failures: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: str = "omit",
) -> SeverityResult:
    """Estimate how much customers hate each failure type from a survey.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        One row per respondent.
    target : str
        Column of the satisfaction answer.
    failures : sequence of str, optional
        Failure-experience columns (1 = experienced); default every other
        column.
    columns : sequence of str, optional
        Names of a bare array's columns.
    weights : array_like or str, optional
        Case weights (frequency weights for the standard errors).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one set of failure weights
        per segment in ``result.segments``.
    confidence_level : float, default 0.95
    nan_policy : {"omit", "raise"}
        "omit" drops respondents with a missing cell (listwise, counted).

    Returns
    -------
    SeverityResult
        Its ``severity`` mapping can be passed to :func:`index`.

    Raises
    ------
    InputError
        Unknown or non-numeric columns, bad weights, fewer respondents than
        failures + 2, ``target`` among the failures.
    EstimationError
        A failure column that does not vary, or collinear failure columns.

    Examples
    --------
    >>> from satmodels import sqi
    >>> survey = {
    ...     "sat": [9, 5, 8, 2, 9, 4],
    ...     "late": [0, 1, 0, 1, 0, 1],
    ...     "lost": [0, 0, 0, 1, 0, 0],
    ... }
    >>> res = sqi.severity(survey, target="sat")
    >>> round(res.severity["late"], 3), round(res.severity["lost"], 3)
    (4.167, 2.5)
    """
    if design is not None:
        return fit_with_design(severity, locals())
    where = "sqi.severity"
    level = check_confidence_level(confidence_level, where)
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    if not isinstance(cast("object", target), str):
        msg = f"The 'target' parameter of {where} must name a column. Got {target!r}."
        raise InputError(msg)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"target": [target], "failures": failures},
        weights=weights,
        segments=segments,
        accept=ROWS,
    )
    names = tuple(c for c in table.role("failures") if c != target)
    if failures is not None and target in failures:
        msg = f"The 'target' parameter of {where} ({target!r}) is also in 'failures'."
        raise InputError(msg)
    if not names:
        msg = f"The 'failures' parameter of {where} names no column."
        raise InputError(msg)

    def fit(part: Table, _segment: str | None) -> SeverityResult:
        return _fit(part, target, names, level, nan_policy, where)

    return fit_segments(table, fit)


def _fit(  # noqa: PLR0917 - private, one caller
    part: Table,
    target: str,
    names: tuple[str, ...],
    level: float,
    nan_policy: str,
    where: str,
) -> SeverityResult:
    """Least squares of one (segment) table."""
    y = part.column(target)
    f = part.matrix(list(names))
    w = np.ones(y.size) if part.weights is None else part.weights
    holes = np.isnan(f).any(axis=1) | np.isnan(y)
    if holes.any() and nan_policy == "raise":
        cols = [target, *names]
        r, j = np.argwhere(np.isnan(np.column_stack([y, f])))[0]
        msg = (
            f"The 'data' parameter of {where} has a missing value in column "
            f"{cols[j]!r}, row {r + 1}; nan_policy='raise'."
        )
        raise InputError(msg)
    zero_w = w == 0
    keep = ~holes & ~zero_w
    y, f, w = y[keep], f[keep], w[keep]
    p = len(names) + 1
    if y.size < p + 1:
        msg = (
            f"{where} needs more respondents than failures + 1 ({p}) with every "
            f"answer; got {y.size}."
        )
        raise InputError(msg)
    X = np.column_stack([np.ones(y.size), f])
    flat = [c for c, col in zip(names, f.T, strict=True) if np.ptp(col) == 0]
    if flat:
        msg = (
            f"{where}: the failure column(s) {flat} do not vary among the "
            f"{y.size} respondents used; their severity cannot be estimated."
        )
        raise EstimationError(msg)
    scale = w / w.mean()
    sw = np.sqrt(scale)
    Xw, yw = X * sw[:, None], y * sw
    if np.linalg.matrix_rank(Xw) < p:
        msg = f"{where}: the failure columns {list(names)} are collinear."
        raise EstimationError(msg)
    beta, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    resid = yw - Xw @ beta
    dof = float(y.size - p)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.inv(Xw.T @ Xw)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    ybar = float(scale @ y) / float(scale.sum())
    tss = float(scale @ (y - ybar) ** 2)
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    est = estimates(
        name=[target, *names],
        estimate=np.concatenate([[beta[0]], -beta[1:]]),
        standard_error=se,
        kind=["intercept", *(["severity"] * len(names))],
        interval="t",
        df=dof,
        n=y.size,
        confidence_level=level,
        backend=part.backend,
    )
    report = MissingReport(
        rows_total=int(keep.size),
        rows_used=int(keep.sum()),
        rows_excluded=int((~keep).sum()),
        reasons={
            k: int(v)
            for k, v in (
                ("missing value (listwise)", holes.sum()),
                ("weight 0", (zero_w & ~holes).sum()),
            )
            if v
        },
        column_missing={
            c: int(np.isnan(col).sum())
            for c, col in zip(
                [target, *names],
                np.column_stack([part.column(target), part.matrix(list(names))]).T,
                strict=True,
            )
        },
        missing="listwise",
    )
    return SeverityResult(
        estimates=est,
        confidence_level=level,
        target=target,
        failures=names,
        severity={c: float(-b) for c, b in zip(names, beta[1:], strict=True)},
        r_squared=r2,
        n=int(y.size),
        missing_report=report,
        _backend=part.backend,
    )
