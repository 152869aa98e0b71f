"""GET /html/thread: the published thread as HTML, for readers without JavaScript and for search engines."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.conftest import Poster

URI = "/artikel/ohne-javascript"


class Microdata(HTMLParser):
    """The schema.org items of a page and the properties each carries directly (a small microdata reader)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, list[str]]] = []
        self.stack: list[tuple[str, dict[str, list[str]] | None]] = []
        self.open_property: list[tuple[str, dict[str, list[str]], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        owner = next((item for _, item in reversed(self.stack) if item is not None), None)
        new_item = None
        if "itemscope" in values:
            new_item = {"@type": [values.get("itemtype") or ""]}
            self.items.append(new_item)
        if owner is not None and values.get("itemprop"):
            value = values.get("content") or values.get("datetime") or values.get("href") or ""
            owner.setdefault(values["itemprop"] or "", []).append(value)
            if not value and new_item is None:
                self.open_property.append((tag, owner, owner[values["itemprop"] or ""]))
        if tag not in ("meta", "link", "input", "br", "img"):
            self.stack.append((tag, new_item))

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()
        if self.open_property and self.open_property[-1][0] == tag:
            self.open_property.pop()

    def handle_data(self, data: str) -> None:
        if self.open_property:
            values = self.open_property[-1][2]
            values[-1] += data


def test_the_thread_as_html_with_schema_org_comments(client: TestClient, poster: Poster) -> None:
    first = poster.post(URI, author="Anna <b>Schmidt</b>", text="Ein *wichtiger* Punkt.", website="https://anna.example").json()
    poster.post(URI, author="Bernd", text="Sehe ich auch so.", parent=first["id"])

    answer = client.get("/html/thread", params={"uri": URI, "lang": "de"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "public, max-age=2"
    html = answer.text
    assert '<h2 class="kb-count">2 Kommentare</h2>' in html
    assert "Anna &lt;b&gt;Schmidt&lt;/b&gt;" in html and "<em>wichtiger</em>" in html  # escaped name, sanitised text
    assert 'rel="nofollow ugc noopener"' in html

    reader = Microdata()
    reader.feed(html)
    comments = [item for item in reader.items if item["@type"] == ["https://schema.org/Comment"]]
    assert len(comments) == 2
    top = comments[0]
    assert top["dateCreated"][0].startswith("20") and "wichtiger" in top["text"][0]
    assert top["upvoteCount"] == ["0"] and len(top["comment"]) == 1  # the reply is its comment
    people = [item for item in reader.items if item["@type"] == ["https://schema.org/Person"]]
    assert people[0]["name"] == ["Anna <b>Schmidt</b>"] and people[0]["url"] == ["https://anna.example"]


def test_the_fragment_is_revalidated_cheaply_and_changes_with_a_new_comment(client: TestClient, poster: Poster) -> None:
    poster.post(URI)
    first = client.get("/html/thread", params={"uri": URI})
    etag = first.headers["etag"]
    assert client.get("/html/thread", params={"uri": URI}, headers={"If-None-Match": etag}).status_code == 304
    poster.post(URI)
    again = client.get("/html/thread", params={"uri": URI}, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["etag"] != etag


def test_paged_empty_and_english(client: TestClient, poster: Poster) -> None:
    assert "No comments yet." in client.get("/html/thread", params={"uri": "/leer", "lang": "en"}).text
    for _ in range(3):
        poster.post(URI)
    page = client.get("/html/thread", params={"uri": URI, "lang": "en", "limit": 2}).text
    assert page.count('class="kb-comment"') == 2 and "1 more comment is shown with JavaScript." in page
    rest = client.get("/html/thread", params={"uri": URI, "lang": "en", "limit": 2, "offset": 2}).text
    assert rest.count('class="kb-comment"') == 1 and "more comment" not in rest


def test_bad_parameters_are_named(client: TestClient) -> None:
    for params, field in (({"uri": URI, "lang": "fr"}, "lang"), ({"uri": "kein-pfad"}, "uri"), ({"uri": URI, "sort": "x"}, "sort"),
                          ({"uri": URI, "limit": "0"}, "limit")):
        answer = client.get("/html/thread", params=params)
        assert answer.status_code == 400 and answer.json()["error"]["field"] == field
