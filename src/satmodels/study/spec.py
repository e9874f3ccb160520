"""The declarative study specification: plain data, loaded from JSON or TOML.

A :class:`StudySpec` names the data (a CSV/Parquet file, or a frame given to
:func:`satmodels.study.run`), the case ``weights`` and ``segments`` columns,
the interval level, and the analyses to run with their columns. Every
analysis is one frozen pydantic model, told apart by its ``kind``::

    title = "Branch survey 2026"
    data = "survey.csv"
    weights = "weight"
    segments = "segment"

    [[analyses]]
    kind = "nps"
    item = "nps"

    [[analyses]]
    kind = "ipa"
    target = "overall"
    items = ["qual1", "qual2", "qual3"]

A spec is checked once, when it is built: an unknown key, a wrong type or a
missing column list is an :class:`~satmodels.exceptions.InputError` naming
the field path (``analyses.1.ipa.items``) and the value received.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from ..acsi._common import as_spec
from ..acsi.spec import ModelSpec
from ..csi._nps import NPSMethod
from ..csi._options import DriverMethod
from ..csi._tree import CSITree
from ..exceptions import InputError
from ..scales import Scale

__all__ = [
    "ACSIAnalysis",
    "Analysis",
    "CESAnalysis",
    "CSATAnalysis",
    "CSIAnalysis",
    "CSMAnalysis",
    "DriversAnalysis",
    "IPAAnalysis",
    "KanoAnalysis",
    "NPSAnalysis",
    "RatioAnalysis",
    "ServqualAnalysis",
    "StudySpec",
    "load_spec",
]

#: An answer scale: a :class:`~satmodels.scales.Scale` (as a table, e.g.
#: ``{kind = "likert", minimum = 1, maximum = 10}``) or ``[min, max]``.
ScaleSpec = Scale | tuple[float, float]
Columns = Annotated[tuple[str, ...], Field(min_length=1)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class _Analysis(_Spec):
    name: str | None = Field(
        default=None,
        min_length=1,
        description="Identifier of the section (default: the kind, numbered "
        "when a kind repeats).",
    )
    title: str | None = Field(default=None, description="Heading of the section.")

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Return the data columns this analysis reads, by the field that names them."""
        out: dict[str, tuple[str, ...]] = {}
        for key in ("item", "target"):
            value = getattr(self, key, None)
            if isinstance(value, str):
                out[key] = (value,)
        for key in ("items", "perceived", "expected", "perceptions", "expectations"):
            value = getattr(self, key, None)
            if value:
                out[key] = tuple(value)
        return out


class RatioAnalysis(_Analysis):
    """Satisfaction ratio c = b / a of paired perceived and expected columns."""

    kind: Literal["ratio"]
    perceived: Columns
    expected: Columns
    items: tuple[str, ...] | None = None
    scale: ScaleSpec | None = None
    thresholds: tuple[float, ...] = (0.8, 0.95, 1.05, 1.2)

    @model_validator(mode="after")
    def _paired(self) -> RatioAnalysis:
        if len(self.perceived) != len(self.expected):
            msg = (
                f"'perceived' names {len(self.perceived)} column(s) and "
                f"'expected' {len(self.expected)}; they are paired one to one"
            )
            raise ValueError(msg)
        return self


class CSMAnalysis(_Analysis):
    """CSM: mean of scored answer levels (seven-level by default)."""

    kind: Literal["csm"]
    items: Columns
    scale: Literal["seven-level", "five-level"] | Scale = "seven-level"
    codes: tuple[float, ...] | None = None


class CSIAnalysis(_Analysis):
    """A weighted CSI tree (dimensions, items, AHP or given weights)."""

    kind: Literal["csi_tree"]
    tree: CSITree

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Return the tree's leaves."""
        return {"tree": self.tree.columns()}


