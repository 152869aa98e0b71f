"""The Akismet-compatible API, driven by the real `akismet` client from PyPI."""

from __future__ import annotations

from urllib.parse import unquote

import akismet
import pytest

from kiebitz.domain import CommentDraft
from tests.api.conftest import BLOG

pytestmark = pytest.mark.usefixtures("database_backend")

HAM = dict(comment_type="comment", comment_author="Erika Muster", comment_author_email="erika@example.org",
           comment_content="Danke für den ausführlichen Artikel über die neue Stadtbibliothek.", user_agent="Mozilla/5.0")
DOUBTFUL = "Nice article. Visit my site for more tips about saving money."  # the model: between 0.5 and 0.9
SPAM = dict(comment_type="comment", comment_author="Best Deals",
            comment_content="Check out my channel and subscribe!!! FREE iPhone giveaway http://bit.ly/win-now",
            user_agent="Mozilla/5.0")


def client_for(app, key: str, url: str = BLOG) -> akismet.SyncClient:
    """The real client, its httpx.Client delivering to our app instead of Akismet's servers."""
    return akismet.SyncClient(config=akismet.Config(key=key, url=url), http_client=app)


def test_keys_are_twelve_hexadecimal_characters(app, key):
    """The WordPress plugin keeps only [a-f0-9] of a typed key: any other letter would be lost."""
    assert len(key) == 12 and set(key) <= set("0123456789abcdef")


def test_keys_made_before_of_other_letters_stay_valid(app):
    from sqlalchemy import insert

    from kiebitz.store import schema

    with app.app.state.kiebitz.store.write() as db:
        db.execute(insert(schema.akismet_keys).values(key="er7jedkf2w89", site_url=BLOG, created=0.0, revoked=False))
    assert client_for(app, "er7jedkf2w89").verify_key() is True


def test_verify_key(app, key):
    assert client_for(app, key).verify_key() is True
    assert client_for(app, "abcdefghijkl").verify_key() is False
    app.app.state.kiebitz.akismet.revoke(key)
    assert client_for(app, key).verify_key() is False


def test_comment_check_ham_spam_discard(app, key):
    client = client_for(app, key)
    assert client.comment_check("203.0.113.5", **HAM) == akismet.CheckResponse.HAM
    assert client.comment_check("203.0.113.6", comment_author="akismet-guaranteed-spam",
                                comment_content="x") == akismet.CheckResponse.SPAM
    assert client.comment_check("203.0.113.7", **SPAM) == akismet.CheckResponse.SPAM  # the model alone never discards
    links = dict(SPAM, comment_content=SPAM["comment_content"] + " http://bit.ly/a http://bit.ly/b")
    assert client.comment_check("203.0.113.7", **links) == akismet.CheckResponse.DISCARD  # model and link rule agree
    assert client.comment_check("203.0.113.8", user_role="administrator", **SPAM) == akismet.CheckResponse.HAM


def test_a_false_the_widget_would_hold_says_so_for_our_wordpress_plugin(app, key):
    """Akismet has no "hold": a doubtful comment answers false with X-Kiebitz-Hold, which our plugin reads."""
    fields = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", "comment_type": "comment"}
    doubtful = app.post("/1.1/comment-check", data={**fields, "comment_content": DOUBTFUL})
    assert (doubtful.text, doubtful.headers.get("X-Kiebitz-Hold")) == ("false", "true")
    assert "X-Kiebitz-Likely-Spam" not in doubtful.headers  # a doubt: WordPress mails its moderators as ever
    everyday = app.post("/1.1/comment-check", data={**fields, "comment_content": HAM["comment_content"]})
    assert (everyday.text, everyday.headers.get("X-Kiebitz-Hold")) == ("false", None)
    spam = app.post("/1.1/comment-check", data={**fields, "comment_content": SPAM["comment_content"]})
    assert (spam.text, spam.headers.get("X-Kiebitz-Hold")) == ("true", None)
    # Held or spam, the moderator is told why: the score and the strongest reasons, percent-encoded UTF-8
    assert 0.5 <= float(doubtful.headers["X-Kiebitz-Score"]) < 0.9 and float(spam.headers["X-Kiebitz-Score"]) >= 0.9
    reasons = unquote(doubtful.headers["X-Kiebitz-Why"]).split("; ")
    assert len(reasons) == 3 and all("spam" in reason for reason in reasons), reasons
    assert "X-Kiebitz-Why" not in everyday.headers


