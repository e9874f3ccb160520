"""The result of a PLS path model fit (``acsi.fit(method="pls")``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, SummaryTable, table
from ..scales import Scale
from ..stats.moments import MissingReport
from ._common import scale_note as _scale_note
from ._pls_derived import PLSDerived
from ._pls_kernel import layout
from .bootstrap_result import PLSBootstrap
from .index import IPMAResult
from .index import ipma as _ipma
from .spec import ModelSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["IPMAResult", "PLSBootstrap", "PLSResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PLSResult(ResultMixin):
    """A PLS path model fitted from Moments.

    Arrays are aligned with :attr:`indicators` (p) and :attr:`latents` (J,
    topological order); square latent matrices are indexed
    ``[source, target]``.

    Attributes
    ----------
    spec : ModelSpec
        The model.
    method : str
        ``"pls"``.
    scheme : str
        Inner weighting scheme.
    scaled : bool
        Whether the indicators were standardized (correlation matrix) or
        only centred (covariance matrix).
    n : int
        Respondents used (listwise: complete rows; pairwise: the smallest
        pairwise count).
    missing_report : MissingReport
        Rows used and excluded, and missing cells per column.
    latents, indicators : tuple of str
        Names.
    outer_weights : ndarray, (p,)
        Outer weights of each indicator on its own latent (for standardized
        indicators if ``scaled``, else for centred raw indicators); latent
        scores have unit variance.
    loadings : ndarray, (p,)
        Correlation of each indicator with its latent.
    cross_loadings : ndarray, (p, J)
        Correlation of each indicator with every latent.
    path_coefficients : ndarray, (J, J)
        Standardized structural paths.
    total_effects, indirect_effects : ndarray, (J, J)
        Total and indirect effects.
    r_squared, adjusted_r_squared : ndarray, (J,)
        NaN for exogenous latents.
    latent_correlation : ndarray, (J, J)
    gof : float
        Goodness of fit (Tenenhaus et al. 2005, section 4).
    cronbach_alpha, rho_c, rho_a, ave : ndarray, (J,)
        Reliability and convergent validity per block (computed on first
        access, like the VIFs and :attr:`estimates`).
    htmt : ndarray, (J, J)
        Heterotrait-monotrait ratios (NaN diagonal).
    outer_vif : ndarray, (p,)
    inner_vif : ndarray, (J, J)
        ``[predecessor, target]``; NaN where there is no path.
    indicator_mean, indicator_std : ndarray, (p,)
    scale : Scale or None
        The answer scale of the indices: the declared one, or the observed
        minimum and maximum of the indicators (``scale.name == "observed
        min-max"``); None for Moments or a lazy frame without ``scale``.
    indices : ndarray, (J,)
        0-100 index of each latent (NaN when ``scale`` is None).
    scores : ndarray or None, (rows, J)
        Latent scores per respondent (input rows; NaN where a block has a
        missing answer) when rows were given.
    converged : bool
    iterations : int
    bootstrap : PLSBootstrap or None
    estimates : Estimates
        Every estimate as a row: kinds ``"path"``, ``"loading"``,
        ``"weight"``, ``"total_effect"``, ``"indirect_effect"``, ``"r2"``,
        ``"adjusted_r2"``, ``"index"``, ``"htmt"``, ``"cronbach_alpha"``,
        ``"rho_c"``, ``"rho_a"``, ``"ave"``, ``"gof"``. With a bootstrap the
        first eight families (except ``"adjusted_r2"``) carry bootstrap
        standard errors, t, p and BCa intervals (``interval == "bca"``).
    confidence_level : float
        Level of the bootstrap intervals.
    segments : dict of str to PLSResult, or None
        One fit per segment label (sorted) when ``segments`` was given.
    """

    spec: ModelSpec
    method: str
    scheme: str
    scaled: bool
    n: int
    missing_report: MissingReport
    latents: tuple[str, ...]
    indicators: tuple[str, ...]
    outer_weights: FloatArray
    loadings: FloatArray
    cross_loadings: FloatArray
    path_coefficients: FloatArray
    total_effects: FloatArray
    indirect_effects: FloatArray
    r_squared: FloatArray
    adjusted_r_squared: FloatArray
    latent_correlation: FloatArray
    gof: float
    htmt: FloatArray
    indicator_mean: FloatArray
    indicator_std: FloatArray
    scale: Scale | None
    indices: FloatArray
    scores: FloatArray | None
    converged: bool
    iterations: int
    bootstrap: PLSBootstrap | None
    confidence_level: float
    segments: dict[str, PLSResult] | None = None
    _raw_weights: FloatArray = field(repr=False)
    _backend: str | None = field(default=None, repr=False)
    _derived: PLSDerived = field(repr=False, compare=False)

    # ---------------------------------------- computed on first access
    @property
    def estimates(self) -> Estimates:
        """Every estimate as a row (see the class docstring); built once."""
        return self._derived.estimates()

    @property
    def cronbach_alpha(self) -> FloatArray:
        """Cronbach's alpha per block (NaN for one-item blocks)."""
        return self._derived.array("cronbach_alpha")

    @property
    def rho_c(self) -> FloatArray:
        """Composite reliability rho_C per block."""
        return self._derived.array("rho_c")

    @property
    def rho_a(self) -> FloatArray:
        """Dijkstra-Henseler rho_A per block."""
        return self._derived.array("rho_a")

    @property
    def ave(self) -> FloatArray:
        """Average variance extracted per block."""
        return self._derived.array("ave")

    @property
    def outer_vif(self) -> FloatArray:
        """VIF of each indicator within its block, (p,)."""
        return self._derived.array("outer_vif")

    @property
    def inner_vif(self) -> FloatArray:
        """VIF of each predecessor per structural regression, (J, J)."""
        return self._derived.array("inner_vif")

    # ----------------------------------------------------------- accessors
    def _lv(self, name: str) -> int:
        if name not in self.latents:
            msg = f"unknown latent {name!r}; latents are {self.latents}"
            raise InputError(msg)
        return self.latents.index(name)

    def path(self, source: str, target: str) -> float:
        """Return the path coefficient ``source -> target`` (0 if no path)."""
        return float(self.path_coefficients[self._lv(source), self._lv(target)])

    def weights_of(self, latent: str) -> dict[str, float]:
        """Outer weights of one block, by indicator."""
        block = self.spec.block(latent).indicators
        return {i: float(self.outer_weights[self.indicators.index(i)]) for i in block}

    @property
    def index(self) -> dict[str, float]:
        """0-100 index by latent (NaN when no scale was available)."""
        return dict(zip(self.latents, self.indices.tolist(), strict=True))

    def fornell_larcker(self) -> tuple[FloatArray, dict[str, bool]]:
        """Fornell-Larcker matrix and criterion (Fornell & Larcker 1981).

        Returns
        -------
        matrix : ndarray, (J, J)
            Latent correlations with the square root of each AVE on the
            diagonal.
        satisfied : dict of str to bool
            Per latent: its sqrt(AVE) exceeds its absolute correlation with
            every other latent.
        """
        mat = self.latent_correlation.copy()
        root = np.sqrt(self.ave)
        np.fill_diagonal(mat, root)
        off = np.abs(self.latent_correlation - np.eye(len(self.latents)))
        ok = {lv: bool(root[k] > off[k].max()) for k, lv in enumerate(self.latents)}
        return mat, ok

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Interval bounds of every row of :attr:`estimates`.

        With a bootstrap these are the BCa intervals at the fitted level;
        without one they are NaN. Per family and keyed by label:
        ``result.bootstrap.confidence_interval(statistic="paths")``.

        Parameters
        ----------
        confidence_level : float, optional
            Must be the fitted level (the default): bootstrap intervals are
            not recomputed at another level (fit again instead).

        Raises
        ------
        InputError
            Another level than the fitted one for bootstrap intervals.
        """
        return self.estimates.confidence_interval(confidence_level)

    def ipma(self, target: str = "LOY") -> IPMAResult:
        """Importance-performance map analysis for ``target``.

        Importance is the unstandardized total effect on the target's 0-100
        score, performance the 0-100 index (Ringle & Sarstedt 2016); see
        :mod:`satmodels.acsi.index`.

        Raises
        ------
        InputError
            No ``scale`` was declared, or ``target`` is unknown or has no
            predecessors.
        """
        if self.scale is None:
            msg = (
                "ipma needs the answer scale, which Moments and lazy frames do "
                "not reveal: fit with scale=(min, max)."
            )
            raise InputError(msg)
        t = self._lv(target)
        lay = layout(self.spec)
        lo, hi = self.scale.minimum, self.scale.maximum
        unstd, ind_total = _ipma(self.total_effects, self._raw_weights, lo, hi, lay)
        drivers = [k for k in range(len(self.latents)) if self.total_effects[k, t] != 0]
        if not drivers:
            msg = f"latent {target!r} has no predecessors, so no importance to map."
            raise InputError(msg)
        members = [i for i in range(len(self.indicators)) if lay.block[i] in drivers]
        perf = (self.indicator_mean - lo) / (hi - lo) * 100.0
        lvs = tuple(self.latents[k] for k in drivers)
        inds = tuple(self.indicators[i] for i in members)
        parts = (
            ("importance", lvs, unstd[drivers, t]),
            ("performance", lvs, self.indices[drivers]),
            ("indicator_importance", inds, ind_total[members, t]),
            ("indicator_performance", inds, perf[members]),
        )
        table_ = estimates(
            name=[nm for _, names, _ in parts for nm in names],
            estimate=np.concatenate([v for _, _, v in parts]),
            kind=[k for k, names, _ in parts for _ in names],
            confidence_level=self.confidence_level,
            n=float(self.n),
            interval="none",
            backend=self._backend,
        )
        return IPMAResult(
            target=target,
            latents=lvs,
            importance=unstd[drivers, t],
            performance=self.indices[drivers],
            indicators=inds,
            indicator_importance=ind_total[members, t],
            indicator_performance=perf[members],
            estimates=table_,
            confidence_level=self.confidence_level,
            _backend=self._backend,
        )

    # ------------------------------------------------------------- output
    def _boot(self, statistic: str, label: str) -> dict[str, object]:
        if self.bootstrap is None:
            return {}
        bs = self.bootstrap
        for k in bs.rows(statistic):
            if bs.label[k] == label:
                return {
                    "se": float(bs.se[k]),
                    "t": float(bs.t[k]),
                    "p_value": float(bs.p_value[k]),
                    "ci_low": float(bs.bca_low[k]),
                    "ci_high": float(bs.bca_high[k]),
                }
        return {}

    def _path_records(self) -> list[dict[str, object]]:
        out = []
        for p in self.spec.paths:
            label = f"{p.source} -> {p.target}"
            out.append(
                {
                    "source": p.source,
                    "target": p.target,
                    "estimate": self.path(p.source, p.target),
                    **self._boot("paths", label),
                }
            )
        return out

    def _outer_records(self, which: str) -> list[dict[str, object]]:
        values = self.outer_weights if which == "weights" else self.loadings
        owner = {i: b.latent for b in self.spec.blocks for i in b.indicators}
        return [
            {
                "latent": owner[ind],
                "indicator": ind,
                "estimate": float(values[i]),
                **self._boot(which, ind),
            }
            for i, ind in enumerate(self.indicators)
        ]

    def _effect_records(self) -> list[dict[str, object]]:
        out = []
        nj = len(self.latents)
        for s in range(nj):
            for t in range(nj):
                if self.total_effects[s, t] == 0 and self.path_coefficients[s, t] == 0:
                    continue
                label = f"{self.latents[s]} -> {self.latents[t]}"
                boot = self._boot("total_effects", label)
                out.append(
                    {
                        "source": self.latents[s],
                        "target": self.latents[t],
                        "direct": float(self.path_coefficients[s, t]),
                        "indirect": float(self.indirect_effects[s, t]),
                        "total": float(self.total_effects[s, t]),
                        **{f"total_{k}": v for k, v in boot.items()},
                    }
                )
        return out

    def _htmt_records(self) -> list[dict[str, object]]:
        out = []
        nj = len(self.latents)
        for i in range(nj):
            for j in range(i + 1, nj):
                a, b = self.latents[i], self.latents[j]
                out.append(
                    {
                        "latent_a": a,
                        "latent_b": b,
                        "estimate": float(self.htmt[i, j]),
                        **self._boot("htmt", f"{a} ~ {b}"),
                    }
                )
        return out

    def _quality_dict(self) -> dict[str, dict[str, float | bool]]:
        _, fl_ok = self.fornell_larcker()
        return {
            lv: {
                "cronbach_alpha": float(self.cronbach_alpha[k]),
                "rho_c": float(self.rho_c[k]),
                "rho_a": float(self.rho_a[k]),
                "ave": float(self.ave[k]),
                "fornell_larcker": fl_ok[lv],
            }
            for k, lv in enumerate(self.latents)
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary.

        Keys: ``"paths"`` (records source, target, estimate [, se, t,
        p_value, ci_low, ci_high]), ``"weights"`` and ``"loadings"``
        (records latent, indicator, estimate ...), ``"r_squared"`` and
        ``"adjusted_r_squared"`` ({latent: value}, endogenous only),
        ``"indices"`` ({latent: 0-100}), ``"effects"``, ``"htmt"``,
        ``"quality"``, ``"gof"``, ``"latent_correlation"``, ``"model"``
        (the spec), ``"missing"``, ``"bootstrap"`` and the settings.
        """
        endo = [k for k in range(len(self.latents)) if np.isfinite(self.r_squared[k])]
        out: dict[str, Any] = jsonable(
            {
                "method": self.method,
                "scheme": self.scheme,
                "scaled": self.scaled,
                "n": self.n,
                "converged": self.converged,
                "iterations": self.iterations,
                "model": self.spec.to_dict(),
                "paths": self._path_records(),
                "weights": self._outer_records("weights"),
                "loadings": self._outer_records("loadings"),
                "r_squared": {self.latents[k]: self.r_squared[k] for k in endo},
                "adjusted_r_squared": {
                    self.latents[k]: self.adjusted_r_squared[k] for k in endo
                },
                "indices": self.index,
                "effects": self._effect_records(),
                "htmt": self._htmt_records(),
                "quality": self._quality_dict(),
                "gof": self.gof,
                "latent_correlation": {
                    a: dict(zip(self.latents, row.tolist(), strict=True))
                    for a, row in zip(
                        self.latents, self.latent_correlation, strict=True
                    )
                },
                "scale": None if self.scale is None else self.scale.model_dump(),
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
                "missing_report": self.missing_report.to_dict(),
                "bootstrap": None
                if self.bootstrap is None
                else self.bootstrap.to_dict(),
            }
        )
        return out

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def __repr__(self) -> str:
        lv = self.latents
        r2 = ", ".join(
            f"{lv[k]}={self.r_squared[k]:.2f}"
            for k in range(len(lv))
            if np.isfinite(self.r_squared[k])
        )
        idx = ", ".join(f"{a}={v:.1f}" for a, v in self.index.items())
        boot = 0 if self.bootstrap is None else self.bootstrap.n_resamples
        text = (
            f"PLSResult(latents={len(lv)}, indicators={len(self.indicators)}, "
            f"n={self.n}, scheme={self.scheme!r}, converged={self.converged}, "
            f"n_resamples={boot},\n  R2: {r2},\n  index: {idx})"
        )
        return text if len(text) <= 600 else text[:596] + "...)"

    def summary(self) -> Summary:
        """SmartPLS/seminr-style report: paths, R², outer model, reliability, HTMT."""
        boot = self.bootstrap is not None
        tables: list[SummaryTable] = []
        info = [
            ("respondents used", self.n),
            ("inner scheme", self.scheme),
            ("indicators", "standardized" if self.scaled else "centred (unscaled)"),
            ("iterations", self.iterations),
            ("converged", str(self.converged)),
            ("GoF", self.gof),
        ]
        tables.append(table("Model", ("", "value"), info))
        head = ["path", "estimate"] + (
            ["se", "t", "p", "ci low", "ci high"] if boot else []
        )
        prow = []
        for r in self._path_records():
            row: list[object] = [f"{r['source']} -> {r['target']}", r["estimate"]]
            if boot:
                row += [
                    r.get("se"),
                    r.get("t"),
                    r.get("p_value"),
                    r.get("ci_low"),
                    r.get("ci_high"),
                ]
            prow.append(tuple(row))
        tables.append(table("Path coefficients", head, prow))
        endo = [k for k in range(len(self.latents)) if np.isfinite(self.r_squared[k])]
        tables.append(
            table(
                "R-squared",
                ("latent", "R2", "adj. R2"),
                [
                    (self.latents[k], self.r_squared[k], self.adjusted_r_squared[k])
                    for k in endo
                ],
            )
        )
        outer = [
            (
                w["latent"],
                w["indicator"],
                w["estimate"],
                ld["estimate"],
                self.outer_vif[i],
            )
            for i, (w, ld) in enumerate(
                zip(
                    self._outer_records("weights"),
                    self._outer_records("loadings"),
                    strict=True,
                )
            )
        ]
        tables.append(
            table(
                "Outer model",
                ("latent", "indicator", "weight", "loading", "VIF"),
                outer,
            )
        )
        _, fl_ok = self.fornell_larcker()
        rel = [
            (
                lv,
                self.cronbach_alpha[k],
                self.rho_c[k],
                self.rho_a[k],
                self.ave[k],
                "yes" if fl_ok[lv] else "no",
            )
            for k, lv in enumerate(self.latents)
        ]
        tables.append(
            table(
                "Reliability and validity",
                ("latent", "alpha", "rho_C", "rho_A", "AVE", "Fornell-Larcker"),
                rel,
            )
        )
        tables.append(
            table(
                "HTMT",
                ("latent", *self.latents[:-1]),
                [
                    (
                        a,
                        *[
                            self.htmt[i, j] if j < i else None
                            for j in range(len(self.latents) - 1)
                        ],
                    )
                    for i, a in enumerate(self.latents)
                    if i > 0
                ],
            )
        )
        eff = [
            (f"{r['source']} -> {r['target']}", r["direct"], r["indirect"], r["total"])
            for r in self._effect_records()
        ]
        tables.append(table("Effects", ("path", "direct", "indirect", "total"), eff))
        if self.scale is not None:
            tables.append(
                table(
                    "Indices (0-100)",
                    ("latent", "index"),
                    [(lv, self.indices[k]) for k, lv in enumerate(self.latents)],
                    digits=1,
                )
            )
        notes = [
            f"Missing data ({self.missing_report.missing}): "
            f"{self.missing_report.rows_used} of "
            f"{self.missing_report.rows_total} rows used.",
            _scale_note(self.scale),
        ]
        if boot:
            assert self.bootstrap is not None  # noqa: S101 - narrowed above
            notes.append(
                f"Bootstrap: {self.bootstrap.n_resamples} replicates "
                f"({self.bootstrap.n_failed} not converged, excluded); "
                f"{100 * self.bootstrap.confidence_level:g}% BCa intervals."
            )
        if not self.converged:
            notes.append("WARNING: the PLS iterations did not converge.")
        if self.segments:
            notes.append(
                f"Segments: {', '.join(self.segments)} (one fit each in "
                "result.segments)."
            )
        if self.scale is not None:
            outside = [
                lv
                for lv, v in zip(self.latents, self.indices.tolist(), strict=True)
                if not 0.0 <= v <= 100.0
            ]
            if outside:
                notes.append(
                    f"Index outside 0-100 for {', '.join(outside)}: some outer "
                    "weights are negative (formative block or a reversed item)."
                )
        return Summary(
            title="PLS path model (PLS-PM, Wold 1982; Lohmöller 1989)",
            tables=tuple(t for t in tables if t.rows),
            notes=tuple(notes),
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        indicators: bool = True,
        intervals: bool = False,
        digits: int = 2,
    ) -> Axes:
        """Path diagram of the fitted model (:func:`satmodels.plot.path_diagram`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure sized to the diagram when omitted.
        indicators : bool
            Draw the indicators and their loadings (or weights).
        intervals : bool
            Write each path's interval instead of significance stars.
        digits : int
            Decimals of the coefficients.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels import acsi
        >>> from satmodels.datasets import load_sample_survey
        >>> res = acsi.fit(load_sample_survey(), scale=(1, 10))
        >>> ax = res.plot(indicators=False)
        >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "r2")[0]
        'R² = 0.13'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import path_diagram  # noqa: PLC0415 - matplotlib is optional

        return path_diagram(
            self, ax=ax, indicators=indicators, intervals=intervals, digits=digits
        )
