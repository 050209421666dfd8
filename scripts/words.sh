#!/usr/bin/env bash
# The catalogue of words: extract every message from Python and the templates, merge them into the English
# translation (new ones arrive empty, to be translated), and compile it. Run after adding or changing a
# message; tests/test_words.py fails while any message is untranslated or the compiled file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
PYBABEL=.venv/bin/pybabel
DIR=kiosk/words/translations
$PYBABEL -q extract -F babel.cfg -k N_ -k NC_:1c,2 -k NP_:1,2 --no-location --sort-output \
  --project kiosk --copyright-holder "kiosk" -o "$DIR/messages.pot" .
if [ -f "$DIR/en/LC_MESSAGES/messages.po" ]; then
  $PYBABEL -q update -i "$DIR/messages.pot" -d "$DIR" -l en --no-fuzzy-matching --ignore-obsolete
else
  $PYBABEL -q init -i "$DIR/messages.pot" -d "$DIR" -l en
fi
$PYBABEL compile -d "$DIR" -l en --statistics 2>&1 | grep -v "^compiling"
