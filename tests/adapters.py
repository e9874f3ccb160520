"""Adapters shared by the test modules: old-style answer matrices -> named columns.

Kano and SERVQUAL tests were written for matrices of answers; these build the
mapping of named columns and the column keywords the public functions take
(docs/conventions.md), so each test states only what it checks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from satmodels import kano
from satmodels.results._estimates import Estimates
from satmodels.servqual import SERVQUAL_22, Instrument


# answer matrices as named columns: attribute_j (functional), dys_j, imp_j
def kano_columns(
    f: Any,
    d: Any,
    importance: Any = None,
) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, Any]]:
    """Return the data mapping and the column keywords of answer matrices."""
    fa, da = np.asarray(f), np.asarray(d)
    if fa.ndim == 1:
        fa, da = fa[:, None], da[:, None]
    p = fa.shape[1]
    fn = [f"attribute_{j + 1}" for j in range(p)]
    dn = [f"dys_{j + 1}" for j in range(p)]
    data: dict[str, np.ndarray[Any, Any]] = {}
    for j in range(p):
        data[fn[j]] = fa[:, j]
        data[dn[j]] = da[:, j]
    kw: dict[str, Any] = {"functional": fn, "dysfunctional": dn}
    if importance is not None:
        imp = np.asarray(importance, dtype=np.float64)
        names = [f"imp_{j + 1}" for j in range(p)]
        for j in range(p):
            data[names[j]] = imp[:, j]
        kw["importance"] = names
    return data, kw


def an(f: Any, d: Any, *, importance: Any = None, **kw: Any) -> kano.KanoResult:
    data, cols = kano_columns(f, d, importance)
    return kano.analyze(data, **cols, **kw)


def cl(f: Any, d: Any, **kw: Any) -> kano.KanoClassification:
    data, cols = kano_columns(f, d)
    return kano.classify(data, **cols, **kw)


def co(
    f: Any, d: Any, *, importance: Any = None, **kw: Any
) -> kano.ContinuousKanoResult:
    data, cols = kano_columns(f, d, importance)
    return kano.continuous(data, **cols, **kw)


def pe(
    p: np.ndarray[Any, Any],
    e: np.ndarray[Any, Any] | None = None,
    inst: Instrument = SERVQUAL_22,
) -> dict[str, Any]:
    """Columns named as gaps() expects by default: sq_p<item id>, sq_e<item id>."""
    ids = inst.item_ids()
    out: dict[str, Any] = {f"sq_p{i}": p[:, j] for j, i in enumerate(ids)}
    if e is not None:
        out |= {f"sq_e{i}": e[:, j] for j, i in enumerate(ids)}
    return out


def e_columns(inst: Instrument = SERVQUAL_22) -> list[str]:
    return [f"sq_e{i}" for i in inst.item_ids()]


def by_name(est: Estimates) -> dict[str, float]:
    return dict(zip(est.name, est.estimate.tolist(), strict=True))


def zone_columns(
    p: np.ndarray[Any, Any],
    a: np.ndarray[Any, Any],
    d: np.ndarray[Any, Any],
    inst: Instrument,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Zone-of-tolerance columns and the keywords naming them."""
    ids = inst.item_ids()
    data: dict[str, Any] = {}
    kw: dict[str, Any] = {"instrument": inst}
    for key, x in (("perceived", p), ("adequate", a), ("desired", d)):
        names = [f"{key[0]}_{i}" for i in ids]
        data |= {n: x[:, j] for j, n in enumerate(names)}
        kw[key] = names
    return data, kw
