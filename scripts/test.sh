#!/usr/bin/env bash
# Set up (first time only) and run every check: ruff, then the whole pytest suite (real Chromium included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
