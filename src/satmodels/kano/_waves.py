r"""Change of Kano categories between two survey waves (the life cycle).

Kano's attributes drift over time: attractive becomes one-dimensional, then
must-be (Kano 2001; Berger et al. 1993, section I). Given the results of two
waves, each attribute's category distribution is compared with a test of
homogeneity of the 2 x k table of counts (waves x categories, empty
categories dropped):

* ``chi2``: Pearson's chi-square test, ``scipy.stats.chi2_contingency``
  without continuity correction, used when every expected count is at
  least 5 (Cochran 1954);
* ``monte_carlo``: the exact conditional test of the same statistic (the
  Freeman-Halton extension of Fisher's exact test to 2 x k tables): the
  first wave's row is redrawn from the multivariate hypergeometric
  distribution given both margins, and the p-value is
  :math:`(1 + \#\{X^2_b \ge X^2_{obs}\}) / (B + 1)` (Davison & Hinkley
  1997, eq. 4.11). Used for small counts.

The modal categories of both waves form a transition table (rows: first
wave, columns: second wave); the moves A -> O, O -> M and A -> M follow the
life cycle and are flagged.

References
----------
.. [1] Kano, N. (2001). Life cycle and creation of attractive quality. 4th
   International QMOD Conference, Linköping.
.. [2] Cochran, W. G. (1954). Some methods for strengthening the common
   chi-square tests. Biometrics, 10(4), 417-451.
.. [3] Davison, A. C., & Hinkley, D. V. (1997). Bootstrap Methods and their
   Application. Cambridge University Press.
.. [4] Freeman, G. H., & Halton, J. H. (1951). Note on an exact treatment of
   contingency, goodness of fit and other problems of significance.
   Biometrika, 38(1/2), 141-149.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from .._validation import check_confidence_level, check_count, check_rng
from ..exceptions import InputError
from ..results._base import ResultMixin, jsonable
from ..results._estimates import Estimates, concat, estimates
from ..results._summary import Summary, table
from ._analyze import analyze
from ._options import DEFAULT_TIE_RULE
from ._result import KanoResult
from ._table import CATEGORIES, DEFAULT_ANSWERS, STANDARD_TABLE, KanoAnswers, KanoTable

__all__ = ["LIFE_CYCLE", "WaveComparison", "compare_waves"]

#: Moves of the modal category that follow the life cycle A -> O -> M.
LIFE_CYCLE: frozenset[tuple[str, str]] = frozenset({("A", "O"), ("O", "M"), ("A", "M")})
_REVERSE = frozenset((b, a) for a, b in LIFE_CYCLE)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class WaveComparison(ResultMixin):
    """Per-attribute test of category change between two waves.

    Attributes
    ----------
    attributes : tuple of str
        Attributes present in both waves.
    estimates : Estimates
        Per attribute the change of Better and of Worse (kinds
        ``"better_change"``, ``"worse_change"``; second wave minus first)
        with normal intervals from the two waves' independent binomial
        standard errors, and the homogeneity test (kind ``"category_test"``:
        ``statistic`` X^2, ``pvalue``).
    first, second : KanoResult
        The analyses of the two waves.
    first_category, second_category : tuple of str
        Modal category in each wave.
    direction : tuple of str
        "life-cycle" (A -> O, O -> M, A -> M), "reverse" (the opposite
        moves), "unchanged" or "other".
    life_cycle : ndarray of bool
        ``direction == "life-cycle"``.
    statistic : ndarray
        Pearson's X^2 of the 2 x k table.
    dof : ndarray of int
        Degrees of freedom ``k - 1``.
    p_value : ndarray
        From the chi-square distribution or the Monte Carlo exact test.
    method : tuple of str
        "chi2", "monte_carlo" or "none" (fewer than two categories used).
    significant : ndarray of bool
        ``p_value < significance_level``.
    better_change, worse_change : ndarray
        Second wave minus first wave.
    transitions : ndarray of int, shape (6, 6)
        Attributes by (first, second) modal category, order A, O, M, I, R, Q.
    significance_level : float
        Significance level.
    n_resamples : int
        Monte Carlo tables drawn per small-count attribute.
    """

    attributes: tuple[str, ...]
    estimates: Estimates
    first: KanoResult
    second: KanoResult
    first_category: tuple[str, ...]
    second_category: tuple[str, ...]
    direction: tuple[str, ...]
    life_cycle: BoolArray
    statistic: FloatArray
    dof: IntArray
    p_value: FloatArray
    method: tuple[str, ...]
    significant: BoolArray
    better_change: FloatArray
    worse_change: FloatArray
    transitions: IntArray
    categories: tuple[str, ...] = CATEGORIES
    significance_level: float = 0.05
    n_resamples: int = 9999
    confidence_level: float = 0.95
    _backend: str | None = None

    def __repr__(self) -> str:
        moved = sum(1 for d in self.direction if d != "unchanged")
        return (
            f"WaveComparison(attributes={len(self.attributes)}, "
            f"changed={moved}, life_cycle={int(self.life_cycle.sum())}, "
            f"significant={int(self.significant.sum())}, "
            f"significance_level={self.significance_level})"
        )

    def confidence_interval(self, confidence_level: float | None = None) -> Any:  # noqa: ANN401 - ConfidenceInterval
        """Intervals of the rows of :attr:`estimates` (normal; recomputable)."""
        return self.estimates.confidence_interval(confidence_level)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "name": name,
                "first_category": self.first_category[j],
                "second_category": self.second_category[j],
                "direction": self.direction[j],
                "life_cycle": bool(self.life_cycle[j]),
                "statistic": float(self.statistic[j]),
                "dof": int(self.dof[j]),
                "p_value": float(self.p_value[j]),
                "method": self.method[j],
                "significant": bool(self.significant[j]),
                "better_change": float(self.better_change[j]),
                "worse_change": float(self.worse_change[j]),
            }
            for j, name in enumerate(self.attributes)
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: per-attribute records and the transition table."""
        return {
            "attributes": jsonable(self._records()),
            "transitions": {
                "categories": list(self.categories),
                "counts": self.transitions.tolist(),
            },
            "significance_level": self.significance_level,
            "n_resamples": self.n_resamples,
            "confidence_level": self.confidence_level,
            "estimates": self.estimates.to_dict(),
        }

    def summary(self) -> Summary:
        """Return the tests per attribute and the transition table."""
        rows = [
            (
                r["name"],
                r["first_category"],
                r["second_category"],
                r["direction"],
                r["statistic"],
                r["dof"],
                r["p_value"],
                r["method"],
            )
            for r in self._records()
        ]
        trans_rows = [
            (c, *(int(v) for v in self.transitions[k]))
            for k, c in enumerate(self.categories)
        ]
        return Summary(
            title="Kano category change between waves",
            tables=(
                table(
                    "Per attribute",
                    (
                        "attribute",
                        "wave 1",
                        "wave 2",
                        "direction",
                        "X2",
                        "dof",
                        "p",
                        "method",
                    ),
                    rows,
                ),
                table(
                    "Transitions of the modal category (rows: wave 1)",
                    ("", *self.categories),
                    trans_rows,
                ),
            ),
            notes=(
                "chi2: Pearson's test when every expected count >= 5; otherwise "
                "monte_carlo: exact conditional (Freeman-Halton) test by "
                f"{self.n_resamples} multivariate-hypergeometric tables.",
                "life-cycle: A -> O, O -> M or A -> M (Kano 2001).",
            ),
        )


