r"""PLSpredict: k-fold out-of-sample prediction of the endogenous indicators.

``acsi.predict(data, model=...)`` cross-validates a PLS path model as
PLSpredict does (Shmueli et al. 2016, 2019): the respondents are split into
k folds (``folds``, default 10), the model is fitted on every training set
(all folds but one) and predicts the held-out respondents' endogenous
indicators from their other answers; the whole split is repeated
``repetitions`` times (default 10) and each respondent's predictions are
averaged over the repetitions (seminr's ``predict_pls`` and cSEM's
``predict``). Per endogenous indicator:

.. math::

    \mathrm{RMSE} = \sqrt{\textstyle\sum_i w_i e_i^2 / \sum_i w_i}, \qquad
    \mathrm{MAE} = \textstyle\sum_i w_i |e_i| / \sum_i w_i, \qquad
    Q^2_\mathrm{predict} = 1 - \sum_i w_i e_i^2 / \sum_i w_i e_{i,IA}^2,

with :math:`e` the out-of-sample errors of the PLS model or of the linear
model (LM) benchmark, and :math:`e_{IA}` those of the indicator average of
the training set (Shmueli et al. 2019, p. 2328; w = 1 without case
weights). The predictors themselves are described in
:mod:`satmodels.acsi._predict_kernel`.

The training statistics are the total statistics minus the fold's (exact,
:mod:`satmodels.acsi._folds`): one pass over the rows per repetition, k
PLS fits as one batch, one matrix product per held-out fold.

References
----------
.. [1] Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B.
   (2016). The elephant in the room: predictive performance of PLS
   models. Journal of Business Research, 69(10), 4552-4564.
.. [2] Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H.,
   Vaithilingam, S., & Ringle, C. M. (2019). Predictive model assessment in
   PLS-SEM: guidelines for using PLSpredict. European Journal of
   Marketing, 53(11), 2322-2347.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from ..results._base import EstimatesResult, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..stats.moments import MissingReport
from ._predict_read import Technique, prepare, run
from .spec import ModelSpec

__all__ = ["PredictResult", "predict"]

_WHERE = "acsi.predict"
_MODELS = ("pls", "lm", "ia")


def _wmean(v: FloatArray, w: FloatArray | None) -> FloatArray:
    if w is None:
        return np.asarray(v.mean(axis=0))
    return np.asarray(w @ v / w.sum())


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictResult(EstimatesResult):
    """PLSpredict: out-of-sample errors per endogenous indicator.

    Attributes
    ----------
    spec : ModelSpec
    technique : {"ea", "da"}
        Earliest or direct antecedents.
    indicators : tuple of str
        The endogenous indicators predicted (the order of the arrays).
    rmse, mae, q2_predict : dict of str to ndarray
        Per model (``"pls"``, ``"lm"``; RMSE and MAE also ``"ia"``, the
        indicator average), one value per indicator.
    predictive_power : str
        Shmueli et al.'s (2019, p. 2331) reading of the RMSE: ``"high"``
        (PLS below LM on every indicator), ``"medium"`` (on most),
        ``"low"`` (on a minority), ``"none"`` (on none, or a
        :math:`Q^2_{predict}` of PLS at or below 0).
    predictions, lm_predictions : ndarray, (n, q)
        Out-of-sample predictions of every usable respondent, averaged over
        the repetitions.
    folds, repetitions, n : int
        Folds per repetition, repetitions, usable respondents.
    fold_labels : ndarray of int, (repetitions, n)
        The fold (0..k-1) of every usable respondent in every repetition.
    n_fits, n_unconverged : int
        Training fits, and those that reached ``max_iter``.
    missing_report : MissingReport
    estimates : Estimates
        Kinds ``pls_rmse``, ``lm_rmse``, ``ia_rmse``, ``pls_mae``,
        ``lm_mae``, ``ia_mae``, ``pls_q2_predict``, ``lm_q2_predict``, one
        row per indicator (no intervals).
    confidence_level : float
        0.95 (no intervals are formed).
    """

    spec: ModelSpec
    technique: str
    indicators: tuple[str, ...]
    rmse: dict[str, FloatArray]
    mae: dict[str, FloatArray]
    q2_predict: dict[str, FloatArray]
    predictive_power: str
    predictions: FloatArray = field(repr=False)
    lm_predictions: FloatArray = field(repr=False)
    folds: int
    repetitions: int
    n: int
    fold_labels: IntArray = field(repr=False)
    n_fits: int
    n_unconverged: int
    missing_report: MissingReport = field(repr=False)
    estimates: Estimates = field(repr=False)
    confidence_level: float = 0.95
    _backend: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: settings, metrics per indicator, estimates."""
        out: dict[str, Any] = jsonable(
            {
                "technique": self.technique,
                "indicators": self.indicators,
                "folds": self.folds,
                "repetitions": self.repetitions,
                "n": self.n,
                "n_fits": self.n_fits,
                "n_unconverged": self.n_unconverged,
                "predictive_power": self.predictive_power,
                "rmse": self.rmse,
                "mae": self.mae,
                "q2_predict": self.q2_predict,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        better = int(np.sum(self.rmse["pls"] < self.rmse["lm"]))
        return (
            f"PredictResult(technique={self.technique!r}, n={self.n}, "
            f"folds={self.folds}, repetitions={self.repetitions}, "
            f"indicators={len(self.indicators)}, pls_below_lm={better}, "
            f"predictive_power={self.predictive_power!r})"
        )

    def summary(self) -> Summary:
        """RMSE, MAE and Q²_predict per indicator, PLS beside the benchmarks."""
        head = [
            "indicator",
            "Q2_predict",
            "PLS RMSE",
            "LM RMSE",
            "IA RMSE",
            "PLS MAE",
            "LM MAE",
        ]
        rows = [
            (
                name,
                self.q2_predict["pls"][i],
                self.rmse["pls"][i],
                self.rmse["lm"][i],
                self.rmse["ia"][i],
                self.mae["pls"][i],
                self.mae["lm"][i],
            )
            for i, name in enumerate(self.indicators)
        ]
        tech = "earliest" if self.technique == "ea" else "direct"
        notes = (
            f"{self.folds} folds x {self.repetitions} repetition(s), n = {self.n}; "
            f"{tech} antecedents; predictions averaged over repetitions.",
            f"Predictive power (Shmueli et al. 2019, by RMSE vs LM): "
            f"{self.predictive_power}.",
        )
        return Summary(
            title="PLSpredict (Shmueli et al. 2016, 2019)",
            tables=(table("Out-of-sample prediction", head, rows),),
            notes=notes,
        )


def _power(rmse_pls: FloatArray, rmse_lm: FloatArray, q2: FloatArray) -> str:
    """Shmueli et al. (2019, p. 2331): share of indicators where PLS beats LM."""
    if np.any(~(q2 > 0)):
        return "none"
    better = int(np.sum(rmse_pls < rmse_lm))
    if better == rmse_pls.size:
        return "high"
    if better == 0:
        return "none"
    return "medium" if 2 * better > rmse_pls.size else "low"


def predict(
    data: object,
    *,
    model: ModelSpec | str | dict[str, Any] = "acsi",
    technique: Technique = "ea",
    folds: int | Sequence[int] | Sequence[Sequence[int]] | IntArray = 10,
    repetitions: int | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    scheme: Literal["centroid", "factorial", "path"] | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
) -> PredictResult:
    r"""PLSpredict: cross-validated prediction of the endogenous indicators.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        Respondents x indicators, rows in memory (a lazy frame or Moments
        is refused: every held-out respondent is predicted).
    model : ModelSpec, str or dict
        The PLS path model (as for :func:`satmodels.acsi.fit`).
    technique : {"ea", "da"}
        Earliest antecedents (default; only the exogenous constructs'
        indicators are used, Shmueli et al. 2016) or direct antecedents
        (each construct from its predecessors' own scores, seminr's
        ``predict_DA``). The LM benchmark uses the exogenous constructs'
        indicators (EA) or those of the construct's direct antecedents (DA).
    folds : int or array of int
        Number of folds (default 10), drawn at random per repetition
        (equal sizes up to one), or the fold label of every row of ``data``
        (shape ``(n,)``), or one such row per repetition ``(R, n)``: the
        same folds as another program (rows later excluded for missing
        answers or zero weight are dropped from the folds).
    repetitions : int, optional
        Repetitions of the k-fold split (default 10 with a number of folds;
        with labels, their number of rows).
    columns, weights, nan_policy
        As for :func:`satmodels.acsi.fit` (rows with a missing indicator are
        left out; case weights weight the training fits and the metrics).
    scheme, tol, max_iter
        PLS options of every training fit (defaults ``"path"``, 1e-7, 300).
    rng : None, int, SeedSequence or Generator
        Randomness of the folds.

    Returns
    -------
    PredictResult

    Raises
    ------
    InputError
        A lazy frame or Moments; bad options or fold labels; a model without
        structural paths; training sets too small for the fits (at least 3
        respondents and more than the LM benchmark's predictors plus one).

    Warns
    -----
    ConvergenceWarning
        Training fits whose PLS iterations reached ``max_iter``.

    Notes
    -----
    Formulas in :mod:`satmodels.acsi.predict` and
    :mod:`satmodels.acsi._predict_kernel`. Each training set's moments are
    the total moments minus its fold's (exact; one pass over the rows per
    repetition), the k training fits run as one batch and each held-out
    fold is predicted by one matrix product. Checked against seminr's
    ``estimate_pls`` + ``predict`` (``predict_EA`` / ``predict_DA``) on the
    ECSI mobi data with committed folds and R's ``lm()`` benchmarks
    (tests/golden/seminr_predict.json, to 1e-10). seminr's ``predict_pls``
    itself draws one shuffle and reuses it in every repetition, and its LM
    benchmark regresses on every other indicator; pass ``folds=`` labels to
    compare.

    References
    ----------
    .. [1] Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B.
       (2016). The elephant in the room: predictive performance of PLS
       models. Journal of Business Research, 69(10), 4552-4564.
    .. [2] Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H.,
       Vaithilingam, S., & Ringle, C. M. (2019). Predictive model
       assessment in PLS-SEM: guidelines for using PLSpredict. European
       Journal of Marketing, 53(11), 2322-2347.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> res = acsi.predict(load_sample_survey(), folds=10, repetitions=2, rng=1)
    >>> res.indicators[:3]
    ('qual1', 'qual2', 'qual3')
    >>> bool((res.q2_predict["pls"] > 0).all())
    True
    """
    prep = prepare(
        data,
        model=model,
        technique=technique,
        folds=folds,
        repetitions=repetitions,
        columns=columns,
        weights=weights,
        nan_policy=nan_policy,
        scheme=scheme,
        tol=tol,
        max_iter=max_iter,
        rng=rng,
        where=_WHERE,
        default_reps=10,
    )
    cv = run(prep, where=_WHERE)
    y = prep.x[:, prep.tg.endo]
    w = prep.w
    preds = {"pls": cv.pls, "lm": cv.lm, "ia": cv.ia}
    sq = {k: _wmean((y - v) ** 2, w) for k, v in preds.items()}
    rmse = {k: np.sqrt(v) for k, v in sq.items()}
    mae = {k: _wmean(np.abs(y - v), w) for k, v in preds.items()}
    q2 = {k: 1.0 - sq[k] / sq["ia"] for k in ("pls", "lm")}
    names = tuple(prep.lay.indicators[i] for i in prep.tg.endo)
    kinds: list[str] = []
    values: list[FloatArray] = []
    for metric, table_ in (("rmse", rmse), ("mae", mae), ("q2_predict", q2)):
        for mod in _MODELS:
            if mod in table_:
                kinds += [f"{mod}_{metric}"] * len(names)
                values.append(table_[mod])
    n = prep.x.shape[0]
    est = estimates(
        name=list(names) * (len(kinds) // len(names)),
        estimate=np.concatenate(values),
        kind=kinds,
        confidence_level=0.95,
        n=float(n),
        interval="none",
        backend=prep.backend,
    )
    return PredictResult(
        spec=prep.spec,
        technique=prep.technique,
        indicators=names,
        rmse=rmse,
        mae=mae,
        q2_predict=q2,
        predictive_power=_power(rmse["pls"], rmse["lm"], q2["pls"]),
        predictions=cv.pls,
        lm_predictions=cv.lm,
        folds=prep.k,
        repetitions=int(prep.labels.shape[0]),
        n=n,
        fold_labels=prep.labels,
        n_fits=cv.n_fits,
        n_unconverged=cv.n_unconverged,
        missing_report=prep.missing_report,
        estimates=est,
        _backend=prep.backend,
    )
