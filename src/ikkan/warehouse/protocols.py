"""What the warehouse's helper modules (upsert, funnel, kpi_values, mapping, paths) need of a
session and a warehouse, as structural types: they take ``base.Session`` and
``base.SqlWarehouse`` without importing ``base`` (which imports them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pyarrow as pa

from ikkan.model.canonical import ColumnType, Table


class EngineTraits(Protocol):
    """The class attributes a dialect sets (see ``base.SqlWarehouse``)."""

    @property
    def TYPE_NAMES(self) -> Mapping[ColumnType, str]: ...
    @property
    def UPSERT_STYLE(self) -> str: ...
    @property
    def STAGING(self) -> str: ...
    @property
    def LAZY_CONTENT_HASH(self) -> bool: ...


class SessionLike(Protocol):
    """One connection (``base.Session``)."""

    @property
    def warehouse(self) -> EngineTraits: ...
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table: ...
    def stage(self, name: str, definition: Table, data: pa.Table) -> None: ...
    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def insert_arrow(self, definition: Table, data: pa.Table, *, stage_name: str = "") -> int: ...


class TransactionalWarehouse(EngineTraits, Protocol):
    """A warehouse that opens write transactions (``base.SqlWarehouse``)."""

    def transaction(self) -> AbstractContextManager[SessionLike]: ...
