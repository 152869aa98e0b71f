"""The app and an Akismet key for the Akismet API's tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app

BLOG = "https://zeitung.example"


@pytest.fixture
def app(settings):
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def key(app):
    return app.app.state.kiebitz.akismet.add_key(BLOG)
