r"""Taylor rows of the ``design`` keyword: estimates that are means of codings.

The NPS is the weighted mean of the answers coded -100 (0-6), 0 (7-8) and
100 (9-10); its promoter, passive and detractor shares, the CSAT top-box
share and the CES agree share are means of 0/100 codings, the CES mean the
mean of the answers. Under a :class:`~satmodels.design.Design` their
variance is the Taylor linearisation of a mean (Woodruff 1971; Cochran
1977, eq. 11.27), exactly :func:`satmodels.design.mean` of the coded
answers, a segment's row being the domain mean (answers outside the
segment missing, their PSUs kept; ``survey::svyby``). A coding is used only
when its weighted mean reproduces the function's own estimate (to 1e-9);
otherwise the caller replicates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..data import Kind, read
from ..results._estimates import Estimates, estimates
from ._estimators import _fit_rows
from ._prepare import Prepared

__all__ = ["CODINGS", "taylor_table"]

_ROWS: tuple[Kind, ...] = ("rows",)

Codes = dict[tuple[str, str], FloatArray]
Coding = Callable[[FloatArray, object, Mapping[str, Any]], Codes]


def _nps(y: FloatArray, result: object, args: Mapping[str, Any]) -> Codes:
    """Reichheld (2003): -100 / 0 / 100 for 0-6 / 7-8 / 9-10."""
    promoter, detractor = 100.0 * (y >= 9), 100.0 * (y <= 6)
    return {
        ("nps", "nps"): promoter - detractor,
        ("share", "promoters"): promoter,
        ("share", "passives"): 100.0 * ((y > 6) & (y < 9)),
        ("share", "detractors"): detractor,
    }


def _csat(y: FloatArray, result: object, args: Mapping[str, Any]) -> Codes:
    """Top-box share: the ``top_box`` highest values of the scale."""
    top = int(args.get("top_box", 2))
    maximum = float(getattr(getattr(result, "scale", None), "maximum", np.nan))
    return {("share", "csat"): np.where(y > maximum - top, 100.0, 0.0)}


def _ces(y: FloatArray, result: object, args: Mapping[str, Any]) -> Codes:
    """Code the answers themselves and the share from ``agree_from`` up."""
    agree = float(getattr(result, "agree_from", np.nan))
    return {("mean", "mean"): y, ("share", "agree"): np.where(y >= agree, 100.0, 0.0)}


#: Functions whose rows are means of codings of their one answer column.
CODINGS: dict[str, Coding] = {
    "satmodels.csi._nps.nps": _nps,
    "satmodels.csi._csat.csat": _csat,
    "satmodels.csi._csat.ces": _ces,
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
    coding = CODINGS.get(f"{func.__module__}.{func.__name__}")
    if coding is None:
        return None
    table = read(
        data,
        where=func.__name__,
        columns=args.get("columns"),
        roles={"items": args.get("items")},
        segments=args.get("segments"),
        accept=_ROWS,
    )
    y = table.matrix(list(table.role("items")))[:, 0]
    codes = coding(y, full, args)
    base: Estimates = full.estimates
    cols = []
    for kind, name, seg in zip(base.kind, base.name, base.segment, strict=True):
        code = codes.get((kind, name))
        if code is None:
            return None
        inside = np.isfinite(y)
        if seg is not None:
            assert table.segments is not None  # noqa: S101 - a segmented result
            inside &= table.segments.astype(str) == seg
        cols.append(np.where(inside, code, np.nan))
    fitted = _fit_rows("mean", prep, np.column_stack(cols), None)
    if not np.allclose(fitted.estimate, base.estimate, rtol=1e-9, atol=1e-9):
        return None
    own = base.standard_error
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(np.isfinite(own) & (own > 0), fitted.variance / own**2, np.nan)
    return estimates(
        name=list(base.name),
        estimate=base.estimate,
        kind=list(base.kind),
        confidence_level=level,
        standard_error=np.sqrt(fitted.variance),
        n=base.n,
        df=np.full(len(base), fitted.df),
        interval="t",
        segment=list(base.segment),
        design_effect=deff,
        backend=base._backend,
    )
