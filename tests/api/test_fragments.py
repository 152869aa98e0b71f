"""GET /html/thread: the published thread as HTML, for readers without JavaScript and for search engines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.config import Settings
from tests.conftest import Poster, make_settings

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
    assert answer.headers["cache-control"] == "public, max-age=0, s-maxage=2"
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


PAGE = "https://zeitung.example/artikel/ohne-javascript"
FROM_THE_PAGE = {"Origin": "https://zeitung.example", "Referer": PAGE, "Accept": "text/html,*/*;q=0.8"}


def form_of(client: TestClient) -> dict[str, str]:
    """The hidden fields of the fragment's plain form, as a browser without JavaScript would send them."""
    html = client.get("/html/thread", params={"uri": URI}).text
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    action = re.search(r'<form class="kb-form" method="post" action="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return {"action": action.replace("&amp;", "&"), "form_token": token}


@pytest.fixture
def site_allows_the_page(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, allowed_origins=["https://zeitung.example"], min_submit_seconds=0)


def test_the_plain_form_posts_and_leads_back_to_the_comment(site_allows_the_page: Settings) -> None:
    with TestClient(create_app(site_allows_the_page)) as client:
        form = form_of(client)
        answer = client.post(form["action"], headers=FROM_THE_PAGE, follow_redirects=False, data={
            "text": "Ohne JavaScript geschrieben, und doch angekommen.", "author": "Lena", "email": "lena@example.de",
            "website": "", "homepage": "", "form_token": form["form_token"]})
        assert answer.status_code == 303
        comment_id = int(answer.headers["location"].rsplit("-", 1)[1])
        assert answer.headers["location"] == f"{PAGE}?kiebitz_comment={comment_id}#kiebitz-comment-{comment_id}"
        assert "Ohne JavaScript geschrieben" in client.get("/html/thread", params={"uri": URI}).text
        form = form_of(client)  # a browser sends a cross-origin Referer as the bare origin: the page is origin + uri
        answer = client.post(form["action"], headers={"Origin": "https://zeitung.example", "Referer": "https://zeitung.example/"},
                             follow_redirects=False, data={"text": "Noch einer, ohne Skript.", "author": "Lena",
                                                           "email": "lena@example.de", "form_token": form["form_token"]})
        assert answer.status_code == 303 and answer.headers["location"].startswith(PAGE + "?kiebitz_comment=")


def test_the_plain_form_names_what_to_correct_and_keeps_every_check(site_allows_the_page: Settings) -> None:
    with TestClient(create_app(site_allows_the_page)) as client:
        form = form_of(client)
        missing_email = client.post(form["action"], headers=FROM_THE_PAGE, data={
            "text": "Ein Kommentar ohne Adresse.", "author": "Lena", "form_token": form["form_token"]})
        assert missing_email.status_code == 400 and "„email“" in missing_email.text and f'href="{PAGE}"' in missing_email.text
        no_token = client.post(form["action"], headers=FROM_THE_PAGE,
                               data={"text": "Ohne Token.", "author": "A", "email": "a@example.de"})
        assert no_token.status_code == 400 and "form_token" in no_token.text
        elsewhere = client.post(form["action"], headers={"Origin": "https://fremd.example", "Accept": "text/html"}, data={
            "text": "Von einer fremden Seite.", "author": "A", "email": "a@example.de", "form_token": form["form_token"]})
        assert elsewhere.status_code == 403 and "origin" in elsewhere.text
        program = client.post(form["action"], data={"text": "Ohne Token.", "author": "A", "email": "a@example.de"})
        assert program.status_code == 400 and program.json()["error"]["field"] == "form_token"  # no Accept: text/html
