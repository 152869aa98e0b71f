from xml.etree import ElementTree

import pytest

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
