#!/usr/bin/env bash
# Set up (first time only) and start the server. With an empty data folder it loads the sample ceremony.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m kiosk serve "$@"
