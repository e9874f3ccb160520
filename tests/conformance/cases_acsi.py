"""Conformance cases of satmodels.acsi: acsi.fit by PLS and by ML."""

from __future__ import annotations

from typing import Any

import numpy as np
from _harness import Case, Columns

from satmodels import acsi

MODEL = "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; B ~ A; C ~ A + B"


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


def _indirect(data: Any, **kwargs: Any) -> acsi.MediationResult:
    """acsi.indirect_effects of an acsi.fit (it takes the fitted result)."""
    return acsi.indirect_effects(acsi.fit(data, **kwargs))


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
]
