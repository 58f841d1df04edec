#!/usr/bin/env bash
# Installs the Debian packages behind the programs named as arguments, only when missing:
#   chromium   the browser the tests drive (Playwright never downloads one)
#   espeak-ng  the captcha's audio version in Spanish
#   npm        installs axe-core and vnu-jar, the accessibility and HTML checkers of the tests
#   wrk        the load generator of make bench
#   nginx, haproxy, pgbouncer   the front cache, the load balancer and the connection pooler
#              of the topology (deploy/) the tests and make serve-escala run
#   java       runs the Nu Html Checker (npm's vnu-jar) on every page in the tests
#   tesseract  the off-the-shelf OCR that make bench-captcha attacks the image with
set -euo pipefail
PATH="$PATH:/usr/sbin"  # where Debian puts nginx, haproxy and pgbouncer
declare -A paquetes=([chromium]="chromium fonts-dejavu-core" [espeak-ng]="espeak-ng" [npm]="npm"
                     [wrk]="wrk" [nginx]="nginx-light" [pgbouncer]="pgbouncer"
                     [haproxy]="haproxy" [java]="default-jre-headless"
                     [tesseract]="tesseract-ocr")
faltan=()
for programa in "$@"; do
  command -v "$programa" >/dev/null || faltan+=(${paquetes[$programa]})
done
[ ${#faltan[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Faltan paquetes de Debian: ${faltan[*]}. Instálelos con:" >&2
  echo "  sudo apt-get install ${faltan[*]}" >&2
  exit 1
fi
echo "Instalando paquetes de Debian: ${faltan[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${faltan[@]}" >/dev/null
