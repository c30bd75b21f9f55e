"""Dashboard latency under concurrent readers, with and without a refresh running.

    uv run python benchmarks/bench_web.py [--project DIR] [--clients 50[,1,…]] [--requests 2000]
                                          [--seconds 60] [--leads 2000] [--warehouse-leads N]
                                          [--targets all|core] [--no-refresh]

Starts ``ikkan serve`` on a free loopback port (127.0.0.1 only) for the project in DIR (by
default a demo project with ``--leads`` generated leads is built in a temporary folder;
``--warehouse-leads 1000000`` instead writes the refresh benchmark's warehouse of N leads
straight as canonical rows, as ``bench_refresh.py`` does, and refreshes it once),
then for each target (every page and its JSON twin with ``--targets all``; the overview,
the tree and their APIs with ``core``) sends ``--requests`` GET requests from each number of
``--clients`` concurrent clients (threads with their own HTTP connection), bounded by
``--seconds`` per target, and prints p50 / p95 / max latency, requests per second and
errors. The first request of each target fills the server's per-snapshot cache: its time
is printed apart ("fill") and not in the percentiles. ``/api/health/ready`` (no view, no
cache) is the baseline: the ratio columns divide each target's p50 / p95 by its, so what
the machine's load and the HTTP round trip cost shows apart from the route's own work.
Each client signs in once per round as a viewer made for the run (disabled at the end).
The second round (unless ``--no-refresh``) runs the same while ``ikkan refresh --full``
runs in a loop in another process (the pages must keep answering, from the snapshot taken
before the refresh). The load average is printed before and after: the figures mean
little on a machine busy with other work. Aim: API p95 < 50 ms, page p95 < 150 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
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

BASELINE = "/api/health/ready"
CORE = {
    "page /": "/",
    "page /tree": "/tree",
    "api /api/overview": "/api/overview",
    "api /api/tree": "/api/tree",
}
ALL = {
    **CORE,
    "page /node/leads": "/node/leads",
    "page /funnel": "/funnel",
    "page /trends": "/trends?node=leads",
    "page /channels": "/channels",
    "page /health": "/health",
    "api /api/nodes/leads": "/api/nodes/leads",
    "api /api/funnel": "/api/funnel",
    "api /api/trends": "/api/trends?node=leads",
    "api /api/channels": "/api/channels",
    "api /api/health": "/api/health",
    "api /api/tree.svg": "/api/tree.svg",
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


def bench_user(project: Path) -> tuple[str, str]:
    """A viewer only this run knows (the dashboard needs a signed-in reader); disabled
    again by ``drop_user`` at the end."""
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import known_departments, open_identity
    from ikkan.auth.users import add_user
    from ikkan.clock import SystemClock

    engine = open_identity(project)
    username = f"bench-{os.getpid()}"
    password = secrets.token_urlsafe(18)
    add_user(
        engine,
        username=username,
        role="viewer",
        departments=(),
        known_departments=known_departments(None),
        actor="bench_web",
        origin=Origin.cli(),
        clock=SystemClock(),
        password=password,
    )
    engine.dispose()
    return username, password


def drop_user(project: Path, username: str) -> None:
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import open_identity
    from ikkan.auth.users import set_disabled
    from ikkan.clock import SystemClock

    engine = open_identity(project)
    set_disabled(
        engine, username, True, actor="bench_web", origin=Origin.cli(), clock=SystemClock()
    )
    engine.dispose()


def signed_in(base: str, credentials: tuple[str, str]) -> httpx.Client:
    """An HTTP client with its own connection, signed in through the form."""
    http = httpx.Client(base_url=base, timeout=120)
    form = http.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if token is None:
        raise SystemExit("the sign-in page carries no CSRF token")
    response = http.post(
        "/signin",
        data={
            "username": credentials[0],
            "password": credentials[1],
            "csrf_token": token.group(1),
            "next": "/",
        },
    )
    if response.status_code != 303:
        raise SystemExit(f"sign-in failed: {response.status_code} {response.text[:200]}")
    return http


def hammer(
    base: str,
    path: str,
    requests: int,
    seconds: float,
    sessions: list[httpx.Client],
) -> dict[str, float]:
    began = time.perf_counter()
    sessions[0].get(path)  # fill the per-snapshot cache (timed apart)
    fill = time.perf_counter() - began
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + seconds

    def client(http: httpx.Client) -> None:
        nonlocal errors
        while True:  # the session outlives one target (signing in runs argon2)
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

    threads = [threading.Thread(target=client, args=(http,)) for http in sessions]
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
        "fill": fill * 1000,
    }


def refresh_loop(project: Path, stop: threading.Event, runs: list[int]) -> None:
    while not stop.is_set():
        code = subprocess.call(
            [IKKAN, "--project", str(project), "refresh", "--full"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        runs.append(code)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def report(title: str, rows: dict[str, dict[str, float]]) -> None:
    base = rows["baseline " + BASELINE]
    print(f"\n{title} ({load_average()})")
    print(
        f"{'target':<26}{'n':>6}{'fill ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'req/s':>8}{'errors':>7}{'p50 ×':>7}{'p95 ×':>7}"
    )
    for name, r in rows.items():
        aim = 50 if name.startswith("api") else 150 if name.startswith("page") else None
        mark = "" if aim is None else (" ok" if r["p95"] < aim else f" > {aim} ms")
        print(
            f"{name:<26}{r['n']:>6.0f}{r['fill']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
            f"{r['max']:>9.1f}{r['rps']:>8.1f}{r['errors']:>7.0f}"
            f"{r['p50'] / base['p50']:>7.1f}{r['p95'] / base['p95']:>7.1f}{mark}"
        )


def run_round(
    base: str,
    targets: dict[str, str],
    clients: int,
    requests: int,
    seconds: float,
    credentials: tuple[str, str],
) -> dict[str, dict[str, float]]:
    sessions = [signed_in(base, credentials) for _ in range(clients)]
    try:
        rows = {"baseline " + BASELINE: hammer(base, BASELINE, requests, seconds, sessions)}
        for name, path in targets.items():
            rows[name] = hammer(base, path, requests, seconds, sessions)
    finally:
        for http in sessions:
            http.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path)
    parser.add_argument("--clients", default="50", help="one number or a list: 50,1")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--warehouse-leads", type=int, default=0)
    parser.add_argument("--targets", choices=("all", "core"), default="all")
    parser.add_argument("--no-refresh", action="store_true", help="skip the refresh round")
    args = parser.parse_args()
    targets = ALL if args.targets == "all" else CORE
    client_counts = [int(n) for n in str(args.clients).split(",")]
    print(load_average())
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
        credentials = bench_user(project)
        proc, base = start_server(project)
        try:
            for clients in client_counts:
                quiet = run_round(base, targets, clients, args.requests, args.seconds, credentials)
                report(f"{clients} clients, no refresh running", quiet)
            if args.no_refresh:
                return
            stop = threading.Event()
            runs: list[int] = []
            writer = threading.Thread(target=refresh_loop, args=(project, stop, runs))
            writer.start()
            time.sleep(1.0)
            clients = client_counts[0]
            busy = run_round(base, targets, clients, args.requests, args.seconds, credentials)
            stop.set()
            writer.join()
            report(
                f"{clients} clients, `ikkan refresh --full` in a loop "
                f"({len(runs)} runs, exit codes {sorted(set(runs))})",
                busy,
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            drop_user(project, credentials[0])
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
