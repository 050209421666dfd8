#!/usr/bin/env bash
# Sets up what kiosk needs, idempotently: a venv with the pinned packages, and with --test also Debian's
# Chromium, the CJK fonts and poppler for the browser and PDF tests. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# shellcheck source=scripts/apt.sh
. scripts/apt.sh  # the working folder is the checkout (cd above)

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi

reqs=requirements.txt
[ $want_test -eq 1 ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$reqs" requirements.lock | sha256sum | cut -c1-16)-$(basename "$reqs")"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages from $reqs, at the versions in requirements.lock (the first time takes a minute or two)"
  # One line per package as it comes, so a slow mirror does not look like a hang. (This machine's pip
  # configuration names local mirrors that may be absent: that chatter is dropped.)
  # (compiled after, on every core: pip compiles file by file, 10 of its 22 s on this machine; not compiling
  # at all would leave every start compiling where PYTHONDONTWRITEBYTECODE forbids keeping the result)
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off --no-compile -r "$reqs" -c requirements.lock 2>&1 \
    | { grep -E "^(Collecting|Successfully installed|ERROR)" | sed -e 's/^Collecting /setup:   /' -e 's/^Successfully installed .*/setup: Python packages installed/' || true; }
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "setup: pip failed (see above)"; exit 1; }
  # (a package's stray file that does not compile, such as a Python 2 example, is not an install failure)
  .venv/bin/python -m compileall -q -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
  touch "$stamp"
fi

# The server renders the printable cards to PDF with WeasyPrint: Pango, and a CJK font to draw with; and the
# 签约图 to PNG and PDF with CairoSVG, whose cairocffi loads libcairo2.
apt_install libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-noto-cjk
if [ $want_test -eq 1 ]; then
  apt_install chromium poppler-utils
fi
