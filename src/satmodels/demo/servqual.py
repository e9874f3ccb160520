"""SERVQUAL section of the ``satmodels demo`` report."""

from __future__ import annotations

from collections.abc import Mapping

from ..results._summary import Summary
from ..servqual import SERVQUAL_22, gaps, reliability

__all__ = ["section"]


def section(survey: Mapping[str, object]) -> Summary:
    """Dimension gaps, scores and gap-score reliability of the sample survey.

    Parameters
    ----------
    survey : mapping of str to array
        Columns ``sq_p1`` ... ``sq_p22`` (perceptions) and ``sq_e1`` ...
        ``sq_e22`` (expectations) on 1-7; ``segment`` and ``weight`` are
        used when present.

    Returns
    -------
    Summary
        Dimension gaps with intervals, the SERVQUAL score and the
        reliability of the gap scores (Parasuraman, Zeithaml & Berry 1988),
        with gaps by segment when present.

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> section(load_sample_survey()).title
    'SERVQUAL gap analysis'
    """
    p_cols = [f"sq_p{i}" for i in SERVQUAL_22.item_ids()]
    e_cols = [f"sq_e{i}" for i in SERVQUAL_22.item_ids()]
    seg = "segment" if "segment" in survey else None
    weight = "weight" if "weight" in survey else None
    res = gaps(
        survey, perceptions=p_cols, expectations=e_cols, segments=seg, weights=weight
    )
    rel = reliability(survey, perceptions=p_cols, expectations=e_cols, weights=weight)
    base = res.summary()
    alpha_rows = rel.summary().tables[0]
    return Summary(
        title=base.title,
        tables=(base.tables[0], base.tables[1], alpha_rows, *base.tables[3:]),
        notes=base.notes,
    )
