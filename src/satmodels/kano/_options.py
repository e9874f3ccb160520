"""Validated options shared by the Kano functions (answers, table, tie rule)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, field_validator

from .._validation import ConfidenceLevel, FrozenModel, validated
from ._table import DEFAULT_ANSWERS, STANDARD_TABLE, Category, KanoAnswers, KanoTable

__all__ = ["DEFAULT_TIE_RULE", "KanoOptions", "options"]

#: Default tie rule: M > O > A > I (Matzler & Hinterhuber 1998), then R, Q.
DEFAULT_TIE_RULE: tuple[Category, ...] = ("M", "O", "A", "I", "R", "Q")


def _as_answers(value: object) -> object:
    if isinstance(value, KanoAnswers):
        return value
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value
    return {"codes": tuple(value)}


def _as_tie_rule(value: object) -> object:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(">", " ").split()]
        return tuple(parts)
    return value


class KanoOptions(FrozenModel):
    """Validated options of :func:`~satmodels.kano.analyze` (see its docstring)."""

    answers: KanoAnswers = DEFAULT_ANSWERS
    table: KanoTable = STANDARD_TABLE
    tie_rule: tuple[Category, ...] = DEFAULT_TIE_RULE
    confidence_level: ConfidenceLevel = 0.95
    nan_policy: Literal["omit", "raise"] = "omit"
    max_questionable: int = Field(default=1, ge=0)
    fong_z: float = Field(default=1.65, gt=0)

    @field_validator("tie_rule")
    @classmethod
    def _full_priority(cls, value: tuple[Category, ...]) -> tuple[Category, ...]:
        if len(set(value)) != len(value):
            msg = f"categories must not repeat, got {value!r}"
            raise ValueError(msg)
        rest = tuple(c for c in DEFAULT_TIE_RULE if c not in value)
        return (*value, *rest)


def options(where: str, **values: Any) -> KanoOptions:  # noqa: ANN401
    """Validate the options of ``where`` (answers as codes, tie rule as text)."""
    if "answers" in values:
        values["answers"] = _as_answers(values["answers"])
    if "tie_rule" in values:
        values["tie_rule"] = _as_tie_rule(values["tie_rule"])
    return validated(KanoOptions, where, **values)
