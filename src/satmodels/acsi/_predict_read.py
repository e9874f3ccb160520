"""Reading the rows and the folds, and running the cross-validation.

Shared by :func:`satmodels.acsi.predict`, :func:`satmodels.acsi.cvpat`
and :func:`satmodels.acsi.blindfold`: the survey is read once, incomplete
rows and rows with weight 0 are left out (with their fold labels), the
options are checked and the folds drawn (or read); :func:`run` turns the
kernel's failures into satmodels' errors.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from .._validation import check_rng, validated
from ..data import read
from ..exceptions import ConvergenceWarning, EstimationError, InputError
from ..stats.moments import MissingReport
from ._common import MIN_ROWS_FIT, as_spec
from ._pls_kernel import Layout, layout
from ._pls_options import PLSOptions
from ._predict_kernel import CV, FoldError, Targets, cross_validate, targets
from .spec import ModelSpec

__all__ = ["Prepared", "Technique", "prepare", "run"]

Technique = Literal["ea", "da"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """The complete rows, their weights and the fold labels of every repetition."""

    spec: ModelSpec
    lay: Layout
    tg: Targets
    x: FloatArray  # (n, p) complete rows with positive weight, layout order
    w: FloatArray | None
    labels: IntArray  # (R, n) 0..k-1
    k: int
    opts: PLSOptions
    technique: Technique
    missing_report: MissingReport
    backend: str | None


def _labels(
    folds: object,
    repetitions: object,
    *,
    n_rows: int,
    keep: np.ndarray[Any, Any],
    gen: np.random.Generator,
    where: str,
    default_reps: int,
) -> tuple[IntArray, int]:
    """Fold labels (R, n_used), from a count (random) or the caller's array."""
    n = int(keep.sum())
    if repetitions is not None and (
        not isinstance(repetitions, int | np.integer)
        or isinstance(repetitions, bool)
        or repetitions < 1
    ):
        msg = (
            f"The 'repetitions' parameter of {where} must be a positive integer. "
            f"Got {repetitions!r} instead."
        )
        raise InputError(msg)
    if isinstance(folds, int | np.integer) and not isinstance(folds, bool):
        k = int(folds)
        if not 2 <= k <= n:
            msg = (
                f"The 'folds' parameter of {where} must be between 2 and the "
                f"number of usable respondents ({n}). Got {folds!r} instead."
            )
            raise InputError(msg)
        reps = default_reps if repetitions is None else int(repetitions)
        base = (np.arange(n) * k) // n
        out = np.empty((reps, n), dtype=np.int64)
        for r in range(reps):
            out[r, gen.permutation(n)] = base
        return out, k
    try:
        arr = np.asarray(folds)
    except (TypeError, ValueError):
        arr = np.asarray([])
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_rows or arr.dtype.kind not in "iu":
        msg = (
            f"The 'folds' parameter of {where} must be a number of folds or "
            f"integer fold labels, one per row of 'data' ({n_rows}), or one "
            "such row per repetition. Got "
            f"{'an array of shape ' + str(arr.shape) if arr.size else repr(folds)}."
        )
        raise InputError(msg)
    if repetitions is not None and int(repetitions) != arr.shape[0]:
        msg = (
            f"The 'repetitions' parameter of {where} ({repetitions}) does not "
            f"match the {arr.shape[0]} row(s) of fold labels given in 'folds'."
        )
        raise InputError(msg)
    used = arr[:, keep]
    out = np.empty(used.shape, dtype=np.int64)
    ks = []
    for r in range(used.shape[0]):
        uniq, inv = np.unique(used[r], return_inverse=True)
        out[r] = inv
        ks.append(uniq.size)
    k = max(ks)
    if min(ks) < 2:
        msg = (
            f"The 'folds' parameter of {where} must give at least two folds "
            "among the usable respondents in every repetition."
        )
        raise InputError(msg)
    return out, k


