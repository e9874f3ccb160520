r"""Aggregation of satisfaction indices across levels.

National satisfaction barometers report indices at four levels: company,
industry, sector and nation (Fornell et al. 1996, p. 9). A company's index
enters its industry's index with a weight proportional to its revenue (sales
in the industry); industries enter their sector and sectors the nation with
the sum of their members' sizes, or with user-given sizes (e.g. a sector's
share of GDP). This is the one index aggregation of the library (the ACSI
company -> industry -> sector -> national scheme of Fornell et al. 1996 and
the ACSI methodology report). With company standard errors the aggregate's
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
.. [2] American Customer Satisfaction Index (2020). ACSI methodology report.
   Ann Arbor, MI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..data import Kind, read
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..stats.intervals import normal_quantile
from ._estimated import check_choice, headline_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["AggregateResult", "aggregate"]


_ROWS: tuple[Kind, ...] = ("rows",)
_WHERE = "aggregate"


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateResult(ResultMixin):
    """Indices at every level of the hierarchy.

    Attributes
    ----------
    estimates : Estimates
        One row per unit: ``kind`` is its level (``"company"``, ...,
        ``"national"``), ``name`` the unit; normal intervals where standard
        errors were given (NaN otherwise); ``n`` the lowest-level units
        under it.
    confidence_level : float
    national : float
        The top (national) index.
    se, ci_low, ci_high : float
        Its standard error and normal interval (NaN without unit SEs).
    levels : tuple of str
        Level names, lowest first, ending with ``"national"``.
    index : dict of str to dict of str to float
        ``index[level][unit]``.
    se_by_unit : dict of str to dict of str to float
    share : dict of str to dict of str to float
        Share of each unit within its parent (its size over the parent's).
    parent : dict of str to dict of str to str
    """

    estimates: Estimates = field(repr=False)
    confidence_level: float
    national: float
    se: float
    ci_low: float
    ci_high: float
    levels: tuple[str, ...]
    index: dict[str, dict[str, float]] = field(repr=False)
    se_by_unit: dict[str, dict[str, float]] = field(repr=False)
    share: dict[str, dict[str, float]] = field(repr=False)
    parent: dict[str, dict[str, str]] = field(repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the national index's normal interval (stored at the fit level)."""
        return headline_interval(self, self.national, confidence_level)

    def plot(
        self,
        ax: Axes | None = None,
        *,
        kind: Literal["radar", "bars"] = "bars",
        depth: int = 1,
        level: str | None = None,
        segments: bool = True,
    ) -> Axes:
        """Draw the scores: a radar chart or bars with their intervals.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (polar for ``kind="radar"``); default a new
            figure.
        kind : {"radar", "bars"}, default "bars"
            :func:`satmodels.plot.radar` or :func:`satmodels.plot.bars`.
        depth : int, default 1
            Depth of the CSI nodes drawn (CSIResult only).
        level : str, optional
            Level of the units drawn (AggregateResult only).
        segments : bool, default True
            Overlay the segments, when the result has them.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        InputError
            An unknown ``kind`` (and see the chart functions).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels.csi import aggregate
        >>> data = {
        ...     "company": ["a", "b", "c"],
        ...     "industry": ["cars", "cars", "banks"],
        ...     "sector": ["manufacturing", "manufacturing", "finance"],
        ...     "index": [80.0, 70.0, 60.0],
        ...     "revenue": [3.0, 1.0, 4.0],
        ... }
        >>> ax = aggregate(data, sizes="revenue").plot(level="industry")
        >>> [float(bar.get_height()) for bar in ax.patches]
        [77.5, 60.0]
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        how = check_choice(kind, ("radar", "bars"), "kind", "AggregateResult.plot")
        chart = charts.radar if how == "radar" else charts.bars
        return chart(self, ax=ax, depth=depth, level=level, segments=segments)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (backend: the input's by default)."""
        return self.estimates.to_frame(backend)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for lev in self.levels:
            for unit, value in self.index[lev].items():
                rows.append(
                    {
                        "level": lev,
                        "unit": unit,
                        "parent": self.parent[lev].get(unit),
                        "index": value,
                        "se": self.se_by_unit[lev][unit],
                        "share": self.share[lev].get(unit, 1.0),
                    }
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the national index, every unit, the estimates."""
        out: dict[str, Any] = jsonable(
            {
                "national": self.national,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "levels": list(self.levels),
                "units": self._records(),
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def summary(self) -> Summary:
        """One row per unit, lowest level first."""
        rows = [
            [r["level"], r["unit"], r["parent"], r["index"], r["se"], r["share"]]
            for r in self._records()
        ]
        return Summary(
            title="Aggregated satisfaction indices",
            tables=(
                table(
                    "",
                    ["level", "unit", "parent", "index", "se", "share"],
                    rows,
                    digits=3,
                ),
            ),
            notes=(
                "Size-weighted means of the level below (Fornell et al. 1996); "
                f"national {100 * self.confidence_level:g}% CI "
                f"[{self.ci_low:.2f}, {self.ci_high:.2f}].",
            ),
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{lev}: {len(self.index[lev])}" for lev in self.levels)
        return (
            f"AggregateResult(national={self.national:.2f}, se={self.se:.3g}, "
            f"units=({counts}), confidence_level={self.confidence_level})"
        )


def _check_column(
    values: FloatArray, name: str, param: str, low: float, high: float
) -> None:
    bad = ~np.isfinite(values) | (values < low) | (values > high)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        rule = f"between {low:g} and {high:g}" if math.isfinite(high) else (
            f"finite and at least {low:g}"
        )  # fmt: skip
        msg = (
            f"The '{param}' column {name!r} of {_WHERE} must be {rule}. Got "
            f"{float(values[row])!r} in row {row + 1} ({int(bad.sum())} such row(s))."
        )
        raise InputError(msg)


def aggregate(
    data: object,
    *,
    index: str = "index",
    sizes: str | None = None,
    by: Sequence[str] = ("company", "industry", "sector"),
    se: str | None = None,
    columns: Sequence[str] | None = None,
    level_sizes: Mapping[str, Mapping[str, float]] | None = None,
    confidence_level: float = 0.95,
) -> AggregateResult:
    r"""Aggregate unit indices up a hierarchy (company -> ... -> national).

    The one index aggregation of satmodels: company indices (e.g. the
    ``SAT`` index of one ACSI fit per company, or a CSI per brand) become
    industry, sector and national indices.

    Parameters
    ----------
    data : mapping of columns or dataframe
        One row per lowest-level unit (company) with its 0-100 index, its
        size (revenue), optionally its standard error, and the label of
        every level in ``by``.
    index : str
        Column of the unit indices (0-100).
    sizes : str, optional
        Column of the units' sizes (revenue, customers); each unit enters
        its parent in proportion to its size. None: equal sizes.
    by : sequence of str
        Label columns, lowest first (the first names the units, once each).
        The nation is added on top.
    se : str, optional
        Column of the units' standard errors.
    columns : sequence of str, optional
        Names of a bare array's columns (labels then are numeric codes), or
        the columns of a frame to use.
    level_sizes : mapping, optional
        Sizes replacing the summed sizes of the units of a higher level,
        e.g. GDP shares ``{"sector": {"manufacturing": 0.3, "services":
        0.7}}``; every unit of that level must be given.
    confidence_level : float
        Level of the stored normal intervals.

    Returns
    -------
    AggregateResult

    Raises
    ------
    InputError
        Missing columns, an index outside 0-100, negative sizes or standard
        errors, a unit assigned to two parents, incomplete ``level_sizes``.

    Notes
    -----
    :math:`I_g = \sum_{i \in g} (s_i / S_g) I_i` with sizes :math:`s_i`;
    without ``level_sizes`` a higher-level unit's size is the sum of its
    members' sizes. :math:`\mathrm{SE}(I_g)^2 = \sum_i (s_i/S_g)^2
    \mathrm{SE}(I_i)^2` (independent company samples). Checked by hand in
    ``tests/test_csi_index.py``.

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
    >>> r = aggregate(data, sizes="revenue")
    >>> r.index["industry"]["cars"], r.national
    (77.5, 68.75)
    """
    level = check_confidence_level(confidence_level, _WHERE)
    levs = [by] if isinstance(by, str) else list(by)
    if not levs or len(set(levs)) != len(levs) or "national" in levs:
        msg = (
            f"The 'by' parameter of {_WHERE} must name distinct label columns (not "
            f"'national'). Got {levs}."
        )
        raise InputError(msg)
    roles: dict[str, str | Sequence[str] | None] = {"index": [index]}
    if sizes is not None:
        roles["sizes"] = [sizes]
    if se is not None:
        roles["se"] = [se]
    tab = read(
        data,
        where=_WHERE,
        columns=columns,
        roles=roles,
        labels={"by": list(levs)},
        accept=_ROWS,
    )
    values = tab.column(index)
    _check_column(values, index, "index", 0.0, 100.0)
    n = values.shape[0]
    w = np.ones(n) if sizes is None else tab.column(sizes)
    if sizes is not None:
        _check_column(w, sizes, "sizes", 0.0, math.inf)
    s = np.full(n, math.nan) if se is None else tab.column(se)
    if se is not None:
        _check_column(s, se, "se", 0.0, math.inf)
    labels = [[str(v) for v in tab.labels[lev].tolist()] for lev in levs]
    if len(set(labels[0])) != n:
        msg = f"The unit column {levs[0]!r} of {_WHERE} must name each unit once."
        raise InputError(msg)
    labels.append(["national"] * n)
    all_levels = [*levs, "national"]
    lw = dict(level_sizes or {})
    unknown = set(lw) - set(levs[1:])
    if unknown:
        msg = (
            f"The 'level_sizes' parameter of {_WHERE} names unknown or unit levels "
            f"{sorted(unknown)}; use one of {levs[1:]}."
        )
        raise InputError(msg)
    idx_out: dict[str, dict[str, float]] = {
        levs[0]: dict(zip(labels[0], values.tolist(), strict=True))
    }
    se_out: dict[str, dict[str, float]] = {
        levs[0]: dict(zip(labels[0], s.tolist(), strict=True))
    }
    n_out: dict[str, dict[str, int]] = {levs[0]: dict.fromkeys(labels[0], 1)}
    wsum: dict[str, float] = dict(zip(labels[0], w.tolist(), strict=True))
    share_out: dict[str, dict[str, float]] = {}
    parent_out: dict[str, dict[str, str]] = {}
    for k in range(len(all_levels) - 1):
        lev, up = all_levels[k], all_levels[k + 1]
        parent: dict[str, str] = {}
        for unit, par in zip(labels[k], labels[k + 1], strict=True):
            if parent.setdefault(unit, par) != par:
                msg = (
                    f"{_WHERE}: the {lev} {unit!r} belongs to two {up} units "
                    f"({parent[unit]!r} and {par!r})."
                )
                raise InputError(msg)
        units = list(idx_out[lev])
        if lev in lw:
            given = lw[lev]
            missing = [u for u in units if u not in given]
            if missing:
                msg = (
                    f"The 'level_sizes' of {_WHERE} for {lev!r} miss the unit(s) "
                    f"{missing}."
                )
                raise InputError(msg)
            unit_w = {u: float(given[u]) for u in units}
            if any(not v >= 0 or not math.isfinite(v) for v in unit_w.values()):
                msg = (
                    f"The 'level_sizes' of {_WHERE} for {lev!r} must be finite and "
                    "non-negative."
                )
                raise InputError(msg)
        else:
            unit_w = {u: wsum[u] for u in units}
        groups: dict[str, list[str]] = {}
        for u in units:
            groups.setdefault(parent[u], []).append(u)
        idx_out[up], se_out[up], n_out[up] = {}, {}, {}
        share_out[lev], parent_out[lev] = {}, {}
        new_wsum: dict[str, float] = {}
        for g, members in groups.items():
            total = sum(unit_w[u] for u in members)
            if total <= 0:
                msg = (
                    f"{_WHERE}: the sizes of the {lev} units in {up} {g!r} sum to zero."
                )
                raise InputError(msg)
            share = {u: unit_w[u] / total for u in members}
            idx_out[up][g] = sum(share[u] * idx_out[lev][u] for u in members)
            # sqrt(sum (share * se)^2) without overflowing its squares
            se_out[up][g] = math.hypot(*(share[u] * se_out[lev][u] for u in members))
            n_out[up][g] = sum(n_out[lev][u] for u in members)
            new_wsum[g] = sum(wsum[u] for u in members)
            for u in members:
                share_out[lev][u] = share[u]
                parent_out[lev][u] = g
        wsum = new_wsum
    parent_out["national"] = {}
    share_out["national"] = {"national": 1.0}
    est = _estimates(all_levels, idx_out, se_out, n_out, level, tab.backend)
    nat = idx_out["national"]["national"]
    return AggregateResult(
        estimates=est,
        confidence_level=level,
        national=nat,
        se=se_out["national"]["national"],
        ci_low=float(est.ci_low[-1]),
        ci_high=float(est.ci_high[-1]),
        levels=tuple(all_levels),
        index=idx_out,
        se_by_unit=se_out,
        share=share_out,
        parent=parent_out,
    )


def _estimates(  # noqa: PLR0917
    levels: Sequence[str],
    index: Mapping[str, Mapping[str, float]],
    se: Mapping[str, Mapping[str, float]],
    n: Mapping[str, Mapping[str, int]],
    level: float,
    backend: str | None,
) -> Estimates:
    kinds = [lev for lev in levels for _ in index[lev]]
    names = [u for lev in levels for u in index[lev]]
    value = np.array([index[lev][u] for lev in levels for u in index[lev]])
    sd = np.array([se[lev][u] for lev in levels for u in index[lev]])
    half = normal_quantile(level) * sd  # zero SE: a zero-width interval
    return estimates(
        name=names,
        kind=kinds,
        estimate=value,
        standard_error=sd,
        ci_low=value - half,
        ci_high=value + half,
        n=[n[lev][u] for lev in levels for u in index[lev]],
        interval="normal",
        confidence_level=level,
        backend=backend,
    )
