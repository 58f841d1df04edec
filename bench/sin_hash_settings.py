"""The production settings with a hasher that costs nothing (MD5): what a registration costs
besides its password hash, for make bench. Never for real passwords."""

from oficina_virtual.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
