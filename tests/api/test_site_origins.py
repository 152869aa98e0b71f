"""Per-site allowed origins: which pages may write into which site's threads, and what CORS answers them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.cli import main
from kiebitz.config import Settings
from kiebitz.errors import ConfigError
from kiebitz.moderation.site_origins import SiteOrigins
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

ZEITUNG, BLOG, OTHER = "https://zeitung.example", "https://blog.example", "https://fremd.example"


class SitePoster(Poster):
    """Posts into one site's threads from a page at one origin."""

    def __init__(self, client: TestClient, site: str, origin: str | None) -> None:
        super().__init__(client)
        self.site, self.origin = site, origin

    def token(self, uri: str) -> str:
        return self.client.get("/api/comments", params={"uri": uri, "site": self.site}).json()["form_token"]

    def post(self, uri: str = "/artikel/eins", **fields: object) -> object:
        body = {"author": "Erika", "email": "erika@example.org", "text": f"Kommentar von {self.origin} ({self.posted})",
                "form_token": self.token(uri), **fields}
        self.posted += 1
        headers = {"Origin": self.origin} if self.origin else {}
        return self.client.post("/api/comments", params={"uri": uri, "site": self.site}, json=body, headers=headers)


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path)), client=("203.0.113.7", 50000)) as client:
        client.app.state.kiebitz.site_origins.change("zeitung", [ZEITUNG])
        yield client


def test_a_site_with_its_own_origins_takes_writes_only_from_them(client):
    assert SitePoster(client, "zeitung", ZEITUNG).post().status_code == 201
    refused = SitePoster(client, "zeitung", OTHER).post()
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "origin"
    assert "zeitung" in refused.json()["error"]["message"]
    # no Origin (a server, curl) and Kiebitz's own pages are not browsers on another site
    assert SitePoster(client, "zeitung", None).post().status_code == 201
    assert SitePoster(client, "zeitung", "http://testserver").post().status_code == 201
    # a site without a list of its own follows allowed_origins, here "*"
    assert SitePoster(client, "blog", OTHER).post().status_code == 201


def test_edits_deletes_and_votes_follow_the_comments_site(client):
    body = SitePoster(client, "zeitung", ZEITUNG).post().json()
    path, token = f"/api/comments/{body['id']}", {"X-Kiebitz-Edit-Token": body["edit_token"]}
    for origin in (OTHER, BLOG):
        edit = client.patch(path, json={"text": "Von fremder Seite"}, headers={"Origin": origin, **token})
        assert edit.status_code == 403 and edit.json()["error"]["field"] == "origin"
        assert client.delete(path, headers={"Origin": origin, **token}).status_code == 403
        vote = client.post(f"{path}/vote", json={"value": 1}, headers={"Origin": origin})
        assert vote.status_code == 403 and vote.json()["error"]["field"] == "origin"
    assert client.patch(path, json={"text": "Von der Zeitung"}, headers={"Origin": ZEITUNG, **token}).status_code == 200
    # the edit cookie counts from a site's own origin, as from one named in allowed_origins
    assert client.patch(path, json={"text": "Mit dem Cookie"}, headers={"Origin": ZEITUNG}).status_code == 200
    assert client.delete(path, headers={"Origin": ZEITUNG}).status_code == 200


