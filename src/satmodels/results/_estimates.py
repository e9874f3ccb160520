r"""The one estimates table every result carries.

Every model in satmodels reports its numbers in the same long table: one row
per estimated quantity, with the words of :mod:`scipy.stats`
(``statistic``, ``pvalue``, ``standard_error``) and the interval at the
level chosen when the model was fitted. ``result.estimates`` is an
:class:`Estimates`; ``result.to_frame()`` returns it as a pandas or polars
frame (docs/conventions.md).

Intervals that the table can recompute at another level are the Student t
(``df`` finite) and normal (``df`` infinite) intervals,

.. math:: \hat\theta \pm t_{1-(1-\gamma)/2,\,\nu}\; \widehat{se},

(with the normal quantile when :math:`\nu = \infty`); other intervals
(Wilson, Fieller, bootstrap percentile or BCa) are stored at the fitted
level and :meth:`Estimates.confidence_interval` refuses a different level
rather than return a wrong one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..stats._student import t_cdf, t_quantile
from ._base import ConfidenceInterval, ResultMixin, jsonable
from ._summary import Summary, table

__all__ = ["RECOMPUTABLE", "Estimates", "estimates"]

#: Interval methods that :meth:`Estimates.confidence_interval` can recompute
#: at any level from ``estimate``, ``standard_error`` and ``df``.
RECOMPUTABLE = frozenset({"t", "normal"})


def _float(values: object, size: int) -> FloatArray:
    if values is None:
        return np.full(size, np.nan)
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size == 1 and size != 1:
        return np.full(size, float(arr[0]))
    return arr


def _wald(
    estimate: FloatArray, se: FloatArray, df: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """Two-sided t (finite ``df`` > 0) or normal (``df`` = inf) interval.

    NaN where the standard error is not finite and >= 0 or ``df`` is
    neither positive nor infinite (a t row without its degrees of freedom
    gets no interval, not a normal one).
    """
    q = 0.5 + level / 2.0
    with np.errstate(invalid="ignore"):
        t_rows = np.isfinite(se) & (se >= 0) & np.isfinite(df) & (df > 0)
        z_rows = np.isfinite(se) & (se >= 0) & np.isposinf(df)
    crit = np.full(np.shape(estimate), np.nan)
    crit[t_rows] = t_quantile(df[t_rows], q)
    if z_rows.any():
        from scipy import special  # noqa: PLC0415 - normal rows only

        crit[z_rows] = special.ndtri(q)
    half = crit * np.where(t_rows | z_rows, se, np.nan)
    return estimate - half, estimate + half


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Estimates(ResultMixin):
    """One row per estimate: value, standard error, test, interval and n.

    Build with :func:`estimates`. A statistic that cannot be estimated is
    NaN in every column that depends on it (never a t or p computed from a
    NaN standard error).

    Attributes
    ----------
    kind : tuple of str
        What sort of quantity each row is (``"mean"``, ``"path"``,
        ``"index"``, ``"share"``, ...).
    name : tuple of str
        Which one (an item, a dimension, ``"SAT -> LOY"``).
    estimate : ndarray
        Point estimates.
    standard_error : ndarray
        Standard errors (NaN where not estimable or not defined).
    statistic : ndarray
        Test statistic for the row's null hypothesis (NaN when none).
    pvalue : ndarray
        Two-sided p-value of ``statistic`` (NaN when none).
    ci_low, ci_high : ndarray
        Interval bounds at ``confidence_level``.
    n : ndarray of float
        Respondents (or effective sample size) behind each row.
    df : ndarray
        Degrees of freedom of a t interval; ``inf`` for normal intervals,
        NaN when the interval is of another kind.
    interval : tuple of str
        How each interval was computed: ``"t"``, ``"normal"``, ``"wilson"``,
        ``"fieller"``, ``"percentile"``, ``"bca"``, ``"feldt"`` or ``"none"``.
    segment : tuple of str or None
        The segment of each row, when the result is segmented.
    confidence_level : float
        The level of ``ci_low`` / ``ci_high``, fixed at fit time.
    design_effect : ndarray or None
        Under a survey ``design`` (docs/design.md): per row, the
        design-based variance over the function's own variance (NaN where
        the function has no standard error); None without a design, and
        ``to_frame`` then has no ``design_effect`` column.
    """

    kind: tuple[str, ...]
    name: tuple[str, ...]
    estimate: FloatArray
    standard_error: FloatArray
    statistic: FloatArray
    pvalue: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    n: FloatArray
    df: FloatArray
    interval: tuple[str, ...]
    segment: tuple[str | None, ...]
    confidence_level: float
    design_effect: FloatArray | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.name)

    def _row(self, kind: str | None, name: str) -> int:
        for i, (k, nm) in enumerate(zip(self.kind, self.name, strict=True)):
            if nm == name and (kind is None or k == kind):
                return i
        msg = (
            f"No estimate named {name!r}"
            + (f" of kind {kind!r}" if kind is not None else "")
            + f". Have: {sorted(set(self.name))}."
        )
        raise InputError(msg)

    def value(self, name: str, kind: str | None = None) -> float:
        """Return the estimate called ``name`` (of ``kind``, when given)."""
        return float(self.estimate[self._row(kind, name)])

    def select(self, kind: str) -> Estimates:
        """Return the rows of one ``kind``."""
        keep = [i for i, k in enumerate(self.kind) if k == kind]
        return self._take(keep)

    def _take(self, rows: Sequence[int]) -> Estimates:
        idx = np.asarray(rows, dtype=np.intp)
        return Estimates(
            kind=tuple(self.kind[i] for i in rows),
            name=tuple(self.name[i] for i in rows),
            estimate=self.estimate[idx],
            standard_error=self.standard_error[idx],
            statistic=self.statistic[idx],
            pvalue=self.pvalue[idx],
            ci_low=self.ci_low[idx],
            ci_high=self.ci_high[idx],
            n=self.n[idx],
            df=self.df[idx],
            interval=tuple(self.interval[i] for i in rows),
            segment=tuple(self.segment[i] for i in rows),
            confidence_level=self.confidence_level,
            design_effect=None
            if self.design_effect is None
            else self.design_effect[idx],
            _backend=self._backend,
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Interval bounds of every row.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the level fixed at fit time, which returns exactly the
            stored ``ci_low`` / ``ci_high``. Another level is recomputed for
            t and normal intervals; for other kinds it is refused.

        Raises
        ------
        InputError
            A level outside (0, 1), or a new level for an interval that
            cannot be recomputed from the table (refit instead).
        """
        if confidence_level is None or confidence_level == self.confidence_level:
            return ConfidenceInterval(self.ci_low.copy(), self.ci_high.copy())
        level = check_level(confidence_level, "confidence_interval")
        fixed = sorted({m for m in self.interval if m not in RECOMPUTABLE | {"none"}})
        if fixed:
            msg = (
                f"The {fixed} interval(s) were computed at confidence_level="
                f"{self.confidence_level}; they cannot be recomputed from the "
                f"table at {level}. Fit again with confidence_level={level}."
            )
            raise InputError(msg)
        low, high = _wald(self.estimate, self.standard_error, self.df, level)
        return ConfidenceInterval(low, high)

    def _records(self) -> list[dict[str, object]]:
        seg = any(s is not None for s in self.segment)
        out: list[dict[str, object]] = []
        for i in range(len(self.name)):
            row: dict[str, object] = {}
            if seg:
                row["segment"] = self.segment[i]
            row |= {
                "kind": self.kind[i],
                "name": self.name[i],
                "estimate": float(self.estimate[i]),
                "standard_error": float(self.standard_error[i]),
                "statistic": float(self.statistic[i]),
                "pvalue": float(self.pvalue[i]),
                "ci_low": float(self.ci_low[i]),
                "ci_high": float(self.ci_high[i]),
                "n": float(self.n[i]),
                "interval": self.interval[i],
            }
            if self.design_effect is not None:
                row["design_effect"] = float(self.design_effect[i])
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the level and the rows (NaN as null)."""
        return {
            "confidence_level": self.confidence_level,
            "rows": jsonable(self._records()),
        }

    def summary(self) -> Summary:
        """Return the table as text and HTML."""
        pct = f"{100 * self.confidence_level:g}%"
        seg = any(s is not None for s in self.segment)
        head: tuple[str, ...] = (("segment",) if seg else ()) + (
            "kind",
            "name",
            "estimate",
            "std. error",
            "p-value",
            f"{pct} CI",
            "n",
        )
        deff = self.design_effect is not None
        if deff:
            head += ("deff",)
        rows = []
        for r in self._records():
            ci = f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
            cells: tuple[object, ...] = ((r["segment"],) if seg else ()) + (
                r["kind"],
                r["name"],
                r["estimate"],
                r["standard_error"],
                r["pvalue"],
                ci,
                r["n"],
            )
            if deff:
                cells += (r["design_effect"],)
            rows.append(cells)
        return Summary(title="Estimates", tables=(table("", head, rows),))

    def __repr__(self) -> str:
        kinds = sorted(set(self.kind))
        return (
            f"Estimates({len(self)} rows, kinds={kinds}, "
            f"confidence_level={self.confidence_level})"
        )


def _fmt(value: object) -> str:
    f = float(value)  # type: ignore[arg-type]
    return "nan" if not np.isfinite(f) else f"{f:.3g}"


def check_level(value: object, where: str) -> float:
    """``confidence_level`` must be a real number strictly inside (0, 1)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.floating)
        or not 0.0 < float(value) < 1.0
    ):
        msg = (
            f"The 'confidence_level' parameter of {where} must lie strictly "
            f"between 0 and 1. Got {value!r} instead."
        )
        raise InputError(msg)
    return float(value)


