"""Conformance cases of satmodels.acsi: acsi.fit by PLS and by ML."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from _harness import Case, Columns

from satmodels import acsi

MODEL = "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; B ~ A; C ~ A + B"
#: A higher-order construct H of the components A and B, explaining C.
HOC_MODEL = "A =~ a1 + a2 + a3; B =~ b1 + b2; H =~ A + B; C =~ c1 + c2 + c3; C ~ H"


def _three_latents(n: int = 120, seed: int = 11) -> Columns:
    """Answers 1-7 of three distinct latents (A -> B, A + B -> C)."""
    gen = np.random.default_rng(seed)
    a = gen.normal(size=n)
    b = 0.5 * a + 0.85 * gen.normal(size=n)
    c = 0.35 * a + 0.3 * b + 0.85 * gen.normal(size=n)
    out: Columns = {}
    for name, lat in (
        ("a1", a),
        ("a2", a),
        ("a3", a),
        ("b1", b),
        ("b2", b),
        ("c1", c),
        ("c2", c),
        ("c3", c),
    ):
        raw = 0.8 * lat + 0.6 * gen.normal(size=n)
        out[name] = np.clip(np.round(4.0 + 1.3 * raw), 1, 7).astype(float)
    return out


def _two_segments(n: int = 300, seed: int = 21) -> Columns:
    """Three latents as above plus a numeric segment column ``grp`` (0 or 1)."""
    out = _three_latents(n, seed)
    out["grp"] = (np.arange(n) % 2).astype(float)
    return out


@functools.wraps(acsi.invariance)  # its signature (nan_policy) for the checks
def _invariance(data: Any, **kwargs: Any) -> acsi.InvarianceResult:
    """acsi.invariance; a bare array passes its segment column's values."""
    if isinstance(data, np.ndarray) and kwargs.get("segments") == "grp":
        names = list(kwargs["columns"])
        kwargs["segments"] = data[:, names.index("grp")]
    return acsi.invariance(data, **kwargs)


def _effect_sizes(data: Any, **kwargs: Any) -> acsi.EffectSizeResult:
    """acsi.effect_sizes of an acsi.fit (it takes the fitted result)."""
    return acsi.effect_sizes(acsi.fit(data, **kwargs))


def _indirect(data: Any, **kwargs: Any) -> acsi.MediationResult:
    """acsi.indirect_effects of an acsi.fit (it takes the fitted result)."""
    return acsi.indirect_effects(acsi.fit(data, **kwargs))


def _model_fit(data: Any, **kwargs: Any) -> acsi.ModelFitResult:
    """acsi.model_fit of an acsi.fit; the exact test reads the same data."""
    test = {k: kwargs.pop(k) for k in ("n_resamples", "rng") if k in kwargs}
    level = {k: kwargs.pop(k) for k in ("confidence_level",) if k in kwargs}
    read = {k: kwargs[k] for k in ("columns", "weights") if k in kwargs}
    fit = acsi.fit(data, **kwargs)
    return acsi.model_fit(fit, data=data if test else None, **read, **test, **level)


