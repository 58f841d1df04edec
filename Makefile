# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALADO := $(VENV)/.instalado
PORT ?= 8000
export DEBUG ?= 1

# Runs a command with DATABASE_URL set: the caller's, or the project's own PostgreSQL.
CON_BD := scripts/con-basedatos.sh
# Runs a command beside the e-mail sender and the maintenance loop, stopped with it.
CON_FONDO := scripts/con-procesos-de-fondo.sh

# npm's test tools: axe-core (accessibility, run in the browser tests) and vnu-jar (the Nu Html
# Checker, run on Debian's Java over every page: registro/tests/test_html_valido.py).
AXE := node_modules/axe-core/axe.min.js
VNU := node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run serve test lint format mensajes bench bench-trabajadores bench-registro bench-oleada bench-escala bench-captcha serve-escala escala-stop db-stop db-reset

$(INSTALADO): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh espeak-ng || echo "Sin espeak-ng: el captcha no ofrecerá audio."
	$(CON_BD) $(PY) manage.py migrate --noinput
	$(CON_BD) $(PY) manage.py cargar_demo
	$(CON_BD) $(CON_FONDO) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# As production runs it: gunicorn, DEBUG off, whitenoise, persistent connections. Over plain
# HTTP on this machine (SIN_HTTPS=1); behind a TLS proxy leave SIN_HTTPS unset.
serve: $(INSTALADO)
	@test -s .secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key
	$(CON_BD) $(PY) manage.py migrate --noinput
	$(CON_BD) $(PY) manage.py cargar_demo
	export DEBUG=0 SIN_HTTPS=$${SIN_HTTPS:-1} SECRET_KEY=$${SECRET_KEY:-$$(cat .secret_key)} && \
	  $(CON_BD) $(PY) manage.py collectstatic --noinput -v0 && \
	  $(CON_BD) $(CON_FONDO) $(VENV)/bin/gunicorn -c gunicorn.conf.py

# The national topology on this machine, in the background: nginx, HAProxy, two app servers,
# PgBouncer, a primary and its streaming replica, the e-mail sender and the maintenance loop
# (deploy/escala.py; README, "The national topology on one machine").
serve-escala: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh nginx haproxy pgbouncer
	$(PY) deploy/escala.py iniciar

escala-stop: $(INSTALADO)
	$(PY) deploy/escala.py detener

# --ignore-scripts: vnu-jar's install script would download a Java runtime wherever none is
# installed; the tests use Debian's (make test installs it).
$(AXE) $(VNU) &: package.json package-lock.json
	@scripts/instalar-paquetes-sistema.sh npm
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	@touch $(AXE) $(VNU)

test: $(INSTALADO) $(AXE) $(VNU)
	@scripts/instalar-paquetes-sistema.sh chromium espeak-ng pgbouncer haproxy nginx java
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(CON_BD) $(PY) -m pytest

# The production server under load beside a bare Django view and nginx (docs/performance.md).
bench: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh wrk nginx
	$(CON_BD) $(PY) bench/servicio.py

# Which gunicorn worker class and how many (docs/performance.md).
bench-trabajadores: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh wrk
	N_REGISTRO=$${N_REGISTRO:-30000} $(CON_BD) $(PY) bench/trabajadores.py

# Both attacks on the captcha: an OCR on the image, re-synthesis on the audio (issue 20,
# docs/security.md): their solve rates, for any change to the drawing or the voice.
bench-captcha: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh tesseract espeak-ng
	$(PY) bench/ataques.py

# The registry at national scale (N rows, 14 million by default): see docs/performance.md.
bench-registro: $(INSTALADO)
	$(CON_BD) $(PY) bench/registro.py

# People arriving at three and ten times the hash rate through the whole registration, with
# the waiting room and without it (docs/performance.md).
bench-oleada: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh wrk
	$(CON_BD) $(PY) bench/oleada.py

# The national topology on this machine (deploy/escala.py, a folder and ports of its own):
# nginx's cache beside its static files, one and two app servers behind HAProxy, step 1's
# look-up on the primary and on the replica.
bench-escala: $(INSTALADO)
	@scripts/instalar-paquetes-sistema.sh wrk nginx haproxy pgbouncer
	$(PY) bench/escala.py

lint: $(INSTALADO)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALADO)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# After changing a text: extract it into locale/en/…/django.po, translate it there, then
# `make mensajes` again to compile (needs gettext's msgfmt).
mensajes: $(INSTALADO)
	$(CON_BD) $(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=capturas
	$(CON_BD) $(PY) manage.py compilemessages -l en --ignore=.venv --ignore=node_modules

db-stop: $(INSTALADO)
	$(PY) scripts/basedatos_local.py detener

db-reset: $(INSTALADO)
	$(PY) scripts/basedatos_local.py borrar
