"""A whole study in one call: a declarative spec, its run and its report.

::

    from satmodels import study

    result = study.run("study.toml")  # or run(spec_dict, data=frame)
    result.to_html("report.html")  # one self-contained page (plot extra)
    result.to_excel("report.xlsx")  # a sheet per table (report extra)
    result.to_json("report.json")  # follows study-result.schema.json

The spec (:class:`StudySpec`) names the data, the case weights, the segments
and the analyses with their columns (ratio, CSM, CSI tree, NPS, CSAT, CES,
drivers, IPA, Kano, SERVQUAL, ACSI). See docs/study.md.
"""

from __future__ import annotations

from ._schema import result_schema
from .result import Figure, Headline, Priority, Section, StudyResult, Table
from .runner import run
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

__all__ = [
    "ACSIAnalysis",
    "Analysis",
    "CESAnalysis",
    "CSATAnalysis",
    "CSIAnalysis",
    "CSMAnalysis",
    "DriversAnalysis",
    "Figure",
    "Headline",
    "IPAAnalysis",
    "KanoAnalysis",
    "NPSAnalysis",
    "Priority",
    "RatioAnalysis",
    "Section",
    "ServqualAnalysis",
    "StudyResult",
    "StudySpec",
    "Table",
    "load_spec",
    "result_schema",
    "run",
]
