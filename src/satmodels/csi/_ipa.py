r"""Importance-performance analysis (Martilla & James 1977).

IPA places every attribute on a grid of performance (its mean rating)
against importance (stated, or derived from the attributes' relation to
overall satisfaction), with cross-hairs at the data means or at the scale
midpoints, and reads the four quadrants: *concentrate here* (important,
under-performing), *keep up the good work*, *low priority* and *possible
overkill*. It runs on Moments (means, and the correlation matrix for
derived importance), so on lazy engines too.

References
----------
.. [1] Martilla, J. A., & James, J. C. (1977). Importance-performance
   analysis. Journal of Marketing, 41(1), 77-79.
.. [2] Kish, L. (1965). Survey Sampling. Wiley. (Effective sample size.)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._validation import check_nan_policy
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates, concat, estimates
from ..scales import Scale, as_scale, observed_scale
from ..stats.moments import MissingReport
from ._category import check_on_scale
from ._common import lazy_on_scale
from ._drivers import DriverMethod, ImportanceResult, derived_importance
from ._estimated import (
    EstimatedResult,
    Refit,
    check_choice,
    fit_segments,
    fmt,
    segment_note,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data._table import MomentsNeed

__all__ = ["IPAResult", "ipa"]

QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}
_METHODS = ("shapley", "relative_weights", "correlation", "regression")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class IPAResult(EstimatedResult):
    r"""Importance-performance grid.

    Attributes
    ----------
    estimates : Estimates
        Rows ``("performance", item)``: mean rating with its t interval
        (standard error :math:`s/\sqrt{n}`, Kish's effective n when
        weighted); rows ``("importance", item)``: stated importance (no
        interval) or derived importance.
    confidence_level : float
    performance : dict of str to float
        Mean rating per attribute (on its scale).
    performance_100 : dict of str to float
        Performance rescaled to 0-100 (NaN without a scale).
    importance : dict of str to float
        Stated or derived importance.
    quadrant : dict of str to str
        "concentrate here", "keep up the good work", "low priority" or
        "possible overkill" (Martilla & James 1977).
    performance_centre, importance_centre : float
        The cross-hairs.
    centre : str
        ``"data"`` or ``"scale"``.
    scale : Scale or None
        The attribute scale (``name == "observed min-max"`` when taken from
        the data for scale-centred cross-hairs).
    importance_source : str
        ``"stated"`` or the derivation method.
    n : int
        Rows that contributed (pairwise).
    missing_report : MissingReport or None
    drivers : ImportanceResult or None
        The derived-importance result, when importance was derived.
    segments : dict of str to IPAResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    performance: dict[str, float]
    performance_100: dict[str, float]
    importance: dict[str, float]
    quadrant: dict[str, str]
    performance_centre: float
    importance_centre: float
    centre: str
    scale: Scale | None
    importance_source: str
    n: int
    missing_report: MissingReport | None = None
    drivers: ImportanceResult | None = None
    segments: dict[str, IPAResult] | None = field(default=None, repr=False)
    _refit: Refit | None = field(default=None, repr=False)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw the importance-performance map (:func:`satmodels.plot.ipa_map`).

        Performance along x, importance along y, cross-hairs at
        ``performance_centre`` / ``importance_centre`` and the four quadrants
        named (Martilla & James 1977).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; default a new figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels.csi import ipa
        >>> x = [[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]]
        >>> importance = {"a": 0.2, "b": 0.5, "c": 0.3}
        >>> r = ipa(x, columns=["a", "b", "c"], importance=importance)
        >>> ax = r.plot()
        >>> ax.collections[-1].get_offsets().tolist()  # (performance, importance)
        [[4.25, 0.2], [2.75, 0.5], [4.0, 0.3]]
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.ipa_map(self, ax=ax)

    def _title(self) -> str:
        return "Importance-performance analysis"

    def _notes(self) -> tuple[str, ...]:
        quads = "; ".join(f"{k}: {v}" for k, v in self.quadrant.items())
        notes = [
            f"Cross-hairs ({self.centre}-centred): performance "
            f"{self.performance_centre:.3f}, importance "
            f"{self.importance_centre:.3f}; importance {self.importance_source} "
            "(Martilla & James 1977).",
            f"Quadrants: {quads}.",
        ]
        if self.scale is not None and self.scale.name == "observed min-max":
            notes.append(
                f"No scale given: the observed range {self.scale.describe()} "
                "gives the performance cross-hair."
            )
        return tuple(notes)

    def __repr__(self) -> str:
        focus = [k for k, v in self.quadrant.items() if v == "concentrate here"]
        return (
            f"IPAResult({len(self.performance)} attributes, n={self.n}, "
            f"importance={self.importance_source!r}, centre="
            f"({fmt(self.performance_centre, 3)}, {fmt(self.importance_centre, 3)}), "
            f"concentrate here={focus}{segment_note(self.segments)})"
        )


