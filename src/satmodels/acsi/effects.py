r"""Cohen's f² effect size of every structural path of a PLS fit.

For a path s -> t, with :math:`R^2_{incl}` the R² of t and
:math:`R^2_{excl}` its R² without the predictor s (Cohen 1988, eq. 9.2.4;
Hair et al. 2022, ch. 6),

.. math::

    f^2 = \frac{R^2_{incl} - R^2_{excl}}{1 - R^2_{incl}}.

Both R² come from the fitted correlation matrix; no rows are needed.
``refit=False`` (default) keeps the construct scores of the fit and
regresses t on its other predecessors (cSEM's ``calculatef2``: the same
latent correlation matrix); ``refit=True`` re-estimates the PLS model
without the path, so the outer weights change too (seminr's
``fSquared``, SmartPLS's model-based f²). A construct whose only
predecessor is s has :math:`R^2_{excl} = 0`. Cohen's (1988, p. 413)
benchmarks: 0.02 small, 0.15 medium, 0.35 large.

References
----------
.. [1] Cohen, J. (1988). Statistical power analysis for the behavioral
   sciences (2nd ed.). Lawrence Erlbaum.
.. [2] Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2022).
   A primer on partial least squares structural equation modeling
   (PLS-SEM) (3rd ed.). Sage.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._base import EstimatesResult, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ._pls_kernel import layout, pls_outputs, pls_weights
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["EffectSizeResult", "effect_sizes"]

_WHERE = "acsi.effect_sizes"


def _label(f2: float) -> str:
    """Cohen's (1988) reading of f²."""
    if not np.isfinite(f2):
        return "undefined"
    if f2 >= 0.35:
        return "large"
    if f2 >= 0.15:
        return "medium"
    return "small" if f2 >= 0.02 else "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectSizeResult(EstimatesResult):
    """Cohen's f² of every structural path.

    Attributes
    ----------
    spec : ModelSpec
    refit : bool
        Whether each R² without a predictor comes from a re-estimated model.
    paths : tuple of str
        ``"s -> t"`` labels, the order of the arrays.
    f2, r2_included, r2_excluded : ndarray
    magnitude : tuple of str
        Cohen's reading: ``"none"``, ``"small"``, ``"medium"``, ``"large"``.
    n : int
    estimates : Estimates
        Kind ``"f2"``, one row per path (no intervals).
    confidence_level : float
    """

    spec: ModelSpec
    refit: bool
    paths: tuple[str, ...]
    f2: FloatArray
    r2_included: FloatArray
    r2_excluded: FloatArray
    magnitude: tuple[str, ...]
    n: int
    estimates: Estimates = field(repr=False)
    confidence_level: float = 0.95
    _backend: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: f² and both R² per path."""
        out: dict[str, Any] = jsonable(
            {
                "refit": self.refit,
                "paths": self.paths,
                "f2": self.f2,
                "r2_included": self.r2_included,
                "r2_excluded": self.r2_excluded,
                "magnitude": self.magnitude,
                "n": self.n,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        top = int(np.nanargmax(self.f2)) if np.isfinite(self.f2).any() else 0
        return (
            f"EffectSizeResult(paths={len(self.paths)}, refit={self.refit}, "
            f"largest={self.paths[top]!r}: {self.f2[top]:.3f})"
        )

    def summary(self) -> Summary:
        """f², both R² and Cohen's reading per path."""
        rows = [
            (p, self.f2[k], self.r2_included[k], self.r2_excluded[k], self.magnitude[k])
            for k, p in enumerate(self.paths)
        ]
        how = (
            "re-estimated without the path (seminr)"
            if self.refit
            else "same construct scores (cSEM)"
        )
        return Summary(
            title="Effect sizes f² (Cohen 1988)",
            tables=(
                table(
                    "Structural paths",
                    ["path", "f2", "R2 incl", "R2 excl", "magnitude"],
                    rows,
                ),
            ),
            notes=(
                f"R2 without the predictor: {how}.",
                "Cohen: 0.02 small, 0.15 medium, 0.35 large.",
            ),
        )


def _r2(c: FloatArray, target: int, preds: list[int]) -> float:
    """R² of ``target`` on ``preds`` from a correlation matrix."""
    if not preds:
        return 0.0
    cpp = c[np.ix_(preds, preds)]
    cpt = c[preds, target]
    return float(cpt @ np.linalg.pinv(cpp, hermitian=True) @ cpt)


