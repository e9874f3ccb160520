"""The conformance contract: how a public function is described for the checks.

Each model's ``cases_<model>.py`` lists :class:`Case` objects; the checks in
``tests/test_conformance.py`` run every case through the vocabulary of
docs/conventions.md (input kinds, weights, segments, rng, confidence level,
estimates table, to_frame backend, repr, to_dict, summary, errors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Case:
    """One public function called on one good sample.

    Attributes
    ----------
    id : str
        ``"module.function"`` (unique; the test id).
    call : callable
        ``call(data, **kwargs)`` returns the result. Usually the public
        function itself.
    data : dict of str to 1-D float array
        A good sample: numeric columns only, all the same length (>= 30).
        The harness adds a weight column ``"w"`` and a segment column
        ``"seg"`` itself.
    kwargs : dict
        Keyword arguments of a good call: column keywords by name, options.
    lazy : bool
        The function accepts lazy frames (polars LazyFrame, DuckDB).
    moments : bool
        The function accepts ``Moments.from_data(data)`` as ``data``.
    weights : bool
        The function takes case ``weights``.
    segments : bool
        The function takes ``segments`` and returns ``result.segments``.
        (A function whose signature takes ``design`` is held to the survey
        design keyword without a flag: same result type, design-based
        table with ``design_effect``, ``weights`` and ``design`` refused
        together; tests/test_conformance.py.)
    resample : dict
        Keywords that switch on resampling (e.g. ``{"n_resamples": 20}``);
        empty when the function takes no ``rng``.
    confidence_level : bool
        The function takes ``confidence_level``.
    rtol : float
        Tolerance for "the same numbers" across input kinds.
    """

    id: str
    call: Callable[..., Any]
    data: Columns
    kwargs: dict[str, Any] = field(default_factory=dict)
    lazy: bool = False
    moments: bool = False
    weights: bool = True
    segments: bool = False
    resample: dict[str, Any] = field(default_factory=dict)
    confidence_level: bool = True
    rtol: float = 1e-10


def likert(
    n: int, names: list[str], lo: int = 1, hi: int = 7, seed: int = 0
) -> Columns:
    """Correlated integer answers in ``[lo, hi]`` (a common factor plus noise)."""
    gen = np.random.default_rng(seed)
    common = gen.normal(size=n)
    out: Columns = {}
    for name in names:
        raw = common + gen.normal(scale=0.8, size=n)
        mid, half = (lo + hi) / 2.0, (hi - lo) / 2.0
        out[name] = np.clip(np.round(mid + half * raw / 2.0), lo, hi).astype(float)
    return out


def load_cases() -> list[Case]:
    """Every ``CASES`` list of the ``cases_*.py`` files next to this module."""
    import importlib
    from pathlib import Path

    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        cases.extend(importlib.import_module(path.stem).CASES)
    ids = [c.id for c in cases]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        msg = f"duplicate conformance case ids: {dup}"
        raise ValueError(msg)
    return cases
