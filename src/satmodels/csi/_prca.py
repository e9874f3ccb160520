r"""Penalty-reward contrast analysis (Brandt 1987) and the three-factor classes.

PRCA regresses overall satisfaction on two dummies per attribute, one for
low and one for high performance (the middle category is the reference).
The low-dummy coefficient is the *penalty*, the high-dummy coefficient the
*reward*; attributes whose penalty outweighs their reward are *basic*
factors, those whose reward outweighs their penalty *excitement* factors,
and the rest *performance* factors (Matzler & Sauerwein 2002; Mikulić &
Prebežac 2008). The regression runs on the Moments of the dummies.

References
----------
.. [1] Brandt, D. R. (1987). A procedure for identifying value-enhancing
   service components using customer satisfaction survey data. In
   Surprenant (Ed.), Add Value to Your Service (pp. 61-65). AMA.
.. [2] Matzler, K., & Sauerwein, E. (2002). The factor structure of customer
   satisfaction. International Journal of Service Industry Management,
   13(4), 314-332.
.. [3] Mikulić, J., & Prebežac, D. (2008). Prioritizing improvement of
   service attributes using impact range-performance analysis and impact-
   asymmetry analysis. Managing Service Quality, 18(6), 559-576.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_nan_policy
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..scales import Scale, as_scale
from ..stats._entry import _moments_from_values
from ..stats.moments import MissingReport, Moments
from ._category import check_on_scale
from ._estimated import EstimatedResult, Refit, fit_segments, segment_note

__all__ = ["PRCAResult", "prca"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PRCAResult(EstimatedResult):
    """Penalty-reward contrast analysis.

    Attributes
    ----------
    estimates : Estimates
        Rows ``("penalty", item)``, ``("reward", item)`` (OLS coefficients
        of the low and high dummies, t tests and intervals) and
        ``("asymmetry", item)`` (``reward + penalty`` with the t-test of 0
        that classifies the item).
    confidence_level : float
        Level of the intervals and of the classification test.
    penalty, reward, asymmetry : dict of str to float
    impact_asymmetry : dict of str to float
        ``(reward - |penalty|) / (reward + |penalty|)`` (Mikulić & Prebežac
        2008).
    factor : dict of str to str
        "basic", "performance" or "excitement".
    low_values, high_values : tuple of float
        Answers coded as low and as high performance.
    r_squared : float
    n : int
    missing_report : MissingReport or None
    segments : dict of str to PRCAResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    penalty: dict[str, float]
    reward: dict[str, float]
    asymmetry: dict[str, float]
    impact_asymmetry: dict[str, float]
    factor: dict[str, str]
    low_values: tuple[float, ...]
    high_values: tuple[float, ...]
    r_squared: float
    n: int
    missing_report: MissingReport | None = None
    segments: dict[str, PRCAResult] | None = field(default=None, repr=False)
    _refit: Refit | None = field(default=None, repr=False)

    def _title(self) -> str:
        return "Penalty-reward contrast analysis (Brandt 1987)"

    def _notes(self) -> tuple[str, ...]:
        classes = "; ".join(f"{k}: {v}" for k, v in self.factor.items())
        return (
            f"Low = {list(self.low_values)}, high = {list(self.high_values)}; "
            f"R-squared = {self.r_squared:.3f}, n = {self.n}.",
            f"Factors: {classes} (basic: penalty outweighs reward, excitement: "
            f"reward outweighs penalty; t-test at {self.confidence_level:.0%}).",
        )

    def __repr__(self) -> str:
        return (
            f"PRCAResult({len(self.factor)} attributes, n={self.n}, "
            f"r_squared={self.r_squared:.3f}, factor={self.factor}"
            f"{segment_note(self.segments)})"
        )


def _answers(
    given: Sequence[float] | None, default: FloatArray, name: str, where: str
) -> tuple[float, ...]:
    """Read the ``low`` / ``high`` answer codes (numbers)."""
    values: object = default if given is None else given
    try:
        return tuple(float(v) for v in np.atleast_1d(np.asarray(values)))
    except (TypeError, ValueError) as exc:
        msg = (
            f"The '{name}' parameter of {where} must be a sequence of answer "
            f"codes (numbers). Got {given!r} instead."
        )
        raise InputError(msg) from exc


