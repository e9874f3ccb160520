"""The only module that talks to semopy (Igolkina & Meshcheryakov 2020).

Two pieces:

* :func:`to_semopy_syntax` renders a validated
  :class:`~satmodels.acsi.spec.ModelSpec` into lavaan-style model text
  (``=~`` for measurement, ``~`` for structural regressions, ``~~`` for
  covariances and fixed variances). It is pure and needs no semopy.
* :func:`run_semopy` builds a *fresh* ``semopy.Model`` on every call, fits it
  by maximum likelihood (semopy's Wishart objective ``MLW``) from a
  covariance matrix and the sample size (``Model.fit(cov=..., n_samples=...)``)
  and copies out plain numbers. semopy is imported here, lazily, so that
  ``import satmodels`` never imports semopy (nor its pandas, statsmodels,
  scikit-learn and sympy dependencies).

semopy raises bare ``Exception`` s, ``LinAlgError`` s and ``KeyError`` s; they
are re-raised as :class:`~satmodels.exceptions.EstimationError`. semopy
reports problems through the root :mod:`logging` logger (and, through
``logging.warn``, a ``DeprecationWarning``); :func:`run_semopy` keeps both
quiet while it runs and reports convergence itself.

semopy 2.3.11 works with pandas 3 for everything used here (checked with
pandas 3.1): the covariance matrix is handed over as a ``DataFrame`` whose
index and columns are the indicator names.

References
----------
.. [1] Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: a Python package
   for structural equation modeling. Structural Equation Modeling, 27(6),
   952-963.
.. [2] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from collections.abc import Iterator, Sequence

import numpy as np

from .._typing import FloatArray
from ..exceptions import EstimationError, SpecificationError
from ._blas import one_blas_thread as _one_blas_thread
from ._ml_kernel import MLFit
from .spec import ModelSpec

__all__ = ["SemopyFit", "run_semopy", "to_semopy_syntax"]

#: SLSQP options: a tighter tolerance than scipy's default (1e-6) so the
#: estimates agree with lavaan to about five digits.
_OPTIONS = {"ftol": 1e-10, "maxiter": 10000}


def to_semopy_syntax(spec: ModelSpec) -> str:
    """Render a model specification as semopy (lavaan-style) model text.

    Reflective (mode A) blocks become ``LV =~ x1 + x2``; structural paths
    become ``LV ~ LV1 + LV2``. Two conventions of lavaan's ``sem()``
    (Rosseel 2012) are written out explicitly so that semopy and lavaan fit
    the same model:

    * a latent with a single indicator is that indicator without
      measurement error: ``x ~~ 0*x`` fixes its residual variance to zero
      (otherwise the latent's variance and the residual are not identified);
    * exogenous latents (no incoming path) covary freely: ``A ~~ B``.

    The scale of each latent is set by its first indicator (loading fixed to
    1, the marker-variable convention of both programs).

    Parameters
    ----------
    spec : ModelSpec
        The validated model.

    Returns
    -------
    str
        Model text, one statement per line.

    Raises
    ------
    SpecificationError
        The model has a formative (mode B) block. A formative composite is
        not identified in a covariance-structure (ML) model unless it also
        causes at least two reflective outcomes (a MIMIC model), which an
        ACSI specification does not express; fit such models with PLS
        (``method="pls"``) or declare the block reflective.

    Examples
    --------
    >>> from satmodels.acsi.spec import ModelSpec
    >>> spec = ModelSpec.from_syntax("EXPE =~ e1 + e2; SAT =~ s1; SAT ~ EXPE")
    >>> print(to_semopy_syntax(spec))
    EXPE =~ e1 + e2
    SAT =~ s1
    SAT ~ EXPE
    s1 ~~ 0*s1
    """
    formative = [b.latent for b in spec.blocks if b.mode == "B"]
    if formative:
        msg = (
            f"maximum likelihood cannot fit the formative (mode B) block "
            f"{formative[0]!r}: a formative composite is not identified in a "
            "covariance-structure model without reflective outcomes (MIMIC). "
            "Use method='pls' for formative blocks, or declare the block "
            "reflective ('=~')."
        )
        raise SpecificationError(msg)
    lines = [f"{b.latent} =~ " + " + ".join(b.indicators) for b in spec.blocks]
    lines.extend(f"{t} ~ " + " + ".join(spec.predecessors(t)) for t in spec.endogenous)
    lines.extend(
        f"{b.indicators[0]} ~~ 0*{b.indicators[0]}"
        for b in spec.blocks
        if len(b.indicators) == 1
    )
    exo = spec.exogenous
    lines.extend(f"{a} ~~ {b}" for k, a in enumerate(exo) for b in exo[k + 1 :])
    return "\n".join(lines)


#: semopy's fit in the common container of both ML routes.
SemopyFit = MLFit


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence semopy's root-logger messages and its ``logging.warn`` warnings.

    ``logging.warning`` on an unconfigured root logger would call
    ``logging.basicConfig`` and attach a stderr handler for good; a
    temporary ``NullHandler`` prevents that and is removed afterwards.
    """
    root = logging.getLogger()
    handler = logging.NullHandler()
    semopy_filter = _SemopyFilter()
    root.addHandler(handler)
    root.addFilter(semopy_filter)
    try:
        with warnings.catch_warnings(), _one_blas_thread():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeFilter(semopy_filter)
        root.removeHandler(handler)


class _SemopyFilter(logging.Filter):
    """Drop root-logger records emitted from semopy's modules."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "semopy" not in record.pathname


def _num(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out


def run_semopy(
    cov: FloatArray,
    columns: Sequence[str],
    n: int,
    syntax: str,
) -> SemopyFit:
    """Fit ``syntax`` by maximum likelihood from a covariance matrix.

    Parameters
    ----------
    cov : ndarray, shape (p, p)
        Sample covariance matrix (divisor n, the ML estimate).
    columns : sequence of str
        Names of the rows/columns of ``cov``.
    n : int
        Sample size (for standard errors and the chi-square statistic).
    syntax : str
        Model text from :func:`to_semopy_syntax`.

    Returns
    -------
    SemopyFit

    Raises
    ------
    EstimationError
        semopy failed (its bare ``Exception``, ``LinAlgError``, ``KeyError``
        or ``ValueError``), or returned non-finite estimates.
    """
    import pandas as pd  # noqa: PLC0415 - semopy's own dependency
    import semopy  # noqa: PLC0415 - heavy, optional at import time

    # ML is scale invariant (Browne 1982; Cudeck 1989), but semopy's optimiser
    # is not: indicators on very different scales stall it or stop it at a
    # wrong point. So fit the covariance of the indicators divided by their
    # standard deviations and map the estimates back (_rescale_rows).
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    sd = np.where(sd > 0, sd, 1.0)
    scaled = cov / np.outer(sd, sd)
    frame = pd.DataFrame(scaled, index=list(columns), columns=list(columns))
    try:
        with _quiet():
            model = semopy.Model(syntax)
            result = model.fit(
                cov=frame, n_samples=int(n), obj="MLW", options=dict(_OPTIONS)
            )
            table = model.inspect(std_est=False)
            implied_obs, _ = model.calc_sigma()
            observed = list(model.vars["observed"])
    except (Exception, np.linalg.LinAlgError) as exc:
        msg = f"semopy failed to fit the model: {type(exc).__name__}: {exc}"
        raise EstimationError(msg) from exc
    order = [observed.index(c) for c in columns]
    implied = np.asarray(implied_obs, dtype=np.float64)[np.ix_(order, order)]
    implied = implied * np.outer(sd, sd)
    rows: list[tuple[str, str, str, float, float, float, float, bool]] = []
    for rec in table.to_dict("records"):
        lhs, op, rhs = str(rec["lval"]), str(rec["op"]), str(rec["rval"])
        se = _num(rec["Std. Err"])
        free = not math.isnan(se)
        est = _num(rec["Estimate"])
        if op == "~" and lhs in columns:
            lhs, op, rhs = rhs, "=~", lhs
        rows.append(
            (lhs, op, rhs, est, se, _num(rec["z-value"]), _num(rec["p-value"]), free)
        )
    rows = _rescale_rows(rows, dict(zip(columns, sd.tolist(), strict=True)))
    if not all(math.isfinite(r[3]) for r in rows) or not np.all(np.isfinite(implied)):
        msg = (
            "semopy returned non-finite estimates "
            f"(optimiser message: {result.message!s})"
        )
        raise EstimationError(msg)
    return SemopyFit(
        estimates=tuple(rows),
        n_free=len(model.param_vals),
        objective=float(result.fun),
        converged=bool(result.success),
        message=str(result.message),
        n_iterations=int(getattr(result, "n_it", 0) or 0),
        implied=implied,
        optimizer="semopy",
    )


_Row = tuple[str, str, str, float, float, float, float, bool]


def _rescale_rows(rows: list[_Row], sd: dict[str, float]) -> list[_Row]:
    r"""Map estimates fitted on standardized indicators back to their scale.

    With :math:`x_i^* = x_i / d_i` and each latent scaled by its marker
    indicator (loading fixed to 1), the original-metric parameters are
    :math:`\lambda_i = \lambda_i^* d_i / d_{m(k)}`,
    :math:`\beta_{kl} = \beta_{kl}^* d_{m(k)} / d_{m(l)}` and
    (co)variances :math:`\sigma_{ab} = \sigma_{ab}^* s_a s_b`, where
    :math:`s` is :math:`d_i` for an indicator and :math:`d_{m(k)}` for a
    latent (Bollen 1989, ch. 4 and 7). The maps are linear, so standard
    errors scale by the same factor and z and p are unchanged.
    """
    scale = dict(sd)
    for lhs, op, rhs, est, _, _, _, free in rows:
        if op == "=~" and not free and est == 1.0 and lhs not in scale:
            scale[lhs] = sd.get(rhs, 1.0)  # the latent's marker indicator

    def s(name: str) -> float:
        return scale.get(name, 1.0)

    out: list[_Row] = []
    for lhs, op, rhs, est, se, z, pv, free in rows:
        if op == "=~":
            f = s(rhs) / s(lhs)
        elif op == "~":
            f = s(lhs) / s(rhs)
        else:  # "~~": a variance or covariance
            f = s(lhs) * s(rhs)
        out.append((lhs, op, rhs, est * f, se * f, z, pv, free))
    return out
