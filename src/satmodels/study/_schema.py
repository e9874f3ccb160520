"""The published JSON Schemas: of a study result and of a study spec.

``study-result.schema.json`` (next to this module, shipped in the package)
is :func:`result_schema` written out; ``study-spec.schema.json`` is
:func:`spec_schema`, pydantic's schema of :class:`~satmodels.study.StudySpec`.
A test holds both files equal to the code; regenerate them with
``python -m satmodels.study._schema``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from .result import SCHEMA_VERSION

__all__ = ["RESULT_SCHEMA_FILE", "SPEC_SCHEMA_FILE", "result_schema", "spec_schema"]

RESULT_SCHEMA_FILE = "study-result.schema.json"
SPEC_SCHEMA_FILE = "study-spec.schema.json"

_NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
_CELL: dict[str, Any] = {"type": ["number", "string", "boolean", "null"]}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }


def result_schema() -> dict[str, Any]:
    """Return the JSON Schema (2020-12) of :meth:`StudyResult.to_dict`.

    Numbers are JSON numbers; a statistic that could not be estimated is
    ``null``. Table cells are numbers, strings, booleans or ``null``.

    Examples
    --------
    >>> schema = result_schema()
    >>> schema["properties"]["headline"]["items"]["properties"]["estimate"]
    {'type': ['number', 'null']}
    """
    table = _object(
        {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array", "items": _CELL}},
        },
        description="One table: the cells of its rows follow its columns.",
    )
    headline = _object(
        {
            "analysis": {"type": "string"},
            "label": {"type": "string"},
            "estimate": _NUMBER_OR_NULL,
            "ci_low": _NUMBER_OR_NULL,
            "ci_high": _NUMBER_OR_NULL,
            "unit": {"type": "string"},
            "n": _NUMBER_OR_NULL,
        },
        description="A headline index with its interval at confidence_level.",
    )
    priority = _object(
        {
            "rank": {"type": "integer", "minimum": 1},
            "item": {"type": "string"},
            "analysis": {"type": "string"},
            "source": {"enum": ["IPA", "IPMA", "Kano"]},
            "reason": {"type": "string"},
            "importance": _NUMBER_OR_NULL,
            "performance": _NUMBER_OR_NULL,
        },
        description="A point to improve first.",
    )
    figure = _object(
        {
            "name": {"type": "string"},
            "chart": {"type": "string"},
            "caption": {"type": "string"},
        }
    )
    section = _object(
        {
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "title": {"type": "string"},
            "note": {"type": "string"},
            "figures": {"type": "array", "items": figure},
            "tables": {"type": "array", "items": table},
            "notes": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
        description="One analysis of the study.",
    )
    return _object(
        {
            "schema_version": {"const": SCHEMA_VERSION},
            "satmodels_version": {"type": "string"},
            "title": {"type": "string"},
            "n": {"type": ["integer", "null"], "minimum": 0},
            "confidence_level": {
                "type": "number",
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 1,
            },
            "spec": {
                "type": "object",
                "description": "The study spec that was run (study-spec.schema.json).",
            },
            "headline": {"type": "array", "items": headline},
            "priorities": {"type": "array", "items": priority, "maxItems": 3},
            "sections": {"type": "array", "items": section},
        },
        **{
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://satmodels.invalid/schemas/study-result.schema.json",
            "title": "satmodels study result",
            "description": "The JSON of satmodels.study.StudyResult.to_dict().",
        },
    )


def spec_schema() -> dict[str, Any]:
    """Return the JSON Schema of a study spec (pydantic's, validation mode)."""
    from .spec import StudySpec  # noqa: PLC0415

    schema = StudySpec.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://satmodels.invalid/schemas/study-spec.schema.json",
        **schema,
    }


def dumps(schema: dict[str, Any]) -> str:
    """Return the committed text of a schema file."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def committed(name: str) -> str:
    """Return the text of a schema file shipped with the package."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _write() -> None:  # pragma: no cover - the regeneration script
    here = Path(__file__).parent
    (here / RESULT_SCHEMA_FILE).write_text(dumps(result_schema()), encoding="utf-8")
    (here / SPEC_SCHEMA_FILE).write_text(dumps(spec_schema()), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    _write()
