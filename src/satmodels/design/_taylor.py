r"""Taylor rows of the ``design`` keyword: estimates that are means of codings.

The NPS is the weighted mean of the answers coded -100 (0-6), 0 (7-8) and
100 (9-10); its promoter, passive and detractor shares, the CSAT top-box
share and the CES agree share are means of 0/100 codings, the CES mean the
mean of the answers; the c = b/a ratio of means is a ratio of two means
(Cochran 1977, sec. 6.3), and its mean ratio and expectation and
perception means are means. Under a :class:`~satmodels.design.Design`
their variance is the Taylor linearisation (Woodruff 1971; Cochran 1977,
eq. 11.27), exactly :func:`satmodels.design.mean` (or
:func:`satmodels.design.ratio`) of the coded answers, a segment's
row being the domain mean (answers outside the segment missing, their
PSUs kept; ``survey::svyby``). A coding is used only when its weighted
mean reproduces the function's own estimate (to 1e-9); otherwise the
caller replicates.

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.). Wiley.
.. [2] Reichheld, F. F. (2003). The one number you need to grow. HBR.
.. [3] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._typing import BoolArray, FloatArray
from ..data import Kind, Table, read
from ..results._estimates import Estimates, estimates
from ._estimators import _fit_rows
from ._prepare import Prepared

__all__ = ["CODINGS", "taylor_table"]

_ROWS: tuple[Kind, ...] = ("rows",)

#: Per row ``(kind, name)``: the coded values of a mean, or the numerator
#: and denominator of a ratio of means (NaN: not answered).
Code = FloatArray | tuple[FloatArray, FloatArray]
Codes = dict[tuple[str, str], Code]
Coding = Callable[[Table, object, Mapping[str, Any]], Codes]


def _one(table: Table) -> FloatArray:
    out: FloatArray = table.matrix(list(table.role("items")))[:, 0]
    return out


def _code(y: FloatArray, hit: BoolArray) -> FloatArray:
    """100 where ``hit``, 0 elsewhere, NaN where not answered."""
    out: FloatArray = np.where(np.isnan(y), np.nan, np.where(hit, 100.0, 0.0))
    return out


def _nps(table: Table, result: object, args: Mapping[str, Any]) -> Codes:
    """Reichheld (2003): -100 / 0 / 100 for 0-6 / 7-8 / 9-10."""
    y = _one(table)
    promoter, detractor = _code(y, y >= 9), _code(y, y <= 6)
    return {
        ("nps", "nps"): promoter - detractor,
        ("share", "promoters"): promoter,
        ("share", "passives"): _code(y, (y > 6) & (y < 9)),
        ("share", "detractors"): detractor,
    }


def _csat(table: Table, result: object, args: Mapping[str, Any]) -> Codes:
    """Top-box share: the ``top_box`` highest values of the scale."""
    top = int(args.get("top_box", 2))
    maximum = float(getattr(getattr(result, "scale", None), "maximum", np.nan))
    y = _one(table)
    return {("share", "csat"): _code(y, y > maximum - top)}


def _ces(table: Table, result: object, args: Mapping[str, Any]) -> Codes:
    """Code the answers themselves and the share from ``agree_from`` up."""
    y = _one(table)
    agree = float(getattr(result, "agree_from", np.nan))
    return {("mean", "mean"): y, ("share", "agree"): _code(y, y >= agree)}


def _ratio(table: Table, result: object, args: Mapping[str, Any]) -> Codes:
    """Code the c = b/a rows: item pairs, and item-averaged a, b, c overall."""
    b = table.matrix(list(table.role("perceived")))
    a = table.matrix(list(table.role("expected")))
    names = [str(x) for x in getattr(result, "items", ())]
    if len(names) != a.shape[1]:
        return {}
    with np.errstate(invalid="ignore", divide="ignore"):
        c = b / a
    out: Codes = {}
    cols = [*((a[:, j], b[:, j], c[:, j]) for j in range(len(names)))]
    full = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    with np.errstate(invalid="ignore"):
        cols.append((a.mean(axis=1), b.mean(axis=1), c.mean(axis=1)))
    for name, (aj, bj, cj) in zip([*names, "overall"], cols, strict=True):
        keep = full if name == "overall" else np.isfinite(aj) & np.isfinite(bj)
        ak, bk = np.where(keep, aj, np.nan), np.where(keep, bj, np.nan)
        out["ratio_of_means", name] = (bk, ak)
        out["mean_ratio", name] = np.where(keep, cj, np.nan)
        out["expected_mean", name] = ak
        out["perceived_mean", name] = bk
    return out


#: Functions whose rows are means (or ratios of means) of codings: the
#: column keywords each reads, and its coding.
CODINGS: dict[str, tuple[tuple[str, ...], Coding]] = {
    "satmodels.csi._nps.nps": (("items",), _nps),
    "satmodels.csi._csat.csat": (("items",), _csat),
    "satmodels.csi._csat.ces": (("items",), _ces),
    "satmodels.ratio._fit.satisfaction_ratio": (("perceived", "expected"), _ratio),
}


def taylor_table(  # noqa: PLR0917 - private, one caller
    func: Callable[..., Any],
    data: object,
    prep: Prepared,
    full: Any,  # noqa: ANN401 - the function's result with the design's weights
    args: Mapping[str, Any],
    level: float,
) -> Estimates | None:
    """Return the table by Taylor linearisation (None: not means of codings)."""
    found = CODINGS.get(f"{func.__module__}.{func.__name__}")
    if found is None:
        return None
    roles, coding = found
    table = read(
        data,
        where=func.__name__,
        columns=args.get("columns"),
        roles={r: args.get(r) for r in roles},
        segments=args.get("segments"),
        accept=_ROWS,
    )
    codes = coding(table, full, args)
    base: Estimates = full.estimates
    n = prep.weights.size
    means: list[FloatArray] = []
    nums: list[FloatArray] = []
    dens: list[FloatArray] = []
    where_mean: list[int] = []
    where_ratio: list[int] = []
    for i, (kind, name, seg) in enumerate(
        zip(base.kind, base.name, base.segment, strict=True)
    ):
        code = codes.get((kind, name))
        if code is None:
            return None
        inside = np.ones(n, dtype=bool)
        if seg is not None:
            assert table.segments is not None  # noqa: S101 - a segmented result
            inside = table.segments.astype(str) == seg
        if isinstance(code, tuple):
            nums.append(np.where(inside, code[0], np.nan))
            dens.append(np.where(inside, code[1], np.nan))
            where_ratio.append(i)
        else:
            means.append(np.where(inside, code, np.nan))
            where_mean.append(i)
    est = np.full(len(base), np.nan)
    var = np.full(len(base), np.nan)
    df = math.nan
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if means:
            fit = _fit_rows("mean", prep, np.column_stack(means), None)
            est[where_mean], var[where_mean], df = fit.estimate, fit.variance, fit.df
        if nums:
            fit = _fit_rows("ratio", prep, np.column_stack(nums), np.column_stack(dens))
            est[where_ratio], var[where_ratio], df = fit.estimate, fit.variance, fit.df
    if not np.allclose(est, base.estimate, rtol=1e-9, atol=1e-9):
        return None
    own = base.standard_error
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(np.isfinite(own) & (own > 0), var / own**2, np.nan)
    return estimates(
        name=list(base.name),
        estimate=base.estimate,
        kind=list(base.kind),
        confidence_level=level,
        standard_error=np.sqrt(var),
        n=base.n,
        df=np.full(len(base), df),
        interval="t",
        segment=list(base.segment),
        design_effect=deff,
        backend=base._backend,
    )
