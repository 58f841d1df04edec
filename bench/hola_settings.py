"""The production settings, serving only a bare "hello" view: the Django ceiling for make bench."""

from oficina_virtual.settings import *  # noqa: F403

ROOT_URLCONF = "bench.hola_urls"
