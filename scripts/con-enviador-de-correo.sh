#!/usr/bin/env bash
# Run a command (the web server) with the e-mail sender beside it: pages only queue
# messages, `manage.py enviar_correos` sends them. The sender stops when the command does.
# A deployment runs the sender as a service of its own (README).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py enviar_correos &
enviador=$!
trap 'kill "$enviador" 2>/dev/null || true' EXIT
"$@"
