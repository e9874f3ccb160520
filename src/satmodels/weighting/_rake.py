r"""Weights from population margins: raking and post-stratification.

Both functions read the label columns once (rows in memory or a lazy frame,
grouped on its engine), compute one factor per cell of the margins'
cross-classification (:mod:`satmodels.weighting._kernels`) and return a
:class:`~satmodels.weighting.WeightingResult`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray, IntArray
from .._validation import check_count
from ..data import Table, read
from ..data._checks import canonical_label as canonical
from ..engines import CellTotals
from ..exceptions import ConvergenceWarning, InputError
from ..results._estimates import concat, estimates
from ._kernels import ipf, kish
from ._kernels import trim as trim_weights
from ._result import WeightingResult

__all__ = ["poststratify", "rake"]

Margin = Mapping[Any, float]


def _targets(
    margins: Mapping[str, Margin], where: str, param: str
) -> dict[str, dict[str, float]]:
    if not isinstance(margins, Mapping) or not margins:
        msg = (
            f"The '{param}' parameter of {where} must map each label column to "
            f"its population totals by label. Got {margins!r} instead."
        )
        raise InputError(msg)
    out: dict[str, dict[str, float]] = {}
    for column, totals in margins.items():
        if not isinstance(totals, Mapping) or not totals:
            msg = (
                f"The '{param}' parameter of {where} must give a mapping of "
                f"label to population total for column {column!r}. Got "
                f"{totals!r} instead."
            )
            raise InputError(msg)
        level: dict[str, float] = {}
        for label, total in totals.items():
            key = canonical(label)
            if key in level:
                msg = (
                    f"The '{param}' parameter of {where} gives label {label!r} of "
                    f"column {column!r} twice."
                )
                raise InputError(msg)
            try:
                value = float(total)
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value) or value <= 0:
                msg = (
                    f"The '{param}' parameter of {where} must give positive, finite "
                    f"population totals. Got {total!r} for {column}={label!r}."
                )
                raise InputError(msg)
            level[key] = value
        out[str(column)] = level
    sums = {c: sum(v.values()) for c, v in out.items()}
    first = next(iter(sums.values()))
    for c, s in sums.items():
        if not math.isclose(s, first, rel_tol=1e-6):
            msg = (
                f"The '{param}' parameter of {where} must give margins with the "
                f"same population total. Got {first:g} for "
                f"{next(iter(sums))!r} and {s:g} for {c!r}."
            )
            raise InputError(msg)
    return out


def _cells(
    totals: CellTotals, keys: Sequence[str], where: str, param: str
) -> tuple[list[tuple[str, ...]], IntArray]:
    """Canonical labels of each group; refuse missing labels."""
    labels: list[tuple[str, ...]] = []
    for row, n in zip(totals.labels, totals.n, strict=True):
        bad = [keys[j] for j, v in enumerate(row) if v is None or v.lower() == "nan"]
        if bad:
            msg = (
                f"The '{param}' parameter of {where} names column {bad[0]!r}, "
                f"which is missing for {int(n)} row(s): a respondent without a "
                "label cannot be weighted to the margins."
            )
            raise InputError(msg)
        labels.append(tuple(canonical(v) for v in row))
    return labels, np.arange(len(labels))


def _trim_bounds(value: object, where: str) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        low = high = math.nan
    if not (math.isfinite(low) and 0 <= low < 1 < high):
        msg = (
            f"The 'trim' parameter of {where} must be (lower, upper) multiples of "
            f"the mean weight with 0 <= lower < 1 < upper < inf. Got {value!r}."
        )
        raise InputError(msg)
    return low, high


def _finish(
    *,
    method: str,
    table: Table,
    keys: Sequence[str],
    targets: dict[str, dict[str, float]],
    totals: CellTotals,
    row_cell: np.ndarray[Any, Any] | None,
    cell_labels: Sequence[tuple[str, ...]],
    factors_by_cell: FloatArray,
    iterations: int,
    converged: bool,
    bounds: tuple[float, float] | None,
    where: str,
    columns: Sequence[str] | None = None,
    cells: Sequence[tuple[str, ...]] | None = None,
    weights_name: object = None,
) -> WeightingResult:
    """Weights per row (or cell), the achieved margins and Kish's numbers."""
    positive = totals.weight_class == 1
    cell_factor = np.where(positive, factors_by_cell, 0.0)
    trimmed = 0
    if row_cell is not None:
        start = np.ones(row_cell.size) if table.weights is None else table.weights
        new = start * cell_factor[row_cell]
        if bounds is not None:
            used = new > 0
            mean = float(new[used].mean())
            cut = trim_weights(new[used], bounds[0] * mean, bounds[1] * mean)
            if not np.all(cut > 0):  # NaN: every weight was outside the bounds
                # sharing out what the lower bound added can push the smallest
                # untrimmed weights to or below 0: never a weight of that kind
                msg = (
                    f"The 'trim' parameter of {where} is too tight for these "
                    f"weights: redistributing what the bounds {bounds} cut leaves "
                    "weights at or below 0. Widen the bounds."
                )
                raise InputError(msg)
            trimmed = int(
                np.sum((new[used] < bounds[0] * mean) | (new[used] > bounds[1] * mean))
            )
            new = new.copy()
            new[used] = cut
        w_used = new[new > 0]
        row_weights: FloatArray | None = new
        unit = row_cell
        unit_w = new
        total_w, squares = float(w_used.sum()), float(np.dot(w_used, w_used))
        low, high = float(w_used.min()), float(w_used.max())
    else:  # a lazy frame: one factor per cell, the rows stay on the engine
        row_weights = None
        unit = np.arange(len(cell_labels))
        unit_w = totals.weight_sum * cell_factor
        f = cell_factor[positive]
        total_w = float(unit_w[positive].sum())
        squares = float(np.sum(totals.weight_sq_sum[positive] * f**2))
        low = float(np.min(totals.weight_min[positive] * f))
        high = float(np.max(totals.weight_max[positive] * f))
    names, achieved, goal, counts = [], [], [], []
    for j, col in enumerate(keys):
        for label, total in targets[col].items():
            mine = np.array([c[j] == label for c in cell_labels]) & positive
            idx = np.flatnonzero(mine)
            names.append(f"{col}={label}")
            achieved.append(float(np.sum(unit_w[np.isin(unit, idx)])))
            goal.append(total)
            counts.append(float(totals.n[idx].sum()))
    level = 0.95
    margin_rows = estimates(
        name=names,
        estimate=np.array(achieved),
        kind="margin",
        confidence_level=level,
        n=np.array(counts),
        interval="none",
        backend=table.backend,
    )
    n_used = int(totals.n[positive].sum())
    n_eff, deff = kish(total_w, squares, n_used)
    spread = [n_eff, deff, low, high]
    weight_rows = estimates(
        name=["effective_n", "design_effect", "min", "max", "sum"],
        estimate=np.array([*spread, total_w]),
        kind="weights",
        confidence_level=level,
        n=float(n_used),
        interval="none",
        backend=table.backend,
    )
    if not converged:
        warnings.warn(
            f"{where} did not meet every margin within the tolerance after "
            f"{iterations} iteration(s); the result has converged=False. "
            "Check for empty cells or conflicting margins.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return WeightingResult(
        method=method,
        weights=row_weights,
        margins=tuple(keys if columns is None else columns),
        cells=tuple(cell_labels if cells is None else cells),
        factors=cell_factor,
        estimates=concat([margin_rows, weight_rows]),
        target=dict(zip(names, goal, strict=True)),
        effective_n=float(n_eff),
        design_effect=float(deff),
        n=n_used,
        n_zero_weight=int(totals.n[~positive].sum()),
        iterations=iterations,
        converged=converged,
        trimmed=trimmed,
        _backend=table.backend,
        _weight_column=table.weight_column
        if table.kind == "lazy"
        else (weights_name if isinstance(weights_name, str) else None),
        _array_weights=weights_name is not None and not isinstance(weights_name, str),
    )


