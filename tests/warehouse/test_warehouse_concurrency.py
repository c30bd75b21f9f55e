"""Several real processes share one warehouse: nobody sees "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from ikkan.model.canonical import SCHEMA_VERSION
from ikkan.warehouse import WarehouseBusy, open_warehouse
from ikkan.warehouse.testing import temporary_warehouse

WRITER = """
import sys
import pyarrow as pa
from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.warehouse import open_warehouse

url, prefix, files, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
wh = open_warehouse(url)
for i in range(files):
    keys = [f"{prefix}:{i}:{j}" for j in range(rows)]
    table = pa.table({"lead_key": keys, "source_system": [prefix] * rows, "source_id": keys})
    result = ReadResult(prefix, "test", f"{prefix}-{i}.csv", {"leads": table}, rows_read=rows)
    report = load(wh, result, f"{prefix}-{i}")
    assert report.status == "ok" and report.inserted == rows, report
print("wrote", files * rows)
"""

READER = """
import sys, time
from ikkan.warehouse import open_warehouse

url, seconds = sys.argv[1], float(sys.argv[2])
wh = open_warehouse(url)
counts = []
end = time.monotonic() + seconds
while time.monotonic() < end or len(counts) < 6:  # a loaded machine starts slowly
    counts.append(wh.query('SELECT count(*) AS n FROM "leads"').column("n")[0].as_py())
    time.sleep(0.005)
assert counts == sorted(counts), counts  # readers see whole imports, in order
print("reads", len(counts), "max", counts[-1])
"""

HOLDER = """
import sys, time
from ikkan.warehouse import open_warehouse

with open_warehouse(sys.argv[1]).transaction() as s:
    s.execute('INSERT INTO "schema_version" VALUES (?, CAST(? AS TIMESTAMP))', [50, "2026-01-01"])
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    s.execute('DELETE FROM "schema_version" WHERE "version" = ?', [50])
print("released", flush=True)
"""


def spawn(script, *args):
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-2000:]
    assert "database is locked" not in err.lower()
    return out


@pytest.mark.slow
def test_two_writers_and_a_reader_share_the_warehouse(engine, tmp_path):
    with temporary_warehouse(engine, tmp_path) as warehouse:
        url = warehouse.url
        procs = [
            spawn(WRITER, url, "alpha", 12, 300),
            spawn(WRITER, url, "beta", 12, 300),
            spawn(READER, url, 4.0),
        ]
        outputs = [finish(p) for p in procs]
        assert outputs[0].strip() == outputs[1].strip().replace("beta", "alpha") == "wrote 3600"
        reads = int(outputs[2].split()[1])
        assert reads > 5
        total = warehouse.query('SELECT count(*) AS n FROM "leads"').column("n")[0].as_py()
        assert total == 7200
        log = warehouse.query(
            'SELECT count(*) AS n FROM "import_log" WHERE "status" = ?', ["ok"]
        ).column("n")[0]
        assert log.as_py() == 24


def test_a_long_writer_gives_a_clear_busy_message_then_lets_go(tmp_path):
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        holder = spawn(HOLDER, warehouse.url, 3)
        assert holder.stdout.readline().strip() == "holding"
        impatient = open_warehouse(warehouse.url + "?lock_timeout=0.5")
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as err:
            impatient.query("SELECT 1 AS one")
        assert time.monotonic() - started < 2.5
        assert "busy" in err.value.message and f"process {holder.pid}" in err.value.message
        assert "lock_timeout" in (err.value.hint or "")
        patient = open_warehouse(warehouse.url + "?lock_timeout=30")
        versions = patient.query('SELECT max("version") AS v FROM "schema_version"')
        # the holder's row (version 50) was removed before commit
        assert versions.column("v")[0].as_py() == SCHEMA_VERSION
        assert "released" in finish(holder)


def test_threads_of_one_process_read_while_another_writes(tmp_path):
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        count = 'SELECT count(*) AS n FROM "schema_version"'
        before = warehouse.query(count).column("n")[0].as_py()
        errors: list[BaseException] = []
        done = threading.Event()

        def write():
            try:
                for i in range(20):
                    with warehouse.transaction() as s:
                        s.execute(
                            'INSERT INTO "schema_version" VALUES (?, CAST(? AS TIMESTAMP))',
                            [100 + i, "2026-01-01"],
                        )
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                done.set()

        def read():
            try:
                while not done.is_set():
                    warehouse.query('SELECT count(*) AS n FROM "schema_version"')
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=write)] + [
            threading.Thread(target=read) for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert warehouse.query(count).column("n")[0].as_py() == before + 20
