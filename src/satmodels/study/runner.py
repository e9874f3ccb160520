"""Run a study: read the data once, fit every analysis, rank what to improve.

:func:`run` is the one entry point. Each analysis kind has one private
function here that calls the public model functions (never their internals)
and says which estimate is its headline, which charts show it and how to
read it; :mod:`._sections` turns results into tables and priorities.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import InputError, SatmodelsError
from ..scales import CSM_SEVEN, FIVE_LEVEL, Scale
from ._data import Staged, read_data, stage
from ._sections import Candidate, headline_of, priorities, tables_of
from .result import Figure, Headline, Section, StudyResult
from .spec import (
    ACSIAnalysis,
    Analysis,
    CESAnalysis,
    CSATAnalysis,
    CSIAnalysis,
    CSMAnalysis,
    DriversAnalysis,
    IPAAnalysis,
    KanoAnalysis,
    NPSAnalysis,
    RatioAnalysis,
    ServqualAnalysis,
    StudySpec,
    load_spec,
)

__all__ = ["run"]

_CSM_SCALES = {"seven-level": CSM_SEVEN, "five-level": FIVE_LEVEL}


@dataclass(frozen=True, slots=True)
class _Context:
    data: object
    weights: str | None
    segments: str | None
    level: float


@dataclass(slots=True)
class _Fit:
    """What one analysis function returns to :func:`run`."""

    title: str
    note: str
    results: dict[str, Any]
    headline: list[tuple[str, str, str, str]] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


def run(
    spec: StudySpec | Mapping[str, Any] | str | Path,
    data: object = None,
) -> StudyResult:
    """Run every analysis of a study specification and collect the report.

    Parameters
    ----------
    spec : StudySpec, mapping, str or Path
        The study (:class:`~satmodels.study.StudySpec`), its dictionary, or
        a ``.toml`` / ``.json`` file.
    data : mapping, dataframe or array, optional
        The survey, one row per respondent. Default: the CSV or Parquet file
        the spec names in ``data``.

    Returns
    -------
    StudyResult
        Headline indices, up to three priorities and one section per
        analysis, with ``to_html``, ``to_excel`` and ``to_dict``.

    Raises
    ------
    InputError
        An invalid spec (the field path and value), no data, a column the
        data lacks (named with its analysis), or an analysis the models
        refuse (the analysis named, then the model's message).

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.study import run
    >>> spec = {"weights": "weight", "analyses": [{"kind": "nps", "item": "nps"}]}
    >>> result = run(spec, load_sample_survey())
    >>> round(result.headline[0].estimate, 2)
    2.71
    """
    study = load_spec(spec)
    names = study.names()
    engine = stage(study, names) if data is None else None
    try:
        return _run(study, names, data, engine)
    finally:
        if engine is not None:
            engine.close()


def _run(
    study: StudySpec,
    names: tuple[str, ...],
    data: object,
    engine: Staged | None,
) -> StudyResult:
    """Fit the analyses (on ``engine`` when the file was staged there)."""
    n: int | None
    if engine is not None:
        data, n = engine.frame, engine.n_rows
    else:
        data, n = read_data(study, names, data)
    ctx = _Context(data, study.weights, study.segments, study.confidence_level)
    sections: list[Section] = []
    heads: list[Headline] = []
    cands: list[list[Candidate]] = []
    for name, analysis in zip(names, study.analyses, strict=True):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            while True:
                try:
                    fit = _RUNNERS[analysis.kind](analysis, ctx)
                    break
                except SatmodelsError as exc:
                    msg = f"Study analysis {name!r} ({analysis.kind}): {exc}"
                    raise InputError(msg) from exc
                except Exception as exc:
                    if engine is None or not engine.failed(exc):
                        raise
                    # DuckDB failed (e.g. over its memory budget): this
                    # analysis and the next ones on the rows in memory; a
                    # failed query returned no number, so results stand
                    caught.clear()
                    engine.close()
                    engine = None
                    data, n = read_data(study, names, None)
                    ctx = _Context(
                        data, study.weights, study.segments, study.confidence_level
                    )
        said = tuple(dict.fromkeys(str(w.message) for w in caught))
        for w in caught:  # re-issued: the report shows them, callers see them
            warnings.warn_explicit(
                w.message, w.category, w.filename, w.lineno, source=w.source
            )
        figures = tuple(
            Figure(
                name=f"{name}.{chart}",
                chart=chart,
                caption=caption,
                result=fit.results[key],
            )
            for chart, key, caption in fit.figures
        )
        tables, notes = tables_of(name, fit.results)
        sections.append(
            Section(
                name=name,
                kind=analysis.kind,
                title=analysis.title or fit.title,
                note=fit.note,
                results=fit.results,
                tables=tables,
                figures=figures,
                notes=notes,
                warnings=said,
            )
        )
        heads.extend(headline_of(name, fit.results["main"], h) for h in fit.headline)
        cands.append([c.within(name) for c in fit.candidates])
    return StudyResult(
        spec=study,
        n=n,
        headline=tuple(heads),
        priorities=priorities(cands),
        sections=tuple(sections),
    )


# ------------------------------------------------------------ the analyses
def _ratio(a: RatioAnalysis, ctx: _Context) -> _Fit:
    from ..ratio import satisfaction_ratio  # noqa: PLC0415

    res = satisfaction_ratio(
        ctx.data,
        perceived=a.perceived,
        expected=a.expected,
        items=a.items,
        scale=a.scale,
        thresholds=a.thresholds,
        weights=ctx.weights,
        confidence_level=ctx.level,
        nan_policy="omit",
    )
    return _Fit(
        title="Satisfaction ratio c = b / a",
        note=(
            "Each item's ratio divides the perceived level b by the expected "
            "level a: 1 means expectations are met exactly, below 1 the "
            "service falls short, above 1 it exceeds them. The grade bands "
            "name the ranges; the overall row pools every item."
        ),
        results={"main": res},
        headline=[("Satisfaction ratio c = b/a", "ratio_of_means", "overall", "")],
        figures=[("grade_chart", "main", "Ratio per item against its grade bands.")],
    )


def _csm(a: CSMAnalysis, ctx: _Context) -> _Fit:
    from ..csi import csm  # noqa: PLC0415

    scale = a.scale if isinstance(a.scale, Scale) else _CSM_SCALES[a.scale]
    res = csm(
        ctx.data,
        items=a.items,
        scale=scale,
        codes=a.codes,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    return _Fit(
        title="Customer satisfaction measure (CSM)",
        note=(
            "Every answer is replaced by the score of its level and the scores "
            "are averaged: the CSM is the mean score, with its interval, per "
            "item and overall. Compare items with each other and with the "
            "labels of the scale's levels."
        ),
        results={"main": res},
        headline=[("CSM", "csm", "overall", "points")],
        figures=[("bars", "main", "Mean score per item with its interval.")],
    )


def _csi(a: CSIAnalysis, ctx: _Context) -> _Fit:
    from ..csi import csi_index  # noqa: PLC0415

    res = csi_index(
        ctx.data,
        tree=a.tree,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    return _Fit(
        title=f"Weighted CSI: {a.tree.name}",
        note=(
            "The index is a weighted mean of the items, rescaled to 0-100: "
            "each dimension's score averages its items, and the index averages "
            "the dimensions with the weights shown (from the AHP comparisons "
            "where given). A dimension far below the others pulls the index "
            "down by its weight."
        ),
        results={"main": res},
        headline=[("CSI", "index", a.tree.root.name, "/ 100")],
        figures=[("radar", "main", "Score of each dimension (0-100).")],
    )


def _nps(a: NPSAnalysis, ctx: _Context) -> _Fit:
    from ..csi import nps  # noqa: PLC0415

    res = nps(
        ctx.data,
        items=a.item,
        weights=ctx.weights,
        segments=ctx.segments,
        method=a.method,
        confidence_level=ctx.level,
    )
    return _Fit(
        title="Net Promoter Score",
        note=(
            "Promoters answer 9-10 and detractors 0-6 on the 0-10 "
            "recommendation question; the NPS is the share of promoters minus "
            "the share of detractors, from -100 to +100. An interval that "
            "contains 0 does not show more promoters than detractors."
        ),
        results={"main": res},
        headline=[("NPS", "nps", "nps", "")],
        figures=[("bars", "main", "Promoters, passives and detractors.")],
    )


def _csat(a: CSATAnalysis, ctx: _Context) -> _Fit:
    from ..csi import csat  # noqa: PLC0415

    res = csat(
        ctx.data,
        items=a.item,
        scale=a.scale,
        top_box=a.top_box,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    return _Fit(
        title=f"CSAT: top-{a.top_box}-box share of {a.item}",
        note=(
            f"The share (in %) of respondents who chose one of the top "
            f"{a.top_box} answers of the scale, with a Wilson interval."
        ),
        results={"main": res},
        headline=[("CSAT", "share", "csat", "%")],
        figures=[("bars", "main", "Top-box share with its interval.")],
    )


def _ces(a: CESAnalysis, ctx: _Context) -> _Fit:
    from ..csi import ces  # noqa: PLC0415

    res = ces(
        ctx.data,
        items=a.item,
        scale=a.scale,
        agree_from=a.agree_from,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    return _Fit(
        title=f"Customer Effort Score of {a.item}",
        note=(
            "The mean answer to the effort question and the share who agree "
            "that the task was easy; a higher score means less effort."
        ),
        results={"main": res},
        headline=[("CES", "mean", "mean", "")],
        figures=[("bars", "main", "Mean effort score with its interval.")],
    )


def _drivers(a: DriversAnalysis, ctx: _Context) -> _Fit:
    from ..csi import key_drivers  # noqa: PLC0415

    res = key_drivers(
        ctx.data,
        target=a.target,
        items=a.items,
        method=a.method,
        weights=ctx.weights,
        confidence_level=ctx.level,
    )
    return _Fit(
        title=f"Key drivers of {a.target} ({a.method})",
        note=(
            f"How much of the variation of {a.target} each item accounts for: "
            "the importances add up to the R-squared of the regression, and "
            "the share column says which part of the explained variation "
            "each item carries. Improve the items with the largest shares."
        ),
        results={"main": res},  # no chart of satmodels.plot draws importances
    )


def _ipa(a: IPAAnalysis, ctx: _Context) -> _Fit:
    from ..csi import ipa  # noqa: PLC0415

    res = ipa(
        ctx.data,
        items=a.items,
        target=a.target,
        method=a.method,
        scale=a.scale,
        centre=a.centre,
        weights=ctx.weights,
        confidence_level=ctx.level,
    )
    cands = [
        Candidate(
            item=item,
            source="IPA",
            reason=(
                f"important for {a.target} (importance "
                f"{float(res.importance[item]):.3f}) but performing below the "
                f"centre ({float(res.performance[item]):.2f} < "
                f"{res.performance_centre:.2f})"
            ),
            importance=float(res.importance[item]),
            performance=float(res.performance[item]),
            order=-float(res.importance[item]),
        )
        for item in a.items
        if res.quadrant[item] == "concentrate here"
    ]
    return _Fit(
        title=f"Importance-performance analysis of {a.target}",
        note=(
            "Each item is placed by its performance (mean answer) and its "
            f"importance for {a.target} (derived by {a.method}). The lines "
            "through the centre split the map into four quadrants: items in "
            "'concentrate here' matter much and perform below the others, "
            "and come first."
        ),
        results={"main": res},
        figures=[("ipa_map", "main", "Importance against performance.")],
        candidates=sorted(cands, key=lambda c: c.order),
    )


def _kano(a: KanoAnalysis, ctx: _Context) -> _Fit:
    from ..kano import analyze, continuous  # noqa: PLC0415

    res = analyze(
        ctx.data,
        pairs=a.pairs,
        attributes=a.attributes,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    cont = continuous(
        ctx.data,
        pairs=a.pairs,
        attributes=a.attributes,
        weights=ctx.weights,
        confidence_level=ctx.level,
    )
    cands = []
    for j, attr in enumerate(res.attributes):
        cat = res.category[j]
        if cat not in ("M", "O"):
            continue
        worse = float(res.worse[j])
        what = "must-be" if cat == "M" else "one-dimensional"
        cands.append(
            Candidate(
                item=attr,
                source="Kano",
                reason=(
                    f"{what}: lacking it dissatisfies (Worse {worse:.2f}); "
                    "fix before adding attractive features"
                ),
                importance=abs(worse),
                performance=float("nan"),
                order=(0 if cat == "M" else 1) - abs(worse),
            )
        )
    return _Fit(
        title="Kano model",
        note=(
            "Each attribute is classified from the pair of questions 'how do "
            "you feel if it is present / absent': must-be (M) attributes are "
            "expected and only dissatisfy when missing, one-dimensional (O) "
            "satisfy the more the better, attractive (A) delight when present, "
            "indifferent (I) matter little. Better and Worse say how much "
            "satisfaction rises with the attribute and falls without it."
        ),
        results={"main": res, "continuous": cont},
        figures=[
            ("kano_map", "main", "Better against Worse: the Kano quadrants."),
            (
                "kano_continuous",
                "continuous",
                "Functional against dysfunctional mean score (DuMouchel).",
            ),
        ],
        candidates=sorted(cands, key=lambda c: c.order),
    )


def _servqual(a: ServqualAnalysis, ctx: _Context) -> _Fit:
    from ..servqual import gaps  # noqa: PLC0415

    res = gaps(
        ctx.data,
        perceptions=a.perceptions,
        expectations=a.expectations,
        scale=a.scale,
        weights=ctx.weights,
        segments=ctx.segments,
        confidence_level=ctx.level,
    )
    return _Fit(
        title="SERVQUAL gaps",
        note=(
            "A gap is perception minus expectation on the same item: "
            "negative gaps are shortfalls. Dimension gaps average their items; "
            "the SERVQUAL score averages the dimensions. The most negative "
            "dimension is where service falls furthest below expectations."
        ),
        results={"main": res},
        headline=[("SERVQUAL score (gap)", "score", "unweighted", "")],
        figures=[("gap_bars", "main", "Gap per dimension with its interval.")],
    )


def _acsi(a: ACSIAnalysis, ctx: _Context) -> _Fit:
    from ..acsi import fit  # noqa: PLC0415

    res: Any = fit(
        ctx.data,
        model=a.model,
        method=a.method,
        scale=a.scale,
        weights=ctx.weights,
        n_resamples=a.n_resamples,
        rng=a.rng,
        scores=False,
        confidence_level=ctx.level,
    )
    results: dict[str, Any] = {"main": res}
    figures = [("path_diagram", "main", "Path coefficients between the latents.")]
    cands: list[Candidate] = []
    if a.method == "pls":
        ipma = res.ipma(a.target)
        results["ipma"] = ipma
        figures.append(
            (
                "ipma_map",
                "ipma",
                f"Total effect on {a.target} against 0-100 performance.",
            )
        )
        for k, latent in enumerate(ipma.latents):
            imp, perf = float(ipma.importance[k]), float(ipma.performance[k])
            if imp <= 0 or latent == a.index:  # the headline is an outcome
                continue
            cands.append(
                Candidate(
                    item=latent,
                    source="IPMA",
                    reason=(
                        f"one point more raises {a.target} by {imp:.2f}; "
                        f"performance {perf:.1f} of 100 leaves room"
                    ),
                    importance=imp,
                    performance=perf,
                    order=-imp * (100.0 - perf),
                )
            )
    return _Fit(
        title=f"{_model_name(a)} model ({a.method.upper()})",
        note=(
            "Latent variables (expectations, quality, value, satisfaction, "
            "complaints, loyalty) are measured by their items; arrows are "
            "path coefficients (the change in one latent per unit of another). "
            f"The 0-100 index of {a.index} is the headline. The importance-"
            f"performance map (IPMA) ranks the drivers of {a.target} by total "
            "effect and performance: large effect with low performance first."
        ),
        results=results,
        headline=[(f"{a.index} index", "index", a.index, "/ 100")],
        figures=figures,
        candidates=sorted(cands, key=lambda c: c.order),
    )


def _model_name(a: ACSIAnalysis) -> str:
    if isinstance(a.model, str) and "~" not in a.model:
        return a.model.upper()
    return "Structural equation"


_RUNNERS: dict[str, Callable[[Analysis, _Context], _Fit]] = {
    "ratio": _ratio,  # type: ignore[dict-item]
    "csm": _csm,  # type: ignore[dict-item]
    "csi_tree": _csi,  # type: ignore[dict-item]
    "nps": _nps,  # type: ignore[dict-item]
    "csat": _csat,  # type: ignore[dict-item]
    "ces": _ces,  # type: ignore[dict-item]
    "drivers": _drivers,  # type: ignore[dict-item]
    "ipa": _ipa,  # type: ignore[dict-item]
    "kano": _kano,  # type: ignore[dict-item]
    "servqual": _servqual,  # type: ignore[dict-item]
    "acsi": _acsi,  # type: ignore[dict-item]
}
