"""Importance, performance and Kano categories taken from other results.

The house of quality reads the customers' voice from the satmodels model
that measured it: stated or derived importance from an IPA or a driver
analysis, node weights from a CSI tree, mean stated importance and
categories from a Kano analysis, and a previous house's technical
importance (the four-phase cascade, where one phase's "hows" become the
next phase's "whats"). Each is matched to the requirements by label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..exceptions import InputError

__all__ = ["categories_of", "importance_of", "performance_of", "subset"]


def importance_of(value: object, where: str) -> tuple[object, str]:
    """Return the importance mapping (or sequence) and where it came from."""
    from ..csi import CSIResult, ImportanceResult, IPAResult  # noqa: PLC0415
    from ..kano import KanoResult  # noqa: PLC0415
    from ._result import HouseResult  # noqa: PLC0415

    if isinstance(value, IPAResult):
        return dict(value.importance), f"IPA ({value.importance_source})"
    if isinstance(value, ImportanceResult):
        return dict(value.importance), f"driver analysis ({value.method})"
    if isinstance(value, CSIResult):
        weights = {s.name: s.global_weight for s in value.nodes if s.depth > 0}
        return weights, "CSI tree (global weights)"
    if isinstance(value, KanoResult):
        if value.importance_mean is None:
            msg = (
                f"The 'importance' parameter of {where} is a Kano result without "
                "stated importance: run kano.analyze with importance=... ."
            )
            raise InputError(msg)
        by_attr = dict(
            zip(value.attributes, value.importance_mean.tolist(), strict=True)
        )
        return by_attr, "Kano stated importance"
    if isinstance(value, HouseResult):
        return dict(value.technical_importance), "previous house (cascade)"
    if isinstance(value, Mapping | Sequence) and not isinstance(value, str):
        return value, "given"
    import numpy as np  # noqa: PLC0415

    if isinstance(value, np.ndarray):
        return value, "given"
    msg = (
        f"The 'importance' parameter of {where} must be a sequence, a mapping by "
        "requirement, or an IPA, driver, CSI, Kano or house result. Got "
        f"{type(value).__name__} instead."
    )
    raise InputError(msg)


def subset(source: object, names: Sequence[str]) -> object:
    """Restrict a result's mapping to ``names`` (a CSI tree has more nodes)."""
    if isinstance(source, Mapping):
        missing = [n for n in names if n not in source]
        if missing:
            return source  # the reader names the missing labels
        return {n: source[n] for n in names}
    return source


def performance_of(value: object) -> object:
    """Return an IPA result's performance means; anything else as given."""
    from ..csi import IPAResult  # noqa: PLC0415

    if isinstance(value, IPAResult):
        return dict(value.performance)
    return value


def categories_of(value: object, names: Sequence[str], where: str) -> tuple[str, ...]:
    """One Kano category per requirement, from a Kano result or given."""
    from ..kano import KanoResult  # noqa: PLC0415

    if isinstance(value, KanoResult):
        value = dict(zip(value.attributes, value.category, strict=True))
    if isinstance(value, Mapping):
        missing = [n for n in names if n not in value]
        if missing:
            msg = (
                f"The 'kano' parameter of {where} has no category for "
                f"requirement(s) {missing}."
            )
            raise InputError(msg)
        cats = [value[n] for n in names]
    elif isinstance(value, Sequence) and not isinstance(value, str):
        cats = list(value)
        if len(cats) != len(names):
            msg = (
                f"The 'kano' parameter of {where} gives {len(cats)} categories "
                f"for {len(names)} requirements."
            )
            raise InputError(msg)
    else:
        msg = (
            f"The 'kano' parameter of {where} must be a Kano result, a mapping "
            f"or a sequence of categories. Got {type(value).__name__} instead."
        )
        raise InputError(msg)
    for name, cat in zip(names, cats, strict=True):
        if cat not in ("A", "O", "M", "I", "R", "Q"):
            msg = (
                f"The 'kano' parameter of {where} gives {cat!r} for {name!r}; a "
                "category is one of 'A', 'O', 'M', 'I', 'R', 'Q'."
            )
            raise InputError(msg)
    return tuple(str(c) for c in cats)