def test_cors_names_every_sites_origins_when_the_instance_lists_its_own(tmp_path: Path):
    settings = make_settings(tmp_path, allowed_origins=BLOG)
    with TestClient(create_app(settings)) as client:
        client.app.state.kiebitz.site_origins.change("zeitung", [ZEITUNG])
        params = {"uri": "/artikel/eins", "site": "zeitung"}
        for _ in range(2):  # the full route, then the cached thread on the fast path
            for origin in (ZEITUNG, BLOG):
                answer = client.get("/api/comments", params=params, headers={"Origin": origin})
                assert answer.headers["access-control-allow-origin"] == origin
            assert "access-control-allow-origin" not in client.get("/api/comments", params=params,
                                                                   headers={"Origin": OTHER}).headers
        preflight = {"Origin": ZEITUNG, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        assert client.options("/api/comments", headers=preflight).status_code == 200
        assert client.options("/api/comments", headers={**preflight, "Origin": OTHER}).status_code == 400
        # the server refuses too, not only the browser: a page the instance does not name may not write
        assert SitePoster(client, "blog", BLOG).post().status_code == 201
        refused = SitePoster(client, "blog", OTHER).post()
        assert refused.status_code == 403 and "allowed_origins" in refused.json()["error"]["message"]


def test_another_process_sees_a_change_within_a_second(tmp_path: Path):
    settings = make_settings(tmp_path)
    engine = open_engine(settings.database)
    migrate(engine)
    first, second = SiteOrigins(settings, Store(engine)), SiteOrigins(settings, Store(engine))
    second.check_write(OTHER, "http://kiebitz.example", "zeitung")  # reads the (empty) lists
    first.change("zeitung", f"{ZEITUNG}, {BLOG} {ZEITUNG}")
    second.refresh(0.0)
    with pytest.raises(Exception, match="may not write to site 'zeitung'"):
        second.check_write(OTHER, "http://kiebitz.example", "zeitung")
    assert [(site.name, site.origins) for site in first.sites()] == [("zeitung", (ZEITUNG, BLOG))]
    first.change("zeitung", "")
    second.refresh(0.0)
    second.check_write(OTHER, "http://kiebitz.example", "zeitung")


def test_admins_set_a_sites_origins_in_the_admin(tmp_path: Path):
    from tests.admin.conftest import PASSWORD, Admin

    with TestClient(create_app(make_settings(tmp_path))) as client:
        client.app.state.kiebitz.users.add("anna", "admin", PASSWORD)
        client.app.state.kiebitz.users.add("ben", "moderator", PASSWORD)
        admin = Admin(client, "anna")
        saved = admin.post("/admin/sites", site="zeitung", origins=f"{ZEITUNG}\nhttps://WWW.zeitung.example")
        assert saved.status_code == 303
        page = client.get("/admin/sites").text
        assert f'value="{ZEITUNG} https://www.zeitung.example"' in page and "jede Seite" in page
        wrong = admin.post("/admin/sites", site="zeitung", origins=f"{ZEITUNG}/")
        assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "origins"
        assert admin.post("/admin/sites", site="zei tung", origins=ZEITUNG).json()["error"]["field"] == "site"
        assert SitePoster(client, "zeitung", OTHER).post().status_code == 403
        client.cookies.clear()
        moderator = Admin(client, "ben")
        assert client.get("/admin/sites").status_code == 403
        assert moderator.post("/admin/sites", site="zeitung", origins="").status_code == 403


def test_the_cli_lists_and_sets_a_sites_origins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KIEBITZ_DATABASE", make_settings(tmp_path).database)
    runner = CliRunner()
    result = runner.invoke(main, ["site", "origins", "zeitung", ZEITUNG, BLOG])
    assert result.exit_code == 0 and result.output == f"zeitung: {ZEITUNG} {BLOG}\n"
    assert runner.invoke(main, ["site", "list"]).output == f"zeitung  0 threads  {ZEITUNG} {BLOG}\n"
    wrong = runner.invoke(main, ["site", "origins", "zeitung", "zeitung.example"])
    assert wrong.exit_code == 1 and "not an origin" in wrong.output
    assert runner.invoke(main, ["site", "origins", "zeitung"]).output == "zeitung: allowed_origins applies\n"


def test_an_instance_origin_with_a_path_is_refused_at_start():
    with pytest.raises(ConfigError, match="allowed_origins: 'https://zeitung.example/' is not an origin"):
        Settings({"allowed_origins": "https://zeitung.example/"})