def test_the_model_s_spam_that_names_no_way_to_its_sender_is_held_where_the_client_can_hold(app, key):
    """Our plugin says kiebitz_can_hold and leaves such a comment pending; a stock Akismet client, which would
    publish a false, still gets true: its spam folder, where a moderator finds it."""
    fields = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", "comment_type": "comment",
              "comment_content": "Buy cheap viagra online, best casino bonus, payday loans approved, click here now!!!"}
    stock = app.post("/1.1/comment-check", data=fields)
    assert stock.text == "true" and float(stock.headers["X-Kiebitz-Score"]) >= 0.9
    ours = app.post("/1.1/comment-check", data={**fields, "kiebitz_can_hold": "1"})
    assert (ours.text, ours.headers.get("X-Kiebitz-Hold")) == ("false", "true")
    assert ours.headers.get("X-Kiebitz-Likely-Spam") == "true"  # the plugin mails no moderator about it
    with_a_link = app.post("/1.1/comment-check", data={**fields, "kiebitz_can_hold": "1",
                                                        "comment_content": fields["comment_content"] + " https://pills.example"})
    assert (with_a_link.text, with_a_link.headers.get("X-Kiebitz-Hold")) == ("true", None)


def test_spam_words_the_model_lets_pass_are_held_and_named(app, key):
    """SmokeDetector's keywords hold what the model would publish: a product it never saw ("Bowtrol")."""
    fields = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", "comment_type": "comment"}
    listed = app.post("/1.1/comment-check", data={
        **fields, "comment_content": "Danke für den Artikel! Übrigens, wer kennt sich mit Bowtrol aus?"})
    assert (listed.text, listed.headers.get("X-Kiebitz-Hold")) == ("false", "true")
    assert float(listed.headers["X-Kiebitz-Score"]) < 0.5
    assert unquote(listed.headers["X-Kiebitz-Why"]).startswith('the text has "Bowtrol", which SmokeDetector lists')
    german = app.post("/1.1/comment-check", data={  # a German WordPress sends blog_lang=de_DE: the reasons follow
        **fields, "blog_lang": "de_DE", "comment_content": "Kennt jemand Bowtrol? Hilft das bei Blähungen?"})
    assert unquote(german.headers["X-Kiebitz-Why"]).startswith("der Text enthält „Bowtrol“, das SmokeDetector")
    number = app.post("/1.1/comment-check", data={**fields, "comment_content": "Support: +1-844-802-7535"})
    assert number.text == "true" and "phone number +1-844-802-7535" in unquote(number.headers["X-Kiebitz-Why"])


def test_submit_spam_and_ham_and_usage(app, key):
    client = client_for(app, key)
    assert client.comment_check("203.0.113.5", **HAM) == akismet.CheckResponse.HAM
    assert client.submit_spam("203.0.113.5", is_test=True, **HAM) is True  # a missed spam
    assert client.submit_ham("203.0.113.9", **HAM) is True
    usage = client.usage_limit()
    assert usage["limit"] == "none" and usage["usage"] == 3 and usage["throttled"] is False
    # The PyPI client's key_sites() sends no api_key (the issue says: plain HTTP for key-sites).
    sites = app.get("/1.2/key-sites", params={"api_key": key}).json()
    month = next(name for name in sites if name not in ("limit", "offset", "total"))
    assert sites[month][0]["site"] == BLOG
    assert sites[month][0]["missed_spam"] == "1" and sites[month][0]["api_calls"] == "3"


