"""The admin's import page: an uploaded export, first as a dry run, then for real; admins only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.admin.conftest import Admin

pytestmark = pytest.mark.usefixtures("database_backend")

WORDPRESS = Path(__file__).resolve().parent.parent / "portability" / "data" / "wordpress.xml"
KIEBITZE = "/2024/04/kiebitze-kehren-zurueck/"


def upload(admin: Admin, **fields: str):  # type: ignore[no-untyped-def]
    return admin.client.post("/admin/import", data={"csrf": admin.csrf, "site": "default", **fields},
                             files={"file": ("wordpress.xml", WORDPRESS.read_bytes(), "application/xml")})


def test_dry_run_then_import(app, admin) -> None:
    page = app.get("/admin/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    tried = upload(admin, dry_run="1")
    assert tried.status_code == 200 and "Probelauf: Es wurde nichts geschrieben." in tried.text
    assert "importiert aus WordPress: 4 Kommentare (1 gelöscht, 1 wartend, 2 veröffentlicht), 2 neue Threads" in tried.text
    assert "1 WordPress-Einträge vom Typ &#39;review&#39;" in tried.text and "1 Pingbacks und Trackbacks" in tried.text
    assert app.get("/api/comments", params={"uri": KIEBITZE}).json()["comments"] == []

    done = upload(admin)
    assert done.status_code == 200 and "Importiert." in done.text
    assert [c["author"] for c in app.get("/api/comments", params={"uri": KIEBITZE}).json()["comments"]] == ["Jana Krüger"]
    assert "Vogel &amp; Freund" in app.get("/admin/?status=pending").text  # the held one waits in the queue
    assert "4 Kommentare, die schon importiert sind" in upload(admin).text


def test_only_admins_import(app) -> None:
    moderator = Admin(app, "ben")
    assert app.get("/admin/import").status_code == 403
    refused = upload(moderator)
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "role"
    assert app.get("/api/comments", params={"uri": KIEBITZE}).json()["comments"] == []


def test_bad_uploads_name_the_field(app, admin) -> None:
    no_file = admin.post("/admin/import", site="default")
    assert no_file.status_code == 400 and no_file.json()["error"]["field"] == "file"
    not_export = admin.client.post("/admin/import", data={"csrf": admin.csrf, "site": "default"},
                                   files={"file": ("notes.txt", b"Hallo", "text/plain")})
    assert not_export.status_code == 400 and "cannot tell which system this file comes from" in not_export.text
    no_csrf = admin.client.post("/admin/import", files={"file": ("wordpress.xml", WORDPRESS.read_bytes(), "application/xml")})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["field"] == "csrf"
