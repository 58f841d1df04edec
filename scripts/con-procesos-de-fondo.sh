#!/usr/bin/env bash
# Run a command (the web server) with the project's background processes beside it: the
# e-mail sender (pages only queue messages, `manage.py enviar_correos` sends them) and the
# maintenance loop (`manage.py purgar_vencidos --cada 5`: expired captcha challenges,
# sessions and look-up counts). Both stop when the command does. A deployment runs each as a
# service of its own (deploy/).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py enviar_correos &
enviador=$!
.venv/bin/python manage.py purgar_vencidos --cada 5 > /dev/null &
mantenimiento=$!
trap 'kill "$enviador" "$mantenimiento" 2>/dev/null || true' EXIT
"$@"
