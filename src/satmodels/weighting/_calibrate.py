r"""Calibration weighting: linear (GREG), raking and logit (Deville & Särndal).

New weights :math:`w_i g_i` meet known population totals :math:`T` of
auxiliary variables :math:`x_i` (indicators of the labels of categorical
margins, and numeric columns), :math:`\sum_i w_i g_i x_i = T`, with
:math:`g_i = F(x_i^\top \lambda)` for a calibration function :math:`F`
(Deville & Särndal 1992, eq. 2.6):

* linear (the GREG estimator's weights): :math:`F(u) = 1 + u`;
* raking ratio: :math:`F(u) = e^u`;
* logit, bounded in :math:`(L, U)`:
  :math:`F(u) = \frac{L(U-1) + U(1-L)e^{Au}}{(U-1) + (1-L)e^{Au}}`,
  :math:`A = \frac{U-L}{(1-L)(U-1)}`.

Bounds on the linear and raking functions truncate :math:`g` to
:math:`[L, U]`. :math:`\lambda` solves the calibration equations by Newton's
method, :math:`\lambda \leftarrow \lambda + (X^\top W F'(X\lambda) X)^{+}
(T - X^\top W F(X\lambda))`, halving a step that gives non-finite factors,
until every equation is met within ``tolerance`` relative to
:math:`1 + |T_k|` (the algorithm and stopping rule of ``survey::grake``;
Lumley 2010, sec. 7.4).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray
from .._validation import check_count
from ..data import Kind, read
from ..exceptions import ConvergenceWarning, EstimationError, InputError
from ..results._estimates import concat, estimates
from ._kernels import kish
from ._rake import Margin, _cells, _level_codes, _targets
from ._result import WeightingResult

__all__ = ["calibrate"]

_WHERE = "calibrate"
_ROWS: tuple[Kind, ...] = ("rows",)
#: Step halvings before a Newton step that overflows is given up.
_MAX_HALVINGS = 60
_METHODS = ("linear", "raking", "logit")
Calfun = Callable[[FloatArray], tuple[FloatArray, FloatArray]]


def _calfun(method: str, low: float, high: float) -> Calfun:
    """Return ``u -> (g, dg/du)`` of a calibration function (truncated)."""
    if method == "logit":
        a = (high - low) / ((1.0 - low) * (high - 1.0))

        def logit(u: FloatArray) -> tuple[FloatArray, FloatArray]:
            with np.errstate(over="ignore", invalid="ignore"):
                e = np.exp(np.clip(a * u, -700.0, 700.0))
                den = (high - 1.0) + (1.0 - low) * e
                g = (low * (high - 1.0) + high * (1.0 - low) * e) / den
                dg = (
                    high * (1.0 - low) * e * a / den
                    - (low * (high - 1.0) + high * (1.0 - low) * e)
                    * (1.0 - low)
                    * e
                    * a
                    / den**2
                )
            return g, dg

        return logit

    def truncated(u: FloatArray) -> tuple[FloatArray, FloatArray]:
        with np.errstate(over="ignore"):
            raw = 1.0 + u if method == "linear" else np.exp(u)
        inside = (raw > low) & (raw < high)
        slope = np.ones_like(u) if method == "linear" else raw
        return np.clip(raw, low, high), np.where(inside, slope, 0.0)

    return truncated


def _bounds(value: object, method: str) -> tuple[float, float]:
    if value is None:
        if method == "logit":
            msg = (
                f"The 'bounds' parameter of {_WHERE} is required with "
                "method='logit': (lower, upper) with 0 <= lower < 1 < upper < inf."
            )
            raise InputError(msg)
        return -math.inf, math.inf
    try:
        low, high = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        low = high = math.nan
    finite = method != "logit" or math.isfinite(high)
    if not (low < 1 < high and not math.isnan(low) and finite):
        msg = (
            f"The 'bounds' parameter of {_WHERE} must be (lower, upper) limits of "
            "the factor g with lower < 1 < upper (finite for the logit). Got "
            f"{value!r} instead."
        )
        raise InputError(msg)
    return low, high


def _design_matrix(  # noqa: PLR0917 - the parts of one matrix
    margins: dict[str, dict[str, float]],
    codes: Sequence[np.ndarray[Any, Any]],
    row_cell: np.ndarray[Any, Any],
    numeric: FloatArray,
    numeric_names: Sequence[str],
    totals: Mapping[str, float],
) -> tuple[FloatArray, FloatArray, list[str]]:
    """Return the auxiliary variables x of every row and their totals T.

    Indicators of every label of the first margin and of every label but
    the first of the others (one intercept), then the numeric columns.
    """
    cols: list[FloatArray] = []
    target: list[float] = []
    names: list[str] = []
    for j, (column, levels) in enumerate(margins.items()):
        row_code = codes[j][row_cell]
        for k, (label, total) in enumerate(levels.items()):
            if j > 0 and k == 0:
                continue
            cols.append((row_code == k).astype(np.float64))
            target.append(total)
            names.append(f"{column}={label}")
    for k, name in enumerate(numeric_names):
        cols.append(numeric[:, k])
        target.append(float(totals[name]))
        names.append(name)
    return np.column_stack(cols), np.array(target), names


def _solve(  # noqa: PLR0917 - Newton and its controls
    x: FloatArray,
    w: FloatArray,
    target: FloatArray,
    calfun: Calfun,
    max_iter: int,
    tolerance: float,
) -> tuple[FloatArray, int, bool]:
    """Newton's method for the calibration equations (survey::grake)."""
    lam = np.zeros(x.shape[1])
    g, dg = calfun(x @ lam)
    for it in range(1, max_iter + 1):
        misfit = target - x.T @ (w * g)
        if np.all(np.abs(misfit) / (1.0 + np.abs(target)) < tolerance):
            return g, it - 1, True
        step = np.linalg.pinv(x.T @ (x * (w * dg)[:, None]), rcond=1e-13) @ misfit
        lam = lam + step
        g, dg = calfun(x @ lam)
        for _ in range(_MAX_HALVINGS):
            if np.all(np.isfinite(g)) and np.all(np.isfinite(dg)):
                break
            step = step / 2.0
            lam = lam - step
            g, dg = calfun(x @ lam)
        else:
            return g, it, False
    misfit = target - x.T @ (w * g)
    return (
        g,
        max_iter,
        bool(np.all(np.abs(misfit) / (1.0 + np.abs(target)) < tolerance)),
    )


