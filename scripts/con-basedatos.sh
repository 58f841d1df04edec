#!/usr/bin/env bash
# Run a command with DATABASE_URL set. Without one, start the project's own
# PostgreSQL (under .pgdata/) on demand and point DATABASE_URL at it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(.venv/bin/python scripts/basedatos_local.py url)"
fi
export DATABASE_URL
exec "$@"