def effect_sizes(result: PLSResult, *, refit: bool = False) -> EffectSizeResult:
    r"""Cohen's f² of every structural path of a PLS fit.

    Parameters
    ----------
    result : PLSResult
        A fit of :func:`satmodels.acsi.fit` (``method="pls"``; any input
        kind: only its correlation matrix is used).
    refit : bool
        Re-estimate the model without each path (seminr) instead of keeping
        the construct scores (default; cSEM).

    Returns
    -------
    EffectSizeResult

    Raises
    ------
    InputError
        ``result`` is not a PLS fit, or ``refit`` not a bool.
    EstimationError
        The linear algebra of a regression or refit failed.

    Warns
    -----
    SatmodelsWarning
        An f² that is not defined (an R² of 1): NaN.

    Notes
    -----
    Formula in :mod:`satmodels.acsi.effects`. Checked against cSEM's
    ``calculatef2()`` (``refit=False``) and seminr's ``model_fsquares()``
    (``refit=True``) on the ECSI mobi data
    (tests/golden/seminr_predict.json, to 1e-10). The refits converge to
    ``tol = 1e-10``.

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical power analysis for the behavioral
       sciences (2nd ed.). Lawrence Erlbaum.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> fit = acsi.fit(load_sample_survey(), scale=(1, 10))
    >>> res = acsi.effect_sizes(fit)
    >>> res.paths[0]
    'EXPE -> QUAL'
    >>> bool(res.f2[0] > 0)
    True
    """
    given: object = result
    if not isinstance(given, PLSResult):
        msg = (
            f"The 'result' parameter of {_WHERE} must be a PLSResult of "
            f"acsi.fit(method='pls'). Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    flag: object = refit
    if not isinstance(flag, bool | np.bool_):
        msg = f"The 'refit' parameter of {_WHERE} must be a bool. Got {refit!r}."
        raise InputError(msg)
    spec = result.spec
    lay = layout(spec)
    lcor = result.latent_correlation
    s = result._derived._in.s
    labels: list[str] = []
    incl: list[float] = []
    excl: list[float] = []
    try:
        for t in range(lay.j):
            preds = [int(v) for v in lay.predecessors[t]]
            for src in preds:
                rest = [v for v in preds if v != src]
                labels.append(f"{lay.latents[src]} -> {lay.latents[t]}")
                incl.append(float(result.r_squared[t]))
                if not refit:
                    excl.append(_r2(lcor, t, rest))
                    continue
                if not rest:
                    excl.append(0.0)
                    continue
                drop = (lay.latents[src], lay.latents[t])
                reduced = ModelSpec(
                    blocks=spec.blocks,
                    paths=tuple(p for p in spec.paths if (p.source, p.target) != drop),
                )
                rl = layout(reduced)
                # the reduced spec may order latents (and indicators) differently
                idx = [lay.indicators.index(i) for i in rl.indicators]
                sub = s[np.ix_(idx, idx)][None]
                fit = pls_weights(
                    sub, rl, scheme=result.scheme, tol=1e-10, max_iter=1000
                )
                r2 = pls_outputs(sub, fit.weights, rl)["r_squared"][0]
                excl.append(float(r2[rl.latents.index(lay.latents[t])]))
    except np.linalg.LinAlgError as exc:
        msg = f"{_WHERE}: the linear algebra failed ({exc})."
        raise EstimationError(msg) from exc
    r2i, r2e = np.array(incl), np.array(excl)
    defined = np.isfinite(r2i) & np.isfinite(r2e) & (1.0 - r2i > 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        f2 = np.where(defined, (r2i - r2e) / (1.0 - r2i), np.nan)
    if not defined.all():
        undefined = [lab for lab, ok in zip(labels, defined, strict=True) if not ok]
        warnings.warn(
            f"{_WHERE}: f2 of {undefined} is not defined (an R2 of 1, or not "
            "finite, in the target's regression); it is NaN.",
            SatmodelsWarning,
            stacklevel=2,
        )
    est = estimates(
        name=labels,
        estimate=f2,
        kind="f2",
        confidence_level=0.95,
        n=float(result.n),
        interval="none",
        backend=result._backend,
    )
    return EffectSizeResult(
        spec=spec,
        refit=bool(refit),
        paths=tuple(labels),
        f2=f2,
        r2_included=r2i,
        r2_excluded=r2e,
        magnitude=tuple(_label(float(v)) for v in f2),
        n=result.n,
        estimates=est,
        _backend=result._backend,
    )