def prepare(
    data: object,
    *,
    model: object,
    technique: object,
    folds: object,
    repetitions: object,
    columns: Sequence[str] | None,
    weights: object,
    nan_policy: str,
    scheme: str | None,
    tol: float | None,
    max_iter: int | None,
    rng: object,
    where: str,
    default_reps: int,
) -> Prepared:
    """Read the rows once, check the options and draw (or read) the folds."""
    spec = as_spec(model, where)
    if technique not in ("ea", "da"):
        msg = (
            f"The 'technique' parameter of {where} must be 'ea' (earliest "
            f"antecedents) or 'da' (direct antecedents). Got {technique!r} instead."
        )
        raise InputError(msg)
    gen = check_rng(rng, where)
    opts = validated(
        PLSOptions,
        where,
        scheme="path" if scheme is None else scheme,
        tol=1e-7 if tol is None else tol,
        max_iter=300 if max_iter is None else max_iter,
        nan_policy=nan_policy,
        scores=False,
    )
    lay = layout(spec)
    if not any(p.size for p in lay.predecessors):
        msg = (
            f"The 'model' parameter of {where} has no structural path; "
            "prediction needs endogenous constructs."
        )
        raise InputError(msg)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"model": spec.indicators},
        weights=weights,
        accept=("rows", "lazy", "moments"),
    )
    if table.kind != "rows":
        kind = "a lazy frame" if table.kind == "lazy" else "Moments"
        msg = (
            f"The 'data' parameter of {where} is {kind}; cross-validated "
            "prediction needs the respondent rows in memory (each held-out "
            "respondent is predicted). Collect the rows first."
        )
        raise InputError(msg)
    m = table.moments(lay.indicators, missing="listwise", nan_policy=opts.nan_policy)
    x_all = table.matrix(lay.indicators)
    keep: np.ndarray[Any, Any] = np.asarray(~np.isnan(x_all).any(axis=1))
    if table.weights is not None:
        keep &= table.weights > 0
    n = int(keep.sum())
    labels, k = _labels(
        folds,
        repetitions,
        n_rows=x_all.shape[0],
        keep=keep,
        gen=gen,
        where=where,
        default_reps=default_reps,
    )
    tg = targets(lay, str(technique))
    need = max(MIN_ROWS_FIT, max(i.size for i in tg.lm_inputs) + 2)
    smallest_train = n - max(int(np.bincount(r).max()) for r in labels)
    if smallest_train < need:
        msg = (
            f"The 'data' parameter of {where} has {n} usable respondent(s); with "
            f"these folds a training set has only {smallest_train}, and the "
            f"fits need at least {need} (the LM benchmark has "
            f"{need - 2} predictor(s) and an intercept)."
        )
        raise InputError(msg)
    x = np.ascontiguousarray(x_all[keep])
    sd = x.std(axis=0)
    if np.any(sd == 0):
        col = lay.indicators[int(np.flatnonzero(sd == 0)[0])]
        msg = (
            f"The indicator {col!r} of {where} has zero variance; PLS needs "
            "every indicator to vary."
        )
        raise InputError(msg)
    return Prepared(
        spec=spec,
        lay=lay,
        tg=tg,
        x=x,
        w=None if table.weights is None else table.weights[keep],
        labels=labels,
        k=k,
        opts=opts,
        technique=technique,
        missing_report=m.missing_report,
        backend=table.backend,
    )


def run(prep: Prepared, *, where: str, standardized: bool = False) -> CV:
    """Cross-validate; warn about training fits that did not converge."""
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cv = cross_validate(
                prep.x,
                prep.w,
                prep.labels,
                lay=prep.lay,
                tg=prep.tg,
                technique=prep.technique,
                scheme=prep.opts.scheme,
                tol=prep.opts.tol,
                max_iter=prep.opts.max_iter,
                standardized=standardized,
            )
    except FoldError as exc:
        msg = f"{where} cannot fit the PLS model on every training set: {exc}."
        raise EstimationError(msg) from exc
    except np.linalg.LinAlgError as exc:
        msg = f"{where}: the linear algebra of a training fit failed ({exc})."
        raise EstimationError(msg) from exc
    bad = [
        name
        for name, v in (("PLS", cv.pls), ("LM", cv.lm))
        if not np.all(np.isfinite(v))
    ]
    if bad:
        msg = (
            f"{where}: the {' and '.join(bad)} predictions are not finite "
            "(extreme answers or a singular training matrix)."
        )
        raise EstimationError(msg)
    if cv.n_unconverged:
        warnings.warn(
            f"{where}: the PLS iterations of {cv.n_unconverged} of {cv.n_fits} "
            f"training fits did not converge in {prep.opts.max_iter} iterations; "
            "their last weights were used. Raise max_iter.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return cv