def _ols_from_moments(m: Moments) -> tuple[FloatArray, FloatArray, float]:
    r"""OLS slopes, their covariance and R-squared from Moments (outcome last).

    :math:`b = S_{xx}^{-1} s_{xy}`, :math:`\hat\sigma^2 = (s_{yy} -
    s_{xy}^\top b)(n-1)/(n-q-1)`, :math:`\mathrm{Cov}(b) = \hat\sigma^2
    S_{xx}^{-1}/(n-1)` with the covariance matrix S (divisor n - 1).
    """
    S = m.covariance()
    q = S.shape[0] - 1
    n = float(m.effective_n()[0]) if m.weighted else float(m.n)
    Sxx, sxy, syy = S[:q, :q], S[:q, q], S[q, q]
    if not float(syy) > 0:
        msg = "prca: the 'target' answers do not vary; no regression to fit."
        raise EstimationError(msg)
    if not n - q - 1 > 0:
        msg = (
            f"prca needs more than {q + 1} respondents (effective n when "
            f"weighted); got {n:.3g}."
        )
        raise EstimationError(msg)
    try:
        inv = np.linalg.inv(Sxx)
    except np.linalg.LinAlgError as exc:
        msg = (
            "prca: the dummies are collinear (singular design); choose other "
            "'low'/'high' answers or fewer items."
        )
        raise EstimationError(msg) from exc
    b = inv @ sxy
    resid = max(float(syy - sxy @ b), 0.0)
    dof = n - q - 1
    sigma2 = resid * (n - 1) / dof
    return b, sigma2 * inv / (n - 1), 1.0 - resid / float(syy)


def prca(
    data: object,
    *,
    items: Sequence[str] | None = None,
    target: str,
    scale: Scale | tuple[float, float],
    low: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> PRCAResult:
    r"""Penalty-reward contrast analysis with the three-factor classification.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        Respondents x columns (the rows are needed to code the dummies).
    items : sequence of str, optional
        Attribute performance columns (default: every column other than
        ``target``, weights and segments).
    target : str
        Overall-satisfaction column.
    scale : Scale or (min, max)
        The items' (discrete) answer scale; a ``(min, max)`` pair is
        ``Scale.interval`` and then needs explicit ``low`` and ``high``.
    low, high : sequence of float, optional
        Answers coded as low / high performance. Default: the points below /
        above the scale midpoint (1-2 and 4-5 on 1-5); the rest is the
        reference category.
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights`` or ``n_resamples``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one analysis per segment in
        ``result.segments``.
    confidence_level : float
        Level of the intervals and of the asymmetry test used to classify.
    nan_policy : {"omit", "raise"}

    Returns
    -------
    PRCAResult

    Raises
    ------
    InputError
        Answers off ``scale``, ``low``/``high`` empty or overlapping.
    EstimationError
        A dummy without variance (nobody in an item's low or high group),
        collinear dummies, or too few respondents: q items need more than
        2q + 1 complete respondents.

    Notes
    -----
    Model (Brandt 1987): :math:`y = a + \sum_j (p_j L_j + r_j H_j) + e` with
    :math:`L_j = 1[x_j \in \mathrm{low}]`, :math:`H_j = 1[x_j \in
    \mathrm{high}]`. Class of item j from the t-test of
    :math:`r_j + p_j = 0` (reward equal to the size of the penalty): basic
    when significantly negative, excitement when significantly positive,
    performance otherwise. Coefficients are checked against
    ``numpy.linalg.lstsq`` on the dummy matrix in the tests.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import Scale
    >>> from satmodels.csi import prca
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 6, size=(400, 2)).astype(float)
    >>> y = 5 - 2.0 * (x[:, 0] <= 2) + 2.0 * (x[:, 1] >= 4) + rng.normal(size=400)
    >>> data = {"a": x[:, 0], "b": x[:, 1], "y": y}
    >>> r = prca(data, target="y", scale=Scale.likert(1, 5))
    >>> r.factor
    {'a': 'basic', 'b': 'excitement'}
    """
    if design is not None:
        return fit_with_design(prca, locals())
    where = "prca"
    level = check_confidence_level(confidence_level, where)
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    sc = as_scale(scale, where)
    if sc is None:
        msg = f"The 'scale' parameter of {where} is required (a Scale or (min, max))."
        raise InputError(msg)
    pts = np.asarray(sc.points(), dtype=np.float64)
    if pts.size < 3 and (low is None or high is None):
        msg = (
            f"The 'scale' parameter of {where} must be discrete with at least 3 "
            f"points, or 'low' and 'high' must be given. Got {sc.describe()}."
        )
        raise InputError(msg)
    mid = (sc.minimum + sc.maximum) / 2
    lows = _answers(low, pts[pts < mid], "low", where)
    highs = _answers(high, pts[pts > mid], "high", where)
    if set(lows) & set(highs) or not lows or not highs:
        msg = (
            f"The 'low' and 'high' parameters of {where} must be non-empty and "
            f"disjoint. Got low={lows}, high={highs}."
        )
        raise InputError(msg)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items, "target": target},
        weights=weights,
        segments=segments,
        accept=["rows"],
    )
    tgt = table.role("target")[0]
    attrs = [c for c in table.role("items") if c != tgt]
    if not attrs:
        msg = f"The 'items' parameter of {where} must name at least one column."
        raise InputError(msg)
    check_on_scale(table.matrix(attrs), sc, attrs, where)
    dcols = [f"{a}:low" for a in attrs] + [f"{a}:high" for a in attrs] + [tgt]

    def fit(part: Table, _segment: str | None) -> PRCAResult:
        perf = part.matrix(attrs)
        low_d = np.where(np.isnan(perf), np.nan, np.isin(perf, lows).astype(float))
        high_d = np.where(np.isnan(perf), np.nan, np.isin(perf, highs).astype(float))
        dummies = np.column_stack([low_d, high_d, part.column(tgt)])
        m = _moments_from_values(
            dummies,
            tuple(dcols),
            part.weights,
            missing="listwise",
            nan_policy=nan_policy,
            backend=part.backend,
            where=where,
            name="items",
        )
        return _fit(m, attrs, dcols, lows, highs, level, part.backend, where)

    return fit_segments(table, fit)