def _stated(importance: object, attrs: Sequence[str], where: str) -> list[str]:
    """Check stated importance; return the importance columns named in it."""
    if not isinstance(importance, Mapping):
        msg = (
            f"The 'importance' parameter of {where} must map each item to a "
            f"number or a column name. Got {type(importance).__name__}."
        )
        raise InputError(msg)
    unknown = sorted(set(importance) - set(attrs))
    missing = [a for a in attrs if a not in importance]
    if unknown or missing:
        msg = (
            f"The 'importance' parameter of {where} must have one entry per "
            f"item; unknown {unknown}, missing {missing}."
        )
        raise InputError(msg)
    cols = []
    for a in attrs:
        v = importance[a]
        if isinstance(v, str):
            cols.append(v)
            continue
        ok = isinstance(v, int | float | np.integer | np.floating) and not isinstance(
            v, bool
        )
        if not ok or not math.isfinite(float(v)):
            msg = (
                f"The 'importance' parameter of {where} must give a finite number "
                f"(or a column name) for each item. Got {v!r} for item {a!r}."
            )
            raise InputError(msg)
    return list(dict.fromkeys(cols))


def ipa(
    data: object,
    *,
    items: Sequence[str] | None = None,
    target: str | None = None,
    importance: Mapping[str, float | str] | None = None,
    method: DriverMethod = "shapley",
    scale: Scale | tuple[float, float] | None = None,
    importance_scale: Scale | tuple[float, float] | None = None,
    centre: Literal["data", "scale"] = "data",
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> IPAResult:
    r"""Importance-performance analysis (Martilla & James 1977).

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x columns holding the items (and the target / stated
        importance columns), or their Moments (a lazy frame is reduced to
        Moments on its engine).
    items : sequence of str, optional
        Performance columns (default: every column other than ``target``,
        the stated-importance columns, weights and segments).
    target : str, optional
        Overall-satisfaction column; importance is then derived by
        ``method`` unless ``importance`` is given.
    importance : mapping of str to float or str, optional
        Stated importance per item: a finite number, or the name of a
        column whose mean is the stated importance.
    method : {"shapley", "relative_weights", "correlation", "regression"}
        Derivation method when importance is derived (see
        :func:`~satmodels.csi.key_drivers`).
    scale : Scale or (min, max), optional
        Item scale: answers are checked against it, performance is rescaled
        to 0-100 and its midpoint is the scale-centred performance
        cross-hair. With ``centre="scale"`` and no scale the observed range
        is used (rows only) and the result says so.
    importance_scale : Scale or (min, max), optional
        Scale of stated importance (its midpoint is the scale-centred
        importance cross-hair; without it the mean importance is used, as
        for derived importance, which has no scale).
    centre : {"data", "scale"}
        Cross-hairs at the means over items (data-centred) or at the scale
        midpoints (scale-centred).
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one grid per segment in
        ``result.segments`` (its own cross-hairs; on a lazy engine every
        segment's Moments from one grouped aggregation).
    confidence_level : float
        Level of the performance intervals.
    nan_policy : {"omit", "raise"}

    Returns
    -------
    IPAResult

    Raises
    ------
    InputError
        No items, neither ``importance`` nor ``target``, stated importance
        missing for an item, not finite (NaN) or unknown, answers off
        ``scale``.
    EstimationError
        Derived importance from a singular correlation matrix (see
        :func:`~satmodels.csi.key_drivers`; at least p + 2 complete
        respondents for p items).

    Notes
    -----
    An item is *important* when its importance is at least the importance
    cross-hair and *performing* when its performance is at least the
    performance cross-hair. Performance means use every observed answer of
    the item (pairwise); derived importance uses the complete rows
    (listwise). A performance interval needs at least 2 answers of the
    item (NaN otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import ipa
    >>> x = np.array([[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]], dtype=float)
    >>> r = ipa(
    ...     x,
    ...     columns=["a", "b", "c"],
    ...     importance={"a": 0.2, "b": 0.5, "c": 0.3},
    ... )
    >>> r.quadrant["b"]
    'concentrate here'
    """
    if design is not None:
        return fit_with_design(ipa, locals())
    where = "ipa"
    method = check_choice(method, _METHODS, "method", where)  # type: ignore[assignment]
    centre = check_choice(centre, ("data", "scale"), "centre", where)  # type: ignore[assignment]
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    from .._validation import check_confidence_level  # noqa: PLC0415

    level = check_confidence_level(confidence_level, where)
    sc = as_scale(scale, where)
    isc = as_scale(importance_scale, where, "importance_scale")
    if importance is None and target is None:
        msg = (
            f"{where} needs stated 'importance' or a 'target' column to derive it from."
        )
        raise InputError(msg)
    if items is None and importance is not None and isinstance(importance, Mapping):
        items = [str(k) for k in importance]
    if items is not None and not list(items):
        msg = f"The 'items' parameter of {where} must name at least one column."
        raise InputError(msg)
    stated_cols = (
        _stated(importance, list(items or ()), where) if importance is not None else []
    )
    roles: dict[str, str | Sequence[str] | None] = {"items": items}
    if importance is None:
        roles["target"] = target
    if stated_cols:
        roles["importance"] = stated_cols
    table = read(
        data,
        where=where,
        columns=columns,
        roles=roles,
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
    )
    attrs = [c for c in table.role("items") if c not in table.roles.get("target", ())]
    if not attrs:
        msg = f"The 'items' parameter of {where} must name at least one column."
        raise InputError(msg)
    tgt = table.roles["target"][0] if importance is None else None
    needed = list(dict.fromkeys([*attrs, *([tgt] if tgt else []), *stated_cols]))

    if table.kind == "lazy" and sc is not None:  # once, not per segment
        lazy_on_scale(table, attrs, sc, where)

    def fit(part: Table, _segment: str | None) -> IPAResult:
        psc = sc
        if part.kind == "rows":
            if psc is not None:
                check_on_scale(part.matrix(attrs), psc, attrs, where)
            elif centre == "scale":
                psc = observed_scale(part.matrix(attrs).ravel(), where)
        elif centre == "scale" and psc is None:
            msg = (
                f"The 'scale' parameter of {where} is needed for centre='scale' "
                "when 'data' is a lazy frame or Moments (no rows to observe)."
            )
            raise InputError(msg)
        m = part.moments(needed, missing="pairwise", nan_policy=nan_policy)
        means = dict(zip(m.columns, m.mean.tolist(), strict=True))
        perf = {a: float(means[a]) for a in attrs}
        drivers = None
        if importance is not None:
            imp = {}
            for a in attrs:
                v = importance[a]
                imp[a] = float(means[v]) if isinstance(v, str) else float(v)
                seen = m.nobs[m.columns.index(v)] if isinstance(v, str) else 1
                if not (math.isfinite(imp[a]) and seen > 0):
                    msg = (
                        f"The 'importance' parameter of {where} names column {v!r} "
                        f"for item {a!r}, which has no observed value."
                    )
                    raise InputError(msg)
            source = "stated"
        else:
            assert tgt is not None  # noqa: S101 - set above
            listwise = part.moments([*attrs, tgt], nan_policy=nan_policy)
            drivers = derived_importance(
                listwise,
                attrs,
                tgt,
                method=method,
                confidence_level=level,
                backend=part.backend,
                where=where,
            )
            imp = dict(drivers.importance)
            source = f"derived ({method})"
        pc = float(np.mean(list(perf.values())))
        ic = float(np.mean(list(imp.values())))
        if centre == "scale":
            assert psc is not None  # noqa: S101 - set above
            pc = (psc.minimum + psc.maximum) / 2
            if isc is not None:
                ic = (isc.minimum + isc.maximum) / 2
        quad = {a: QUADRANTS[(imp[a] >= ic, perf[a] >= pc)] for a in attrs}
        idx = [m.columns.index(a) for a in attrs]
        var = m.variance()[idx]
        n_eff = m.effective_n()[idx] if m.weighted else m.nobs[idx].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.where(n_eff > 1, np.sqrt(var / n_eff), np.nan)
        few = [a for a, s_ in zip(attrs, se, strict=True) if not np.isfinite(s_)]
        if few:
            msg = (
                f"{where}: item(s) {few} have fewer than 2 answers; their "
                "performance has no standard error (NaN interval)."
            )
            # fit <- fit_segments <- ipa <- the caller
            warnings.warn(msg, SatmodelsWarning, stacklevel=4)

        def build(lv: float) -> Estimates:
            rows = estimates(
                kind="performance",
                name=attrs,
                estimate=[perf[a] for a in attrs],
                standard_error=se,
                statistic=np.full(len(attrs), np.nan),
                pvalue=np.full(len(attrs), np.nan),
                df=m.nobs[idx] - 1.0,
                n=m.nobs[idx],
                interval="t",
                confidence_level=lv,
                backend=part.backend,
            )
            if drivers is not None:
                assert drivers._refit is not None  # noqa: S101 - always set
                imp_rows = drivers._refit(lv).select("importance")
            else:
                imp_rows = estimates(
                    kind="importance",
                    name=attrs,
                    estimate=[imp[a] for a in attrs],
                    interval="none",
                    confidence_level=lv,
                    backend=part.backend,
                )
            return concat([rows, imp_rows])

        return IPAResult(
            estimates=build(level),
            confidence_level=level,
            performance=perf,
            performance_100={
                a: float(psc.rescale(v)) if psc is not None else math.nan
                for a, v in perf.items()
            },
            importance=imp,
            quadrant=quad,
            performance_centre=pc,
            importance_centre=ic,
            centre=centre,
            scale=psc,
            importance_source=source,
            n=m.missing_report.rows_used,
            missing_report=m.missing_report,
            drivers=drivers,
            _refit=build,
        )

    needs: list[MomentsNeed] = [(tuple(needed), "pairwise", nan_policy)]
    if tgt is not None:
        needs.append(((*attrs, tgt), "listwise", nan_policy))
    return fit_segments(table, fit, needs)
