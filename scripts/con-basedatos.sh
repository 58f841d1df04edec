#!/usr/bin/env bash
# Run a command as development does, from any shell: DEBUG=1 unless the caller set DEBUG
# (production sets DEBUG=0 and SECRET_KEY itself), and DATABASE_URL the caller's or, without
# one, the project's own PostgreSQL (under .pgdata/), started on demand.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG-1}"
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(.venv/bin/python scripts/basedatos_local.py url)"
fi
export DATABASE_URL
exec "$@"
