"""The Kano evaluation table and the answer codes, held as validated data.

The evaluation table maps a (functional, dysfunctional) answer pair to one of
six categories: A (attractive), O (one-dimensional), M (must-be),
I (indifferent), R (reverse), Q (questionable). The standard table is the "Kano
evaluation table" of Berger et al. (1993, section IIa), repeated by Sauerwein
et al. (1996) and Matzler & Hinterhuber (1998); rows are the functional answer and
columns the dysfunctional answer, both in the order like, must-be, neutral,
live-with, dislike::

                 like  must-be  neutral  live-with  dislike
    like          Q       A        A         A         O
    must-be       R       I        I         I         M
    neutral       R       I        I         I         M
    live-with     R       I        I         I         M
    dislike       R       R        R         R         Q

like/like is Q (questionable), not O: stp25stat (R) prints O for that cell in
its documentation although its code, like this table, returns Q.

References
----------
.. [1] Berger, C., Blauth, R., Boger, D., Bolster, C., Burchill, G.,
   DuMouchel, W., Pouliot, F., Richter, R., Rubinoff, A., Shen, D., Timko, M.,
   & Walden, D. (1993). Kano's methods for understanding customer-defined
   quality. Center for Quality of Management Journal, 2(4), 3-36.
.. [2] Matzler, K., & Hinterhuber, H. H. (1998). How to make product
   development projects more successful by integrating Kano's model of
   customer satisfaction into quality function deployment. Technovation,
   18(1), 25-38.
.. [3] Sauerwein, E., Bailom, F., Matzler, K., & Hinterhuber, H. H. (1996).
   The Kano model: how to delight your customers. Preprints Volume I of the
   IX. International Working Seminar on Production Economics, Innsbruck,
   313-327.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from .._validation import FrozenModel

__all__ = [
    "ANSWER_NAMES",
    "CATEGORIES",
    "DEFAULT_ANSWERS",
    "STANDARD_TABLE",
    "KanoAnswers",
    "KanoTable",
]

Category = Literal["A", "O", "M", "I", "R", "Q"]

#: The six Kano categories, in the order used for every count vector.
CATEGORIES: tuple[Category, ...] = ("A", "O", "M", "I", "R", "Q")

#: The five standard answers, in the order of the table's rows and columns.
ANSWER_NAMES: tuple[str, ...] = ("like", "must-be", "neutral", "live-with", "dislike")


class KanoTable(FrozenModel):
    """A 5x5 Kano evaluation table: functional answer (row) x dysfunctional.

    Attributes
    ----------
    cells : tuple of 5 tuples of 5 categories
        ``cells[i][j]`` is the category of functional answer ``i`` and
        dysfunctional answer ``j``, answers in the order like, must-be,
        neutral, live-with, dislike.
    source : str
        Where the table comes from (shown in summaries).

    Examples
    --------
    >>> from satmodels.kano import STANDARD_TABLE
    >>> STANDARD_TABLE.category("like", "dislike")
    'O'
    >>> STANDARD_TABLE.category("like", "like")
    'Q'
    """

    cells: tuple[tuple[Category, ...], ...]
    source: str = Field(default="user-defined", min_length=1)

    @field_validator("cells")
    @classmethod
    def _five_by_five(
        cls, value: tuple[tuple[Category, ...], ...]
    ) -> tuple[tuple[Category, ...], ...]:
        if len(value) != 5 or any(len(row) != 5 for row in value):
            shape = [len(row) for row in value]
            msg = f"must be 5 rows of 5 categories, got row lengths {shape}"
            raise ValueError(msg)
        return value

    def category(self, functional: str, dysfunctional: str) -> str:
        """Return the category of one answer pair given by answer name."""
        return self.cells[ANSWER_NAMES.index(functional)][
            ANSWER_NAMES.index(dysfunctional)
        ]


#: Berger et al. (1993); Sauerwein et al. (1996); Matzler & Hinterhuber (1998).
STANDARD_TABLE = KanoTable(
    cells=(
        ("Q", "A", "A", "A", "O"),
        ("R", "I", "I", "I", "M"),
        ("R", "I", "I", "I", "M"),
        ("R", "I", "I", "I", "M"),
        ("R", "R", "R", "R", "Q"),
    ),
    source="Berger et al. (1993); Matzler & Hinterhuber (1998)",
)


class KanoAnswers(FrozenModel):
    """The codes of the five answers, in the order like ... dislike.

    Attributes
    ----------
    codes : tuple of 5 numbers
        The code used in the data for like, must-be, neutral, live-with and
        dislike (default ``(1, 2, 3, 4, 5)``). Answers stored as labels are
        recoded to numbers before the analysis (e.g. with
        ``pandas.Series.map``).

    Examples
    --------
    >>> from satmodels.kano import KanoAnswers
    >>> KanoAnswers(codes=(5, 4, 3, 2, 1)).codes[0]
    5.0
    """

    codes: tuple[float, float, float, float, float]

    @model_validator(mode="after")
    def _distinct(self) -> KanoAnswers:
        if len(set(self.codes)) != 5:
            msg = f"the five answer codes must be distinct, got {self.codes!r}"
            raise ValueError(msg)
        return self


DEFAULT_ANSWERS = KanoAnswers(codes=(1.0, 2.0, 3.0, 4.0, 5.0))