def test_submit_spam_of_a_new_kind_changes_the_next_check(app, key):
    client = client_for(app, key)
    new_kind = dict(comment_author="Heiler", comment_content="Zirbelkiefer Kristallkissen heilt Rückenschmerzen über "
                    "Nacht, jetzt bestellen bei kristallkissen-shop", user_agent="Mozilla/5.0")
    similar = dict(new_kind, comment_content="Kristallkissen aus Zirbelkiefer heilt Rückenschmerzen, bestellen bei "
                   "kristallkissen-shop")
    assert client.comment_check("198.51.100.1", **similar) == akismet.CheckResponse.HAM
    for number in range(5):
        client.submit_spam(f"198.51.100.{number + 2}", **dict(new_kind, comment_content=f"{new_kind['comment_content']} {number}"))
    assert client.comment_check("198.51.100.1", **similar) != akismet.CheckResponse.HAM


def test_is_test_is_never_learned(app, key):
    client = client_for(app, key)
    before = app.app.state.kiebitz.model.examples_learned()
    client.submit_spam("203.0.113.5", is_test=True, **HAM)
    assert app.app.state.kiebitz.model.examples_learned() == before


def test_wire_format_is_exact(app, key):
    response = app.post("/1.1/comment-check", data={"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", **HAM})
    assert response.status_code == 200 and response.content == b"false"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-akismet-guid"]
    thanks = app.post("/1.1/submit-ham", data={"key": key, "blog": BLOG, "user_ip": "203.0.113.5", **HAM})
    assert thanks.content == b"Thanks for making the web a better place."


def test_key_from_host_label(app, key):
    response = app.post("/1.1/comment-check", data={"blog": BLOG, "user_ip": "203.0.113.5", **HAM},
                        headers={"Host": f"{key}.akismet.example.org"})
    assert response.content == b"false"


def test_key_sites_csv(app, key):
    client_for(app, key).comment_check("203.0.113.5", **HAM)
    body = app.get("/1.2/key-sites", params={"api_key": key, "format": "csv"}).text
    lines = body.split("\n")
    assert lines[0].startswith(f"Active sites for {key} during ")
    assert lines[1] == "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked"
    assert lines[2] == f"{BLOG},1,0,1,0,0,false"
    assert not body.endswith("\n")


@pytest.mark.parametrize("data", [
    {}, {"blog": BLOG}, {"api_key": "kurz"}, {"api_key": "x" * 12, "blog": BLOG, "user_ip": "1.2.3.4"},
    {"api_key": None, "blog": "", "user_ip": ""}, {"comment_context[0]": "a", "comment_context[1]": "b"},
])
def test_malformed_requests_never_5xx(app, key, data):
    data = {name: value for name, value in data.items() if value is not None}
    for path in ("/1.1/verify-key", "/1.1/comment-check", "/1.1/submit-spam", "/1.1/submit-ham"):
        response = app.post(path, data=data)
        assert response.status_code == 200, response.text
        assert response.text in ("invalid", "false", "true") or response.text.startswith("Missing required field")
        assert "x-akismet-debug-help" in response.headers or response.text in ("false", "true")
    for path in ("/1.2/usage-limit", "/1.2/key-sites"):
        assert app.get(path, params=data).status_code == 200
    garbage = app.post("/1.1/comment-check", content=b"\xff\x00--boundary", headers={"Content-Type": "multipart/form-data"})
    assert garbage.status_code == 200


def test_missing_fields_are_named(app, key):
    response = app.post("/1.1/comment-check", data={"api_key": key, "blog": BLOG})
    assert response.text == "Missing required field: user_ip."
    assert response.headers["x-akismet-debug-help"]
    assert app.post("/1.1/comment-check", data={"blog": BLOG, "user_ip": "1.2.3.4"}).text == "Missing required field: api_key."


