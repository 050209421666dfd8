#!/usr/bin/env bash
# The command line of kiosk (python -m kiosk) from a clone, set up first if needed:
#   bash scripts/kiosk.sh import projects.xlsx      bash scripts/kiosk.sh export -o report.xlsx
# The data folder is KIOSK_DATA_DIR, else instance/ in this clone (the one scripts/run.sh serves).
set -euo pipefail
here="$(pwd)"
cd "$(dirname "$0")/.."
root="$(pwd)"
bash scripts/setup.sh >&2
export KIOSK_DATA_DIR="${KIOSK_DATA_DIR:-$root/instance}"
# Paths on the command line are the caller's: run from where the user typed it.
cd "$here"
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" exec "$root/.venv/bin/python" -m kiosk "$@"