def _test_counts(res: KanoResult, j: int) -> FloatArray:
    """Category counts of the test: weighted counts rescaled to Kish's n."""
    if not res.weighted:
        raw: FloatArray = np.asarray(res.counts[j], dtype=np.float64)
        return raw
    total = float(res.weighted_counts[j].sum())
    if total <= 0:
        return np.zeros(len(CATEGORIES))
    scale = float(res.n_effective[j]) / total
    out: FloatArray = np.rint(
        np.asarray(res.weighted_counts[j], dtype=np.float64) * scale
    )
    return out


def _se(res: KanoResult, j: int, kind: str) -> float:
    rows = [
        i
        for i, (k, nm) in enumerate(
            zip(res.estimates.kind, res.estimates.name, strict=True)
        )
        if k == kind and nm == res.attributes[j]
    ]
    return float(res.estimates.standard_error[rows[0]])


def _change_estimates(
    first: KanoResult,
    second: KanoResult,
    *,
    names: list[str],
    stat: FloatArray,
    pval: FloatArray,
    confidence_level: float,
    backend: str | None,
) -> Estimates:
    est, se, kinds, rows, nn = [], [], [], [], []
    for name in names:
        j1, j2 = first.attributes.index(name), second.attributes.index(name)
        for kind, attr in (("better", "better"), ("worse", "worse")):
            d = float(getattr(second, attr)[j2] - getattr(first, attr)[j1])
            s1, s2 = _se(first, j1, kind), _se(second, j2, kind)
            est.append(d)
            se.append(float(np.sqrt(s1 * s1 + s2 * s2)))
            kinds.append(f"{kind}_change")
            rows.append(name)
            nn.append(float(first.n_effective[j1] + second.n_effective[j2]))
    test = estimates(
        name=names,
        estimate=stat,
        kind="category_test",
        confidence_level=confidence_level,
        interval="none",
        statistic=stat,
        pvalue=pval,
        backend=backend,
    )
    change = estimates(
        name=rows,
        estimate=np.asarray(est),
        kind=kinds,
        confidence_level=confidence_level,
        standard_error=np.asarray(se),
        n=np.asarray(nn),
        interval="normal",
        backend=backend,
    )
    return concat([change, test])


