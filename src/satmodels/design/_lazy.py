r"""Taylor variances of means, totals and ratios on a lazy engine.

The rows stay on the engine: one grouped aggregation returns the weighted
sums of each PSU (:mod:`satmodels.engines.design_sums`), and the estimates,
their Taylor variances and the design effects follow from those sums alone.
With PSU sums :math:`S^w_k = \sum_{i \in k} w_i`,
:math:`S^y_k = \sum_{i \in k} w_i y_i` (answering respondents), the
linearised PSU totals (Woodruff 1971) are

* mean: :math:`u_k = (S^y_k - \bar y S^w_k) / \sum_k S^w_k`;
* total: :math:`u_k = S^y_k`;
* ratio: :math:`u_k = (S^a_k - \hat R S^b_k) / \sum_k S^b_k`,

and :math:`\hat V = \sum_h (1 - f_h) \frac{n_h}{n_h - 1} \sum_k (u_{hk} -
\bar u_h)^2` (Cochran 1977, eq. 11.27). Without clusters every respondent
is a PSU and the within-stratum sum of squares is
:math:`\sum_i u_i^2 - (\sum_i u_i)^2 / n_h`, with
:math:`\sum_i u_i^2` from the sums of squared weights (for the mean,
:math:`[\sum w^2 y^2 - 2 \bar y \sum w^2 y + \bar y^2 \sum w^2] / (\sum
w)^2`). The results equal those of the rows in memory
(``tests/test_design_lazy.py``), which are checked against R's survey.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import FloatArray, IntArray
from ..engines._frame import CANCEL
from ..engines.design_sums import DesignSums, design_sums
from ..exceptions import InputError
from ._kernels import Fitted, taylor_variance
from ._prepare import Prepared, stratum_fraction
from ._spec import Design

__all__ = ["fit_lazy"]


def _strata(
    sums: DesignSums, spec: Design, where: str
) -> tuple[IntArray, FloatArray, IntArray]:
    """Stratum of each group, PSUs per stratum, sampling fraction."""
    strata = [k[0] for k in sums.keys] if spec.strata else ["all"] * len(sums.keys)
    levels, code = np.unique(np.array(strata, dtype=str), return_inverse=True)
    code = code.astype(np.int64)
    if spec.clusters:
        n_h = np.bincount(code, minlength=levels.size)
    else:
        n_h = np.bincount(code, weights=sums.rows, minlength=levels.size).astype(
            np.int64
        )
    lonely = np.flatnonzero(n_h < 2)
    if lonely.size:
        msg = (
            f"Stratum {levels[lonely[0]]!r} of the design of {where} has a single "
            "PSU: its variance cannot be estimated (survey's lonely.psu = "
            "'fail'). Merge it with a similar stratum."
        )
        raise InputError(msg)
    fraction = np.zeros(levels.size)
    if spec.fpc:
        assert sums.fpc_low is not None  # noqa: S101 - asked for with the fpc
        assert sums.fpc_high is not None  # noqa: S101
        for h, level in enumerate(levels):
            lo = float(np.min(sums.fpc_low[code == h]))
            hi = float(np.max(sums.fpc_high[code == h]))
            if not (np.isfinite(lo) and lo == hi and lo > 0):
                msg = (
                    f"The fpc column {spec.fpc!r} of the design of {where} must "
                    f"hold one positive value per stratum. Got values from {lo!r} "
                    f"to {hi!r} in stratum {level!r}."
                )
                raise InputError(msg)
            f = stratum_fraction(lo, int(n_h[h]), spec, str(level), where)
            fraction[h] = f
    return code, fraction, n_h


def _linearised(
    kind: str, s: dict[str, FloatArray], *, ratio: bool
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Estimates, PSU totals u, and per-group sums of u^2 (without clusters)."""
    top = s["wy"].sum(axis=0)
    if kind == "total":
        est = top
        u = s["wy"]
        sq = s.get("sq_yy")
        return est, u, sq
    den = (s["wb"] if ratio else s["wo"]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = top / den
        u = (s["wy"] - est * (s["wb"] if ratio else s["wo"])) / den
        if "sq_yy" not in s:
            return est, u, None
        cross = s["sq_yb"] if ratio else s["sq_y"]
        second = s["sq_bb"] if ratio else s["sq_o"]
        sq = (s["sq_yy"] - 2.0 * est * cross + est * est * second) / (den * den)
    return est, u, sq


def _cancels(s: dict[str, FloatArray]) -> bool:
    """Whether a mean's raw sums of squares would cancel (see ``CANCEL``)."""
    wsum = s["wo"].sum(axis=0)
    wyy = s["wyy"].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = wyy - s["wy"].sum(axis=0) ** 2 / wsum
        return bool(np.any(wyy > CANCEL * np.maximum(centred, 0.0)))


def _srs(
    kind: str, s: dict[str, FloatArray], est: FloatArray, *, ratio: bool
) -> FloatArray:
    """``_srs_variance`` of the rows, from the global sums."""
    n = s["n"].sum(axis=0)
    wsum = s["wo"].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if ratio:
            wa, wb = s["wy"].sum(axis=0), s["wb"].sum(axis=0)
            wee = (
                s["wyy"].sum(axis=0)
                - 2.0 * est * s["wyb"].sum(axis=0)
                + est * est * s["wbb"].sum(axis=0)
            )
            centre = (wa - est * wb) / wsum
            s2 = n / (n - 1) * (wee - wsum * centre * centre) / wsum
            out: FloatArray = s2 / n / (wb / wsum) ** 2
            return out
        centre = s["wy"].sum(axis=0) / wsum
        s2 = n / (n - 1) * (s["wyy"].sum(axis=0) - wsum * centre * centre) / wsum
        v = s2 / n
        out = v * wsum**2 if kind == "total" else v
    return out


def fit_lazy(
    kind: str,
    prep: Prepared,
    numerators: Sequence[str],
    denominators: Sequence[str] | None,
    where: str,
) -> Fitted:
    """Estimates and Taylor variances from one grouped pass on the engine."""
    spec = prep.design
    assert isinstance(spec, Design)  # noqa: S101 - prepare refuses replicates
    table = prep.table
    keys = [c for c in (spec.strata, spec.clusters) if c]
    clustered = spec.clusters is not None

    def read(shift: Sequence[float] | None = None) -> DesignSums:
        return design_sums(
            table.lazy,
            keys=keys if clustered else keys[:1],
            weight=table.weight_column,
            fpc=spec.fpc,
            numerators=numerators,
            denominators=denominators,
            squares=not clustered,
            where=where,
            shift=shift,
        )

    sums = read()
    ratio = denominators is not None
    shift = None
    if kind == "mean" and not ratio and _cancels(sums.sums):
        # answers far from zero for their spread: read again, shifted by
        # the means (one more query; the PSU totals u are the same)
        est0, _, _ = _linearised(kind, sums.sums, ratio=False)
        shift = np.nan_to_num(est0, nan=0.0)
        sums = read(shift.tolist())
    code, fraction, n_h = _strata(sums, spec, where)
    est, u, sq = _linearised(kind, sums.sums, ratio=ratio)
    if shift is not None:
        est = est + shift
    if clustered:
        var = taylor_variance(u, code, fraction)
    else:
        assert sq is not None  # noqa: S101 - asked for without clusters
        within = np.zeros((fraction.size, u.shape[1]))
        np.add.at(within, code, sq)
        totals = np.zeros_like(within)
        np.add.at(totals, code, u)
        nh = n_h.astype(np.float64)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            ss = np.maximum(within - totals * totals / nh, 0.0)
        factor = (1.0 - fraction) * n_h / (n_h - 1.0)
        var = factor @ ss
    n_psu = int(n_h.sum())
    return Fitted(
        estimate=est,
        variance=var,
        srs_variance=_srs(
            kind, sums.sums, est if shift is None else est - shift, ratio=ratio
        ),
        n_obs=sums.sums["n"].sum(axis=0),
        df=float(n_psu - fraction.size),
        method="taylor",
        n_psu=n_psu,
        n_strata=int(fraction.size),
        n=int(sums.rows.sum()),
    )
