from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from tests.conftest import Poster, make_settings

PASSWORD = "ein-langes-passwort"


class Admin:
    """A logged-in browser session on the admin: keeps the cookie and the CSRF token."""

    def __init__(self, client: TestClient, name: str) -> None:
        self.client = client
        response = client.post("/admin/login", data={"name": name, "password": PASSWORD}, follow_redirects=True)
        assert response.status_code == 200, response.text
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', response.text).group(1)

    def post(self, path: str, **data: object) -> object:
        return self.client.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)


@pytest.fixture
def app(tmp_path):
    settings = make_settings(tmp_path, moderation="all")
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        kiebitz = client.app.state.kiebitz
        kiebitz.users.add("anna", "admin", PASSWORD)
        kiebitz.users.add("ben", "moderator", PASSWORD)
        yield client


@pytest.fixture
def admin(app):
    return Admin(app, "anna")


@pytest.fixture
def poster(app):
    return Poster(app)