def _pearson(obs: FloatArray, expected: FloatArray) -> FloatArray:
    out: FloatArray = ((obs - expected) ** 2 / expected).sum(axis=(-2, -1))
    return out


def _test_one(
    c1: FloatArray,
    c2: FloatArray,
    *,
    method: str,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[float, int, float, str]:
    tab = np.vstack([c1, c2])
    keep = tab.sum(axis=0) > 0
    tab = tab[:, keep]
    if tab.shape[1] < 2 or (tab.sum(axis=1) == 0).any():
        return float("nan"), 0, float("nan"), "none"
    rows = tab.sum(axis=1)
    cols = tab.sum(axis=0)
    total = tab.sum()
    expected = np.outer(rows, cols) / total
    dof = tab.shape[1] - 1
    use = method
    if method == "auto":
        use = "chi2" if (expected >= 5).all() else "monte_carlo"
    x2 = float(_pearson(tab, expected))
    if use == "chi2":
        from scipy import stats  # noqa: PLC0415 - scipy.stats takes a second to load

        res = stats.chi2_contingency(tab, correction=False)
        return float(res.statistic), dof, float(res.pvalue), "chi2"
    first = rng.multivariate_hypergeometric(
        cols.astype(np.int64), int(rows[0]), size=n_resamples
    )
    sims = np.stack([first, cols[None, :] - first], axis=1).astype(np.float64)
    x2_sim = _pearson(sims, expected[None, :, :])
    exceed = np.count_nonzero(x2_sim >= x2 - 1e-9 * max(1.0, abs(x2)))
    return x2, dof, (1.0 + exceed) / (n_resamples + 1.0), "monte_carlo"


def compare_waves(
    first: object,
    second: object,
    *,
    functional: str | Sequence[str] | None = None,
    dysfunctional: str | Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    attributes: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    answers: KanoAnswers | Sequence[float] = DEFAULT_ANSWERS,
    table: KanoTable = STANDARD_TABLE,
    tie_rule: str | Sequence[str] = DEFAULT_TIE_RULE,
    method: Literal["auto", "chi2", "monte_carlo"] = "auto",
    significance_level: float = 0.05,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> WaveComparison:
    """Test each attribute's category change between two survey waves.

    Parameters
    ----------
    first, second : data or KanoResult
        The two waves: data sets read like the ``data`` of
        :func:`satmodels.kano.analyze` with the same column keywords, or
        results of :func:`~satmodels.kano.analyze`. Attributes are matched
        by name.
    functional, dysfunctional, pairs, attributes, columns, answers, table, tie_rule
        As in :func:`satmodels.kano.analyze`, for both waves.
    weights : array_like or str, optional
        Case weights: a column name of both waves (an array does not fit
        two waves). The test then uses the weighted counts rescaled to
        Kish's effective n.
    method : {"auto", "chi2", "monte_carlo"}
        Test of the 2 x k table of category counts; ``auto`` uses the
        chi-square test when every expected count is at least 5 and the
        Monte Carlo exact conditional test otherwise.
    significance_level : float
        Significance level of ``significant``.
    confidence_level : float
        Level of the intervals of the Better and Worse changes.
    n_resamples : int
        Tables drawn by the Monte Carlo test.
    rng : None, int, SeedSequence or Generator
        Randomness of the Monte Carlo test.
    nan_policy : {"omit", "raise"}
        As in :func:`satmodels.kano.analyze`.

    Returns
    -------
    WaveComparison

    Notes
    -----
    The chi-square branch is ``scipy.stats.chi2_contingency`` itself; the
    Monte Carlo branch is checked against a full enumeration of 2 x k tables
    in ``tests/test_kano.py``.

    Examples
    --------
    >>> from satmodels import kano
    >>> w1 = {"f": [1] * 30 + [2] * 10, "d": [4] * 30 + [5] * 10}
    >>> w2 = {"f": [1] * 10 + [2] * 30, "d": [5] * 40}
    >>> cmp = kano.compare_waves(w1, w2, functional="f", dysfunctional="d")
    >>> cmp.first_category, cmp.second_category, cmp.direction
    (('A',), ('M',), ('life-cycle',))
    """
    where = "kano.compare_waves"
    if weights is not None and not isinstance(weights, str):
        msg = (
            f"The 'weights' parameter of {where} must name a column of both "
            f"waves. Got {type(weights).__name__} instead."
        )
        raise InputError(msg)
    level = check_confidence_level(confidence_level, where)
    waves: list[KanoResult] = []
    for wave in (first, second):
        if isinstance(wave, KanoResult):
            waves.append(wave)
            continue
        waves.append(
            analyze(
                wave,
                functional=functional,
                dysfunctional=dysfunctional,
                pairs=pairs,
                attributes=attributes,
                columns=columns,
                weights=weights,
                answers=answers,
                table=table,
                tie_rule=tie_rule,
                confidence_level=confidence_level,
                nan_policy=nan_policy,
            )
        )
    first, second = waves
    where = "kano.compare_waves"
    chosen: str = method
    if chosen not in ("auto", "chi2", "monte_carlo"):
        msg = (
            f"The 'method' parameter of {where} must be 'auto', 'chi2' or "
            f"'monte_carlo'. Got {method!r} instead."
        )
        raise InputError(msg)
    if not 0.0 < float(significance_level) < 1.0:
        msg = (
            f"The 'significance_level' parameter of {where} must lie in (0, 1). "
            f"Got {significance_level!r}."
        )
        raise InputError(msg)
    n_res = check_count(n_resamples, where, "n_resamples", minimum=1)
    names = [a for a in first.attributes if a in second.attributes]
    if not names:
        msg = (
            f"{where}: the two waves share no attribute names "
            f"({list(first.attributes)} vs {list(second.attributes)})."
        )
        raise InputError(msg)
    gen = check_rng(rng, where)
    stat = np.full(len(names), np.nan)
    dof = np.zeros(len(names), dtype=np.int64)
    pval = np.full(len(names), np.nan)
    methods: list[str] = []
    cat1: list[str] = []
    cat2: list[str] = []
    directions: list[str] = []
    trans = np.zeros((6, 6), dtype=np.int64)
    d_better = np.full(len(names), np.nan)
    d_worse = np.full(len(names), np.nan)
    for k, name in enumerate(names):
        j1 = first.attributes.index(name)
        j2 = second.attributes.index(name)
        s, df, p, m = _test_one(
            _test_counts(first, j1),
            _test_counts(second, j2),
            method=method,
            n_resamples=n_res,
            rng=gen,
        )
        stat[k], dof[k], pval[k] = s, df, p
        methods.append(m)
        a, b = first.category[j1], second.category[j2]
        cat1.append(a)
        cat2.append(b)
        if a in CATEGORIES and b in CATEGORIES:
            trans[CATEGORIES.index(a), CATEGORIES.index(b)] += 1
        if (a, b) in LIFE_CYCLE:
            directions.append("life-cycle")
        elif (a, b) in _REVERSE:
            directions.append("reverse")
        elif a == b:
            directions.append("unchanged")
        else:
            directions.append("other")
        d_better[k] = second.better[j2] - first.better[j1]
        d_worse[k] = second.worse[j2] - first.worse[j1]
    life = np.asarray([d == "life-cycle" for d in directions], dtype=bool)
    est = _change_estimates(
        first,
        second,
        names=names,
        stat=stat,
        pval=pval,
        confidence_level=level,
        backend=first._backend,
    )
    return WaveComparison(
        attributes=tuple(names),
        estimates=est,
        first=first,
        second=second,
        first_category=tuple(cat1),
        second_category=tuple(cat2),
        direction=tuple(directions),
        life_cycle=life,
        statistic=stat,
        dof=dof,
        p_value=pval,
        method=tuple(methods),
        significant=~np.isnan(pval)
        & (np.nan_to_num(pval, nan=1.0) < significance_level),
        better_change=d_better,
        worse_change=d_worse,
        transitions=trans,
        significance_level=float(significance_level),
        n_resamples=n_res,
        confidence_level=est.confidence_level,
        _backend=first._backend,
    )