def test_other_fields_are_accepted_and_ignored(app, key):
    data = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", "comment_context[0]": "Bibliothek",
            "honeypot_field_name": "hp", "hp": "", "recheck_reason": "edit", "something_new": "egal", **HAM}
    assert app.post("/1.1/comment-check", data=data).content == b"false"
    data["hp"] = "filled by a bot"
    assert app.post("/1.1/comment-check", data=data).content == b"true"


@pytest.mark.parametrize("website", ["http://[::1", "http://]/", "http://[1.2.3.4]/", "http://[:::]/"])
def test_a_broken_author_url_is_judged_not_a_500(app, key, website):
    data = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", **HAM, "comment_author_url": website}
    for path in ("/1.1/comment-check", "/1.1/submit-spam", "/1.1/submit-ham"):
        response = app.post(path, data=data)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")


def test_errors_inside_the_akismet_api_are_plain_text(app, key):
    response = app.post("/1.1/comment-check", content=b"api_key=" + b"x" * 1_100_000,
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/plain")
    assert "at most" in response.headers["x-akismet-debug-help"]


def test_verify_key_checks_the_key_being_entered_not_the_configured_one(app, key):
    """The WordPress plugin sends key=NEW&blog=…&api_key=OLD when a new key is typed in."""
    other = app.app.state.kiebitz.akismet.add_key("https://anders.example")
    assert app.post("/1.1/verify-key", data={"key": "0123456789ab", "blog": BLOG, "api_key": key}).text == "invalid"
    assert app.post("/1.1/verify-key", data={"key": other, "blog": BLOG, "api_key": "0123456789ab"}).text == "valid"


def test_the_wordpress_settings_page_endpoints(app, key):
    assert app.get("/1.1/test").text == "connected"
    account = app.post("/1.1/get-subscription", data={"key": key, "blog": BLOG, "api_key": key}).json()
    assert account["status"] == "active" and account["api_key"] == key and not account["next_billing_date"]
    assert app.post("/1.1/get-subscription", data={"key": "0123456789ab", "blog": BLOG}).text == "invalid"
    client = client_for(app, key)
    client.comment_check("203.0.113.5", **HAM)
    client.comment_check("203.0.113.6", **SPAM)
    client.submit_spam("203.0.113.5", **HAM)  # one missed
    for since in ("all", "6-months"):
        stats = app.post("/1.1/get-stats", data={"key": key, "blog": BLOG, "from": since, "api_key": key}).json()
        assert (stats["spam"], stats["ham"], stats["missed_spam"], stats["false_positives"]) == (1, 1, 1, 0)
        assert stats["accuracy"] == 50.0
    assert app.post("/1.1/deactivate", data={"key": key, "blog": BLOG}).text == "deactivated"


def test_a_report_pairs_with_its_check_though_wordpress_slashed_the_check(app, key):
    """comment-check gets the form's slashed text (gibt\\'s), submit-spam the text WordPress stored (gibt's)."""
    text = "Gibt's bei O'Brien \"günstige\" Uhren? Zirbelkiefer-Kristallkissen bei kristallkissen-shop"
    slashed = text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')
    fields = {"api_key": key, "blog": BLOG, "user_ip": "203.0.113.5", "comment_author": "Seán O'Brien",
              "comment_author_email": "sean@example.org"}
    assert app.post("/1.1/comment-check", data={**fields, "comment_content": slashed,
                                                "comment_author": "Seán O\\'Brien"}).text == "false"
    before = app.app.state.kiebitz.model.for_key(key).score(CommentDraft(text=text))[0]
    assert app.post("/1.1/submit-spam", data={**fields, "comment_content": text}).text.startswith("Thanks")
    usage = app.get("/1.2/key-sites", params={"api_key": key}).json()
    assert usage[next(iter(usage))][0]["missed_spam"] == "1"  # counted as missed spam
    assert app.app.state.kiebitz.model.for_key(key).score(CommentDraft(text=text))[0] > before  # and learned
