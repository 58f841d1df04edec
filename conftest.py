"""What every test folder shares."""

import pytest


@pytest.fixture(autouse=True)
def sala_de_espera_holgada(settings):
    """The waiting room stays on in every test, handing out turns and passes as in
    production, but at a rate no test reaches: only the room's own tests make people wait."""
    settings.SALA_DE_ESPERA_TASA = 10_000
