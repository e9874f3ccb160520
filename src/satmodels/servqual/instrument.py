r"""SERVQUAL instruments as validated data.

An :class:`Instrument` lists items, the dimension each item belongs to, a
short description and whether the item is reverse-worded. Reverse-worded
answers are reflected on the answer scale before any score is computed,
:math:`x' = \min + \max - x`, so that a high value always means better
service (the 1988 instrument had negatively worded statements that were
scored this way before the 1991 revision worded every statement positively).

:data:`SERVQUAL_22` is the 22-item, five-dimension instrument of
Parasuraman, Zeithaml & Berry (1988) in the item order of its 1991
revision (tangibles 1-4, reliability 5-9, responsiveness 10-13,
assurance 14-17, empathy 18-22), in which every statement is positively
worded. The descriptions are our own short paraphrases of what each item
asks about; they are labels for reports, not the questionnaire text.

:data:`TEN_DETERMINANTS` are the ten determinants of service quality of
Parasuraman, Zeithaml & Berry (1985), again described in our own
words, with the dimension of the 1988 instrument each one was folded into
(1988: competence, courtesy, credibility and security became assurance;
access, communication and understanding the customer became empathy).

References
----------
.. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). A conceptual
   model of service quality and its implications for future research.
   Journal of Marketing, 49(4), 41-50.
.. [2] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a
   multiple-item scale for measuring consumer perceptions of service
   quality. Journal of Retailing, 64(1), 12-40.
.. [3] Parasuraman, A., Berry, L. L., & Zeithaml, V. A. (1991). Refinement and
   reassessment of the SERVQUAL scale. Journal of Retailing, 67(4), 420-450.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import Field, model_validator

from .._validation import FrozenModel, validated

__all__ = [
    "SERVQUAL_22",
    "TEN_DETERMINANTS",
    "Determinant",
    "Instrument",
    "Item",
]


class Item(FrozenModel):
    """One statement of an instrument.

    Attributes
    ----------
    id : str
        Short identifier (``"1"`` ... ``"22"`` for SERVQUAL).
    dimension : str
        Name of the dimension the item measures.
    description : str
        Short description (for reports).
    reverse : bool
        Reverse-worded: answers are reflected, ``min + max - x``.
    """

    id: str = Field(min_length=1)
    dimension: str = Field(min_length=1)
    description: str = ""
    reverse: bool = False


class Instrument(FrozenModel):
    """Items grouped into dimensions; validated data, JSON round-trippable.

    Attributes
    ----------
    name : str
        Name shown in reports.
    items : tuple of Item
        The statements, in questionnaire order.
    dimensions : tuple of str
        Dimension names in report order; every dimension has at least one
        item and every item's dimension is listed.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, SERVQUAL_22
    >>> SERVQUAL_22.dimensions
    ('tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy')
    >>> SERVQUAL_22.item_ids("assurance")
    ('14', '15', '16', '17')
    >>> mine = Instrument.define(
    ...     {"speed": ["s1", "s2"], "staff": ["f1", "f2", "f3"]}, reverse=["s2"]
    ... )
    >>> [i.id for i in mine.items if i.reverse]
    ['s2']
    """

    name: str = Field(default="custom", min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)
    dimensions: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        ids = [i.id for i in self.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            msg = f"item ids must be unique; duplicated: {dupes}"
            raise ValueError(msg)
        dims = list(self.dimensions)
        dup_dims = sorted({d for d in dims if dims.count(d) > 1})
        if dup_dims:
            msg = f"dimension names must be unique; duplicated: {dup_dims}"
            raise ValueError(msg)
        unknown = sorted({i.dimension for i in self.items} - set(dims))
        if unknown:
            msg = f"items refer to dimensions not listed in 'dimensions': {unknown}"
            raise ValueError(msg)
        empty = [d for d in dims if not any(i.dimension == d for i in self.items)]
        if empty:
            msg = f"dimensions without items: {empty}"
            raise ValueError(msg)
        return self

    @classmethod
    def define(
        cls,
        dimensions: Mapping[str, Sequence[str]],
        *,
        reverse: Sequence[str] = (),
        descriptions: Mapping[str, str] | None = None,
        name: str = "custom",
    ) -> Instrument:
        """Build an instrument from ``{dimension: [item ids]}``.

        Parameters
        ----------
        dimensions : mapping of str to sequence of str
            Dimension name to its item ids, in report order.
        reverse : sequence of str
            Ids of reverse-worded items.
        descriptions : mapping of str to str, optional
            Item id to a short description.
        name : str
            Instrument name.

        Raises
        ------
        InputError
            Duplicate or unknown ids, empty dimensions.
        """
        descriptions = dict(descriptions or {})
        all_ids = [i for ids in dimensions.values() for i in ids]
        from ..exceptions import InputError  # noqa: PLC0415 - avoid cycle

        for label, wanted in (("reverse", reverse), ("descriptions", descriptions)):
            unknown = [i for i in wanted if i not in all_ids]
            if unknown:
                msg = (
                    f"The '{label}' parameter of Instrument.define names item(s) "
                    f"{unknown} that are not in the instrument."
                )
                raise InputError(msg)
        items = [
            {
                "id": str(i),
                "dimension": str(d),
                "description": descriptions.get(i, ""),
                "reverse": i in reverse,
            }
            for d, ids in dimensions.items()
            for i in ids
        ]
        return validated(
            cls,
            "Instrument.define",
            name=name,
            items=items,
            dimensions=tuple(str(d) for d in dimensions),
        )

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items)

    def item_ids(self, dimension: str | None = None) -> tuple[str, ...]:
        """Item ids, all or of one dimension, in questionnaire order."""
        if dimension is not None and dimension not in self.dimensions:
            from ..exceptions import InputError  # noqa: PLC0415 - avoid cycle

            msg = (
                f"Unknown dimension {dimension!r}; the instrument {self.name!r} "
                f"has {list(self.dimensions)}."
            )
            raise InputError(msg)
        return tuple(
            i.id for i in self.items if dimension is None or i.dimension == dimension
        )


class Determinant(FrozenModel):
    """One of the ten determinants of service quality (1985).

    Attributes
    ----------
    name : str
        Determinant name.
    description : str
        What it covers, in our own words.
    dimension : str
        The SERVQUAL (1988) dimension it was merged into.
    """

    name: str
    description: str
    dimension: str


_SERVQUAL_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("1", "tangibles", "modern-looking equipment"),
    ("2", "tangibles", "attractive physical facilities"),
    ("3", "tangibles", "staff look neat and professional"),
    ("4", "tangibles", "attractive printed and service materials"),
    ("5", "reliability", "does what it promised by the agreed time"),
    ("6", "reliability", "genuinely tries to fix customers' problems"),
    ("7", "reliability", "gets the service right the first time"),
    ("8", "reliability", "delivers the service when it said it would"),
    ("9", "reliability", "keeps records free of errors"),
    ("10", "responsiveness", "tells customers when the service will happen"),
    ("11", "responsiveness", "serves customers promptly"),
    ("12", "responsiveness", "staff are always willing to help"),
    ("13", "responsiveness", "staff are never too busy to respond"),
    ("14", "assurance", "staff behaviour inspires confidence"),
    ("15", "assurance", "customers feel safe dealing with the firm"),
    ("16", "assurance", "staff are consistently polite"),
    ("17", "assurance", "staff know enough to answer questions"),
    ("18", "empathy", "attention to each customer individually"),
    ("19", "empathy", "staff care about customers personally"),
    ("20", "empathy", "puts the customer's interests first"),
    ("21", "empathy", "staff understand each customer's needs"),
    ("22", "empathy", "opening hours suit all customers"),
)

#: The 22-item, five-dimension SERVQUAL instrument (1988; 1991 item order).
SERVQUAL_22: Instrument = Instrument(
    name="SERVQUAL-22",
    items=tuple(
        Item(id=i, dimension=d, description=desc) for i, d, desc in _SERVQUAL_ITEMS
    ),
    dimensions=("tangibles", "reliability", "responsiveness", "assurance", "empathy"),
)

#: The ten determinants of service quality (Parasuraman et al. 1985).
TEN_DETERMINANTS: tuple[Determinant, ...] = tuple(
    Determinant(name=n, description=desc, dimension=dim)
    for n, desc, dim in (
        ("tangibles", "the physical side: premises, equipment, staff", "tangibles"),
        (
            "reliability",
            "dependable, consistent, right-first-time service",
            "reliability",
        ),
        ("responsiveness", "readiness and speed in serving", "responsiveness"),
        ("competence", "the skills and knowledge to serve", "assurance"),
        ("courtesy", "politeness and respect from contact staff", "assurance"),
        ("credibility", "honesty and trustworthiness of the firm", "assurance"),
        ("security", "no danger, risk or doubt for the customer", "assurance"),
        ("access", "ease of reaching and contacting the firm", "empathy"),
        ("communication", "explaining in language customers follow", "empathy"),
        (
            "understanding the customer",
            "effort to learn what each customer needs",
            "empathy",
        ),
    )
)
