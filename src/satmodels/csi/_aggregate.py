r"""Aggregation of satisfaction indices across levels.

National satisfaction barometers report indices at four levels: company,
industry, sector and nation (Fornell et al. 1996, p. 9). A company's index
enters its industry's index with a weight proportional to its revenue (sales
in the industry); industries enter their sector and sectors the nation with
the sum of their members' weights, or with user-given weights (e.g. a
sector's share of GDP). With company standard errors the aggregate's
standard error follows from independence across companies:

.. math::

    I_g = \sum_{i \in g} \frac{w_i}{W_g} I_i, \qquad
    \mathrm{SE}(I_g)^2 = \sum_{i \in g} \Bigl(\frac{w_i}{W_g}\Bigr)^2
    \mathrm{SE}(I_i)^2 .

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E.
   (1996). The American Customer Satisfaction Index: nature, purpose, and
   findings. Journal of Marketing, 60(4), 7-18.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_confidence_level
from ..data import _frames
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ._common import normal_quantile

__all__ = ["AggregateResult", "aggregate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateResult(ResultMixin):
    """Indices at every level of the hierarchy.

    Attributes
    ----------
    national : float
        The top (national) index.
    se, ci_low, ci_high : float
        Its standard error and normal interval (NaN without unit SEs).
    levels : tuple of str
        Level names, lowest first, ending with ``"national"``.
    index : dict of str to dict of str to float
        ``index[level][unit]``.
    se_by_unit : dict of str to dict of str to float
    weight : dict of str to dict of str to float
        Weight of each unit within its parent.
    parent : dict of str to dict of str to str
    confidence_level : float
    """

    national: float
    se: float
    ci_low: float
    ci_high: float
    levels: tuple[str, ...]
    index: dict[str, dict[str, float]]
    se_by_unit: dict[str, dict[str, float]]
    weight: dict[str, dict[str, float]]
    parent: dict[str, dict[str, str]]
    confidence_level: float

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Return the normal interval of the national index at another level."""
        level = check_confidence_level(
            confidence_level, "AggregateResult.confidence_interval"
        )
        z = normal_quantile(level)
        return ConfidenceInterval(
            self.national - z * self.se, self.national + z * self.se
        )

    def _records(self) -> list[dict[str, object]]:
        z = normal_quantile(self.confidence_level)
        rows: list[dict[str, object]] = []
        for lev in self.levels:
            for unit, value in self.index[lev].items():
                s = self.se_by_unit[lev][unit]
                rows.append(
                    {
                        "level": lev,
                        "unit": unit,
                        "parent": self.parent[lev].get(unit),
                        "index": value,
                        "se": s,
                        "ci_low": value - z * s,
                        "ci_high": value + z * s,
                        "weight": self.weight[lev].get(unit, 1.0),
                    }
                )
        return rows

    def summary(self) -> Summary:
        """One row per unit, lowest level first."""
        rows = [
            [r["level"], r["unit"], r["parent"], r["index"], r["se"], r["weight"]]
            for r in self._records()
        ]
        return Summary(
            title="Aggregated satisfaction indices",
            tables=(
                table(
                    "",
                    ["level", "unit", "parent", "index", "se", "weight"],
                    rows,
                    digits=3,
                ),
            ),
            notes=("Weighted means of the level below (Fornell et al. 1996).",),
        )


def _column(data: object, name: str, where: str) -> np.ndarray[Any, Any]:
    if isinstance(data, Mapping):
        if name not in data:
            msg = (
                f"The 'data' of {where} has no column {name!r}. Available: "
                f"{list(data)}."
            )
            raise InputError(msg)
        return np.asarray(data[name])
    return _frames.values_of(data, name, name="data", where=where)