class NPSAnalysis(_Analysis):
    """Net Promoter Score of a 0-10 recommendation item."""

    kind: Literal["nps"]
    item: str
    method: NPSMethod = "wald"


class CSATAnalysis(_Analysis):
    """CSAT: the top-box share of one item."""

    kind: Literal["csat"]
    item: str
    scale: ScaleSpec | None = None
    top_box: int = Field(default=2, ge=1)


class CESAnalysis(_Analysis):
    """Customer Effort Score: mean and agreeing share of one item."""

    kind: Literal["ces"]
    item: str
    scale: ScaleSpec | None = None
    agree_from: float | None = None


class DriversAnalysis(_Analysis):
    """Key-driver importance of ``items`` for ``target``."""

    kind: Literal["drivers"]
    target: str
    items: Columns
    method: DriverMethod = "shapley"


class IPAAnalysis(_Analysis):
    """Importance-performance analysis (derived importance from ``target``)."""

    kind: Literal["ipa"]
    target: str
    items: Columns
    method: DriverMethod = "shapley"
    scale: ScaleSpec | None = None
    centre: Literal["data", "scale"] = "data"


class KanoAnalysis(_Analysis):
    """Kano categories (and continuous scores) of functional/dysfunctional pairs."""

    kind: Literal["kano"]
    pairs: Annotated[tuple[tuple[str, str], ...], Field(min_length=1)]
    attributes: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _named(self) -> KanoAnalysis:
        if self.attributes is not None and len(self.attributes) != len(self.pairs):
            msg = (
                f"'attributes' names {len(self.attributes)} attribute(s) for "
                f"{len(self.pairs)} pair(s)"
            )
            raise ValueError(msg)
        return self

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Both columns of every pair."""
        return {"pairs": tuple(c for pair in self.pairs for c in pair)}


class ServqualAnalysis(_Analysis):
    """SERVQUAL gaps of the 22 items (perceptions minus expectations)."""

    kind: Literal["servqual"]
    perceptions: Annotated[tuple[str, ...], Field(min_length=22, max_length=22)]
    expectations: Annotated[tuple[str, ...], Field(min_length=22, max_length=22)]
    scale: ScaleSpec = (1.0, 7.0)


def _model(value: object) -> object:
    """Turn a model table into a ModelSpec; check that a name or text reads."""
    if isinstance(value, Mapping):
        return ModelSpec.from_dict(value)
    if isinstance(value, str):
        as_spec(value, "study")
    return value


class ACSIAnalysis(_Analysis):
    """An ACSI-type model by PLS (with IPMA) or maximum likelihood."""

    kind: Literal["acsi"]
    model: Annotated[str | ModelSpec, BeforeValidator(_model)] = Field(
        default="acsi",
        description="A preset name (acsi, ecsi, scsb, ccsi), lavaan-style text, "
        "or the model as a table (measurement/structural, or blocks/paths).",
    )
    method: Literal["pls", "ml"] = "pls"
    scale: ScaleSpec | None = None
    n_resamples: int = Field(default=0, ge=0)
    rng: int | None = Field(default=None, ge=0)
    index: str = Field(
        default="SAT", description="The latent whose 0-100 index is a headline."
    )
    target: str = Field(
        default="LOY", description="The latent whose drivers the IPMA ranks (PLS)."
    )

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Return the model's indicators (a preset uses its default names)."""
        return {"model": tuple(as_spec(self.model, "study").indicators)}


Analysis = Annotated[
    RatioAnalysis
    | CSMAnalysis
    | CSIAnalysis
    | NPSAnalysis
    | CSATAnalysis
    | CESAnalysis
    | DriversAnalysis
    | IPAAnalysis
    | KanoAnalysis
    | ServqualAnalysis
    | ACSIAnalysis,
    Field(discriminator="kind"),
]


