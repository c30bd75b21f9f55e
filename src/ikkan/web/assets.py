"""The vendored front-end files (see static/vendor/VENDORED.md), by role."""

from __future__ import annotations

HTMX_VERSION = "2.0.11"
ECHARTS_VERSION = "6.1.0"

ASSETS = {
    "htmx": f"/static/vendor/htmx-{HTMX_VERSION}.min.js",
    "echarts": f"/static/vendor/echarts-{ECHARTS_VERSION}.min.js",
    "css": "/static/app.css",
    "js": "/static/app.js",
}
