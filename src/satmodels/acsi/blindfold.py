r"""Stone-Geisser Q² by blindfolding: construct cross-validated redundancy.

``acsi.blindfold(data, model=..., omission_distance=7)`` computes, for
every endogenous construct c, Stone's (1974) and Geisser's (1974)
:math:`Q^2` by blindfolding (Wold 1982; Chin 1998, p. 317; Hair et al.
2022, ch. 6): in round j = 1..D the rows j, j + D, j + 2D, ... have the
answers of c's indicators omitted and replaced by the mean of the other
rows (mean replacement, SmartPLS's default); the model is re-estimated;
each omitted answer is predicted from the re-estimated model, from the
scores of c's predecessors through the paths and c's loading
(cross-validated redundancy), and unstandardized. Over all rounds and c's
indicators,

.. math::

    Q^2_c = 1 - \frac{\sum_j \mathrm{SSE}_j}{\sum_j \mathrm{SSO}_j},\qquad
    \mathrm{SSE}_j = \sum_{i \in j} \sum_l (x_{il} - \hat x_{il})^2,\quad
    \mathrm{SSO}_j = \sum_{i \in j} \sum_l (x_{il} - \bar x_l^{(-j)})^2,

with :math:`\bar x_l^{(-j)}` the mean of the rows kept in round j, the
errors of each indicator in units of its full-sample standard deviation
(SmartPLS and semPLS blindfold the standardized data: SSO is about n times
the number of indicators); with case weights, weighted sums and means.

The re-estimation needs no pass over the rows: with A the rows kept and
B the rows omitted, the mean-replaced data have the moments of A in every
entry involving c's indicators (a replaced answer sits at A's mean and adds
nothing to a co-moment) and the total moments elsewhere; A's moments are
the total minus B's (:mod:`satmodels.acsi._folds`). So D rounds cost one
pass over the rows plus D x (endogenous constructs) small fits, run as one
batch.

References
----------
.. [1] Stone, M. (1974). Cross-validatory choice and assessment of
   statistical predictions. JRSS B, 36(2), 111-147.
.. [2] Geisser, S. (1974). A predictive approach to the random effect
   model. Biometrika, 61(1), 101-107.
.. [3] Chin, W. W. (1998). The partial least squares approach to
   structural equation modeling. In G. A. Marcoulides (Ed.), Modern
   methods for business research (pp. 295-336). Erlbaum.
.. [4] Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2022).
   A primer on partial least squares structural equation modeling
   (PLS-SEM) (3rd ed.). Sage.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..exceptions import ConvergenceWarning, EstimationError, InputError
from ..results._base import EstimatesResult, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..stats.moments import MissingReport
from ._folds import Sums, difference, fold_sums, sort_folds, total_sums
from ._predict_kernel import FoldError, maps, targets
from ._predict_read import prepare
from .spec import ModelSpec

__all__ = ["BlindfoldResult", "blindfold"]

_WHERE = "acsi.blindfold"


@dataclass(frozen=True, slots=True, kw_only=True)
class BlindfoldResult(EstimatesResult):
    """Q² (cross-validated redundancy) of every endogenous construct.

    Attributes
    ----------
    spec : ModelSpec
    latents : tuple of str
        Endogenous constructs, the order of the arrays.
    q2, sse, sso : ndarray
        :math:`Q^2`, and the sums of squared prediction errors and of
        squared deviations from the kept rows' means over all rounds.
    omission_distance : int
    n : int
        Usable respondents.
    missing_report : MissingReport
    estimates : Estimates
        Kind ``"q2"``, one row per construct (no intervals).
    confidence_level : float
    """

    spec: ModelSpec
    latents: tuple[str, ...]
    q2: FloatArray
    sse: FloatArray
    sso: FloatArray
    omission_distance: int
    n: int
    missing_report: MissingReport = field(repr=False)
    estimates: Estimates = field(repr=False)
    confidence_level: float = 0.95
    _backend: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: Q², SSE and SSO per construct."""
        out: dict[str, Any] = jsonable(
            {
                "latents": self.latents,
                "q2": self.q2,
                "sse": self.sse,
                "sso": self.sso,
                "omission_distance": self.omission_distance,
                "n": self.n,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        vals = ", ".join(
            f"{lv}={v:.3f}" for lv, v in zip(self.latents, self.q2, strict=True)
        )
        return (
            f"BlindfoldResult(omission_distance={self.omission_distance}, "
            f"n={self.n}, q2: {vals})"
        )

    def summary(self) -> Summary:
        """Q², SSE and SSO per endogenous construct."""
        rows = [
            (lv, self.q2[k], self.sse[k], self.sso[k])
            for k, lv in enumerate(self.latents)
        ]
        return Summary(
            title="Blindfolding Q² (Stone 1974; Geisser 1974)",
            tables=(
                table(
                    "Cross-validated redundancy",
                    ["construct", "Q2", "SSE", "SSO"],
                    rows,
                ),
            ),
            notes=(
                f"Omission distance D = {self.omission_distance}, n = {self.n}; "
                "omitted answers mean-replaced; Q2 > 0: predictive relevance.",
            ),
        )


def _mixed(total: Sums, kept: Sums, cols: np.ndarray[Any, Any]) -> Sums:
    """Moments of the data with ``cols`` mean-replaced on the omitted rows.

    Entries involving ``cols`` are those of the kept rows; the others, and
    the weights, those of all rows (module docstring).
    """
    b = kept.weight.size
    mean = np.broadcast_to(total.mean, kept.mean.shape).copy()
    mean[:, cols] = kept.mean[:, cols]
    com = np.broadcast_to(total.comoment, kept.comoment.shape).copy()
    com[:, cols, :] = kept.comoment[:, cols, :]
    com[:, :, cols] = kept.comoment[:, :, cols]
    return Sums(
        weight=np.full(b, total.weight[0]),
        weight_sq=np.full(b, total.weight_sq[0]),
        mean=mean,
        comoment=com,
    )


def blindfold(
    data: object,
    *,
    model: ModelSpec | str | dict[str, Any] = "acsi",
    omission_distance: int = 7,
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    scheme: Literal["centroid", "factorial", "path"] | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
) -> BlindfoldResult:
    r"""Stone-Geisser Q² of every endogenous construct by blindfolding.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        Respondents x indicators, rows in memory (a lazy frame or Moments
        is refused: omitted answers are predicted row by row).
    model : ModelSpec, str or dict
        The PLS path model.
    omission_distance : int
        D (default 7; Hair et al. 2022 advise 5 to 10, with n / D not an
        integer): every D-th row is omitted in a round, D rounds.
    columns, weights, nan_policy, scheme, tol, max_iter
        As for :func:`satmodels.acsi.predict`.

    Returns
    -------
    BlindfoldResult

    Raises
    ------
    InputError
        A lazy frame or Moments, an omission distance below 2 or above
        half the usable respondents, a model without structural paths.
    EstimationError
        A round whose data leave an indicator without variance.

    Warns
    -----
    ConvergenceWarning
        Re-estimations whose PLS iterations reached ``max_iter``.

    Notes
    -----
    Formulas in :mod:`satmodels.acsi.blindfold`. Checked against R
    semPLS 1.0-10's ``qSquared(fit, d, impfun = meanrep, dlines = TRUE)``
    on the ECSI mobi data (tests/golden/seminr_predict.json), whose loop
    over the rounds was read as ``1:d`` (the published code runs ``1:(d -
    1)`` and never omits rows D, 2D, ...); seminr and cSEM have no
    blindfolding.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> res = acsi.blindfold(load_sample_survey(), omission_distance=7)
    >>> res.latents
    ('QUAL', 'VAL', 'SAT', 'COMP', 'LOY')
    >>> bool((res.q2 > 0).all())
    True
    """
    d = omission_distance
    if not isinstance(d, int | np.integer) or isinstance(d, bool) or d < 2:
        msg = (
            f"The 'omission_distance' parameter of {_WHERE} must be an integer "
            f"of at least 2. Got {omission_distance!r} instead."
        )
        raise InputError(msg)
    prep = prepare(
        data,
        model=model,
        technique="da",
        folds=2,
        repetitions=1,
        columns=columns,
        weights=weights,
        nan_policy=nan_policy,
        scheme=scheme,
        tol=tol,
        max_iter=max_iter,
        rng=0,
        where=_WHERE,
        default_reps=1,
    )
    x, w, lay = prep.x, prep.w, prep.lay
    n = x.shape[0]
    if 2 * d > n:
        msg = (
            f"The 'omission_distance' parameter of {_WHERE} ({d}) must be at most "
            f"half the usable respondents ({n})."
        )
        raise InputError(msg)
    tg = targets(lay, "da")
    labels = np.arange(n) % d
    s = sort_folds(x, w, labels, d)
    total = total_sums(x, w)
    kept = difference(total, fold_sums(s))  # (D,) rows kept in each round
    endo = [int(k) for k in tg.endo_latents]
    parts = [_mixed(total, kept, lay.members[c]) for c in endo]
    batch = Sums(
        weight=np.concatenate([p.weight for p in parts]),
        weight_sq=np.concatenate([p.weight_sq for p in parts]),
        mean=np.concatenate([p.mean for p in parts]),
        comoment=np.concatenate([p.comoment for p in parts]),
    )
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            mp = maps(
                batch,
                lay,
                tg,
                "da",
                prep.opts.scheme,
                prep.opts.tol,
                prep.opts.max_iter,
            )
    except FoldError as exc:
        msg = f"{_WHERE} cannot re-estimate the model in every round: {exc}."
        raise EstimationError(msg) from exc
    except np.linalg.LinAlgError as exc:
        msg = f"{_WHERE}: the linear algebra of a round failed ({exc})."
        raise EstimationError(msg) from exc
    if not mp.converged.all():
        warnings.warn(
            f"{_WHERE}: the PLS iterations of {int((~mp.converged).sum())} of "
            f"{mp.converged.size} re-estimations did not converge in "
            f"{prep.opts.max_iter} iterations; their last weights were used.",
            ConvergenceWarning,
            stacklevel=2,
        )
    var = total.std()[0] ** 2  # the full sample's: SSE and SSO in its z-units
    col_of = {int(i): q for q, i in enumerate(tg.endo)}
    sse = np.zeros(len(endo))
    sso = np.zeros(len(endo))
    for ci, c in enumerate(endo):
        cols = [col_of[int(i)] for i in lay.members[c]]
        items = lay.members[c]
        for j in range(d):
            b = ci * d + j
            lo, hi = int(s.start[j]), int(s.start[j + 1])
            rows = s.rows[lo:hi]
            ww = None if s.weights is None else s.weights[lo:hi]
            pred = rows @ mp.pls_b[b][:, cols] + mp.pls_a[b][cols]
            err = (rows[:, items] - pred) ** 2 / var[items]
            dev = (rows[:, items] - kept.mean[j, items]) ** 2 / var[items]
            sse[ci] += float(err.sum() if ww is None else ww @ err.sum(axis=1))
            sso[ci] += float(dev.sum() if ww is None else ww @ dev.sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        q2 = 1.0 - sse / sso
    if not np.all(np.isfinite(q2)):
        msg = f"{_WHERE}: a Q² is not finite (extreme answers)."
        raise EstimationError(msg)
    names = tuple(lay.latents[c] for c in endo)
    est = estimates(
        name=list(names),
        estimate=q2,
        kind="q2",
        confidence_level=0.95,
        n=float(n),
        interval="none",
        backend=prep.backend,
    )
    return BlindfoldResult(
        spec=prep.spec,
        latents=names,
        q2=q2,
        sse=sse,
        sso=sso,
        omission_distance=int(d),
        n=n,
        missing_report=prep.missing_report,
        estimates=est,
        _backend=prep.backend,
    )
