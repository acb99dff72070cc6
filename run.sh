#!/usr/bin/env bash
# One command for everything: installs what is missing into .venv, then
#   ./run.sh                 runs the bot (console mode when no TELEGRAM_BOT_TOKEN is set)
#   ./run.sh console|grade|content|daily ...   any `python -m bot` command
#   ./run.sh test            runs the linters and the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv
extras=$([ "${1:-}" = test ] && echo "[test]" || echo "")
stamp="$venv/.installed$extras"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing dependencies into $venv (log: $venv/install.log) ..." >&2
    if ! { "$venv/bin/python" -m pip install --upgrade pip &&
           "$venv/bin/python" -m pip install --editable ".$extras"; } >"$venv/install.log" 2>&1; then
        tail -n 30 "$venv/install.log" >&2
        echo "Installing failed; the whole log is in $venv/install.log" >&2
        exit 1
    fi
    touch "$stamp"
fi

if [ "${1:-}" = test ]; then
    "$venv/bin/ruff" check .
    "$venv/bin/ruff" format --check .
    exec "$venv/bin/python" -m pytest -q "${@:2}"
fi
exec "$venv/bin/python" -m bot "$@"