def estimates(
    *,
    name: Sequence[str],
    estimate: object,
    kind: str | Sequence[str],
    confidence_level: float,
    standard_error: object = None,
    n: object = None,
    df: object = None,
    interval: str | Sequence[str] = "t",
    ci_low: object = None,
    ci_high: object = None,
    statistic: object = None,
    pvalue: object = None,
    null: float | object = 0.0,
    segment: str | Sequence[str | None] | None = None,
    design_effect: object = None,
    backend: str | None = None,
) -> Estimates:
    """Build an :class:`Estimates` table, filling the Wald columns.

    For rows whose ``interval`` is ``"t"`` (``df`` given) or ``"normal"``,
    the interval, the statistic ``(estimate - null) / standard_error`` and
    its two-sided p-value are computed here unless given. Rows whose
    standard error is not a finite positive number get NaN statistic,
    p-value and (Wald) interval: nothing is computed from an undefined
    number.

    Parameters
    ----------
    name, estimate, kind, confidence_level
        Row labels, values, kinds (one for all rows or one per row) and the
        fitted level.
    standard_error, n, df
        Per-row arrays (or a scalar for all rows). ``df`` defaults to
        ``inf`` (normal reference) for ``"normal"`` rows and must be given
        for ``"t"`` rows.
    interval : str or sequence of str
        Interval kind per row (see :class:`Estimates`).
    ci_low, ci_high, statistic, pvalue
        Given values override the Wald ones (e.g. Wilson or bootstrap
        bounds, a bootstrap p-value).
    null : float or array
        The null value of the Wald test.
    segment : str or sequence, optional
        Segment of every row (or per row).
    design_effect : array, optional
        Per-row design effects of a design-based table (NaN where not
        defined); omitted without a design.
    backend : {"pandas", "polars"}, optional
        ``to_frame`` default.
    """
    names = tuple(str(x) for x in name)
    size = len(names)
    est = _float(estimate, size)
    if est.shape != (size,):
        msg = f"estimates: {size} names but {est.shape[0]} estimates"
        raise ValueError(msg)
    kinds = (kind,) * size if isinstance(kind, str) else tuple(kind)
    methods = (interval,) * size if isinstance(interval, str) else tuple(interval)
    segs: tuple[str | None, ...] = (
        (segment,) * size
        if segment is None or isinstance(segment, str)
        else tuple(segment)
    )
    se = _float(standard_error, size)
    nn = _float(n, size)
    default_df = np.array([np.inf if m == "normal" else np.nan for m in methods])
    dfs = default_df if df is None else _float(df, size)
    wald = np.array([m in RECOMPUTABLE for m in methods], dtype=bool)
    dfs = np.where(wald & (np.array(methods) == "normal"), np.inf, dfs)
    # a t row needs its degrees of freedom (> 0); without them it gets no
    # test and no interval rather than a normal one in disguise
    normal = np.array([m == "normal" for m in methods], dtype=bool)
    with np.errstate(invalid="ignore"):
        has_df = normal | (np.isfinite(dfs) & (dfs > 0))
    usable = wald & np.isfinite(se) & (se > 0) & has_df
    low, high = _wald(est, np.where(usable, se, np.nan), dfs, confidence_level)
    nulls = _float(null, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(usable, (est - nulls) / np.where(usable, se, 1.0), np.nan)
    # two-sided p: 2 P(T > |t|) (scipy.stats' t.sf, from
    # stats._student), or 2 P(Z > |t|) for the normal rows
    p = np.full(size, np.nan)
    t_rows = usable & np.isfinite(dfs)
    p[t_rows] = 2.0 * t_cdf(dfs[t_rows], -np.abs(t[t_rows]))
    if (usable & ~t_rows).any():
        from scipy import special  # noqa: PLC0415 - normal rows only

        p[usable & ~t_rows] = 2.0 * special.ndtr(-np.abs(t[usable & ~t_rows]))
    return Estimates(
        kind=kinds,
        name=names,
        estimate=est,
        standard_error=se,
        statistic=t if statistic is None else _float(statistic, size),
        pvalue=p if pvalue is None else _float(pvalue, size),
        ci_low=low if ci_low is None else _float(ci_low, size),
        ci_high=high if ci_high is None else _float(ci_high, size),
        n=nn,
        df=dfs,
        interval=methods,
        segment=segs,
        confidence_level=float(confidence_level),
        design_effect=None if design_effect is None else _float(design_effect, size),
        _backend=backend,
    )


def concat(parts: Sequence[Estimates]) -> Estimates:
    """Stack tables fitted at the same level (e.g. one per segment)."""
    if not parts:
        msg = "concat needs at least one Estimates table"
        raise ValueError(msg)
    levels = {p.confidence_level for p in parts}
    deff = (
        None
        if all(p.design_effect is None for p in parts)
        else np.concatenate(
            [
                np.full(len(p), np.nan) if p.design_effect is None else p.design_effect
                for p in parts
            ]
        )
    )
    if len(levels) != 1:
        msg = f"cannot stack estimates at different levels {sorted(levels)}"
        raise ValueError(msg)
    return Estimates(
        kind=sum((p.kind for p in parts), ()),
        name=sum((p.name for p in parts), ()),
        estimate=np.concatenate([p.estimate for p in parts]),
        standard_error=np.concatenate([p.standard_error for p in parts]),
        statistic=np.concatenate([p.statistic for p in parts]),
        pvalue=np.concatenate([p.pvalue for p in parts]),
        ci_low=np.concatenate([p.ci_low for p in parts]),
        ci_high=np.concatenate([p.ci_high for p in parts]),
        n=np.concatenate([p.n for p in parts]),
        df=np.concatenate([p.df for p in parts]),
        interval=sum((p.interval for p in parts), ()),
        segment=sum((p.segment for p in parts), ()),
        confidence_level=parts[0].confidence_level,
        design_effect=deff,
        _backend=parts[0]._backend,
    )
