#!/usr/bin/env bash
# Set up legation on this machine: Python packages, and where apt is available Debian's CJK fonts,
# poppler (PDF text), Chromium (browser tests, never a downloaded browser), gettext and pgbouncer
# (the connection pooler's test, tests/ops/test_pooling.py; not started as a service here).
set -euo pipefail
cd "$(dirname "$0")"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  if ! dpkg -s fonts-noto-cjk poppler-utils chromium gettext pgbouncer >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk poppler-utils chromium gettext pgbouncer >/dev/null
  fi
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  sudo apt-get install -y -qq fonts-noto-cjk poppler-utils chromium gettext pgbouncer >/dev/null || \
    echo "note: could not install fonts-noto-cjk; Chinese PDFs need a CJK font" >&2
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
if ! command -v legation >/dev/null 2>&1; then
  echo "note: 'legation' is installed in $(python3 -m site --user-base)/bin or your Python's" \
       "scripts folder; add it to PATH, or run 'python3 -m legation'." >&2
fi
echo "legation is installed. Next: legation demo"