def _numeric_totals(totals: object) -> dict[str, float]:
    if totals is None:
        return {}
    if not isinstance(totals, Mapping) or not totals:
        msg = (
            f"The 'totals' parameter of {_WHERE} must map numeric columns to "
            f"their population totals. Got {totals!r} instead."
        )
        raise InputError(msg)
    out: dict[str, float] = {}
    for name, value in totals.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        if not math.isfinite(v):
            msg = (
                f"The 'totals' parameter of {_WHERE} must give finite totals. Got "
                f"{value!r} for column {name!r}."
            )
            raise InputError(msg)
        out[str(name)] = v
    return out


def calibrate(
    data: object,
    *,
    margins: Mapping[str, Margin] | None = None,
    totals: Mapping[str, float] | None = None,
    method: str = "linear",
    bounds: Sequence[float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    max_iter: int = 50,
    tolerance: float = 1e-10,
) -> WeightingResult:
    r"""Calibrate the weights to population totals (GREG, raking or logit).

    The new weights :math:`w_i g_i` reproduce the population total of every
    label of the categorical ``margins`` and of every numeric column in
    ``totals``, :math:`\sum_i w_i g_i x_i = T`, with the factors
    :math:`g_i = F(x_i^\top\lambda)` of the calibration function ``method``
    (Deville & Särndal 1992). ``method="linear"`` gives the weights of the
    generalized regression (GREG) estimator; ``"raking"`` with categorical
    margins only gives the weights of :func:`rake`; ``"logit"`` keeps every
    factor inside ``bounds``.

    Parameters
    ----------
    data : array, mapping of columns or DataFrame
        The respondents (rows in memory).
    margins : mapping of str to mapping of label to float, optional
        For each label column, the population total of each label (as in
        :func:`rake`); every margin must have the same total.
    totals : mapping of str to float, optional
        Population totals of numeric columns (e.g. ``{"age": 452_000}``). A
        respondent with a missing value cannot be calibrated: an error.
    method : {"linear", "raking", "logit"}, default "linear"
        The calibration function :math:`F`.
    bounds : (float, float), optional
        Limits ``(lower, upper)`` of the factors :math:`g`, with
        ``lower < 1 < upper``: truncation for ``"linear"`` and ``"raking"``,
        required (finite) for ``"logit"``.
    columns : sequence of str, optional
        Names of the columns of a 2-D array ``data``.
    weights : array or str, optional
        Starting (design) weights; zero-weight rows stay 0.
    max_iter : int, default 50
        Newton iterations.
    tolerance : float, default 1e-10
        Stop when every equation is met within ``tolerance * (1 + |T_k|)``.

    Returns
    -------
    WeightingResult
        ``method`` is ``"calibrate (<method>)"``; the estimates table gives
        each total achieved beside its ``target``, and Kish's effective n.
        With categorical margins only, ``factors`` holds one factor per cell
        (``apply`` writes them on an engine); with numeric totals the factor
        varies by row (``factors`` per row, ``cells`` empty).

    Raises
    ------
    InputError
        Neither ``margins`` nor ``totals``, an unknown ``method``, bad
        ``bounds``, a lazy frame, a missing label or numeric value, labels
        without a total, bad weights.

    EstimationError
        When Newton's method overflows (no finite factors).

    Warns
    -----
    ConvergenceWarning
        When the equations are not met after ``max_iter`` iterations
        (bounds too tight, contradictory totals): ``converged`` is False.

    Notes
    -----
    Checked against ``survey::calibrate`` (``calfun = "linear"``,
    ``"raking"``, ``"logit"``, with and without bounds) on the sample of
    ``tests/golden/weighting_sample.py``; the R script and its output are
    ``tests/golden/calibrate_survey.R`` and ``calibrate_survey.csv``.

    References
    ----------
    .. [1] Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in
       survey sampling. JASA, 87(418), 376-382.
    .. [2] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R.
       Wiley, sec. 7.4.

    Examples
    --------
    >>> import satmodels
    >>> survey = {"region": [1, 1, 2, 2], "visits": [1.0, 3.0, 2.0, 2.0]}
    >>> res = satmodels.weighting.calibrate(
    ...     survey, margins={"region": {1: 50, 2: 50}}, totals={"visits": 210}
    ... )
    >>> [round(float(w), 2) for w in res.weights]
    [20.0, 30.0, 25.0, 25.0]
    """
    if method not in _METHODS:
        msg = (
            f"The 'method' parameter of {_WHERE} must be one of {list(_METHODS)}. "
            f"Got {method!r} instead."
        )
        raise InputError(msg)
    low, high = _bounds(bounds, method)
    check_count(max_iter, _WHERE, "max_iter", 1)
    tol = float(tolerance)
    if not (math.isfinite(tol) and tol > 0):
        msg = (
            f"The 'tolerance' parameter of {_WHERE} must be positive. Got "
            f"{tolerance!r}."
        )
        raise InputError(msg)
    if not margins and not totals:
        msg = (
            f"{_WHERE} needs population totals: give 'margins' (label columns) "
            "and/or 'totals' (numeric columns)."
        )
        raise InputError(msg)
    targets = _targets(margins, _WHERE, "margins") if margins else {}
    numeric_totals = _numeric_totals(totals)
    keys, numeric_names = list(targets), list(numeric_totals)
    table = read(
        data,
        where=_WHERE,
        columns=columns,
        roles={"totals": numeric_names} if numeric_names else {},
        weights=weights,
        labels={"margins": keys} if keys else None,
        accept=_ROWS,
    )
    n = int(table.n_rows or 0)
    start = np.ones(n) if table.weights is None else table.weights
    positive = start > 0
    if keys:
        cell_totals, row_cell = table.cell_totals(keys)
        assert row_cell is not None  # noqa: S101 - rows in memory
        cell_labels, _ = _cells(cell_totals, keys, _WHERE, "margins")
        cell_positive = cell_totals.weight_class == 1
        codes = [
            _level_codes(
                cell_labels, j, targets[c], c, cell_positive, _WHERE, "margins"
            )
            for j, c in enumerate(keys)
        ]
    else:
        row_cell, cell_labels, codes = np.zeros(n, dtype=np.int64), [], []
    if not positive.any():
        msg = f"{_WHERE} has no respondent with a positive weight to calibrate."
        raise InputError(msg)
    for j, c in enumerate(keys):
        present = np.bincount(codes[j][row_cell[positive]], minlength=len(targets[c]))
        empty = [lab for lab, k in zip(targets[c], present, strict=True) if k == 0]
        if empty:
            msg = (
                f"The 'margins' parameter of {_WHERE} gives a population total "
                f"for {c}={empty[0]!r}, but no respondent (with positive weight) "
                "has that label: no weight can reach it. Merge it with a "
                "neighbour."
            )
            raise InputError(msg)
    numeric = table.matrix(numeric_names) if numeric_names else np.zeros((n, 0))
    lost = np.flatnonzero(~np.isfinite(numeric[positive]).all(axis=0))
    if lost.size:
        msg = (
            f"The 'totals' parameter of {_WHERE} names column "
            f"{numeric_names[lost[0]]!r}, which is missing for some respondents: "
            "they cannot be calibrated to its total."
        )
        raise InputError(msg)
    x, target, names = _design_matrix(
        targets, codes, row_cell, numeric, numeric_names, numeric_totals
    )
    g_used, iterations, converged = _solve(
        x[positive], start[positive], target, _calfun(method, low, high),
        max_iter, tol,
    )  # fmt: skip
    if not np.all(np.isfinite(g_used)):
        msg = (
            f"{_WHERE} diverged: the calibration factors overflowed (totals far "
            "from what the weights can reach with this method)."
        )
        raise EstimationError(msg)
    g = np.zeros(n)
    g[positive] = g_used
    new = start * g
    if not converged:
        warnings.warn(
            f"{_WHERE} did not meet every total within the tolerance after "
            f"{iterations} iteration(s); the result has converged=False. The "
            "bounds may be too tight or the totals contradictory.",
            ConvergenceWarning,
            stacklevel=2,
        )
    by_cell = not numeric_names
    factors = g
    if by_cell:
        factors = np.zeros(len(cell_labels))
        factors[row_cell[positive]] = g_used
    achieved = x[positive].T @ new[positive]
    level = 0.95
    w_used = new[positive]
    n_eff, deff = kish(float(w_used.sum()), float(w_used @ w_used), int(positive.sum()))
    table_out = concat([
        estimates(
            name=names, estimate=achieved, kind="margin", confidence_level=level,
            n=float(positive.sum()), interval="none", backend=table.backend,
        ),
        estimates(
            name=["effective_n", "design_effect", "min", "max", "sum"],
            estimate=np.array([
                n_eff, deff, float(w_used.min()), float(w_used.max()),
                float(w_used.sum()),
            ]),
            kind="weights", confidence_level=level, n=float(positive.sum()),
            interval="none", backend=table.backend,
        ),
    ])  # fmt: skip
    return WeightingResult(
        method=f"calibrate ({method})",
        weights=new,
        margins=tuple(keys),
        cells=tuple(cell_labels) if by_cell else (),
        factors=factors,
        estimates=table_out,
        target=dict(zip(names, target.tolist(), strict=True)),
        effective_n=float(n_eff),
        design_effect=float(deff),
        n=int(positive.sum()),
        n_zero_weight=int((~positive).sum()),
        iterations=iterations,
        converged=converged,
        trimmed=0,
        _backend=table.backend,
        _weight_column=weights if isinstance(weights, str) else None,
        _array_weights=weights is not None and not isinstance(weights, str),
    )
