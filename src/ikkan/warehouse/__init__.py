"""The only code that connects: DuckDB (embedded default) and PostgreSQL warehouses."""

from ikkan.warehouse.base import Session, SqlWarehouse, Warehouse
from ikkan.warehouse.locks import WarehouseBusy
from ikkan.warehouse.url import default_warehouse_url, open_warehouse

__all__ = [
    "Session",
    "SqlWarehouse",
    "Warehouse",
    "WarehouseBusy",
    "default_warehouse_url",
    "open_warehouse",
]
