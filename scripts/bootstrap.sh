#!/usr/bin/env bash
# Install everything ikkan needs on a fresh machine: uv, the locked Python packages, what
# `ikkan report` needs to print PDF (Pango and HarfBuzz for WeasyPrint, a Japanese font:
# no PDF engine ships one), and (with --test) a running PostgreSQL, Debian's chromium for
# the browser tests (Playwright drives /usr/bin/chromium; no browser download) and
# poppler-utils for the report's page-image test (pdftoppm, pdftotext, pdffonts).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
uv sync --frozen --quiet

if [ "${1:-}" = "--test" ]; then
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
  fi
fi

has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

# Debian packages still missing: the report's (always), the tests' (with --test)
packages=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || packages+=(fonts-noto-cjk)
has_lib "libpango-1.0.so.0" || packages+=(libpango-1.0-0)
has_lib "libpangoft2-1.0.so.0" || packages+=(libpangoft2-1.0-0)
has_lib "libharfbuzz-subset.so.0" || packages+=(libharfbuzz-subset0)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || packages+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils poppler-data)
fi

if [ "${#packages[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "bootstrap: please install ${packages[*]} (Debian names) for PDF reports and tests" >&2
  fi
fi

if [ "${1:-}" = "--test" ]; then
  # the Spark warehouse tests run pyspark in local mode on a Java 17 runtime
  if ! command -v java >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      SUDO=""
      if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
      echo "bootstrap: install a Java 17 runtime for the Spark tests" >&2
    fi
  fi
fi