def _fit(  # noqa: PLR0917 - private, one caller
    m: Moments,
    attrs: list[str],
    dcols: list[str],
    lows: tuple[float, ...],
    highs: tuple[float, ...],
    level: float,
    backend: str | None,
    where: str,
) -> PRCAResult:
    var = m.variance()[:-1]
    if np.any(~(var > 0)):
        bad = [c for c, v in zip(dcols[:-1], var, strict=True) if not v > 0]
        msg = (
            f"{where}: no variation in the dummy/dummies {bad} (nobody, or everybody, "
            "in that group); choose other 'low'/'high' answers."
        )
        raise EstimationError(msg)
    k = len(attrs)
    q = 2 * k
    if m.n <= q + 1:
        msg = f"{where} needs more than {q + 1} complete respondents; got {m.n}."
        raise EstimationError(msg)
    corr = m.correlation()[:-1, :-1]
    if np.linalg.eigvalsh(corr)[0] < 1e-10:
        msg = (
            f"{where}: the dummies {dcols[:-1]} are collinear (one is a linear "
            "combination of the others: the same respondents are low or high "
            "on several attributes), so penalties and rewards cannot be told "
            "apart; choose other 'low'/'high' answers or drop an attribute."
        )
        raise EstimationError(msg)
    b, cov, r2 = _ols_from_moments(m)
    pen, rew = b[:k], b[k:]
    idx = np.arange(k)
    var_b = np.diagonal(cov)
    var_asym = cov[idx, idx] + cov[idx + k, idx + k] + 2 * cov[idx, idx + k]
    if np.any(var_b <= 0) or np.any(var_asym <= 0):
        # an exact fit (R² = 1) leaves no residual variance; rounding can
        # make the variances slightly negative: never the root of those
        warnings.warn(
            f"{where}: the dummies fit the target exactly (R^2 = {r2:.6g}): there "
            "is no residual variance, so the standard errors are 0 and the "
            "tests and intervals are undefined (NaN).",
            SatmodelsWarning,
            stacklevel=4,
        )
    se = np.sqrt(np.maximum(var_b, 0.0))
    asym = rew + pen
    asym_se = np.sqrt(np.maximum(var_asym, 0.0))
    dof = float(m.n - q - 1)

    def build(lv: float) -> Estimates:
        return estimates(
            kind=("penalty",) * k + ("reward",) * k + ("asymmetry",) * k,
            name=attrs * 3,
            estimate=np.concatenate([pen, rew, asym]),
            standard_error=np.concatenate([se, asym_se]),
            df=dof,
            n=m.n,
            interval="t",
            confidence_level=lv,
            backend=backend,
        )

    est = build(level)
    pval = est.pvalue[2 * k :]
    factor = {}
    for j, a in enumerate(attrs):
        if pval[j] < 1 - level:
            factor[a] = "excitement" if asym[j] > 0 else "basic"
        else:
            factor[a] = "performance"
    with np.errstate(divide="ignore", invalid="ignore"):
        ia = (rew - np.abs(pen)) / (rew + np.abs(pen))
    return PRCAResult(
        estimates=est,
        confidence_level=level,
        penalty=dict(zip(attrs, pen.tolist(), strict=True)),
        reward=dict(zip(attrs, rew.tolist(), strict=True)),
        asymmetry=dict(zip(attrs, asym.tolist(), strict=True)),
        impact_asymmetry=dict(zip(attrs, ia.tolist(), strict=True)),
        factor=factor,
        low_values=lows,
        high_values=highs,
        r_squared=r2,
        n=m.n,
        missing_report=m.missing_report,
        _refit=build,
    )
