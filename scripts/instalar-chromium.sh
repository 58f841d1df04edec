#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
paquetes="chromium fonts-dejavu-core"
if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Falta /usr/bin/chromium para las pruebas en navegador. Instálelo con:" >&2
  echo "  sudo apt-get install $paquetes" >&2
  exit 1
fi
echo "Instalando Chromium de Debian para las pruebas en navegador..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $paquetes >/dev/null
