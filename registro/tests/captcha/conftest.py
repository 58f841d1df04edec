"""What the captcha's tests share."""

import pytest


@pytest.fixture
def sin_espeak(monkeypatch, tmp_path):
    """A machine without espeak-ng: PATH holds only an empty directory."""
    monkeypatch.setenv("PATH", str(tmp_path))
