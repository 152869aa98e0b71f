"""Bad input of every kind gets a 4xx naming the field and the rule; never a 500."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kiebitz.app import create_app
from kiebitz.errors import InvalidInput
from tests.admin.conftest import PASSWORD as ADMIN_PASSWORD
from tests.admin.conftest import Admin
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

URI = "/artikel/eins"


def error_of(response):
    assert 400 <= response.status_code < 500, response.text
    return response.json()["error"]


def test_each_rule_names_its_field(client, poster):
    cases = [
        ({"author": ""}, "author", "required"),
        ({"email": ""}, "email", "required"),
        ({"email": "not-an-address"}, "email", "valid"),
        ({"website": "javascript:alert(1)"}, "website", "http"),
        ({"website": "http://"}, "website", "http"),
        ({"website": "https://zeitung.example/\nSet-Cookie: x"}, "website", "without spaces or line breaks"),
        ({"text": "ab"}, "text", "too short"),
        ({"text": "x" * 10_001}, "text", "too long"),
        ({"text": 42}, "text", "string"),
        ({"parent": 999}, "parent", "does not exist"),
        ({"parent": "eins"}, "parent", "positive integer"),
        ({"author": "x" * 101}, "author", "too long"),
        ({"form_token": ""}, "form_token", "missing"),
        ({"form_token": "forged.token.value"}, "form_token", "invalid"),
        ({"parent_id": 1}, "parent_id", "not a field of this request"),  # a misspelt field is not dropped silently
    ]
    for fields, field, words in cases:
        error = error_of(poster.post(**fields))
        assert error["field"] == field, (fields, error)
        assert words in error["message"], (fields, error)


def test_an_edit_with_an_unknown_field_changes_nothing(client, poster):
    posted = poster.post().json()
    response = client.patch(f"/api/comments/{posted['id']}", json={"text": "Neuer Text dazu.", "txet": "?"})
    assert error_of(response) == {"field": "txet", "message": "txet is not a field of this request (accepted: edit_token, text)"}
    comment = client.get("/api/comments", params={"uri": URI}).json()["comments"][0]
    assert comment["html"] == posted["html"]


def test_body_must_be_a_json_object(client):
    for raw in (b"[]", b"nonsense", b'"text"', b"", b"\xff\xfe"):
        error = error_of(client.post("/api/comments", params={"uri": URI}, content=raw))
        assert "JSON" in error["message"]


def test_uri_is_required(client):
    assert error_of(client.get("/api/comments"))["field"] == "uri"
    assert error_of(client.post("/api/comments", json={}))["field"] == "uri"


def test_parent_in_another_thread(client, poster):
    other = poster.post(uri="/artikel/zwei").json()
    poster.post(uri=URI)
    assert "another thread" in error_of(poster.post(uri=URI, parent=other["id"]))["message"]


def test_depth_is_limited(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, max_depth=1))) as client:
        poster = Poster(client)
        top = poster.post().json()
        reply = poster.post(parent=top["id"]).json()
        error = error_of(poster.post(parent=reply["id"]))
        assert error["field"] == "parent" and "1 levels deep" in error["message"]


def test_closed_thread_refuses_comments(client, poster):
    poster.post()
    store = client.app.state.kiebitz.store
    store.set_thread_closed(store.find_thread(store.site_id("default"), URI).id, True)
    error = error_of(poster.post())
    assert error["field"] == "uri" and "closed" in error["message"]


def test_form_token_too_fresh(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, min_submit_seconds=3))) as client:
        error = error_of(Poster(client).post())
        assert error["field"] == "form_token" and "too fresh" in error["message"]


def test_form_token_of_another_page(client, poster):
    token = poster.token("/artikel/zwei")
    assert "another page" in error_of(poster.post(form_token=token))["message"]


def test_flood_is_refused_with_429(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, flood_seconds=15))) as client:
        poster = Poster(client)
        assert poster.post().status_code == 201
        response = poster.post(text="Gleich noch einer hinterher.")
        assert response.status_code == 429 and "too quickly" in response.json()["error"]["message"]


def test_bad_query_parameters(client):
    assert error_of(client.get("/api/comments", params={"uri": URI, "limit": "viele"}))["field"] == "limit"
    assert error_of(client.get("/api/comments", params={"uri": URI, "offset": -1}))["field"] == "offset"
    assert error_of(client.post("/api/counts", json={"uri": URI}))["field"] == "uris"
    assert error_of(client.post("/api/comments/abc/vote", json={"value": 1}))["field"] == "comment_id"
    assert error_of(client.post("/api/comments/1/vote", json={"value": 2}))["field"] == "value"
    assert client.patch("/api/comments/12345", json={"text": "abc"}).status_code == 404


@pytest.mark.parametrize("comment_id", ["0", "-1", str(2**64), "99999999999999999999"])
def test_an_id_no_comment_can_have_is_400_not_a_failed_query(client, comment_id):
    # SQLite cannot compare a column with a number past 64 bits: these were 500s
    for response in (
        client.patch(f"/api/comments/{comment_id}", json={"text": "abc"}),
        client.delete(f"/api/comments/{comment_id}"),
        client.post(f"/api/comments/{comment_id}/vote", json={"value": 1}),
    ):
        error = error_of(response)
        assert error["field"] == "comment_id" and "than or equal to" in error["message"], error


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
FIELDS = ["author", "email", "website", "text", "parent", "title", "form_token", "homepage"]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=json_values, uri=st.text(max_size=20))
def test_any_bad_value_gives_4xx_never_500(client, poster, field, value, uri):
    token = poster.token(URI)
    body = {"author": "Erika", "email": "erika@example.org", "text": "Ein Kommentar.", "form_token": token, field: value}
    for response in (
        client.post("/api/comments", params={"uri": uri or URI}, json=body),
        client.post("/api/comments", params={"uri": URI}, json=value),
        client.post("/api/counts", json=value),
        client.post("/api/preview", json=value),
        client.patch("/api/comments/1", json=value),
        client.post("/api/comments/1/vote", json=value),
        client.get("/api/comments", params={"uri": uri, "sort": str(value)}),
    ):
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.json()["error"]["message"]
    time.sleep(0)


def test_a_body_over_a_megabyte_is_413_before_it_is_read(client):
    big = b'{"text": "' + b"a" * 2_000_000 + b'"}'

    def in_chunks():  # no Content-Length: counted as it streams in
        for start in range(0, len(big), 65_536):
            yield big[start:start + 65_536]

    for response in (
        client.post("/api/preview", content=big, headers={"content-type": "application/json"}),
        client.post("/api/preview", content=in_chunks(), headers={"content-type": "application/json"}),
    ):
        assert response.status_code == 413 and "at most 1,000,000 bytes" in response.json()["error"]["message"]
    akismet = client.post("/1.1/comment-check", content=b"comment_content=" + b"a" * 2_000_000,
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert akismet.status_code == 413 and "at most 1,000,000 bytes" in akismet.text  # Akismet's plain text


def test_ids_stop_where_postgresql_integers_do(client, poster):
    # PostgreSQL's id columns are 32-bit: 3,000,000,000 failed the query there (a 500), so it is a 400 on both
    assert client.patch("/api/comments/2147483647", json={"text": "abc"}).status_code == 404
    assert client.post("/api/comments/2147483647/vote", json={"value": 1}).status_code == 404
    assert error_of(client.patch("/api/comments/3000000000", json={"text": "abc"}))["field"] == "comment_id"
    assert error_of(poster.post(parent=3000000000))["field"] == "parent"


def test_a_nul_anywhere_is_never_a_500(client):
    # PostgreSQL refuses a NUL in any text, even in a query: these ten were 500s there (SQLite took them)
    client = TestClient(client.app, raise_server_exceptions=False)
    kiebitz = client.app.state.kiebitz
    kiebitz.users.add("anna", "admin", ADMIN_PASSWORD)
    admin, key = Admin(client, "anna"), kiebitz.akismet.add_key("https://blog.example")
    responses = {
        "counts": client.post("/api/counts", json=["/a\x00b", URI]),
        "queue search": client.get("/admin/", params={"q": "a\x00b", "site": "a\x00b"}),
        "block rule": admin.post("/admin/blocklist", kind="word", value="a\x00b"),
        "user": admin.post("/admin/users", name="x\x00y", role="moderator", password=ADMIN_PASSWORD),
        "login": client.post("/admin/login", data={"name": "a\x00", "password": "p\x00"}),
    }
    for path in ("/1.1/comment-check", "/1.1/submit-spam", "/1.1/submit-ham"):
        responses[path] = client.post(path, data={"api_key": key, "blog": "https://blog.example\x00", "user_ip": "1.2.3.4",
                                                  "comment_content": "Text\x00", "comment_author": "A\x00"})
    assert {name: response.status_code for name, response in responses.items() if response.status_code >= 500} == {}
    assert responses["counts"].json() == {"/a\x00b": 0, URI: 0}


def test_values_longer_than_their_column_are_refused_by_name(client, poster):
    # PostgreSQL enforces VARCHAR lengths (SQLite does not): each of these was a 500 there
    client = TestClient(client.app, raise_server_exceptions=False)
    kiebitz = client.app.state.kiebitz
    kiebitz.users.add("anna", "admin", ADMIN_PASSWORD)
    admin, key = Admin(client, "anna"), kiebitz.akismet.add_key("https://blog.example")
    rule = admin.post("/admin/blocklist", kind="word", value="x" * 1001)
    assert rule.status_code == 400 and rule.json()["error"]["field"] == "value"
    website = poster.post(website="a" * 990 + ".example")  # 1,006 characters once https:// is put in front
    assert website.status_code == 400 and website.json()["error"]["field"] == "website"
    check = client.post("/1.1/comment-check", data={"api_key": key, "blog": "https://" + "x" * 1000, "user_ip": "1.2.3.4"})
    assert check.text == "invalid" and "longer than 1000" in check.headers["x-akismet-debug-help"]
    with pytest.raises(InvalidInput, match="site must be the blog's address"):
        kiebitz.akismet.add_key("https://" + "x" * 1000)
