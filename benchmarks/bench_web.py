"""Dashboard latency under concurrent readers, with and without a refresh running.

    uv run python benchmarks/bench_web.py [--project DIR] [--clients 50] [--requests 2000]
                                          [--seconds 60] [--leads 2000] [--warehouse-leads N]

Starts ``ikkan serve`` on a free loopback port (127.0.0.1 only) for the project in DIR (by
default a demo project with ``--leads`` generated leads is built in a temporary folder;
``--warehouse-leads 1000000`` instead writes the refresh benchmark's warehouse of N leads
straight as canonical rows, as ``bench_refresh.py`` does, and refreshes it once),
then for each target (overview page, tree page, /api/overview, /api/tree) sends
``--requests`` GET requests from ``--clients`` concurrent clients (threads with their own
HTTP connection), bounded by ``--seconds`` per target, and prints p50 / p95 / max latency,
requests per second and errors. The second round runs the same while ``ikkan refresh
--full`` runs in a loop in another process (the pages must keep answering, from the
snapshot taken before the refresh). Aim: API p95 < 50 ms, page p95 < 150 ms, 0 errors.
The first request of each target fills the server's per-snapshot cache and is not timed.
Every client sends the session cookie of a viewer ``bench`` signed in once (added to the
project's state database when missing).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

TARGETS = {
    "page /": "/",
    "page /tree": "/tree",
    "api /api/overview": "/api/overview",
    "api /api/tree": "/api/tree",
}
IKKAN = str(Path(sys.executable).parent / "ikkan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(folder: Path, leads: int) -> Path:
    from ikkan.demo import generate_exports
    from ikkan.project.scaffold import template_text
    from ikkan.workspace import Workspace

    root = folder / "demo"
    root.mkdir()
    (root / "ikkan.yml").write_text(template_text("ja"), encoding="utf-8")
    generate_exports(root / "exports", leads=leads, seed=7)
    ws = Workspace.open(root)
    ws.ingest()
    ws.refresh()
    return root


def build_warehouse(folder: Path, leads: int) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_refresh import build  # the refresh benchmark's generator

    from ikkan.workspace import Workspace

    root = folder / "warehouse"
    (root / ".ikkan").mkdir(parents=True)
    template = Path(__file__).parents[1] / "src/ikkan/project/templates/ikkan.en.yml"
    shutil.copy(template, root / "ikkan.yml")
    build(root, leads)
    Workspace.open(root).refresh(full=True)
    return root


def start_server(project: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [IKKAN, "--project", str(project), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health/ready", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


BENCH_PASSWORD = "benchmark password"
COOKIES: dict[str, str] = {}


def sign_in(base: str, project: Path) -> None:
    """Add the viewer ``bench`` when missing and keep its session cookie for every client."""
    import re

    from ikkan.auth.audit import Origin
    from ikkan.auth.project import open_identity
    from ikkan.auth.users import add_user, get_user
    from ikkan.clock import SystemClock

    engine = open_identity(project)
    if get_user(engine, "bench") is None:
        add_user(
            engine,
            username="bench",
            role="viewer",
            departments=(),
            known_departments=(),
            actor="benchmark",
            origin=Origin.cli(),
            clock=SystemClock(),
            password=BENCH_PASSWORD,
        )
    engine.dispose()
    with httpx.Client(base_url=base, timeout=60) as http:
        page = http.get("/signin").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "the sign-in form has no CSRF token"
        http.post(
            "/signin",
            data={"username": "bench", "password": BENCH_PASSWORD, "csrf_token": token.group(1)},
        )
        COOKIES.update({"ikkan_session": http.cookies["ikkan_session"]})


def hammer(base: str, path: str, clients: int, requests: int, seconds: float) -> dict[str, float]:
    httpx.get(base + path, timeout=60, cookies=COOKIES)  # fill the per-snapshot cache
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=30, cookies=COOKIES) as http:
            while True:
                with lock:
                    if remaining[0] <= 0 or time.monotonic() > stop_at:
                        return
                    remaining[0] -= 1
                start = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    errors += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "max": ordered[-1] * 1000,
        "rps": len(ordered) / wall,
        "errors": errors,
    }


def refresh_loop(project: Path, stop: threading.Event, runs: list[int]) -> None:
    while not stop.is_set():
        code = subprocess.call(
            [IKKAN, "--project", str(project), "refresh", "--full"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        runs.append(code)


def report(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'target':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'req/s':>8}{'errors':>8}")
    for name, r in rows.items():
        print(
            f"{name:<22}{r['n']:>6.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}"
            f"{r['rps']:>8.1f}{r['errors']:>8.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--warehouse-leads", type=int, default=0)
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="ikkan-bench-web-"))
    try:
        began = time.perf_counter()
        if args.project is not None:
            project = args.project
        elif args.warehouse_leads:
            project = build_warehouse(temp, args.warehouse_leads)
            print(
                f"warehouse of {args.warehouse_leads:,} leads built and refreshed in "
                f"{time.perf_counter() - began:.1f} s"
            )
        else:
            project = build_demo(temp, args.leads)
            print(f"demo with {args.leads} leads built in {time.perf_counter() - began:.1f} s")
        proc, base = start_server(project)
        try:
            sign_in(base, project)
            quiet = {
                name: hammer(base, path, args.clients, args.requests, args.seconds)
                for name, path in TARGETS.items()
            }
            report(f"{args.clients} clients, no refresh running", quiet)
            stop = threading.Event()
            runs: list[int] = []
            writer = threading.Thread(target=refresh_loop, args=(project, stop, runs))
            writer.start()
            time.sleep(1.0)
            busy = {
                name: hammer(base, path, args.clients, args.requests, args.seconds)
                for name, path in TARGETS.items()
            }
            stop.set()
            writer.join()
            report(
                f"{args.clients} clients, `ikkan refresh --full` in a loop "
                f"({len(runs)} runs, exit codes {sorted(set(runs))})",
                busy,
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