class StudySpec(_Spec):
    """A whole study: the data, weights, segments and the analyses to run.

    Attributes
    ----------
    title : str
        Heading of the report.
    data : str or None
        Path of a CSV or Parquet file (relative paths are resolved against
        the spec file's folder by :func:`load_spec`); None when the data are
        given to :func:`~satmodels.study.run`.
    weights, segments : str or None
        Columns of case weights and of segment labels, used by every
        analysis that takes them.
    confidence_level : float
        Level of every interval.
    analyses : tuple of Analysis
        The analyses, in report order.
    """

    title: str = "Satisfaction study"
    data: str | None = None
    weights: str | None = None
    segments: str | None = None
    confidence_level: float = Field(default=0.95, gt=0.0, lt=1.0)
    analyses: Annotated[tuple[Analysis, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_names(self) -> StudySpec:
        named = [a.name for a in self.analyses if a.name is not None]
        dup = sorted({n for n in named if named.count(n) > 1})
        if dup:
            msg = f"analysis names must be unique; repeated: {dup}"
            raise ValueError(msg)
        return self

    def names(self) -> tuple[str, ...]:
        """Return the section identifier of every analysis, in order.

        An analysis without a ``name`` is called by its kind, numbered
        (``kind-2``) when the kind repeats.
        """
        out: list[str] = []
        taken = {a.name for a in self.analyses if a.name is not None}
        for a in self.analyses:
            if a.name is not None:
                out.append(a.name)
                continue
            name: str = a.kind
            k = 1
            while name in taken or name in out:
                k += 1
                name = f"{a.kind}-{k}"
            out.append(name)
        return tuple(out)


def _invalid(exc: ValidationError, where: str) -> InputError:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        got = err.get("input")
        shown = repr(got)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        if loc:
            parts.append(f"{loc}: {err['msg']} (got {shown})")
        else:
            parts.append(f"{err['msg']} (got {shown})")
    return InputError(f"Invalid study spec {where}: " + "; ".join(parts))


def load_spec(source: StudySpec | Mapping[str, Any] | str | Path) -> StudySpec:
    """Return a validated :class:`StudySpec` from a spec, a mapping or a file.

    Parameters
    ----------
    source : StudySpec, mapping, str or Path
        A spec (returned as is), its dictionary, or the path of a ``.toml``
        or ``.json`` file. A relative ``data`` path in a file is resolved
        against the file's folder.

    Returns
    -------
    StudySpec

    Raises
    ------
    InputError
        A missing or unreadable file, invalid TOML/JSON, or a spec that does
        not validate: the message names each field path and the value.

    Examples
    --------
    >>> spec = load_spec({"analyses": [{"kind": "nps", "item": "nps"}]})
    >>> spec.names()
    ('nps',)
    >>> load_spec({"analyses": [{"kind": "nps", "itme": "nps"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    satmodels.exceptions.InputError: Invalid study spec ...: analyses.0.nps.item: ...
    """
    if isinstance(source, StudySpec):
        return source
    if isinstance(source, Mapping):
        try:
            return StudySpec.model_validate(dict(source))
        except ValidationError as exc:
            raise _invalid(exc, "(mapping)") from exc
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"The study spec {str(source)!r} cannot be read: {exc}"
        raise InputError(msg) from exc
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text)
        elif path.suffix.lower() == ".toml":
            raw = tomllib.loads(text)
        else:
            msg = (
                f"The study spec {str(source)!r} must be a .toml or .json file. "
                f"Got {path.suffix or '(no suffix)'!r}."
            )
            raise InputError(msg)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"The study spec {str(source)!r} is not valid {path.suffix[1:]}: {exc}"
        raise InputError(msg) from exc
    if not isinstance(raw, dict):
        msg = f"The study spec {str(source)!r} must be a table/object at the top."
        raise InputError(msg)
    if isinstance(raw.get("data"), str) and not Path(raw["data"]).is_absolute():
        raw["data"] = str(path.parent / raw["data"])
    try:
        return StudySpec.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc, repr(str(source))) from exc
