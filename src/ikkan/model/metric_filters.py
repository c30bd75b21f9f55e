"""The filter grammar of a metric's ``filters:``: a value, a list of values, or a condition
(``FilterCondition``: ranges, in / not_in, null). Pure data; ``ikkan.compute.scope`` turns
it into predicates."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

FilterScalar = str | int | float | bool


class FilterCondition(BaseModel):
    """A filter beyond equality; every condition given must hold::

        filters: {amount: {gt: 0, lt: 50_000_000}, channel: {not_in: [test]},
                  segment: {null: false}, closed_at: {gte: 2018-01-01}}

    ``gt`` / ``gte`` / ``lt`` / ``lte`` compare numbers and dates (dates as YYYY-MM-DD);
    on a date-and-time column a date bound means the whole day (``lte: 2018-01-31`` keeps
    all of the 31st); ``in`` / ``not_in`` take lists; ``null: true`` keeps rows whose cell
    is empty (no value, or empty text), ``null: false`` the others. An empty cell is not
    any value, so ``ne`` and ``not_in`` keep it (add ``null: false`` to leave it out) while
    ``eq``, ``in`` and the ranges do not. Values are typed literals of the compiled query
    (quoted by the SQL renderer), never SQL text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    eq: FilterScalar | None = None
    ne: FilterScalar | None = None
    gt: FilterScalar | None = None
    gte: FilterScalar | None = None
    lt: FilterScalar | None = None
    lte: FilterScalar | None = None
    in_: tuple[FilterScalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[FilterScalar, ...] | None = None
    null: bool | None = None

    @model_validator(mode="after")
    def _meaningful(self) -> FilterCondition:
        given = self.model_dump(exclude_none=True, by_alias=True)
        if not given:
            raise ValueError("an empty condition; use eq, ne, gt, gte, lt, lte, in, not_in or null")
        for name in ("in", "not_in"):
            if name in given and not given[name]:
                raise ValueError(f"'{name}' has an empty list; give at least one value")
        if self.null is True and len(given) > 1:
            raise ValueError("'null: true' keeps only empty cells; no other condition can hold")
        for low, high in (("gt", "lt"), ("gte", "lte"), ("gt", "lte"), ("gte", "lt")):
            a, b = getattr(self, low), getattr(self, high)
            if _comparable(a, b) and a >= b:
                raise ValueError(f"'{low}: {a}' and '{high}: {b}' leave no value between them")
        return self

    def ranges(self) -> dict[str, FilterScalar]:
        """The range bounds given: ``{"gt": 0, "lt": 100}``."""
        return {k: v for k in ("gt", "gte", "lt", "lte") if (v := getattr(self, k)) is not None}


def _comparable(a: object, b: object) -> bool:
    numbers = (int, float)
    both_numbers = isinstance(a, numbers) and isinstance(b, numbers)
    both_text = isinstance(a, str) and isinstance(b, str)
    return (both_numbers and not isinstance(a, bool) and not isinstance(b, bool)) or both_text


def _filter_kind(value: object) -> str:
    if isinstance(value, dict | FilterCondition):
        return "filter[condition]"
    return "filter[list]" if isinstance(value, list | tuple) else "filter[value]"


FilterValue = Annotated[
    Annotated[FilterScalar, Tag("filter[value]")]
    | Annotated[list[FilterScalar], Tag("filter[list]")]
    | Annotated[FilterCondition, Tag("filter[condition]")],
    Discriminator(_filter_kind),
]
"""A value, a list of values or a condition (one error, for the form given)."""
