r"""Structural equation model specifications as validated data.

A :class:`ModelSpec` is the path diagram of an ACSI-type model: measurement
*blocks* (a latent variable and its indicators, reflective mode A or
formative mode B) and *structural paths* between latents. It is plain,
frozen data (a pydantic model): it can be written in lavaan-style text, as
a Python dictionary or as JSON, checked once, and shipped by an embedding
product.

Syntax (lavaan's operators, Rosseel 2012)::

    SAT =~ sat1 + sat2 + sat3     # reflective block (mode A)
    IMAG <~ img1 + img2           # formative block (mode B)
    SAT ~ EXPE + QUAL + VAL       # structural regression: paths into SAT
    QUAL =~ PROD + SERV           # higher-order block: its indicators are latents

Lines may be separated by newlines or ``;``; ``#`` starts a comment.

The checks raise :class:`~satmodels.exceptions.SpecificationError` naming
the culprit: a path to or from an unknown latent, an indicator in two
blocks (or named like a latent), a latent without indicators, a duplicated
block or path, and a cycle in the structural model (PLS path modelling and
the recursive ML models here need a directed acyclic inner model; Wold
1982).

A block whose indicators are all latents is a *higher-order* construct
(a second-order construct of its lower-order components, reflective with
``=~`` or formative with ``<~``; Becker et al. 2012, Sarstedt et al. 2019);
its components are first-order blocks without structural paths of their
own. :attr:`ModelSpec.higher_order` lists them; such a model is fitted by
:func:`satmodels.acsi.higher_order`.

Presets (:mod:`satmodels.acsi.presets`, where their sources are cited)
take the user's indicator names: ``acsi`` (Fornell et al. 1996), ``ecsi``
(ECSI Technical Committee 1998; Tenenhaus et al. 2005), ``scsb`` (Fornell
1992) and ``ccsi`` (a CCSI-style model, see its docstring).

References
----------
.. [1] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
.. [2] Wold, H. (1982). Soft modeling: the basic design and some
   extensions. In K. G. Joreskog & H. Wold (Eds.), Systems under indirect
   observation, Part II (pp. 1-54). North-Holland.
.. [3] Becker, J.-M., Klein, K., & Wetzels, M. (2012). Hierarchical latent
   variable models in PLS-SEM. Long Range Planning, 45(5-6), 359-394.
.. [4] Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., & Ringle,
   C. M. (2019). How to specify, estimate, and validate higher-order
   constructs in PLS-SEM. Australasian Marketing Journal, 27(3), 197-211.
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import ValidationError, field_validator, model_validator

from .._validation import FrozenModel
from ..exceptions import SpecificationError

__all__ = ["Block", "ModelSpec", "Path"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _check_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        msg = (
            f"{what} name {value!r} is not a valid identifier (letters, digits, "
            "'_' and '.', not starting with a digit)"
        )
        raise ValueError(msg)
    return value


class Block(FrozenModel):
    """One measurement block: a latent variable and its indicators.

    Attributes
    ----------
    latent : str
        Name of the latent variable.
    indicators : tuple of str
        Names of its manifest variables (survey items), at least one.
    mode : {"A", "B"}
        ``"A"``: reflective (outer weights from simple regressions of each
        indicator on the inner estimate); ``"B"``: formative (weights from a
        multiple regression of the inner estimate on the block).
    """

    latent: str
    indicators: tuple[str, ...]
    mode: Literal["A", "B"] = "A"

    @model_validator(mode="after")
    def _has_indicators(self) -> Block:
        if not self.indicators:
            msg = f"latent {self.latent!r} is a latent without indicators"
            raise ValueError(msg)
        return self

    @field_validator("latent")
    @classmethod
    def _latent_name(cls, value: str) -> str:
        return _check_name(value, "latent")

    @field_validator("indicators")
    @classmethod
    def _indicator_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for v in value:
            _check_name(v, "indicator")
            if v in seen:
                msg = f"indicator {v!r} is listed twice"
                raise ValueError(msg)
            seen.add(v)
        return value


class Path(FrozenModel):
    """One structural path ``source -> target`` (a regression coefficient).

    Attributes
    ----------
    source, target : str
        Latent names: ``target`` is regressed on ``source``.
    """

    source: str
    target: str

    @field_validator("source", "target")
    @classmethod
    def _names(cls, value: str) -> str:
        return _check_name(value, "latent")


def _require(value: object, kind: type, what: str) -> None:
    """Raise :class:`SpecificationError` unless ``value`` is a ``kind``."""
    if not isinstance(value, kind):
        msg = f"{what}, got {type(value).__name__}"
        raise SpecificationError(msg)


def _errors_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        text = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}: {text}" if loc else text)
    return "; ".join(parts)


class ModelSpec(FrozenModel):
    """A structural equation model: measurement blocks and structural paths.

    Build it with :meth:`from_syntax`, :meth:`from_dict`, :meth:`from_json`
    or a preset (:func:`acsi`, :func:`ecsi`, :func:`scsb`, :func:`ccsi`);
    direct construction also raises :class:`SpecificationError`.

    Attributes
    ----------
    blocks : tuple of Block
        One block per latent variable.
    paths : tuple of Path
        Structural paths between latents (a directed acyclic graph).

    Raises
    ------
    SpecificationError
        Unknown latent in a path, indicator in two blocks, latent without
        indicators, duplicated block or path, or a cycle.

    Examples
    --------
    >>> from satmodels.acsi import ModelSpec
    >>> spec = ModelSpec.from_syntax('''
    ...     EXPE =~ e1 + e2
    ...     SAT =~ s1 + s2 + s3
    ...     SAT ~ EXPE
    ... ''')
    >>> spec.latents, spec.predecessors("SAT")
    (('EXPE', 'SAT'), ('EXPE',))
    >>> print(spec.to_syntax())
    EXPE =~ e1 + e2
    SAT =~ s1 + s2 + s3
    SAT ~ EXPE
    """

    blocks: tuple[Block, ...]
    paths: tuple[Path, ...] = ()

    def __init__(self, **data: Any) -> None:  # noqa: ANN401 - pydantic fields
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise SpecificationError(
                "Invalid model specification: " + _errors_text(exc)
            ) from exc

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if not self.blocks:
            msg = "the model has no measurement block"
            raise ValueError(msg)
        latents: list[str] = []
        owner: dict[str, str] = {}
        for b in self.blocks:
            if b.latent in latents:
                msg = f"latent {b.latent!r} has two measurement blocks"
                raise ValueError(msg)
            latents.append(b.latent)
            for ind in b.indicators:
                if ind in owner:
                    msg = (
                        f"indicator {ind!r} is in two blocks: {owner[ind]!r} and "
                        f"{b.latent!r}"
                    )
                    raise ValueError(msg)
                owner[ind] = b.latent
        _check_higher_order(self.blocks, self.paths, latents)
        seen: set[tuple[str, str]] = set()
        for p in self.paths:
            for end in (p.source, p.target):
                if end not in latents:
                    hint = (
                        "it is an indicator, not a latent"
                        if end in owner
                        else "a latent without indicators (no '=~' or '<~' block)"
                    )
                    msg = (
                        f"path {p.source} -> {p.target} names unknown latent "
                        f"{end!r}: {hint}; latents are {tuple(latents)}"
                    )
                    raise ValueError(msg)
            if (p.source, p.target) in seen:
                msg = f"path {p.source} -> {p.target} is listed twice"
                raise ValueError(msg)
            seen.add((p.source, p.target))
        cycle = _find_cycle(tuple(latents), self.paths)
        if cycle:
            msg = "the structural model has a cycle: " + " -> ".join(cycle)
            raise ValueError(msg)
        return self

    # ------------------------------------------------------------ accessors
    @property
    def latents(self) -> tuple[str, ...]:
        """Latent names in topological order (causes before effects).

        Ties keep the order of the blocks (Kahn's algorithm).
        """
        return _topological(tuple(b.latent for b in self.blocks), self.paths)

    @property
    def indicators(self) -> tuple[str, ...]:
        """All indicator names, block by block in the order of :attr:`latents`.

        The manifest variables only: the components of a higher-order
        block are latents, not columns of the data.
        """
        lvs = {b.latent for b in self.blocks}
        return tuple(
            i for lv in self.latents for i in self.block(lv).indicators if i not in lvs
        )

    @property
    def higher_order(self) -> tuple[str, ...]:
        """Higher-order latents (blocks whose indicators are latents), in order.

        Empty for a first-order model. Fit such a model with
        :func:`satmodels.acsi.higher_order`.
        """
        lvs = {b.latent for b in self.blocks}
        return tuple(lv for lv in self.latents if set(self.block(lv).indicators) <= lvs)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Latents with at least one incoming path, in topological order."""
        targets = {p.target for p in self.paths}
        return tuple(lv for lv in self.latents if lv in targets)

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Latents without an incoming path, in topological order."""
        targets = {p.target for p in self.paths}
        return tuple(lv for lv in self.latents if lv not in targets)

    def block(self, latent: str) -> Block:
        """Return the measurement block of ``latent``.

        Raises
        ------
        SpecificationError
            ``latent`` is not in the model.
        """
        for b in self.blocks:
            if b.latent == latent:
                return b
        msg = f"unknown latent {latent!r}; latents are {self.latents}"
        raise SpecificationError(msg)

    def predecessors(self, latent: str) -> tuple[str, ...]:
        """Latents with a path into ``latent``, in topological order."""
        self.block(latent)
        sources = {p.source for p in self.paths if p.target == latent}
        return tuple(lv for lv in self.latents if lv in sources)

    def successors(self, latent: str) -> tuple[str, ...]:
        """Latents that ``latent`` has a path into, in topological order."""
        self.block(latent)
        targets = {p.target for p in self.paths if p.source == latent}
        return tuple(lv for lv in self.latents if lv in targets)

    # ------------------------------------------------------------ text forms
    @classmethod
    def from_syntax(cls, text: str) -> ModelSpec:
        """Parse lavaan-style model text.

        ``=~`` defines a reflective (mode A) block, ``<~`` a formative
        (mode B) block and ``~`` the paths into a latent. Each statement is
        on its own line or separated by ``;``; ``#`` starts a comment.

        Raises
        ------
        SpecificationError
            Unparseable line, or any of the model checks.
        """
        _require(text, str, "model syntax must be a string")
        blocks: list[dict[str, Any]] = []
        paths: list[dict[str, str]] = []
        statements = [
            (k + 1, part.strip())
            for k, line in enumerate(text.splitlines())
            for part in line.split("#", 1)[0].split(";")
        ]
        for lineno, stmt in statements:
            if not stmt:
                continue
            op = next((o for o in ("=~", "<~", "~") if o in stmt), None)
            if op is None or stmt.count("~") != 1:
                msg = (
                    f"line {lineno}: cannot parse {stmt!r}; expected 'LV =~ x1 + "
                    "x2', 'LV <~ x1 + x2' or 'LV ~ LV1 + LV2'"
                )
                raise SpecificationError(msg)
            lhs, rhs = (s.strip() for s in stmt.split(op, 1))
            terms = [t.strip() for t in rhs.split("+")]
            if not lhs or any(not t for t in terms):
                msg = f"line {lineno}: empty name in {stmt!r}"
                raise SpecificationError(msg)
            if op == "~":
                paths.extend({"source": t, "target": lhs} for t in terms)
            else:
                blocks.append(
                    {
                        "latent": lhs,
                        "indicators": tuple(terms),
                        "mode": "A" if op == "=~" else "B",
                    }
                )
        return cls(blocks=tuple(blocks), paths=tuple(paths))

    def to_syntax(self) -> str:
        """Render as lavaan-style text (blocks first, then regressions).

        ``ModelSpec.from_syntax(spec.to_syntax()) == spec`` holds.
        """
        lines = [
            f"{b.latent} {'=~' if b.mode == 'A' else '<~'} " + " + ".join(b.indicators)
            for b in self.blocks
        ]
        targets: list[str] = []
        for p in self.paths:
            if p.target not in targets:
                targets.append(p.target)
        lines.extend(
            f"{t} ~ " + " + ".join(p.source for p in self.paths if p.target == t)
            for t in targets
        )
        return "\n".join(lines)

    # ------------------------------------------------------------ dict / json
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelSpec:
        """Build from a plain dictionary.

        Two shapes are accepted:

        * compact: ``{"measurement": {"SAT": ["s1", "s2"], ...},
          "structural": {"SAT": ["EXPE", "QUAL"], ...},
          "modes": {"IMAG": "B"}}`` (``structural`` maps each target to
          its sources; ``modes`` is optional, default ``"A"``);
        * explicit (what :meth:`to_dict` returns): ``{"blocks": [{"latent":
          ..., "indicators": [...], "mode": "A"}, ...], "paths":
          [{"source": ..., "target": ...}, ...]}``.

        Raises
        ------
        SpecificationError
            Unknown keys, wrong shapes, or any of the model checks.
        """
        _require(data, Mapping, "model dictionary must be a mapping")
        keys = set(data)
        if keys <= {"blocks", "paths"} and "blocks" in keys:
            return cls(blocks=data["blocks"], paths=data.get("paths", ()))
        if not keys <= {"measurement", "structural", "modes"} or (
            "measurement" not in keys
        ):
            msg = (
                "model dictionary needs keys 'measurement' (and optionally "
                "'structural', 'modes'), or 'blocks' and 'paths'; got "
                f"{sorted(keys)}"
            )
            raise SpecificationError(msg)
        measurement = data["measurement"]
        structural = data.get("structural", {}) or {}
        modes = data.get("modes", {}) or {}
        for name, value in (
            ("measurement", measurement),
            ("structural", structural),
            ("modes", modes),
        ):
            if not isinstance(value, Mapping):
                msg = f"'{name}' must be a mapping, got {type(value).__name__}"
                raise SpecificationError(msg)
        unknown = sorted(set(modes) - set(measurement))
        if unknown:
            msg = f"'modes' names unknown latent {unknown[0]!r}"
            raise SpecificationError(msg)
        blocks = []
        for lv, inds in measurement.items():
            if isinstance(inds, str):
                inds = (inds,)  # noqa: PLW2901 - one indicator given bare
            blocks.append(
                {"latent": lv, "indicators": tuple(inds), "mode": modes.get(lv, "A")}
            )
        paths: list[dict[str, str]] = []
        for target, sources in structural.items():
            srcs = (sources,) if isinstance(sources, str) else tuple(sources)
            paths.extend({"source": s, "target": target} for s in srcs)
        return cls(blocks=tuple(blocks), paths=tuple(paths))

    def to_dict(self) -> dict[str, Any]:
        """Return the explicit JSON-safe dictionary (``blocks`` and ``paths``)."""
        return {
            "blocks": [
                {"latent": b.latent, "indicators": list(b.indicators), "mode": b.mode}
                for b in self.blocks
            ],
            "paths": [{"source": p.source, "target": p.target} for p in self.paths],
        }

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelSpec:
        """Parse the JSON written by :meth:`to_json` (or the compact dict form)."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            msg = f"model JSON cannot be parsed: {exc}"
            raise SpecificationError(msg) from exc
        return cls.from_dict(data)

    def to_json(self) -> str:
        """Serialise to JSON (the :meth:`to_dict` form)."""
        return json.dumps(self.to_dict())


def _check_higher_order(
    blocks: tuple[Block, ...], paths: Sequence[Path], latents: list[str]
) -> None:
    """Higher-order blocks: all components latents, first-order, pathless, once.

    A block whose indicators are latents is a higher-order construct (a
    second-order construct of its lower-order components; Becker et al.
    2012; Sarstedt et al. 2019). Its components must be first-order blocks
    (no third order), each the component of one construct, and carry no
    structural path (the higher-order construct takes the paths).
    """
    lvs = set(latents)
    owner: dict[str, str] = {}
    for b in blocks:
        named = [i for i in b.indicators if i in lvs]
        if not named:
            continue
        if len(named) < len(b.indicators):
            manifest = next(i for i in b.indicators if i not in lvs)
            msg = (
                f"name {named[0]!r} is used both as a latent and as an indicator "
                f"(block {b.latent!r} mixes latents and the indicator "
                f"{manifest!r}; a higher-order block lists latents only)"
            )
            raise ValueError(msg)
        for c in named:
            if c == b.latent:
                msg = (
                    f"name {c!r} is used both as a latent and as an indicator "
                    "(a block lists its own latent)"
                )
                raise ValueError(msg)
            owner[c] = b.latent  # (in two blocks: refused by the caller)
    for c, hoc in owner.items():
        if c in owner.values():
            msg = (
                f"latent {c!r} is both a higher-order latent and a component of "
                f"{hoc!r}; only second-order constructs are supported"
            )
            raise ValueError(msg)
    for p in paths:
        for end in (p.source, p.target):
            if end in owner:
                msg = (
                    f"path {p.source} -> {p.target} names {end!r}, a component "
                    f"of the higher-order latent {owner[end]!r}; components "
                    "carry no structural path (put the path on "
                    f"{owner[end]!r})"
                )
                raise ValueError(msg)


def _topological(latents: tuple[str, ...], paths: Sequence[Path]) -> tuple[str, ...]:
    """Kahn's algorithm, ties broken by declaration order (a heap of positions)."""
    pos = {lv: k for k, lv in enumerate(latents)}
    indeg = dict.fromkeys(latents, 0)
    succ: dict[str, list[str]] = {lv: [] for lv in latents}
    for p in paths:
        indeg[p.target] += 1
        succ[p.source].append(p.target)
    order: list[str] = []
    ready = [pos[lv] for lv in latents if indeg[lv] == 0]
    heapq.heapify(ready)
    while ready:
        lv = latents[heapq.heappop(ready)]
        order.append(lv)
        for t in succ[lv]:
            indeg[t] -= 1
            if indeg[t] == 0:
                heapq.heappush(ready, pos[t])
    return tuple(order)


def _find_cycle(latents: tuple[str, ...], paths: Sequence[Path]) -> list[str]:
    """Return one directed cycle as a list of names (closed), or ``[]``.

    Iterative depth-first search (an explicit stack), so a long chain of
    latents cannot exhaust Python's recursion limit.
    """
    succ: dict[str, list[str]] = {lv: [] for lv in latents}
    for p in paths:
        if p.source in succ:
            succ[p.source].append(p.target)
    state = dict.fromkeys(latents, 0)  # 0 new, 1 on stack, 2 done
    for root in latents:
        if state[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        on_path: list[str] = [root]
        state[root] = 1
        while stack:
            node, k = stack[-1]
            if k < len(succ[node]):
                stack[-1] = (node, k + 1)
                nxt = succ[node][k]
                if state.get(nxt) == 1:
                    return [*on_path[on_path.index(nxt) :], nxt]
                if state.get(nxt) == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    on_path.append(nxt)
            else:
                stack.pop()
                on_path.pop()
                state[node] = 2
    return []
