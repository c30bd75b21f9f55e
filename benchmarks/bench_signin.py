"""What signing in costs: argon2id per password check, and the guard's cost per request.

    uv run python benchmarks/bench_signin.py [--requests 2000]

In one process on a fresh example project (no data needed): times argon2id hash and verify,
then sends ``--requests`` GET requests in-process to ``/api/health/ready`` (public: the guard
identifies nobody) as the baseline, and to ``/api/me`` with a session cookie and with a
Bearer token (the guard looks the session or token up in the SQLite state database and asks
the policy), and prints microseconds per request and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def per_request(client: object, path: str, n: int, **kw: object) -> float:
    get = client.get  # type: ignore[attr-defined]
    assert get(path, **kw).status_code == 200
    began = time.perf_counter()
    for _ in range(n):
        get(path, **kw)
    return (time.perf_counter() - began) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from ikkan.auth.audit import Origin
    from ikkan.auth.passwords import hash_password, verify_password
    from ikkan.auth.project import open_identity
    from ikkan.auth.tokens import create_token
    from ikkan.auth.users import add_user
    from ikkan.clock import SystemClock
    from ikkan.project.scaffold import create_project
    from ikkan.web.app import create_app

    runs = 20
    began = time.perf_counter()
    hashed = [hash_password("correct horse battery") for _ in range(runs)]
    hash_ms = (time.perf_counter() - began) / runs * 1e3
    began = time.perf_counter()
    assert all(verify_password(h, "correct horse battery") for h in hashed)
    verify_ms = (time.perf_counter() - began) / runs * 1e3
    print(f"argon2id (19 MiB, t=2, p=1): hash {hash_ms:.1f} ms, verify {verify_ms:.1f} ms")

    with tempfile.TemporaryDirectory(prefix="ikkan-bench-signin-") as temp:
        root = Path(temp) / "p"
        create_project(root, "en")
        engine = open_identity(root)
        context = {"actor": "bench", "origin": Origin.cli(), "clock": SystemClock()}
        add_user(
            engine,
            username="bench",
            role="viewer",
            departments=(),
            known_departments=(),
            password="correct horse battery",
            **context,
        )  # type: ignore[arg-type]
        _, token = create_token(engine, "bench", "bench", **context)  # type: ignore[arg-type]
        engine.dispose()
        app = create_app(root, watch=False)
        with TestClient(app) as client:
            page = client.get("/signin").text
            csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/signin",
                data={"username": "bench", "password": "correct horse battery", "csrf_token": csrf},
            )
            cookie = client.cookies["ikkan_session"]
            client.cookies.clear()
            base = per_request(client, "/api/health/ready", args.requests)
            session = per_request(
                client, "/api/me", args.requests, cookies={"ikkan_session": cookie}
            )
            bearer = per_request(
                client, "/api/me", args.requests, headers={"Authorization": f"Bearer {token}"}
            )
        app.state.auth.engine.dispose()
    print(f"{args.requests} requests each, in-process:")
    print(f"  public /api/health/ready (baseline) {base:8.0f} µs/request")
    print(
        f"  /api/me with a session cookie       {session:8.0f} µs/request  ({session / base:.2f}x)"
    )
    print(f"  /api/me with a Bearer token         {bearer:8.0f} µs/request  ({bearer / base:.2f}x)")


if __name__ == "__main__":
    main()