def _floats(
    raw: np.ndarray[Any, Any], name: str, where: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The column {name!r} of {where} must be numeric."
        raise InputError(msg) from exc
    if not np.all(np.isfinite(arr)):
        row = int(np.flatnonzero(~np.isfinite(arr))[0])
        msg = (
            f"The column {name!r} of {where} must be finite; row {row} holds "
            f"{arr[row]!r}."
        )
        raise InputError(msg)
    return arr


def aggregate(
    data: object,
    *,
    levels: Sequence[str] = ("company", "industry", "sector"),
    index: str = "index",
    weights: str | None = "revenue",
    se: str | None = None,
    level_weights: Mapping[str, Mapping[str, float]] | None = None,
    confidence_level: float = 0.95,
) -> AggregateResult:
    r"""Aggregate unit indices up a hierarchy (company -> ... -> national).

    Parameters
    ----------
    data : dataframe or mapping of str to array
        One row per lowest-level unit (company) with its index, weight
        (revenue), optional standard error and the labels of every higher
        level.
    levels : sequence of str
        Label columns, lowest first (the first names the units). The nation
        is added on top.
    index : str
        Column of the unit indices (0-100).
    weights : str or None
        Column of the units' weights (revenue); None for equal weights.
    se : str, optional
        Column of the units' standard errors.
    level_weights : mapping, optional
        User weights replacing the summed weights of the units of a higher
        level, e.g. ``{"sector": {"manufacturing": 0.3, "services": 0.7}}``;
        every unit of that level must be given.
    confidence_level : float

    Returns
    -------
    AggregateResult

    Raises
    ------
    InputError
        Missing columns, negative weights, a unit assigned to two parents,
        incomplete ``level_weights``.

    Examples
    --------
    >>> from satmodels.csi import aggregate
    >>> data = {
    ...     "company": ["a", "b", "c"],
    ...     "industry": ["cars", "cars", "banks"],
    ...     "sector": ["manufacturing", "manufacturing", "finance"],
    ...     "index": [80.0, 70.0, 60.0],
    ...     "revenue": [3.0, 1.0, 4.0],
    ... }
    >>> r = aggregate(data)
    >>> r.index["industry"]["cars"], r.national
    (77.5, 68.75)
    """
    where = "aggregate"
    level = check_confidence_level(confidence_level, where)
    levs = list(levels)
    if not levs or len(set(levs)) != len(levs) or "national" in levs:
        msg = (
            f"The 'levels' parameter of {where} must name distinct label columns (not "
            f"'national'). Got {levs}."
        )
        raise InputError(msg)
    values = _floats(_column(data, index, where), index, where)
    n = values.shape[0]
    w = (
        _floats(_column(data, weights, where), weights, where)
        if weights is not None
        else np.ones(n)
    )
    if np.any(w < 0) or not w.sum() > 0:
        msg = (
            f"The weights column {weights!r} of {where} must be non-negative with a "
            "positive sum."
        )
        raise InputError(msg)
    s = (
        _floats(_column(data, se, where), se, where)
        if se is not None
        else np.full(n, math.nan)
    )
    labels = [
        np.array([str(v) for v in _column(data, lev, where).tolist()]) for lev in levs
    ]
    lengths = [(weights, w), (se, s), *zip(levs, labels, strict=True)]
    for col, arr in lengths:
        if col is not None and arr.shape[0] != n:
            msg = (
                f"The column {col!r} of {where} has {arr.shape[0]} rows; expected {n} "
                f"(the rows of {index!r})."
            )
            raise InputError(msg)
    if len(set(labels[0].tolist())) != n:
        msg = f"The unit column {levs[0]!r} of {where} must name each unit once."
        raise InputError(msg)
    labels.append(np.array(["national"] * n))
    all_levels = [*levs, "national"]
    lw = dict(level_weights or {})
    unknown = set(lw) - set(levs[1:])
    if unknown:
        msg = (
            f"The 'level_weights' parameter of {where} names unknown or unit levels "
            f"{sorted(unknown)}; use one of {levs[1:]}."
        )
        raise InputError(msg)
    idx_out: dict[str, dict[str, float]] = {
        levs[0]: dict(zip(labels[0].tolist(), values.tolist(), strict=True))
    }
    se_out: dict[str, dict[str, float]] = {
        levs[0]: dict(zip(labels[0].tolist(), s.tolist(), strict=True))
    }
    wsum: dict[str, float] = dict(zip(labels[0].tolist(), w.tolist(), strict=True))
    weight_out: dict[str, dict[str, float]] = {}
    parent_out: dict[str, dict[str, str]] = {}
    for k in range(len(all_levels) - 1):
        lev, up = all_levels[k], all_levels[k + 1]
        parent: dict[str, str] = {}
        for unit, par in zip(labels[k].tolist(), labels[k + 1].tolist(), strict=True):
            if parent.setdefault(unit, par) != par:
                msg = (
                    f"{where}: the {lev} {unit!r} belongs to two {up} units "
                    f"({parent[unit]!r} and {par!r})."
                )
                raise InputError(msg)
        units = list(idx_out[lev])
        if lev in lw:
            given = lw[lev]
            missing = [u for u in units if u not in given]
            if missing:
                msg = (
                    f"The 'level_weights' of {where} for {lev!r} miss the unit(s) "
                    f"{missing}."
                )
                raise InputError(msg)
            unit_w = {u: float(given[u]) for u in units}
            if any(v < 0 for v in unit_w.values()):
                msg = (
                    f"The 'level_weights' of {where} for {lev!r} must be non-negative."
                )
                raise InputError(msg)
        else:
            unit_w = {u: wsum[u] for u in units}
        groups: dict[str, list[str]] = {}
        for u in units:
            groups.setdefault(parent[u], []).append(u)
        idx_out[up], se_out[up] = {}, {}
        weight_out[lev], parent_out[lev] = {}, {}
        new_wsum: dict[str, float] = {}
        for g, members in groups.items():
            total = sum(unit_w[u] for u in members)
            if total <= 0:
                msg = (
                    f"{where}: the weights of the {lev} units in {up} {g!r} sum to "
                    "zero."
                )
                raise InputError(msg)
            share = {u: unit_w[u] / total for u in members}
            idx_out[up][g] = sum(share[u] * idx_out[lev][u] for u in members)
            se_out[up][g] = math.sqrt(
                sum(share[u] ** 2 * se_out[lev][u] ** 2 for u in members)
            )
            new_wsum[g] = sum(wsum[u] for u in members)
            for u in members:
                weight_out[lev][u] = share[u]
                parent_out[lev][u] = g
        wsum = new_wsum
    parent_out["national"] = {}
    weight_out["national"] = {"national": 1.0}
    nat = idx_out["national"]["national"]
    nat_se = se_out["national"]["national"]
    z = normal_quantile(level)
    return AggregateResult(
        national=nat,
        se=nat_se,
        ci_low=nat - z * nat_se,
        ci_high=nat + z * nat_se,
        levels=tuple(all_levels),
        index=idx_out,
        se_by_unit=se_out,
        weight=weight_out,
        parent=parent_out,
        confidence_level=level,
    )
