"""Demonstration section: answer distributions of the sample survey."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..results._summary import Summary, table
from ..stats import CategoryCounts, pair_counts

__all__ = ["section"]


def section(survey: Mapping[str, Any]) -> Summary:
    """Answer distributions of the sample survey: NPS and one Kano pair.

    Parameters
    ----------
    survey : mapping of str to ndarray
        Columns of the bundled sample survey (``nps``, ``kano_f1``,
        ``kano_d1``, ``weight``).

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> section(load_sample_survey()).title
    'Category counts'
    """
    nps = CategoryCounts.from_data(
        survey, columns=["nps"], categories=range(11), weights="weight"
    )
    pc = pair_counts(
        survey,
        pairs=[("kano_f1", "kano_d1")],
        categories_a=range(1, 6),
        categories_b=range(1, 6),
        weights="weight",
    )
    share = nps.proportions()[0]
    promoters, detractors = share[9:].sum(), share[:7].sum()
    nps_tab = table(
        "NPS answers (weighted share, %)",
        ("answer", "count", "share"),
        [(k, int(nps.counts[0, k]), 100 * float(share[k])) for k in range(11)],
        digits=1,
    )
    return Summary(
        title="Category counts",
        tables=(nps_tab, pc.summary().tables[0]),
        notes=(
            f"Weighted NPS = {100 * (promoters - detractors):.1f} "
            f"(promoters {100 * promoters:.1f}%, detractors "
            f"{100 * detractors:.1f}%); Kish effective n = "
            f"{float(nps.effective_n()[0]):.0f} of {int(nps.n[0])}.",
        ),
    )
