"""Result objects of PLS path modelling: the fit, its bootstrap, IPMA."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._summary import Summary, SummaryTable, table
from ..stats.intervals import summarize
from ..stats.moments import MissingReport
from ._pls_kernel import layout
from .index import ipma as _ipma
from .spec import ModelSpec

__all__ = ["IPMAResult", "PLSBootstrap", "PLSResult"]


def _num(value: object) -> float:
    """Float of a record value known to be a number."""
    return float(cast("float", value))


Family = Literal[
    "weights",
    "loadings",
    "paths",
    "total_effects",
    "indirect_effects",
    "r_squared",
    "indices",
    "htmt",
]
FAMILIES: tuple[str, ...] = (
    "weights",
    "loadings",
    "paths",
    "total_effects",
    "indirect_effects",
    "r_squared",
    "indices",
    "htmt",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PLSBootstrap(ResultMixin):
    """Bootstrap of a PLS fit: standard errors, t, p and intervals.

    Attributes
    ----------
    n_replicates : int
        Replicates drawn.
    n_failed : int
        Replicates whose PLS iterations did not converge (or gave
        non-finite estimates); they are excluded from every statistic below
        and reported here.
    method : str
        Resampling scheme (``"multinomial"`` in memory, ``"poisson"`` on a
        lazy engine).
    confidence_level : float
        Level of the stored intervals.
    jackknife_groups : int
        Leave-one-out (or leave-one-group-out) fits used for the BCa
        acceleration; 0 when unavailable (lazy engines: the acceleration is
        then 0, a bias-corrected percentile interval).
    statistic, label : tuple of str
        Family (``"paths"``, ``"weights"`` ...) and name of each row.
    estimate, se, t, p_value : ndarray
        One entry per row (t = estimate / se; two-sided normal p).
    percentile_low, percentile_high, bca_low, bca_high : ndarray
        Interval bounds, one entry per row.
    """

    n_replicates: int
    n_failed: int
    method: str
    confidence_level: float
    jackknife_groups: int
    statistic: tuple[str, ...]
    label: tuple[str, ...]
    estimate: FloatArray
    se: FloatArray
    t: FloatArray
    p_value: FloatArray
    percentile_low: FloatArray
    percentile_high: FloatArray
    bca_low: FloatArray
    bca_high: FloatArray
    _replicates: FloatArray = field(repr=False)
    _jackknife: FloatArray | None = field(repr=False)

    def rows(self, statistic: str) -> list[int]:
        """Row positions of one family."""
        if statistic not in FAMILIES:
            msg = (
                f"The 'statistic' parameter must be one of {FAMILIES}. "
                f"Got {statistic!r} instead."
            )
            raise InputError(msg)
        return [k for k, s in enumerate(self.statistic) if s == statistic]

    def confidence_interval(
        self,
        confidence_level: float = 0.95,
        *,
        statistic: str = "paths",
        method: Literal["bca", "percentile"] = "bca",
    ) -> ConfidenceInterval:
        """Intervals of one family as dicts keyed by label.

        Parameters
        ----------
        confidence_level : float
            Recomputed from the stored replicates when it differs from the
            level of the fit.
        statistic : str
            One of ``"weights"``, ``"loadings"``, ``"paths"``,
            ``"total_effects"``, ``"indirect_effects"``, ``"r_squared"``,
            ``"indices"``, ``"htmt"``.
        method : {"bca", "percentile"}
            Interval type.
        """
        level = check_confidence_level(confidence_level, "confidence_interval")
        if method not in ("bca", "percentile"):
            msg = (
                "The 'method' parameter of confidence_interval must be 'bca' or "
                f"'percentile'. Got {method!r} instead."
            )
            raise InputError(msg)
        idx = self.rows(statistic)
        if level == self.confidence_level:
            lo_all, hi_all = (
                (self.bca_low, self.bca_high)
                if method == "bca"
                else (self.percentile_low, self.percentile_high)
            )
            lo, hi = lo_all[idx], hi_all[idx]
        else:
            jack = None if self._jackknife is None else self._jackknife[:, idx]
            iv = summarize(self._replicates[:, idx], self.estimate[idx], jack, level)
            lo, hi = (
                (iv.bca_low, iv.bca_high)
                if method == "bca"
                else (iv.percentile_low, iv.percentile_high)
            )
        labels = [self.label[k] for k in idx]
        return ConfidenceInterval(
            low=dict(zip(labels, lo.tolist(), strict=True)),
            high=dict(zip(labels, hi.tolist(), strict=True)),
        )

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "statistic": self.statistic[k],
                "label": self.label[k],
                "estimate": float(self.estimate[k]),
                "se": float(self.se[k]),
                "t": float(self.t[k]),
                "p_value": float(self.p_value[k]),
                "percentile_low": float(self.percentile_low[k]),
                "percentile_high": float(self.percentile_high[k]),
                "bca_low": float(self.bca_low[k]),
                "bca_high": float(self.bca_high[k]),
            }
            for k in range(len(self.label))
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the settings and one record per statistic (JSON-safe)."""
        return {
            "n_replicates": self.n_replicates,
            "n_failed": self.n_failed,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "jackknife_groups": self.jackknife_groups,
            "statistics": jsonable(self._records()),
        }

    def summary(self) -> Summary:
        """Return one table of every bootstrapped statistic."""
        pct = f"{100 * self.confidence_level:g}%"
        rows = [
            (
                r["statistic"],
                r["label"],
                r["estimate"],
                r["se"],
                r["t"],
                r["p_value"],
                r["bca_low"],
                r["bca_high"],
            )
            for r in self._records()
        ]
        head = ("statistic", "label", "estimate", "se", "t", "p", "bca low", "bca high")
        return Summary(
            title=f"Bootstrap ({self.n_replicates} replicates, {pct} BCa)",
            tables=(table("", head, rows),),
            notes=(
                f"{self.n_failed} replicate(s) did not converge and were excluded.",
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class IPMAResult(ResultMixin):
    """Importance-performance map of a target latent (Ringle & Sarstedt 2016).

    Attributes
    ----------
    target : str
        The target latent.
    latents : tuple of str
        Latents with a total effect on the target.
    importance : ndarray
        Their unstandardized total effects on the target (0-100 scores): a
        one-point rise of the latent's index raises the target's index by
        this much.
    performance : ndarray
        Their 0-100 indices.
    indicators : tuple of str
        The indicators of those latents.
    indicator_importance, indicator_performance : ndarray
        Per indicator: normalized unstandardized weight times its latent's
        importance, and the rescaled mean (0-100).
    """

    target: str
    latents: tuple[str, ...]
    importance: FloatArray
    performance: FloatArray
    indicators: tuple[str, ...]
    indicator_importance: FloatArray
    indicator_performance: FloatArray

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {
                "level": "latent",
                "name": lv,
                "importance": float(self.importance[k]),
                "performance": float(self.performance[k]),
            }
            for k, lv in enumerate(self.latents)
        ]
        rows += [
            {
                "level": "indicator",
                "name": ind,
                "importance": float(self.indicator_importance[k]),
                "performance": float(self.indicator_performance[k]),
            }
            for k, ind in enumerate(self.indicators)
        ]
        return rows

    def summary(self) -> Summary:
        """Return the latent and indicator maps as tables."""
        recs = self._records()
        head = ("name", "importance", "performance")
        lat = [
            (r["name"], r["importance"], r["performance"])
            for r in recs[: len(self.latents)]
        ]
        ind = [
            (r["name"], r["importance"], r["performance"])
            for r in recs[len(self.latents) :]
        ]
        return Summary(
            title=f"Importance-performance map for {self.target}",
            tables=(table("Latents", head, lat), table("Indicators", head, ind)),
            notes=(
                "Importance: unstandardized total effect on the target's 0-100 "
                "index; performance: 0-100 index (Ringle & Sarstedt 2016).",
            ),
        )


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
    missing : MissingReport
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
        Reliability and convergent validity per block.
    htmt : ndarray, (J, J)
        Heterotrait-monotrait ratios (NaN diagonal).
    outer_vif : ndarray, (p,)
    inner_vif : ndarray, (J, J)
        ``[predecessor, target]``; NaN where there is no path.
    indicator_mean, indicator_std : ndarray, (p,)
    scale : tuple of float or None
        Declared (min, max) answer scale.
    indices : ndarray or None, (J,)
        0-100 index of each latent (needs ``scale``).
    scores : ndarray or None, (rows, J)
        Latent scores per respondent (input rows; NaN where a block has a
        missing answer) when rows were given.
    converged : bool
    iterations : int
    bootstrap : PLSBootstrap or None
    """

    spec: ModelSpec
    method: str
    scheme: str
    scaled: bool
    n: int
    missing: MissingReport
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
    cronbach_alpha: FloatArray
    rho_c: FloatArray
    rho_a: FloatArray
    ave: FloatArray
    htmt: FloatArray
    outer_vif: FloatArray
    inner_vif: FloatArray
    indicator_mean: FloatArray
    indicator_std: FloatArray
    scale: tuple[float, float] | None
    indices: FloatArray | None
    scores: FloatArray | None
    converged: bool
    iterations: int
    bootstrap: PLSBootstrap | None
    _raw_weights: FloatArray = field(repr=False)
    _backend: str | None = field(default=None, repr=False)

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
        """0-100 index by latent (empty without ``scale``)."""
        if self.indices is None:
            return {}
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
        self,
        confidence_level: float = 0.95,
        *,
        statistic: str = "paths",
        method: Literal["bca", "percentile"] = "bca",
    ) -> ConfidenceInterval:
        """Bootstrap interval of one family of estimates (dicts keyed by label).

        Labels: ``"EXPE -> SAT"`` (paths and effects), the indicator name
        (weights, loadings), the latent (r_squared, indices), ``"A ~ B"``
        (htmt).

        Raises
        ------
        InputError
            The fit had no bootstrap (``n_bootstrap=0``).
        """
        if self.bootstrap is None:
            msg = (
                "confidence_interval needs a bootstrap: fit with n_bootstrap > 0 "
                "(e.g. n_bootstrap=2000)."
            )
            raise InputError(msg)
        return self.bootstrap.confidence_interval(
            confidence_level, statistic=statistic, method=method
        )

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
        if self.scale is None or self.indices is None:
            msg = "ipma needs the declared answer scale: fit with scale=(min, max)."
            raise InputError(msg)
        t = self._lv(target)
        lay = layout(self.spec)
        lo, hi = self.scale
        unstd, ind_total = _ipma(self.total_effects, self._raw_weights, lo, hi, lay)
        drivers = [k for k in range(len(self.latents)) if self.total_effects[k, t] != 0]
        if not drivers:
            msg = f"latent {target!r} has no predecessors, so no importance to map."
            raise InputError(msg)
        members = [i for i in range(len(self.indicators)) if lay.block[i] in drivers]
        perf = (self.indicator_mean - lo) / (hi - lo) * 100.0
        return IPMAResult(
            target=target,
            latents=tuple(self.latents[k] for k in drivers),
            importance=unstd[drivers, t],
            performance=self.indices[drivers],
            indicators=tuple(self.indicators[i] for i in members),
            indicator_importance=ind_total[members, t],
            indicator_performance=perf[members],
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
                "scale": None if self.scale is None else list(self.scale),
                "missing": self.missing.to_dict(),
                "bootstrap": None
                if self.bootstrap is None
                else self.bootstrap.to_dict(),
            }
        )
        return out

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []

        def add(
            stat: str,
            source: object,
            target: object,
            est: float,
            boot: dict[str, object],
        ) -> None:
            rows.append(
                {
                    "statistic": stat,
                    "source": source,
                    "target": target,
                    "estimate": est,
                    "se": boot.get("se"),
                    "t": boot.get("t"),
                    "p_value": boot.get("p_value"),
                    "ci_low": boot.get("ci_low"),
                    "ci_high": boot.get("ci_high"),
                }
            )

        for r in self._path_records():
            add("path", r["source"], r["target"], _num(r["estimate"]), r)
        for which, stat in (("weights", "weight"), ("loadings", "loading")):
            for r in self._outer_records(which):
                add(stat, r["indicator"], r["latent"], _num(r["estimate"]), r)
        for r in self._effect_records():
            boot = {
                k.removeprefix("total_"): v
                for k, v in r.items()
                if k.startswith("total_")
            }
            add("total_effect", r["source"], r["target"], _num(r["total"]), boot)
            add("indirect_effect", r["source"], r["target"], _num(r["indirect"]), {})
        for k, lv in enumerate(self.latents):
            if np.isfinite(self.r_squared[k]):
                add(
                    "r_squared",
                    None,
                    lv,
                    float(self.r_squared[k]),
                    self._boot("r_squared", lv),
                )
                add(
                    "adjusted_r_squared",
                    None,
                    lv,
                    float(self.adjusted_r_squared[k]),
                    {},
                )
            if self.indices is not None:
                add(
                    "index", None, lv, float(self.indices[k]), self._boot("indices", lv)
                )
            for name, vals in (
                ("cronbach_alpha", self.cronbach_alpha),
                ("rho_c", self.rho_c),
                ("rho_a", self.rho_a),
                ("ave", self.ave),
            ):
                add(name, None, lv, float(vals[k]), {})
        for r in self._htmt_records():
            add("htmt", r["latent_a"], r["latent_b"], _num(r["estimate"]), r)
        add("gof", None, None, self.gof, {})
        return rows

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
        if self.indices is not None:
            tables.append(
                table(
                    "Indices (0-100)",
                    ("latent", "index"),
                    [(lv, self.indices[k]) for k, lv in enumerate(self.latents)],
                    digits=1,
                )
            )
        notes = [
            f"Missing data ({self.missing.missing}): {self.missing.rows_used} of "
            f"{self.missing.rows_total} rows used.",
        ]
        if boot:
            assert self.bootstrap is not None  # noqa: S101 - narrowed above
            notes.append(
                f"Bootstrap: {self.bootstrap.n_replicates} replicates "
                f"({self.bootstrap.n_failed} not converged, excluded); "
                f"{100 * self.bootstrap.confidence_level:g}% BCa intervals."
            )
        if not self.converged:
            notes.append("WARNING: the PLS iterations did not converge.")
        if self.indices is not None:
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
