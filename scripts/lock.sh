#!/usr/bin/env bash
# Refresh requirements.lock: the exact set of packages (dependencies of dependencies too) that the README's
# two commands install. It resolves requirements-dev.txt in a throw-away venv and freezes it. Run it after
# changing requirements*.txt; commit the lock with the change. The tests compare the venv with the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
{
  echo "# Every package the README's commands install, at the exact version: made by scripts/lock.sh from"
  echo "# requirements-dev.txt (which includes requirements.txt). scripts/setup.sh installs with it as constraints."
  "$tmp/venv/bin/python" -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel | LC_ALL=C sort -f
} > requirements.lock
echo "lock: $(grep -vc '^#' requirements.lock) packages in requirements.lock"
