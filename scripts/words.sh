#!/usr/bin/env bash
# The catalogue of words: extract every message from Python and the templates, merge them into the English
# translation (new ones arrive empty, to be translated), and compile it. Run after adding or changing a
# message; tests/test_words.py fails while any message is untranslated or the compiled file is stale.
# A run that finds nothing new leaves every file as it was (the dates in the headers included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
PYBABEL=.venv/bin/pybabel
DIR=kiosk/words/translations
PO="$DIR/en/LC_MESSAGES/messages.po"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/en/LC_MESSAGES"
[ -f "$PO" ] && cp "$PO" "$work/en/LC_MESSAGES/messages.po"

$PYBABEL -q extract -F babel.cfg -k N_ -k NC_:1c,2 -k NP_:1,2 --no-location --sort-output \
  --project kiosk --copyright-holder "kiosk" -o "$work/messages.pot" .
if [ -f "$work/en/LC_MESSAGES/messages.po" ]; then
  $PYBABEL -q update -i "$work/messages.pot" -d "$work" -l en --no-fuzzy-matching --ignore-obsolete
else
  $PYBABEL -q init -i "$work/messages.pot" -d "$work" -l en
fi

# Keep a file unless something but its creation date changed.
same() { [ -f "$2" ] && diff -q <(grep -v '^"POT-Creation-Date' "$1") <(grep -v '^"POT-Creation-Date' "$2") >/dev/null; }
same "$work/messages.pot" "$DIR/messages.pot" || cp "$work/messages.pot" "$DIR/messages.pot"
mkdir -p "$(dirname "$PO")"
same "$work/en/LC_MESSAGES/messages.po" "$PO" || cp "$work/en/LC_MESSAGES/messages.po" "$PO"
# Compiled from the catalogue as it now stands (hand-filled translations too); replaced only when it differs.
$PYBABEL compile -i "$PO" -o "$work/messages.mo" -l en --statistics 2>&1 | grep -v "^compiling" | sed "s|$work/messages.mo|$PO|" || true
cmp -s "$work/messages.mo" "$DIR/en/LC_MESSAGES/messages.mo" || cp "$work/messages.mo" "$DIR/en/LC_MESSAGES/messages.mo"
