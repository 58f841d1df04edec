"""gunicorn settings for `make serve` (and a deployment): read from the environment."""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: the pages are short CPU-bound requests plus one indexed query; the password
# hasher (Argon2, ~90 ms) is CPU-bound too, so more workers than cores only queue.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then (bounded memory), but rarely: at 5,000 requests a worker of
# this 2,000 req/s server was re-born every few seconds and the page p99 went from 21 to 64 ms
# (docs/performance.md).
max_requests = 50_000
max_requests_jitter = 5_000
# The app is loaded once, before the workers fork: a new worker starts at once. Django opens
# no database connection at import, so none is shared. A new release needs a restart of the
# master, not a HUP.
preload_app = True
# No access log of gunicorn's own: a path can carry the single-use token of a confirmation or
# password-reset link, and its line the client's address. The app logs one JSON line per request
# instead, naming the route (oficina_virtual/bitacora.py).
accesslog = None
errorlog = "-"
wsgi_app = "oficina_virtual.wsgi:application"

# Metrics from every worker (oficina_virtual/metricas.py): prometheus-client's multiprocess
# mode, each process writing its own files in this folder. Made empty here, before the app
# is loaded (preload_app): counts of an earlier run must not add up with this one's. A
# worker that exits has its live values dropped.
metricas = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"oficina-virtual-metricas-{bind.rsplit(':', 1)[1]}"),
)
shutil.rmtree(metricas, ignore_errors=True)
os.makedirs(metricas)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