def _level_codes(  # noqa: PLR0917 - private helper
    cell_labels: list[tuple[str, ...]],
    j: int,
    levels: dict[str, float],
    column: str,
    positive: np.ndarray[Any, Any],
    where: str,
    param: str,
) -> IntArray:
    order = {label: k for k, label in enumerate(levels)}
    codes = np.empty(len(cell_labels), dtype=np.int64)
    for c, cell in enumerate(cell_labels):
        code = order.get(cell[j])
        if code is None:
            if not positive[c]:
                codes[c] = 0  # zero-weight rows are not weighted
                continue
            msg = (
                f"The '{param}' parameter of {where} gives no population total "
                f"for {column}={cell[j]!r}, a label of the data. Known labels: "
                f"{sorted(levels)}."
            )
            raise InputError(msg)
        codes[c] = code
    return codes


def rake(
    data: object,
    *,
    margins: Mapping[str, Margin],
    columns: Sequence[str] | None = None,
    weights: object = None,
    trim: Sequence[float] | None = None,
    max_iter: int = 100,
    tolerance: float = 1e-10,
) -> WeightingResult:
    r"""Rake the weights to known population margins (iterative fitting).

    Raking ratio adjustment (Deming & Stephan 1940): starting from
    ``weights`` (1 when omitted), the weights are scaled in turn so that the
    weighted total of each label of each margin equals its population
    total, cycling until every margin is met within ``tolerance`` (relative
    to the population total). The factors are constant within the cells of
    the margins' cross-classification (Deville & Särndal 1992), so on a lazy
    frame one grouped aggregation on the engine gives all that is needed.

    Parameters
    ----------
    data : array, mapping of columns, DataFrame or lazy frame
        The respondents. Label columns may hold numbers (codes) or strings.
    margins : mapping of str to mapping of label to float
        For each label column, the population total of each label, e.g.
        ``{"region": {"north": 4000, "south": 6000}, "sex": {1: 5100, 2: 4900}}``.
        Every margin must have the same total; numeric labels match however
        the column stores them (``1`` matches ``1.0``).
    columns : sequence of str, optional
        Names of the columns of a 2-D array ``data``.
    weights : array or str, optional
        Starting (design) weights; zero-weight rows stay 0.
    trim : (float, float), optional
        Trim the raked weights to ``[lower, upper]`` times their mean and
        spread what was cut evenly over the others (``survey::trimWeights``;
        Potter 1990). Margins then hold only approximately: the estimates
        table shows how closely. Rows in memory only.
    max_iter : int, default 100
        Maximum raking cycles.
    tolerance : float, default 1e-10
        Stop when every margin is within ``tolerance * total`` of its target.

    Returns
    -------
    WeightingResult
        New weights (rows in memory) or cell factors (lazy frames), the
        margins achieved and Kish's effective sample size.

    Raises
    ------
    InputError
        A label of the data with no population total, a population label with
        no respondent, a missing label, margins with different totals,
        non-positive totals, bad weights or bounds.

    Warns
    -----
    ConvergenceWarning
        When the margins are not met after ``max_iter`` cycles.

    Notes
    -----
    Checked against ``survey::rake`` and ``survey::trimWeights`` (Lumley
    2010, R package survey 4), whose output is committed with its script in
    ``tests/golden/weighting_survey.R``.

    References
    ----------
    .. [1] Deming, W. E., & Stephan, F. F. (1940). On a least squares
       adjustment of a sampled frequency table when the expected marginal
       totals are known. Ann. Math. Statist., 11(4), 427-444.
    .. [2] Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in
       survey sampling. JASA, 87(418), 376-382.
    .. [3] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R.
       Wiley, ch. 7.
    .. [4] Potter, F. J. (1990). A study of procedures to identify and trim
       extreme sampling weights. Proc. Survey Research Methods Section, ASA.

    Examples
    --------
    >>> import satmodels
    >>> survey = {"region": [1, 1, 2, 2], "sex": [1, 2, 1, 2]}
    >>> res = satmodels.weighting.rake(
    ...     survey, margins={"region": {1: 50, 2: 50}, "sex": {1: 40, 2: 60}}
    ... )
    >>> [round(float(w), 2) for w in res.weights]
    [20.0, 30.0, 20.0, 30.0]
    """
    where = "rake"
    check_count(max_iter, where, "max_iter", 1)
    tol = float(tolerance)
    if not (math.isfinite(tol) and tol > 0):
        msg = (
            f"The 'tolerance' parameter of {where} must be positive. Got {tolerance!r}."
        )
        raise InputError(msg)
    targets = _targets(margins, where, "margins")
    keys = list(targets)
    bounds = _trim_bounds(trim, where)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={},
        weights=weights,
        labels={"margins": keys},
        accept=("rows", "lazy"),
    )
    if bounds is not None and table.kind == "lazy":
        msg = f"The 'trim' parameter of {where} needs the rows in memory."
        raise InputError(msg)
    totals, row_cell = table.cell_totals(keys)
    cell_labels, _ = _cells(totals, keys, where, "margins")
    positive = totals.weight_class == 1
    codes = [
        _level_codes(cell_labels, j, targets[c], c, positive, where, "margins")
        for j, c in enumerate(keys)
    ]
    for j, c in enumerate(keys):
        present = np.bincount(codes[j][positive], minlength=len(targets[c]))
        empty = [lab for lab, k in zip(targets[c], present, strict=True) if k == 0]
        if empty:
            msg = (
                f"The 'margins' parameter of {where} gives a population total for "
                f"{c}={empty[0]!r}, but no respondent (with positive weight) has "
                "that label: raking cannot reach it. Merge it with a neighbour."
            )
            raise InputError(msg)
    start = totals.weight_sum[positive]
    goal = [np.array(list(targets[c].values())) for c in keys]
    total = float(goal[0].sum())
    factors, iterations, change = ipf(
        start,
        [cd[positive] for cd in codes],
        goal,
        max_iter=max_iter,
        tolerance=tol * total,
    )
    by_cell = np.zeros(len(cell_labels))
    by_cell[positive] = factors
    return _finish(
        method="rake",
        table=table,
        keys=keys,
        targets=targets,
        totals=totals,
        row_cell=row_cell,
        cell_labels=cell_labels,
        factors_by_cell=by_cell,
        iterations=iterations,
        converged=change <= tol * total,
        bounds=bounds,
        where=where,
        weights_name=weights,
    )


