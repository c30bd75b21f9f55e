"""Screenshots of the dashboard for docs/dashboard.md (Debian chromium via Playwright).

uv run ikkan --project demo serve &      # the demo of `make demo`
uv run python scripts/dashboard_screenshots.py http://127.0.0.1:8000 docs/images
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = {
    "dashboard-overview-ja.png": "/?lang=ja",
    "dashboard-tree-ja.png": "/tree?lang=ja",
    "dashboard-node-en.png": "/node/opportunity_rate?lang=en",
    "dashboard-trends-en.png": "/trends?node=leads&lang=en",
    "dashboard-channels-en.png": "/channels?period=FY2026-H1&lang=en",
    "dashboard-health-ja.png": "/health?lang=ja",
}


def main() -> None:
    base, folder = sys.argv[1], Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        for name, path in SHOTS.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(folder / name))
        browser.close()


if __name__ == "__main__":
    main()
