"""Results of :func:`satmodels.acsi.moderation`: the fit and its simple slopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special

from .._typing import FloatArray
from ..results._base import EstimatesResult, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..stats.intervals import summarize
from ..stats.moments import MissingReport
from .result import PLSResult

__all__ = ["LEVELS", "ModerationResult", "SimpleSlopes", "slope_rows", "slopes"]

#: Moderator levels of the simple slopes, in standard deviations.
LEVELS = (-1.0, 0.0, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimpleSlopes(ResultMixin):
    r"""Effect of the predictor on the outcome at three moderator levels.

    The lines of a simple-slopes plot: at moderator level z (SDs from its
    mean) the outcome is ``intercept + slope * x`` for predictor level x
    (both standardized), with ``slope`` = :math:`\beta_X + \beta_{XZ} z`
    and ``intercept`` = :math:`\beta_Z z` (seminr's ``slope_analysis``).

    Attributes
    ----------
    predictor, moderator, outcome : str
    moderator_level : ndarray, (3,)
        -1, 0 and +1 standard deviations.
    slope, intercept : ndarray, (3,)
    standard_error, ci_low, ci_high : ndarray, (3,)
        Bootstrap standard error and BCa interval of each slope (NaN
        without a bootstrap).
    confidence_level : float
    """

    predictor: str
    moderator: str
    outcome: str
    moderator_level: FloatArray
    slope: FloatArray
    intercept: FloatArray
    standard_error: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "predictor": self.predictor,
                "moderator": self.moderator,
                "outcome": self.outcome,
                "moderator_level": float(self.moderator_level[k]),
                "slope": float(self.slope[k]),
                "intercept": float(self.intercept[k]),
                "standard_error": float(self.standard_error[k]),
                "ci_low": float(self.ci_low[k]),
                "ci_high": float(self.ci_high[k]),
            }
            for k in range(self.slope.size)
        ]

    def summary(self) -> Summary:
        """Return the slopes table."""
        rows = [
            (f"{r['moderator_level']:+g} SD", r["slope"], r["ci_low"], r["ci_high"])
            for r in self._records()
        ]
        pct = f"{100 * self.confidence_level:g}%"
        return Summary(
            title=f"Simple slopes of {self.predictor} -> {self.outcome}",
            tables=(
                table(
                    f"{self.moderator} level",
                    ("level", "slope", f"{pct} low", "high"),
                    rows,
                ),
            ),
        )

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{lv:+g}SD: {s:.3f}"
            for lv, s in zip(self.moderator_level, self.slope, strict=True)
        )
        return (
            f"SimpleSlopes({self.predictor} -> {self.outcome} by {self.moderator}: "
            f"{parts})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ModerationResult(EstimatesResult):
    r"""A PLS path model with an interaction term.

    Attributes
    ----------
    approach : str
        ``"two_stage"``, ``"orthogonal"`` or ``"product_indicator"``.
    predictor, moderator, outcome : str
        X, Z and Y.
    interaction : str
        The interaction latent's name, ``"X.Z"``.
    fit : PLSResult
        The model with the interaction latent and its path to Y.
    first_stage : PLSResult or None
        The main-effects model whose scores form the product (two-stage).
    interaction_effect : float
        :math:`\beta_{XZ}` in the metric of the product: the standardized
        path ``X.Z -> Y`` of :attr:`fit` divided by
        :attr:`interaction_scale` (seminr's convention), the change of X's
        effect per SD of Z.
    interaction_scale : float
        Standard deviation of the interaction term in the product's metric
        (two-stage: of the product of the standardized scores; otherwise
        the loading-weighted mean of its indicators' standard deviations,
        as seminr).
    simple_slopes : SimpleSlopes
    n : int
        Respondents used (complete rows).
    missing_report : MissingReport
    estimates : Estimates
        The fit's rows without 0-100 indices (products are not on the
        answer scale; its ``"path"`` rows are standardized), then kinds
        ``"interaction_effect"`` (product metric) and ``"simple_slope"``.
    confidence_level : float
    """

    approach: str
    predictor: str
    moderator: str
    outcome: str
    interaction: str
    fit: PLSResult
    first_stage: PLSResult | None
    interaction_effect: float
    interaction_scale: float
    simple_slopes: SimpleSlopes
    n: int
    missing_report: MissingReport
    estimates: Estimates
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: the interaction, the slopes and the estimates."""
        out: dict[str, Any] = jsonable(
            {
                "approach": self.approach,
                "predictor": self.predictor,
                "moderator": self.moderator,
                "outcome": self.outcome,
                "interaction": self.interaction,
                "interaction_effect": self.interaction_effect,
                "n": self.n,
                "confidence_level": self.confidence_level,
                "simple_slopes": self.simple_slopes._records(),
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        return (
            f"ModerationResult(approach={self.approach!r}, n={self.n}, "
            f"{self.interaction} -> {self.outcome} = {self.interaction_effect:.3f})"
        )

    def summary(self) -> Summary:
        """Return the paths into the outcome and the simple slopes."""
        est = self.estimates
        paths = est.select("path")
        rows = [
            (paths.name[i], paths.estimate[i], paths.standard_error[i], paths.pvalue[i])
            for i in range(len(paths))
            if paths.name[i].endswith(f"-> {self.outcome}")
        ]
        slopes = self.simple_slopes.summary().tables
        return Summary(
            title=f"Moderation of {self.predictor} -> {self.outcome} by "
            f"{self.moderator} ({self.approach})",
            tables=(
                table(
                    f"Paths into {self.outcome}", ("path", "estimate", "se", "p"), rows
                ),
                *slopes,
            ),
            notes=(
                "Simple slopes: beta_X + beta_XZ * z at z = -1, 0, +1 SD of the "
                "moderator (Aiken & West 1991; Henseler & Fassott 2010).",
            ),
        )


def slopes(  # noqa: PLR0917 - names of the interaction
    res: PLSResult,
    x: str,
    z: str,
    y: str,
    inter: str,
    scale: float,
    scale_reps: tuple[FloatArray, FloatArray | None] | None,
    level: float,
    backend: str | None,
) -> tuple[SimpleSlopes, Estimates]:
    """Return the simple slopes and the interaction effect (product metric)."""
    lv = np.asarray(LEVELS)
    bx, bz = res.path(x, y), res.path(z, y)
    bxz = res.path(inter, y) / scale
    slope = bx + bxz * lv
    se = lo = hi = np.full(3, np.nan)
    eff = (np.nan, np.nan, np.nan)
    boot = res.bootstrap
    if boot is not None and scale_reps is not None:
        lab = list(zip(boot.statistic, boot.label, strict=True))
        kx = lab.index(("paths", f"{x} -> {y}"))
        kxz = lab.index(("paths", f"{inter} -> {y}"))
        s_reps, s_jack = scale_reps
        reps = boot._replicates
        rxz = reps[:, kxz] / s_reps
        jk = boot._jackknife
        jxz = None if jk is None or s_jack is None else jk[:, kxz] / s_jack
        iv = summarize(rxz[:, None], np.array([bxz]), _col(jxz), level)
        eff = (float(iv.se[0]), float(iv.bca_low[0]), float(iv.bca_high[0]))
        sl_reps = reps[:, [kx]] + rxz[:, None] * lv
        sl_jack = None if jxz is None or jk is None else jk[:, [kx]] + jxz[:, None] * lv
        iv = summarize(sl_reps, slope, sl_jack, level)
        se, lo, hi = iv.se, iv.bca_low, iv.bca_high
    slopes = SimpleSlopes(
        predictor=x,
        moderator=z,
        outcome=y,
        moderator_level=lv,
        slope=slope,
        intercept=bz * lv,
        standard_error=se,
        ci_low=lo,
        ci_high=hi,
        confidence_level=level,
        _backend=backend,
    )
    effect = _rows(
        [f"{inter} -> {y}"],
        "interaction_effect",
        np.array([bxz]),
        np.array([eff[0]]),
        np.array([eff[1]]),
        np.array([eff[2]]),
        n=res.n,
        bootstrapped=boot is not None,
        level=level,
        backend=backend,
    )
    return slopes, effect


def _col(a: FloatArray | None) -> FloatArray | None:
    return None if a is None else a[:, None]


def slope_rows(sl: SimpleSlopes, n: int, reps: int, backend: str | None) -> Estimates:
    names = [
        f"{sl.predictor} -> {sl.outcome} at {sl.moderator} {lv:+g} SD"
        for lv in sl.moderator_level
    ]
    return _rows(
        names,
        "simple_slope",
        sl.slope,
        sl.standard_error,
        sl.ci_low,
        sl.ci_high,
        n=n,
        bootstrapped=bool(reps),
        level=sl.confidence_level,
        backend=backend,
    )


def _rows(  # noqa: PLR0917 - the columns of a bootstrapped row
    names: list[str],
    kind: str,
    est: FloatArray,
    se: FloatArray,
    low: FloatArray,
    high: FloatArray,
    *,
    n: int,
    bootstrapped: bool,
    level: float,
    backend: str | None,
) -> Estimates:
    """Estimates rows with bootstrap SE, normal-theory t and p, BCa bounds."""
    usable = np.isfinite(se) & (se > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(usable, est / np.where(usable, se, 1.0), np.nan)
    p = np.where(usable, 2.0 * special.ndtr(-np.abs(t)), np.nan)
    return estimates(
        name=names,
        estimate=est,
        kind=kind,
        confidence_level=level,
        standard_error=se,
        ci_low=low,
        ci_high=high,
        statistic=t,
        pvalue=p,
        n=float(n),
        interval="bca" if bootstrapped else "none",
        backend=backend,
    )