def poststratify(
    data: object,
    *,
    strata: str | Sequence[str],
    population: Mapping[Any, float],
    columns: Sequence[str] | None = None,
    weights: object = None,
    trim: Sequence[float] | None = None,
) -> WeightingResult:
    r"""Post-stratify the weights to known population totals of strata.

    Each respondent's weight is multiplied by :math:`N_h / \hat N_h`, the
    population total of its post-stratum over the weighted sample total of
    that post-stratum (Holt & Smith 1979; Lumley 2010, sec. 7.2), so the
    weighted count of every post-stratum equals its population total.

    Parameters
    ----------
    data : array, mapping of columns, DataFrame or lazy frame
        The respondents.
    strata : str or sequence of str
        The label column(s) whose combinations are the post-strata.
    population : mapping
        Population total of each post-stratum: keyed by label with one
        column, by tuple of labels (in ``strata`` order) with several.
    columns : sequence of str, optional
        Names of the columns of a 2-D array ``data``.
    weights : array or str, optional
        Starting (design) weights; zero-weight rows stay 0.
    trim : (float, float), optional
        As in :func:`rake`.

    Returns
    -------
    WeightingResult

    Raises
    ------
    InputError
        A post-stratum of the data without a population total, a population
        post-stratum without respondents, a missing label, non-positive
        totals.

    Notes
    -----
    Checked against ``survey::postStratify`` (script and output in
    ``tests/golden/weighting_survey.R``).

    References
    ----------
    .. [1] Holt, D., & Smith, T. M. F. (1979). Post stratification. Journal
       of the Royal Statistical Society A, 142(1), 33-46.
    .. [2] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R.
       Wiley, ch. 7.

    Examples
    --------
    >>> import satmodels
    >>> res = satmodels.weighting.poststratify(
    ...     {"age": [1, 1, 1, 2]}, strata="age", population={1: 60, 2: 40}
    ... )
    >>> [float(w) for w in res.weights]
    [20.0, 20.0, 20.0, 40.0]
    """
    where = "poststratify"
    keys = [strata] if isinstance(strata, str) else [str(c) for c in strata]
    if not keys or len(set(keys)) != len(keys):
        msg = (
            f"The 'strata' parameter of {where} must name one or more distinct "
            f"columns. Got {strata!r} instead."
        )
        raise InputError(msg)
    if not isinstance(population, Mapping) or not population:
        msg = (
            f"The 'population' parameter of {where} must map each post-stratum "
            f"to its population total. Got {population!r} instead."
        )
        raise InputError(msg)
    goal: dict[tuple[str, ...], float] = {}
    for label, total in population.items():
        parts = label if isinstance(label, tuple) else (label,)
        if len(parts) != len(keys):
            msg = (
                f"The 'population' parameter of {where} must key each total by "
                f"{len(keys)} label(s), one per column of 'strata'. Got {label!r}."
            )
            raise InputError(msg)
        key = tuple(canonical(v) for v in parts)
        value = _positive_total(total, label, where)
        if key in goal:
            msg = f"The 'population' parameter of {where} gives {label!r} twice."
            raise InputError(msg)
        goal[key] = value
    bounds = _trim_bounds(trim, where)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={},
        weights=weights,
        labels={"strata": keys},
        accept=("rows", "lazy"),
    )
    if bounds is not None and table.kind == "lazy":
        msg = f"The 'trim' parameter of {where} needs the rows in memory."
        raise InputError(msg)
    totals, row_cell = table.cell_totals(keys)
    cell_labels, _ = _cells(totals, keys, where, "strata")
    positive = totals.weight_class == 1
    sample: dict[tuple[str, ...], float] = {}
    for cell, ws, ok in zip(cell_labels, totals.weight_sum, positive, strict=True):
        if ok:
            sample[cell] = sample.get(cell, 0.0) + float(ws)

    def named(cell: tuple[str, ...]) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in zip(keys, cell, strict=True))

    unknown = [c for c in sample if c not in goal]
    if unknown:
        msg = (
            f"The 'population' parameter of {where} gives no total for the "
            f"post-stratum {named(unknown[0])} of the data."
        )
        raise InputError(msg)
    empty = [c for c in goal if c not in sample]
    if empty:
        msg = (
            f"The 'population' parameter of {where} gives a total for "
            f"{named(empty[0])}, but no respondent (with positive weight) is in "
            "it: collapse it with a neighbouring post-stratum."
        )
        raise InputError(msg)
    by_cell = np.array(
        [
            goal[c] / sample[c] if ok else 0.0
            for c, ok in zip(cell_labels, positive, strict=True)
        ]
    )
    names = [", ".join(c) for c in goal]
    targets = {"+".join(keys): dict(zip(names, goal.values(), strict=True))}
    joined = [(", ".join(c),) for c in cell_labels]
    return _finish(
        method="poststratify",
        table=table,
        keys=["+".join(keys)],
        targets=targets,
        totals=totals,
        row_cell=row_cell,
        cell_labels=joined,
        factors_by_cell=by_cell,
        iterations=1,
        converged=True,
        bounds=bounds,
        where=where,
        columns=keys,
        cells=cell_labels,
        weights_name=weights,
    )


def _positive_total(total: object, label: object, where: str) -> float:
    try:
        value = float(total)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        msg = (
            f"The 'population' parameter of {where} must give positive, finite "
            f"totals. Got {total!r} for {label!r}."
        )
        raise InputError(msg)
    return value
