"""``open_warehouse(url)``: the one way to get a warehouse.

- ``duckdb:///abs/path/file.duckdb`` or ``duckdb://relative/file.duckdb`` (a file);
- ``duckdb://:memory:`` (in memory, for tests and one-off runs);
- ``postgresql://user@host:port/db?schema=name`` (one schema per project);
- ``spark-local:///abs/dir`` (Spark in this process, tables as Parquet under ``dir``;
  ``?cores=N`` and ``?shuffle_partitions=N``, default all cores and 8; any
  ``?spark.name=value`` is passed to Spark as a setting);
- ``spark://host:port?path=/shared/dir`` (a Spark cluster; ``dir`` must be the same path
  on the driver and every executor, e.g. an NFS or ``/dbfs`` mount); ``spark://active?…``
  uses the session already running (a Databricks job).
DuckDB URLs take ``?lock_timeout=SECONDS`` (default 30): how long to wait for another
process that holds the file before giving up with a clear message.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ikkan.errors import ConfigError
from ikkan.warehouse.base import SqlWarehouse

DEFAULT_DIR = ".ikkan"
DEFAULT_FILE = "warehouse.duckdb"
SCHEMES = ("duckdb", "postgresql", "postgres", "spark-local", "spark")


def default_warehouse_url(project_dir: Path) -> str:
    """``duckdb:///<project>/.ikkan/warehouse.duckdb``."""
    return "duckdb://" + str((project_dir / DEFAULT_DIR / DEFAULT_FILE).resolve())


def open_warehouse(url: str) -> SqlWarehouse:
    """The warehouse at ``url``; nothing is opened until the first call."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in SCHEMES:
        raise ConfigError(
            f"unsupported warehouse URL {url!r}",
            hint="use duckdb:///path/to/file.duckdb, duckdb://:memory:, "
            "postgresql://user@host:port/db?schema=name, spark-local:///path/to/dir or "
            "spark://host:port?path=/shared/dir",
        )
    if scheme == "duckdb":
        return _open_duckdb(url, rest)
    if scheme.startswith("spark"):
        return _open_spark(url, scheme, rest)
    return _open_postgres(url)


def _open_duckdb(url: str, rest: str) -> SqlWarehouse:
    from ikkan.warehouse.duckdb import DEFAULT_LOCK_TIMEOUT, DuckDbWarehouse

    location, _, query = rest.partition("?")
    options = dict(parse_qsl(query))
    timeout = _float_option(url, options.pop("lock_timeout", None), DEFAULT_LOCK_TIMEOUT)
    if options:
        raise ConfigError(
            f"unknown option(s) {', '.join(sorted(options))} in warehouse URL {url!r}",
            hint="valid values are: lock_timeout",
        )
    if location in (":memory:", ""):
        return DuckDbWarehouse(url, None, lock_timeout=timeout)
    return DuckDbWarehouse(url, Path(location).expanduser().resolve(), lock_timeout=timeout)


def _float_option(url: str, value: str | None, default: float, name: str = "lock_timeout") -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise ConfigError(f"{name} must be a positive number in {url!r}, not {value!r}")
    return number


def _open_postgres(url: str) -> SqlWarehouse:
    from ikkan.warehouse.postgres import PostgresWarehouse

    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    schema = next((v for k, v in query if k == "schema"), "ikkan")
    rest = [(k, v) for k, v in query if k != "schema"]
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), parts.fragment))
    return PostgresWarehouse(url, conninfo, schema)


def _open_spark(url: str, scheme: str, rest: str) -> SqlWarehouse:
    from ikkan.warehouse.duckdb import DEFAULT_LOCK_TIMEOUT
    from ikkan.warehouse.spark import SparkWarehouse

    location, _, query = rest.partition("?")
    options = dict(parse_qsl(query))
    timeout = _float_option(url, options.pop("lock_timeout", None), DEFAULT_LOCK_TIMEOUT)
    conf = {k: options.pop(k) for k in list(options) if k.startswith("spark.")}
    partitions = options.pop("shuffle_partitions", "8")
    conf["spark.sql.shuffle.partitions"] = str(
        int(_float_option(url, partitions, 8, "shuffle_partitions"))
    )
    if scheme == "spark-local":
        cores = options.pop("cores", "*")
        if cores != "*":
            cores = str(int(_float_option(url, cores, 1, "cores")))
        master: str | None = f"local[{cores}]"
        conf["spark.ui.enabled"] = "false"
        path = location
    else:
        master = None if location == "active" else f"spark://{location}"
        path = options.pop("path", "")
    if options:
        raise ConfigError(
            f"unknown option(s) {', '.join(sorted(options))} in warehouse URL {url!r}",
            hint="valid values are: cores (spark-local), lock_timeout, path (spark://), "
            "shuffle_partitions, and any Spark setting spark.…=value",
        )
    if not path.startswith("/"):
        raise ConfigError(
            f"the Spark warehouse URL {url!r} needs an absolute directory for its tables",
            hint="spark-local:///abs/dir or spark://host:port?path=/shared/dir",
        )
    return SparkWarehouse(url, Path(path), master=master, conf=conf, lock_timeout=timeout)
