#!/usr/bin/env bash
# Build a demo database from the fictional reports in demo/corpus, then serve it.
#
# Every step is a plain `tawthiq` command, so this script is also a worked example of the
# whole pipeline. A failing step is reported and the others still run; at the end a
# summary says which steps worked. The database is rebuilt from scratch on every run.
#
#   NO_SERVE=1        build, print, and stop (exit status 1 when a step failed)
#   DEMO_DATA_DIR     where the demo database lives (default ./tawthiq-data/demo)
#   DEMO_PORT         port to serve on (default 8000)
#   DEMO_PASSWORD     password of the demo users (default tawthiq-demo)
#   TAWTHIQ_BIN       folder holding the `tawthiq` and `python` executables (default .venv/bin)
set -u

cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${TAWTHIQ_BIN:-$ROOT/.venv/bin}
DATA_DIR=${DEMO_DATA_DIR:-$ROOT/tawthiq-data/demo}
PORT=${DEMO_PORT:-8000}
PASSWORD=${DEMO_PASSWORD:-tawthiq-demo}
PROTECTED_DOCUMENT=demo03_testimony_sergeant_adnan
MARKER=.tawthiq-demo

# The demo never touches a database configured in the shell, nor calls an LLM.
unset TAWTHIQ_DATABASE_URL TAWTHIQ_LLM_URL TAWTHIQ_LLM_MODEL TAWTHIQ_LLM_KEY
export TAWTHIQ_DATA_DIR=$DATA_DIR

if [ ! -x "$BIN/tawthiq" ]; then
    echo "error: $BIN/tawthiq not found: run \`make install\` (or \`make demo\`) first" >&2
    exit 1
fi

bold="" plain=""
if [ -t 1 ]; then
    bold=$(tput bold 2>/dev/null || true)
    plain=$(tput sgr0 2>/dev/null || true)
fi
worked=()
failed=()

header() { printf '\n%s== %s ==%s\n' "$bold" "$1" "$plain"; }

# step NAME COMMAND...: run one stage, remember whether it worked.
step() {
    local name=$1
    shift
    if "$@"; then
        worked+=("$name")
    else
        echo "!! step '$name' failed (exit $?): $*" >&2
        failed+=("$name")
    fi
}

header "Fresh demo database in $DATA_DIR"
# Only a folder this script made (it holds the marker) is ever emptied.
if [ -d "$DATA_DIR" ] && [ -n "$(ls -A "$DATA_DIR")" ] && [ ! -e "$DATA_DIR/$MARKER" ]; then
    echo "error: $DATA_DIR is not empty and was not made by the demo; choose another DEMO_DATA_DIR" >&2
    exit 1
fi
rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR" && touch "$DATA_DIR/$MARKER"
echo "(the reports and every name in them are fictional)"

header "Ingest: 5 fictional reports (4 English, 1 Arabic), with their .meta.json sidecars"
step ingest "$BIN/tawthiq" ingest demo/corpus/*.txt

header "Extract: persons, units, events and claims, each with its evidence sentence"
step extract "$BIN/tawthiq" extract

header "Resolve: the same person across reports and spellings"
step resolve "$BIN/tawthiq" resolve

header "Users (password: $PASSWORD)"
for role in admin editor analyst viewer; do
    step "createuser demo-$role" env TAWTHIQ_PASSWORD="$PASSWORD" "$BIN/tawthiq" createuser "demo-$role" --role "$role"
done

header "Protect: the testimony of a witness whose family is still in Syria"
step protect "$BIN/tawthiq" protect --document "$PROTECTED_DOCUMENT"

header "What the store holds"
step stats "$BIN/tawthiq" stats

header "What was extracted (protected material included, as an admin sees it)"
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
step export "$BIN/tawthiq" export --format extraction-json --out "$export_dir" --include-protected
step summary "$BIN/python" demo/summary.py "$export_dir" --gold demo/corpus/gold

header "Steps"
echo "worked: ${worked[*]:-none}"
echo "failed: ${failed[*]:-none}"

header "Demo logins"
for role in admin editor analyst viewer; do
    printf '  %-14s %-9s password %s\n' "demo-$role" "$role" "$PASSWORD"
done
echo "  The viewer does not see the protected testimony ($PROTECTED_DOCUMENT)."

if [ "${NO_SERVE:-0}" = "1" ]; then
    [ ${#failed[@]} -eq 0 ] || exit 1
    echo
    echo "Built. Serve it with: TAWTHIQ_DATA_DIR=$DATA_DIR $BIN/tawthiq serve"
    exit 0
fi

header "Serve on http://localhost:$PORT/ (Ctrl-C to stop)"
exec "$BIN/tawthiq" serve --port "$PORT"
