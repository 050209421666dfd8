#!/usr/bin/env bash
# Set up (first time only) and run every check: ruff, then the whole pytest suite (real Chromium included),
# with a PostgreSQL and a Redis started on loopback for the several-process tests (scripts/services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
eval "$(bash scripts/services.sh)"
# Run this way, a test that needs PostgreSQL or Redis fails rather than skips when they are missing.
export KIOSK_REQUIRE_SERVICES=1
# The test processes keep the bytecode they compile (and pytest its rewritten test modules) beside the sources,
# where the environment says not to (this container does): each worker compiled kiosk/ and rewrote every test
# module again at each run, ~4 s of its start. (Beside the sources, not in a PYTHONPYCACHEPREFIX: there the
# packages setup compiled are not looked for, and a fresh clone's first run compiled them all again.)
unset PYTHONDONTWRITEBYTECODE
# On every core (pytest-xdist): a module sharing one server runs on one worker, the tests marked `serial` on
# one worker one at a time, the longest first (tests/conftest.py, tests/durations.json); the 25 slowest tests
# are listed at the end.
# One worker more than the cores: a browser test spends a fifth of its time waiting (a page's timers, a
# socket's answer), and a third worker fills it (on 2 cores: 8:36 against 9:38 for the same 813 tests).
workers=${KIOSK_TEST_WORKERS:-$(( $(nproc) + 1 ))}
exec .venv/bin/python -m pytest -n "$workers" --dist loadgroup --no-loadscope-reorder --durations=25 "$@"