CASES: list[Case] = [
    Case(
        id="acsi.fit",
        call=acsi.fit,
        data=_three_latents(),
        kwargs={"model": MODEL, "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        segments=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.fit[ml]",
        call=acsi.fit,
        data=_three_latents(300, seed=5),
        kwargs={"model": MODEL, "method": "ml", "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        segments=True,
        resample={},
        confidence_level=True,
        rtol=1e-6,
    ),
    Case(
        id="acsi.fit[mlr]",
        call=acsi.fit,
        data=_three_latents(300, seed=5),
        kwargs={"model": MODEL, "method": "ml", "scale": (1, 7), "robust": "mlr"},
        lazy=False,
        moments=False,
        weights=False,
        segments=True,
        resample={},
        confidence_level=True,
        rtol=1e-6,
    ),
    Case(
        id="acsi.fit[pls,em]",
        call=acsi.fit,
        data=_three_latents(150, seed=7),
        kwargs={"model": MODEL, "scale": (1, 7), "missing": "em"},
        lazy=True,
        moments=True,
        weights=True,
        segments=True,
        resample={},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.fit[ml,fiml]",
        call=acsi.fit,
        data=_three_latents(300, seed=5),
        kwargs={"model": MODEL, "method": "ml", "scale": (1, 7), "missing": "fiml"},
        lazy=True,
        weights=True,
        segments=True,
        resample={},
        confidence_level=True,
        rtol=1e-6,
    ),
    Case(
        id="acsi.consistent",
        call=acsi.consistent,
        data=_three_latents(),
        kwargs={"model": MODEL},
        lazy=True,
        moments=True,
        weights=True,
        segments=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.htmt",
        call=acsi.htmt,
        data=_three_latents(),
        kwargs={"model": MODEL},
        lazy=True,
        moments=True,
        weights=True,
        segments=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.indirect_effects",
        call=_indirect,
        data=_three_latents(),
        kwargs={"model": MODEL, "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.invariance",
        call=_invariance,
        data=_two_segments(),
        kwargs={"model": MODEL, "segments": "grp"},
        lazy=True,
        moments=False,
        weights=True,
        segments=False,
        resample={},
        confidence_level=True,
        rtol=1e-6,
    ),
    Case(
        id="acsi.model_fit",
        call=_model_fit,
        data=_three_latents(),
        kwargs={"model": MODEL, "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.higher_order",
        call=acsi.higher_order,
        data=_three_latents(),
        kwargs={"model": HOC_MODEL, "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.higher_order[repeated_indicators]",
        call=acsi.higher_order,
        data=_three_latents(),
        kwargs={
            "model": HOC_MODEL,
            "approach": "repeated_indicators",
            "scale": (1, 7),
        },
        lazy=True,
        moments=True,
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.moderation",
        call=acsi.moderation,
        data=_three_latents(),
        kwargs={
            "model": "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; C ~ A + B",
            "predictor": "A",
            "moderator": "B",
            "outcome": "C",
        },
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.moderation[orthogonal]",
        call=acsi.moderation,
        data=_three_latents(),
        kwargs={
            "model": "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; C ~ A + B",
            "predictor": "A",
            "moderator": "B",
            "outcome": "C",
            "approach": "orthogonal",
        },
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    ),
]


def _two_segments_g() -> Columns:
    """The three-latent sample with a numeric segment column ``g`` (0 / 1)."""
    data = _three_latents(160, seed=12)
    data["g"] = (np.arange(160) % 2).astype(float)
    return data


@functools.wraps(acsi.compare_segments)
def _compare(data: Any, **kwargs: Any) -> acsi.SegmentComparison:
    """acsi.compare_segments; an array's segment column is passed by value."""
    if isinstance(data, np.ndarray) and kwargs.get("columns"):
        kwargs["segments"] = data[:, list(kwargs["columns"]).index("g")]
    return acsi.compare_segments(data, **kwargs)


CASES.append(
    Case(
        id="acsi.compare_segments",
        call=_compare,
        data=_two_segments_g(),
        kwargs={"model": MODEL, "segments": "g", "scale": (1, 7), "n_permutations": 19},
        lazy=False,
        moments=False,
        weights=True,
        resample={"n_resamples": 20},
        confidence_level=True,
        rtol=1e-8,
    )
)

CASES += [
    Case(
        id="acsi.predict",
        call=acsi.predict,
        data=_three_latents(),
        kwargs={"model": MODEL, "folds": 5, "repetitions": 2, "rng": 1},
        weights=True,
        resample={"repetitions": 2},
        confidence_level=False,
        rtol=1e-8,
    ),
    Case(
        id="acsi.cvpat",
        call=acsi.cvpat,
        data=_three_latents(),
        kwargs={"model": MODEL, "folds": 5, "rng": 1},
        weights=True,
        resample={"repetitions": 1},
        confidence_level=True,
        rtol=1e-8,
    ),
    Case(
        id="acsi.effect_sizes",
        call=_effect_sizes,
        data=_three_latents(),
        kwargs={"model": MODEL, "scale": (1, 7)},
        lazy=True,
        moments=True,
        weights=True,
        confidence_level=False,
        rtol=1e-8,
    ),
    Case(
        id="acsi.blindfold",
        call=acsi.blindfold,
        data=_three_latents(),
        kwargs={"model": MODEL, "omission_distance": 7},
        weights=True,
        confidence_level=False,
        rtol=1e-8,
    ),
]
