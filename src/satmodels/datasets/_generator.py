"""Seeded generator of a realistic customer-satisfaction survey.

The survey has a known population behind it, so the demo, the tests
(simulation recovery) and users' power studies can compare estimates with the
truth:

* ACSI indicators on 1-10 (``expe1-3``, ``qual1-4``, ``val1-2``, ``sat1-3``,
  ``comp1``, ``loy1-3``) generated from a standardized structural model with
  the ACSI paths of Fornell et al. (1996, Figure 1) and reflective
  measurement (loading ``lambda``, error variance ``1 - lambda**2``), then
  mapped to the answer scale as ``round(mu + sd * x)`` clipped to 1..10;
* Kano answer pairs (``kano_f1..6``, ``kano_d1..6``, codes 1 like, 2 must-be,
  3 neutral, 4 live-with, 5 dislike) drawn from each attribute's category
  shares and the cells of the Berger et al. (1993) evaluation table;
* SERVQUAL expectations and perceptions on 1-7 (``sq_e1..22``, ``sq_p1..22``)
  with a known mean gap per dimension (Parasuraman, Zeithaml & Berry 1988);
* ``nps`` (0-10), ``overall`` (1-10), ``segment`` and post-stratification
  ``weight`` (population share / sample share of the respondent's segment).

A few answers are missing on purpose (``expe3``, ``val2``, the Kano pairs),
so every consumer has to account for them.

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E.
   (1996). The American Customer Satisfaction Index: nature, purpose, and
   findings. Journal of Marketing, 60(4), 7-18.
.. [2] Berger, C., et al. (1993). Kano's methods for understanding
   customer-defined quality. Center for Quality Management Journal, 2(4), 3-36.
.. [3] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a
   multiple-item scale for measuring consumer perceptions of service quality.
   Journal of Retailing, 64(1), 12-40.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from .._validation import check_rng
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._summary import Summary, table

__all__ = [
    "ACSI_BLOCKS",
    "ACSI_PATHS",
    "KANO_CATEGORIES",
    "SERVQUAL_GAPS",
    "SimulatedSurvey",
    "make_survey",
]

#: Latent -> indicator names of the sample survey's ACSI block.
ACSI_BLOCKS: dict[str, tuple[str, ...]] = {
    "EXPE": ("expe1", "expe2", "expe3"),
    "QUAL": ("qual1", "qual2", "qual3", "qual4"),
    "VAL": ("val1", "val2"),
    "SAT": ("sat1", "sat2", "sat3"),
    "COMP": ("comp1",),
    "LOY": ("loy1", "loy2", "loy3"),
}

#: Population path coefficients (standardized latents), ACSI structure.
ACSI_PATHS: dict[tuple[str, str], float] = {
    ("EXPE", "QUAL"): 0.55,
    ("EXPE", "VAL"): 0.15,
    ("QUAL", "VAL"): 0.55,
    ("EXPE", "SAT"): 0.10,
    ("QUAL", "SAT"): 0.50,
    ("VAL", "SAT"): 0.30,
    ("SAT", "COMP"): -0.45,
    ("SAT", "LOY"): 0.55,
    ("COMP", "LOY"): -0.15,
}

_LOADINGS: dict[str, float] = {
    "expe1": 0.80, "expe2": 0.75, "expe3": 0.70,
    "qual1": 0.85, "qual2": 0.80, "qual3": 0.80, "qual4": 0.75,
    "val1": 0.90, "val2": 0.85,
    "sat1": 0.90, "sat2": 0.85, "sat3": 0.85,
    "comp1": 1.00,
    "loy1": 0.85, "loy2": 0.80, "loy3": 0.75,
}  # fmt: skip

#: True Kano category of each sample attribute and its population share.
KANO_CATEGORIES: tuple[tuple[str, float], ...] = (
    ("M", 0.55),
    ("O", 0.50),
    ("A", 0.50),
    ("I", 0.55),
    ("A", 0.40),
    ("O", 0.45),
)

#: Population mean gap P - E per SERVQUAL dimension (1-7 scale, before rounding).
SERVQUAL_GAPS: dict[str, float] = {
    "tangibles": -0.3,
    "reliability": -0.9,
    "responsiveness": -0.7,
    "assurance": -0.4,
    "empathy": -0.6,
}
_SQ_DIMENSIONS = (
    ("tangibles", range(1, 5)),
    ("reliability", range(5, 10)),
    ("responsiveness", range(10, 14)),
    ("assurance", range(14, 18)),
    ("empathy", range(18, 23)),
)

# Cells (functional, dysfunctional) of the Berger et al. (1993) table per category.
_KANO_CELLS: dict[str, tuple[tuple[int, int], ...]] = {
    "A": ((1, 2), (1, 3), (1, 4)),
    "O": ((1, 5),),
    "M": ((2, 5), (3, 5), (4, 5)),
    "I": tuple((f, d) for f in (2, 3, 4) for d in (2, 3, 4)),
    "R": ((5, 1), (5, 2), (5, 3), (5, 4), (2, 1), (3, 1), (4, 1)),
    "Q": ((1, 1), (5, 5)),
}

_SEGMENTS = ("north", "south", "west")
_SEGMENT_PROBS = (0.5, 0.3, 0.2)
_SEGMENT_SHIFT = {"north": 0.0, "south": 0.15, "west": -0.3}


def latent_correlation(
    paths: Mapping[tuple[str, str], float] | None = None,
) -> FloatArray:
    r"""Return the population correlation matrix of the six ACSI latents (standardized).

    Computed in topological order (EXPE, QUAL, VAL, SAT, COMP, LOY): the
    covariance of an endogenous latent with an earlier one is
    :math:`\sum_s b_s \Phi_{s,i}`, and its residual variance is
    :math:`1 - b^\top \Phi b`, so every latent has unit variance.
    """
    return _latent_moments(ACSI_PATHS if paths is None else paths)[0]


def _latent_moments(
    paths: Mapping[tuple[str, str], float],
) -> tuple[FloatArray, dict[str, float]]:
    """Latent correlation matrix and explained variance of each latent."""
    names = list(ACSI_BLOCKS)
    k = len(names)
    phi = np.eye(k)
    explained: dict[str, float] = {}
    for j, target in enumerate(names):
        preds = [(names.index(s), b) for (s, t), b in paths.items() if t == target]
        if not preds:
            explained[target] = 0.0
            continue
        idx = [s for s, _ in preds]
        b = np.array([v for _, v in preds])
        explained[target] = float(b @ phi[np.ix_(idx, idx)] @ b)
        for i in range(j):
            phi[j, i] = phi[i, j] = sum(bb * phi[s, i] for s, bb in preds)
    return phi, explained


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulatedSurvey(ResultMixin):
    """A generated survey and the population it was drawn from.

    Attributes
    ----------
    data : dict of str to ndarray
        Column name -> values (float, NaN for missing; ``segment`` is str).
    n : int
        Respondents.
    seed : int or None
        Seed used (None when a Generator was passed).
    paths : dict
        Population path coefficients ``{(source, target): value}``.
    loadings : dict
        Population standardized loadings ``{indicator: value}``.
    latent_correlation : ndarray
        Population correlation matrix of EXPE, QUAL, VAL, SAT, COMP, LOY.
    kano_categories : tuple of str
        True modal Kano category per attribute.
    servqual_gaps : dict
        Population mean gap per SERVQUAL dimension (continuous scale).
    """

    data: dict[str, np.ndarray[Any, Any]]
    n: int
    seed: int | None
    paths: dict[tuple[str, str], float] = field(default_factory=dict)
    loadings: dict[str, float] = field(default_factory=dict)
    latent_correlation: FloatArray = field(default_factory=lambda: np.eye(6))
    kano_categories: tuple[str, ...] = ()
    servqual_gaps: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the population truth and size (not the rows), JSON-safe."""
        return {
            "n": self.n,
            "seed": self.seed,
            "columns": list(self.data),
            "paths": [
                {"source": s, "target": t, "value": v}
                for (s, t), v in self.paths.items()
            ],
            "loadings": dict(self.loadings),
            "kano_categories": list(self.kano_categories),
            "servqual_gaps": dict(self.servqual_gaps),
        }

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401
        """Return the rows as a pandas (default) or polars DataFrame."""
        chosen = backend or "pandas"
        if chosen == "pandas":
            import pandas as pd  # noqa: PLC0415 - optional dependency

            return pd.DataFrame(dict(self.data))
        if chosen == "polars":
            import polars as pl  # noqa: PLC0415 - optional dependency

            return pl.DataFrame(
                {
                    k: (v if v.dtype.kind in "OU" else np.asarray(v, dtype=np.float64))
                    for k, v in self.data.items()
                },
                nan_to_null=True,
            )
        msg = (
            "The 'backend' parameter of SimulatedSurvey.to_frame must be 'pandas' "
            f"or 'polars'. Got {backend!r} instead."
        )
        raise InputError(msg)

    def summary(self) -> Summary:
        """Return the columns and population truth of the simulated survey."""
        rows = [(f"{s} -> {t}", v) for (s, t), v in self.paths.items()]
        return Summary(
            title=f"Simulated survey: {self.n} respondents (seed {self.seed})",
            tables=(table("Population ACSI paths", ("path", "value"), rows),),
            notes=(f"columns: {', '.join(self.data)}",),
        )


