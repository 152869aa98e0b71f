from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import update

from kiebitz.store import schema

pytestmark = pytest.mark.usefixtures("database_backend")

ATOM = "{http://www.w3.org/2005/Atom}"


def test_site_and_thread_feeds_are_valid_atom(client, poster):
    poster.post(title="Erster Artikel", text="Kommentar mit <b>Tags</b> & Zeichen")
    poster.post(uri="/artikel/zwei", title="Zweiter Artikel")
    site = client.get("/feeds/default/comments.atom")
    assert site.headers["content-type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(site.content).findall(f"{ATOM}entry")
    assert len(entries) == 2
    thread = ElementTree.fromstring(client.get("/feeds/default/thread.atom", params={"uri": "/artikel/eins"}).content)
    assert len(thread.findall(f"{ATOM}entry")) == 1
    assert "Erster Artikel" in thread.find(f"{ATOM}title").text


def test_feed_of_unknown_thread_is_empty(client):
    feed = ElementTree.fromstring(client.get("/feeds/default/thread.atom", params={"uri": "/gibt/es/nicht"}).content)
    assert feed.findall(f"{ATOM}entry") == []


@pytest.mark.parametrize("field", ["author", "text", "title"])
def test_a_noncharacter_is_refused_naming_its_field(client, poster, field):
    response = poster.post(**{field: "Guter Punkt \ufffe dazu"})
    assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert "U+FFFE" in response.json()["error"]["message"]


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(author=st.text(max_size=40), text=st.text(min_size=3, max_size=200), title=st.text(max_size=40))
def test_every_feed_parses_after_any_accepted_comment(client, poster, author, text, title):
    response = poster.post(uri="/artikel/fuzz", author=author, text=text, title=title)
    assert response.status_code < 500
    for path, params in (("/feeds/default/comments.atom", {}), ("/feeds/default/thread.atom", {"uri": "/artikel/fuzz"})):
        ElementTree.fromstring(client.get(path, params=params).content)  # raises on a character XML forbids


def test_a_stored_noncharacter_never_reaches_a_feed(client, poster):
    """An import or an older release may have stored one: the feed leaves it out."""
    poster.post(text="Schon gespeichert, vor der Regel.")
    store = client.app.state.kiebitz.store
    with store.write() as db:
        db.execute(update(schema.comments).values(author="Er\ufffeika\x01", html="<p>Text \uffff</p>"))
    feed = ElementTree.fromstring(client.get("/feeds/default/comments.atom").content)
    assert feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "Erika"
