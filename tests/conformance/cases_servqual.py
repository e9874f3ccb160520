"""Conformance cases of satmodels.servqual (see ``_harness.py``).

The data-first functions are here; ``compare`` and ``five_gaps`` take
results, not data, and are checked in ``tests/test_servqual*.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# pytest's --doctest-modules imports this file from the repository root,
# where the harness is not importable; the conformance test adds the folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Case, likert

from satmodels import Scale
from satmodels.servqual import (
    Instrument,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)

INST = Instrument.define({"speed": ["1", "2"], "staff": ["3", "4", "5"]}, name="five")
IDS = INST.item_ids()
P = [f"sq_p{i}" for i in IDS]
E = [f"sq_e{i}" for i in IDS]
PERCEIVED = [f"zp{i}" for i in IDS]
ADEQUATE = [f"za{i}" for i in IDS]
DESIRED = [f"zd{i}" for i in IDS]

GAPS_DATA = likert(60, P + E, lo=1, hi=7, seed=11)
ZONE_DATA = likert(60, PERCEIVED + ADEQUATE + DESIRED, lo=1, hi=9, seed=12)

CASES: list[Case] = [
    Case(
        id="servqual.gaps",
        call=gaps,
        data=GAPS_DATA,
        kwargs={
            "perceptions": P,
            "expectations": E,
            "instrument": INST,
            "importance": {"speed": 40, "staff": 60},
        },
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="servqual.servperf",
        call=servperf,
        data=GAPS_DATA,
        kwargs={"perceptions": P, "instrument": INST},
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="servqual.zone_of_tolerance",
        call=zone_of_tolerance,
        data=ZONE_DATA,
        kwargs={
            "perceived": PERCEIVED,
            "adequate": ADEQUATE,
            "desired": DESIRED,
            "instrument": INST,
            "scale": Scale.likert(1, 9),
        },
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="servqual.reliability",
        call=reliability,
        data=GAPS_DATA,
        kwargs={"perceptions": P, "expectations": E, "instrument": INST},
        lazy=True,
        moments=True,
        segments=True,
    ),
]