def make_survey(
    n: int = 500,
    *,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    discrete: bool = True,
    missing_rate: float = 0.02,
    paths: Mapping[tuple[str, str], float] | None = None,
) -> SimulatedSurvey:
    """Generate a sample satisfaction survey from a known population.

    Parameters
    ----------
    n : int
        Number of respondents (>= 1).
    rng : numpy.random.Generator or int, optional
        Seed or generator; the same seed gives the same survey.
    discrete : bool
        Round answers to the integer scale points (True, like a real
        survey) or keep the continuous values (for exact recovery tests).
    missing_rate : float
        Share of missing answers in ``expe3``, ``val2`` and the Kano pairs.
    paths : mapping, optional
        Override population path coefficients of the ACSI model (keys as in
        :data:`ACSI_PATHS`); every endogenous latent must keep an explained
        variance below 1.

    Returns
    -------
    SimulatedSurvey

    Examples
    --------
    >>> from satmodels.datasets import make_survey
    >>> s = make_survey(200, rng=1)
    >>> s.n, len(s.data["sat1"]), sorted(set(s.data["segment"]))
    (200, 200, ['north', 'south', 'west'])
    """
    if not isinstance(n, int | np.integer) or n < 1:
        msg = f"The 'n' parameter of make_survey must be a positive integer. Got {n!r}."
        raise InputError(msg)
    if not 0.0 <= missing_rate < 1.0:
        msg = (
            "The 'missing_rate' parameter of make_survey must lie in [0, 1). "
            f"Got {missing_rate!r}."
        )
        raise InputError(msg)
    seed = int(rng) if isinstance(rng, int | np.integer) else None
    gen = check_rng(rng, "make_survey")
    path_values = dict(ACSI_PATHS)
    if paths is not None:
        unknown = [k for k in paths if k not in ACSI_PATHS]
        if unknown:
            msg = f"The 'paths' parameter of make_survey has unknown path(s) {unknown}."
            raise InputError(msg)
        path_values.update(paths)
    data: dict[str, np.ndarray[Any, Any]] = {}

    # --- segment and weights (post-stratification to equal thirds)
    seg_idx = gen.choice(len(_SEGMENTS), size=n, p=_SEGMENT_PROBS)
    segment = np.asarray(_SEGMENTS, dtype=object)[seg_idx]
    share = np.bincount(seg_idx, minlength=len(_SEGMENTS)) / n
    with np.errstate(divide="ignore"):
        seg_weight = np.where(share > 0, (1.0 / len(_SEGMENTS)) / share, 0.0)
    weight = seg_weight[seg_idx]
    shift = np.array([_SEGMENT_SHIFT[s] for s in _SEGMENTS])[seg_idx]

    # --- ACSI latents in topological order, unit variance
    names = list(ACSI_BLOCKS)
    phi, explained = _latent_moments(path_values)
    eta: dict[str, FloatArray] = {}
    for target in names:
        preds = [(s, b) for (s, t), b in path_values.items() if t == target]
        if not preds:
            eta[target] = gen.standard_normal(n)
            continue
        systematic = sum((b * eta[s] for s, b in preds), start=np.zeros(n))
        pop = explained[target]
        if pop >= 1.0:
            msg = (
                f"The 'paths' parameter of make_survey explains {pop:.2f} >= 1 of "
                f"the variance of {target}."
            )
            raise InputError(msg)
        eta[target] = systematic + np.sqrt(1.0 - pop) * gen.standard_normal(n)
    for latent, items in ACSI_BLOCKS.items():
        for item in items:
            lam = _LOADINGS[item]
            x = lam * eta[latent] + np.sqrt(1.0 - lam**2) * gen.standard_normal(n)
            mu = 4.0 if latent == "COMP" else 7.4
            data[item] = _to_scale(mu + 1.7 * x, 1, 10, discrete=discrete)

    # --- overall satisfaction and NPS
    data["overall"] = _to_scale(
        7.4 + 1.7 * (0.85 * eta["SAT"] + 0.53 * gen.standard_normal(n) + shift),
        1,
        10,
        discrete=discrete,
    )
    data["nps"] = _to_scale(
        7.6 + 2.0 * (0.8 * eta["LOY"] + 0.6 * gen.standard_normal(n)),
        0,
        10,
        discrete=discrete,
    )

    # --- Kano pairs
    for a, (cat, share_true) in enumerate(KANO_CATEGORIES, start=1):
        others = [c for c in ("A", "O", "M", "I") if c != cat]
        probs = {cat: share_true, "R": 0.02, "Q": 0.01}
        rest = (1.0 - share_true - 0.03) / len(others)
        probs.update(dict.fromkeys(others, rest))
        cats = list(probs)
        drawn = gen.choice(len(cats), size=n, p=[probs[c] for c in cats])
        func = np.empty(n)
        dysf = np.empty(n)
        for k, c in enumerate(cats):
            sel = drawn == k
            cells = np.asarray(_KANO_CELLS[c], dtype=np.float64)
            pick = cells[gen.integers(0, len(cells), size=int(sel.sum()))]
            func[sel], dysf[sel] = pick[:, 0], pick[:, 1]
        data[f"kano_f{a}"] = func
        data[f"kano_d{a}"] = dysf

    # --- SERVQUAL expectations and perceptions
    for dim, numbers in _SQ_DIMENSIONS:
        e_factor = gen.standard_normal(n)
        p_factor = gen.standard_normal(n)
        for i in numbers:
            e = 6.0 + 0.6 * e_factor + 0.5 * gen.standard_normal(n)
            p = (
                (6.0 + SERVQUAL_GAPS[dim])
                + 0.8 * p_factor
                + 0.6 * gen.standard_normal(n)
            )
            data[f"sq_e{i}"] = _to_scale(e, 1, 7, discrete=discrete)
            data[f"sq_p{i}"] = _to_scale(p, 1, 7, discrete=discrete)

    # --- missing answers
    if missing_rate > 0:
        for col in ("expe3", "val2"):
            data[col][gen.random(n) < missing_rate] = np.nan
        for a in range(1, len(KANO_CATEGORIES) + 1):
            gone = gen.random(n) < missing_rate / 2
            data[f"kano_f{a}"][gone] = np.nan
            data[f"kano_d{a}"][gone] = np.nan

    data["segment"] = segment
    data["weight"] = weight
    return SimulatedSurvey(
        data=data,
        n=int(n),
        seed=seed,
        paths=path_values,
        loadings=dict(_LOADINGS),
        latent_correlation=phi,
        kano_categories=tuple(c for c, _ in KANO_CATEGORIES),
        servqual_gaps=dict(SERVQUAL_GAPS),
    )


def _to_scale(x: FloatArray, low: int, high: int, *, discrete: bool) -> FloatArray:
    y = np.round(x) if discrete else x
    return np.clip(y, low, high).astype(np.float64)
