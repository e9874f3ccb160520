"""Kano section of the ``satmodels demo`` report (the bundled sample survey)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kano import analyze, continuous
from ..results._summary import Summary, table

__all__ = ["section"]

_ATTRIBUTES = 6


def section(survey: Mapping[str, Any]) -> Summary:
    """Kano categories, coefficients and continuous scores of the sample survey.

    Parameters
    ----------
    survey : mapping of str to array, or a dataframe
        Columns ``kano_f1..kano_f6`` and ``kano_d1..kano_d6`` (codes 1 like,
        2 must-be, 3 neutral, 4 live-with, 5 dislike), ``segment`` and the
        post-stratification ``weight``, as in
        :func:`satmodels.datasets.load_sample_survey`.

    Returns
    -------
    Summary
        Categories and coefficients per attribute (weighted), the category
        per segment and the continuous (DuMouchel) scores.

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> s = section(load_sample_survey())
    >>> s.title
    'Kano model (6 attributes, weighted)'
    """
    functional = [f"kano_f{a}" for a in range(1, _ATTRIBUTES + 1)]
    dysfunctional = [f"kano_d{a}" for a in range(1, _ATTRIBUTES + 1)]
    names = [f"attribute {a}" for a in range(1, _ATTRIBUTES + 1)]
    res = analyze(
        survey,
        functional=functional,
        dysfunctional=dysfunctional,
        attributes=names,
        weights="weight",
        segments="segment",
    )
    cont = continuous(
        survey,
        functional=functional,
        dysfunctional=dysfunctional,
        attributes=names,
        weights="weight",
    )
    base = res.summary()
    rows = [
        (
            name,
            float(cont.functional_mean[j]),
            float(cont.dysfunctional_mean[j]),
            cont.quadrant[j],
        )
        for j, name in enumerate(names)
    ]
    tables = (
        *base.tables,
        table(
            "Continuous scores (DuMouchel)",
            ("attribute", "func_mean", "dys_mean", "quadrant"),
            rows,
        ),
    )
    return Summary(
        title=f"Kano model ({_ATTRIBUTES} attributes, weighted)",
        tables=tables,
        notes=base.notes,
    )
