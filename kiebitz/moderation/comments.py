"""Use cases of the public side: read a thread, post, edit, delete, vote, count.

Each step of posting is a named method (validate, check the form token, place
in the thread, judge, store), so the order of the rules can be read top down.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from kiebitz import markup
from kiebitz.config import Settings
from kiebitz.domain import Comment, CommentDraft, Status, Verdict
from kiebitz.errors import Conflict, Forbidden, InvalidInput, NotFound, Rejected, TooManyRequests
from kiebitz.moderation import Listener, tell, validation
from kiebitz.moderation.cache import Rendering, ThreadCache
from kiebitz.moderation.decisions import draft_of
from kiebitz.security import Signer, ip_network
from kiebitz.spam.filter import History, SpamFilter
from kiebitz.store.comments import FILTER_ACTOR, NewThread, Store
from kiebitz.store.thread_pages import SORT_KEYS, thread_page

SORTS = ("oldest", "newest", "top")
PUBLIC_STATUSES = (Status.PUBLISHED, Status.DELETED)


@dataclass(frozen=True)
class Client:
    """What the HTTP layer knows of the person posting."""

    ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    language: str = ""


@dataclass(frozen=True)
class Checked:
    """A post that passed every check that costs little (fields, form token, rate, thread), not yet judged."""

    draft: CommentDraft
    fields: dict[str, Any]
    ip_hash: str
    site_id: int
    uri: str
    thread: Any  # the page's thread row, None when its first comment is this one
    depth: int
    notify: bool
    reads_meaning: bool  # whether the spam model will ask the sentence encoder (the web layer batches it)


@dataclass(frozen=True)
class Prepared:
    """A judged comment, ready to be written."""

    values: dict[str, Any]  # the row
    new_thread: NewThread | None  # the thread to create first, if the page has none yet
    verdict: Verdict
    notify: bool  # the commenter asked to hear of replies


@dataclass(frozen=True)
class Posted:
    comment: Comment
    edit_token: str
    verdict: Verdict


class InFlight:
    """Addresses with a post under way in this process.

    Several posts are under way at once (judged on the writer threads, then
    waiting for their group commit), and the flood check reads the store, which
    does not hold a post until it is written: without this, a burst of
    simultaneous posts from one address would all pass it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._addresses: Counter[str] = Counter()

    @contextmanager
    def posting(self, ip_hash: str) -> Iterator[bool]:
        """Register a post from ``ip_hash`` for the block; yields whether another one is under way."""
        with self._lock:
            alongside = self._addresses[ip_hash] > 0
            self._addresses[ip_hash] += 1
        try:
            yield alongside
        finally:
            with self._lock:
                self._addresses[ip_hash] -= 1
                if not self._addresses[ip_hash]:
                    del self._addresses[ip_hash]


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class CommentService:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        signer: Signer,
        spam_filter: SpamFilter,
        history: History,
        cache: ThreadCache,
        refresh_settings: Callable[..., None],
    ) -> None:
        self.settings = settings
        self.store = store
        self.signer = signer
        self.spam_filter = spam_filter
        self.history = history
        self.cache = cache
        self._tokens: dict[tuple[str, str], tuple[int, bytes]] = {}
        self._in_flight = InFlight()
        self.listeners: list[Listener] = []  # told ("created" or "edited", comment): moderator mail, webhooks
        self.subscribe: Any = None  # asks a commenter who ticked "notify me" to confirm (notify.replies)
        # whether the spam model will ask the sentence encoder about a draft (SpamModel.wants_meaning)
        self.wants_meaning: Callable[[CommentDraft], bool] = lambda draft: False
        # the hosts of a site's own pages, whose links the filter does not count (SiteOrigins.own_hosts)
        self.own_hosts: Callable[[str], frozenset[str]] = lambda site: frozenset()
        # takes up settings changed in the admin of another process (SiteSettings.refresh)
        self.refresh_settings = refresh_settings

    # -- reading -------------------------------------------------------------
    def thread_json(
        self, site: str, uri: str, sort: str = "oldest", limit: int | None = None, offset: int = 0,
        own_tokens: list[str] | None = None,
    ) -> bytes:
        """The public thread as JSON bytes, from the cache unless it changed."""
        rendering = self.thread_rendering(site, uri, sort, limit, offset, allow_stale=not own_tokens)
        body = rendering.body
        if own_tokens:
            body = self._with_own_pending(site, body, own_tokens)
        return self.with_form_token(site, uri, body)

    def thread_rendering(self, site: str, uri: str, sort: str = "oldest", limit: int | None = None, offset: int = 0,
                         allow_stale: bool = True) -> Rendering:
        """The thread's page without a form token, rendered once per change to the thread (moderation/cache.py)."""
        if sort not in SORTS:
            raise InvalidInput(f"sort must be one of {', '.join(SORTS)}", "sort")
        key = (site, uri, sort, limit, offset)
        rendering, stamp = self.cache.lookup(key)
        if rendering is None:
            rendering = self.cache.render_once(key, stamp, lambda: self._render(site, uri, sort, limit, offset),
                                               allow_stale=allow_stale)
        return rendering

    def cached_thread(self, site: str, uri: str, sort: str, limit: int | None, offset: int) -> Rendering | None:
        """The thread from the cache alone (or the one from just before a change), cheap enough for the event loop."""
        key = (site, uri, sort, limit, offset)
        rendering, _ = self.cache.lookup(key)
        return rendering or self.cache.stale(key)

    def with_form_token(self, site: str, uri: str, body: bytes) -> bytes:
        return b'{"form_token":' + self._form_token(site, uri) + b"," + body[1:]

    def _form_token(self, site: str, uri: str) -> bytes:
        """A token carrying the second it was issued; signed once per page and second, not per request."""
        second = int(time.time())
        key = (site, uri)
        cached = self._tokens.get(key)
        if cached is None or cached[0] != second:
            if len(self._tokens) > 10_000:
                self._tokens.clear()
            cached = (second, orjson.dumps(self.signer.form_token(site, uri, now=float(second))))
            self._tokens[key] = cached
        return cached[1]

    def _render(self, site: str, uri: str, sort: str, limit: int | None, offset: int) -> tuple[bytes, int | None]:
        self.refresh_settings(0.0)  # a rendering is kept until the next write: the form rules must be current
        thread = self.store.find_thread(self.store.existing_site_id(site), uri)
        if thread is None:
            empty: dict[str, Any] = {"uri": uri, "title": None, "closed": False, "total": 0, "top_level": 0, "comments": []}
            return orjson.dumps(empty | self._form_rules()), None
        page = thread_page(self.store, thread.id, sort, limit, offset)
        document = {
            "uri": uri, "title": thread.title, "closed": self._closed(thread), "total": page.total,
            "top_level": page.top_level, "comments": build_tree(page.comments, sort, self.avatar),
        }
        return orjson.dumps(document | self._form_rules()), thread.id

    def _form_rules(self) -> dict[str, Any]:
        """What the widget's form shows: required fields and the site's privacy notice (empty: built-in)."""
        settings = self.settings
        return {"require_name": settings.require_name, "require_email": settings.require_email,
                "privacy_notice": settings.privacy_notice, "privacy_url": settings.privacy_url,
                "notifications": bool(settings.smtp_host)}

    def _closed(self, thread: Any) -> bool:
        """Closed by a moderator, or older than the site's close_after_days."""
        days = self.settings.close_after_days
        return bool(thread.closed) or bool(days and thread.created < time.time() - days * 86400)

    def _with_own_pending(self, site: str, body: bytes, tokens: list[str]) -> bytes:
        """Mark the reader's own comments as editable and show their held ones (known by the edit cookie)."""
        ids = self.signer.comment_ids_from_tokens(tokens, self.settings.edit_window)
        if not ids:
            return body
        document = orjson.loads(body)
        thread = self.store.find_thread(self.store.existing_site_id(site), document["uri"])
        mine = [c for c in self.store.comments_by_ids(ids) if thread is not None and c.thread_id == thread.id]
        place_own(document["comments"], [self.public(c) for c in mine if c.status == Status.PENDING])
        mark_editable(document["comments"], {c.id for c in mine})
        return orjson.dumps(document)

    def avatar(self, comment: Comment) -> str:
        """A seed for the locally drawn identicon; keyed, so it reveals no e-mail."""
        return self.signer.keyed_hash("avatar", (comment.email or comment.author or comment.ip_hash).casefold())[:16]

    def public(self, comment: Comment) -> dict[str, Any]:
        return public_comment(comment, self.avatar(comment))

    def counts(self, site: str, uris: Any) -> dict[str, int]:
        if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
            raise InvalidInput("body must be a JSON list of page uris", "uris")
        if len(uris) > 500:
            raise InvalidInput("at most 500 uris per request", "uris")
        # a uri with a control character names no thread (uri() refuses them), and PostgreSQL would refuse the query
        lookup = [uri for uri in uris if not validation.CONTROL_CHARACTERS.search(uri)]
        found = self.store.counts(self.store.existing_site_id(site), lookup)
        return {uri: found.get(uri, 0) for uri in uris}

    # -- posting -------------------------------------------------------------
    def post(self, site: str, uri: str, payload: Any, client: Client) -> Posted:
        """Judge and store a new comment; returns once it is on disk.

        The steps are public so that the HTTP API can run them without a thread
        waiting for the disk (api.public): in_flight, check_post and judge_post (prepare_post), then
        Store.submit_comment, then finish_post.
        """
        ip_hash = self.signer.ip_hash(client.ip)
        with self.in_flight(ip_hash) as alongside:
            prepared = self.prepare_post(site, uri, payload, client, ip_hash, alongside)
            comment_id, thread_id = self.store.write_comment(prepared.values, prepared.new_thread)
        return self.finish_post(prepared, comment_id, thread_id)

    def in_flight(self, ip_hash: str) -> AbstractContextManager[bool]:
        """Register a post from this address until it is written; gives whether another one is under way."""
        return self._in_flight.posting(ip_hash)

    def prepare_post(self, site: str, uri: str, payload: Any, client: Client, ip_hash: str, alongside: bool,
                     sentence_vector: Any = None) -> Prepared:
        """Everything before the write: the row to store, the thread to create if new, the verdict."""
        with self.store.one_connection():
            return self.judge_post(self.check_post(site, uri, payload, client, ip_hash, alongside), sentence_vector)

    def check_post(self, site: str, uri: str, payload: Any, client: Client, ip_hash: str, alongside: bool,
                   arrived: float | None = None) -> Checked:
        """The cheap checks, each failure a 4xx naming its field: a refused post never costs the filter's
        sentence encoder (the HTTP layer encodes between this step and ``judge_post``).

        The time to submit is counted to when the post ``arrived`` (the HTTP layer's clock): a post that waited
        for the writer thread behind others is no slower for it, and a bot's quick post stays a quick one.
        """
        with self.store.one_connection():
            self.refresh_settings()  # at most once a second
            data = validation.json_object(payload, validation.COMMENT_FIELDS)
            uri = validation.uri(uri)
            fields = self._validate(data)
            token = self.signer.read_form_token(
                data.get("form_token") if isinstance(data.get("form_token"), str) else None,
                site, uri, self.settings.min_submit_seconds, now=arrived,
            )
            self._check_rate(ip_hash, alongside)
            draft = CommentDraft(
                text=fields["text"], author=fields["author"], email=fields["email"], website=fields["website"],
                uri=uri, parent=fields["parent"], ip=client.ip, user_agent=client.user_agent, referrer=client.referrer,
                language=client.language, seconds_to_submit=token.waited,
                honeypot=str(data["homepage"]) if isinstance(data.get("homepage"), str) else "",
                own_hosts=self.own_hosts(site),
            )
            site_id = self.store.site_id(site)
            thread = self.store.find_thread(site_id, uri)
            if thread is not None and self._closed(thread):
                raise Forbidden("this thread is closed for new comments", "uri")
            if thread is not None and fields["email"] and self.store.said_before(thread.id, fields["email"], fields["text"]):
                # WordPress refuses it too ("Duplicate comment detected"): a reader who posts again, unsure whether
                # the first went through, would otherwise leave a moderator two copies, the second held as a repeat
                raise Conflict("you have already posted this comment here", "text")
            depth = self._depth_of_reply(thread.id if thread else None, fields["parent"])
        return Checked(draft, fields, ip_hash, site_id, uri, thread, depth, data.get("notify") is True,
                       self.wants_meaning(draft))

    def judge_post(self, checked: Checked, sentence_vector: Any = None) -> Prepared:
        """The spam filter's verdict on a checked post, and the row it makes."""
        fields, draft, thread = checked.fields, checked.draft, checked.thread
        draft.sentence_vector = sentence_vector
        with self.store.one_connection():
            verdict = self.spam_filter.judge(draft, self.history)
            status = self.spam_filter.acting_label(verdict).status
            if status is None:
                self.store.count_today("discarded")
                raise Rejected("the comment was rejected as spam", "text")
            if status == Status.PUBLISHED and self._needs_moderation(fields["email"]):
                status = Status.PENDING
        values = {
            "parent_id": fields["parent"], "depth": checked.depth, "author": fields["author"], "email": fields["email"],
            "website": fields["website"], "text": fields["text"], "html": markup.render(fields["text"]),
            "status": status.value, "created": time.time(), "modified": None, "ip_hash": checked.ip_hash,
            "ip_network": ip_network(draft.ip), "verdict": verdict.label.value, "score": verdict.probability,
            "reasons": [reason.as_dict() for reason in verdict.reasons], "signals": signals_of(draft),
        }
        values["thread_id"] = thread.id if thread is not None else None
        new_thread = (checked.site_id, checked.uri, fields["title"]) if thread is None else None
        return Prepared(values, new_thread, verdict, checked.notify)

    def finish_post(self, prepared: Prepared, comment_id: int, thread_id: int) -> Posted:
        """After the write: drop cached threads, tell the listeners, answer with an edit token."""
        self.cache.invalidate()
        values = prepared.values | {"thread_id": thread_id}
        status = Status(values["status"])
        comment = Comment(
            id=comment_id, thread_id=values["thread_id"], parent=values["parent_id"], author=values["author"],
            email=values["email"], website=values["website"], text=values["text"], html=values["html"], status=status,
            created=values["created"], modified=None, ip_hash=values["ip_hash"], ip_network=values["ip_network"],
            verdict=values["verdict"], score=values["score"], reasons=values["reasons"], depth=values["depth"],
        )
        tell(self.listeners, "created", comment)
        if prepared.notify and self.subscribe is not None and status != Status.SPAM:
            self.subscribe(comment)
        return Posted(comment, self.signer.edit_token(comment_id), prepared.verdict)

    def _validate(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "author": validation.author(data, self.settings.require_name),
            "email": validation.email(data, self.settings.require_email),
            "website": validation.website(data),
            "text": validation.text(data),
            "parent": validation.parent(data),
            "title": validation.line_field(data, "title", validation.TITLE_MAX),
        }

    def _needs_moderation(self, email: str) -> bool:
        """The site's moderation mode: none, all, or first (hold until one comment was approved)."""
        mode = self.settings.moderation
        return mode == "all" or (mode == "first" and not self.history.has_approved_comment(email))

    def _check_rate(self, ip_hash: str, alongside: bool) -> None:
        """Flood and rate limit per address; ``alongside``: another post from it is under way in this process."""
        if not ip_hash:
            return
        now = time.time()
        count, newest = self.store.posts_from_ip_since(ip_hash, now - 3600, max(1, self.settings.rate_limit_per_hour))
        if self.settings.flood_seconds and (alongside or newest > now - self.settings.flood_seconds):
            raise TooManyRequests(
                f"you are posting too quickly: wait {self.settings.flood_seconds} s between comments", None
            )
        if count >= self.settings.rate_limit_per_hour:
            raise TooManyRequests(f"at most {self.settings.rate_limit_per_hour} comments an hour", None)

    def _depth_of_reply(self, thread_id: int | None, parent_id: int | None) -> int:
        if parent_id is None:
            return 0
        parent = self.store.get_comment(parent_id)
        if parent is None or parent.status not in PUBLIC_STATUSES:
            raise InvalidInput(f"parent {parent_id} does not exist", "parent")
        if thread_id is None or parent.thread_id != thread_id:
            raise InvalidInput(f"parent {parent_id} belongs to another thread", "parent")
        depth = parent.depth + 1
        if depth > self.settings.max_depth:
            raise InvalidInput(f"replies may nest at most {self.settings.max_depth} levels deep", "parent")
        return depth

    # -- the author's own changes ------------------------------------------------
    def edit(self, comment_id: int, token: str | None, payload: Any) -> Comment:
        """The author's new text, judged again: a comment published as harmless and then edited into
        an advert goes to the queue its new text earns (held or spam), as a new comment would."""
        data = validation.json_object(payload, validation.EDIT_FIELDS)
        comment = self._own(comment_id, token)
        text = validation.text(data)
        draft = replace(draft_of(comment, self.store.comment_signals(comment_id)), text=text, seconds_to_submit=None,
                        own_hosts=self.own_hosts(self.store.site_of_comment(comment_id) or ""))
        verdict = self.spam_filter.judge(draft, self.history, edited=comment_id)
        self.store.edit_comment(comment_id, text, markup.render(text), verdict)
        acting = self.spam_filter.acting_label(verdict).status
        status = _status_after_edit(comment.status, acting, self.settings.moderation == "all")
        if status != comment.status:
            self.store.set_status(comment_id, status, actor=FILTER_ACTOR, note=f"the author's edit was judged {verdict.label.value}")
        self.cache.invalidate()
        edited = self.store.get_comment(comment_id)
        assert edited is not None
        tell(self.listeners, "edited", edited)  # webhooks; the moderators' mail when the edit is held
        return edited

    def delete(self, comment_id: int, token: str | None) -> None:
        self._own(comment_id, token)
        self.store.set_status(comment_id, Status.DELETED, actor="author", note="deleted by its author")
        self.cache.invalidate()

    def _own(self, comment_id: int, token: str | None) -> Comment:
        comment = self.store.get_comment(comment_id)
        if comment is None or comment.status == Status.DELETED:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        self.signer.read_edit_token(token, comment_id, self.settings.edit_window)
        return comment

    def vote(self, comment_id: int, payload: Any, ip: str) -> dict[str, int]:
        data = validation.json_object(payload)
        value = data.get("value")
        if value not in (1, -1) or isinstance(value, bool):
            raise InvalidInput("value must be 1 or -1", "value")
        comment = self.store.get_comment(comment_id)
        if comment is None or comment.status != Status.PUBLISHED:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        voter = self.signer.keyed_hash("vote", ip or "unknown")
        if voter and comment.ip_hash and self.signer.ip_hash(ip) == comment.ip_hash:
            raise Forbidden("you cannot vote on your own comment", "value")
        result = self.store.vote(comment_id, voter, value)
        if result is None:
            raise Conflict("you have already voted on this comment", "value")
        self.cache.invalidate()
        return {"likes": result[0], "dislikes": result[1]}

    def preview(self, payload: Any) -> dict[str, str]:
        data = validation.json_object(payload)
        return {"html": markup.render(validation.text(data))}


def _status_after_edit(status: Status, judged: Status | None, all_held: bool) -> Status:
    """Only ever further from readers: published → held or spam, held → spam; never the other way."""
    if judged is None or judged == Status.SPAM:  # discard: kept, as spam, since the comment was stored
        return Status.SPAM if status in (Status.PUBLISHED, Status.PENDING) else status
    if status == Status.PUBLISHED and (judged == Status.PENDING or all_held):  # "all": nothing unread goes out
        return Status.PENDING
    return status


def signals_of(draft: CommentDraft) -> dict[str, Any]:
    """The request metadata kept with a comment so that the model can learn from it later."""
    return {
        "user_agent": draft.user_agent[:300], "referrer": draft.referrer[:300], "language": draft.language[:20],
        "seconds_to_submit": round(draft.seconds_to_submit or 0.0, 1), "uri": draft.uri,
    }


def public_comment(comment: Comment, avatar: str) -> dict[str, Any]:
    """The fields a reader may see; e-mail, IP and verdict never appear here."""
    deleted = comment.status == Status.DELETED
    document: dict[str, Any] = {
        "id": comment.id, "parent": comment.parent,
        "author": "" if deleted else comment.author, "website": "" if deleted else comment.website,
        "html": "" if deleted else comment.html, "created": iso(comment.created), "modified": iso(comment.modified),
        "likes": comment.likes, "dislikes": comment.dislikes, "avatar": avatar,
        "staff": comment.staff, "pinned": comment.pinned, "replies": [],
    }
    if deleted:
        document["deleted"] = True
    if comment.status == Status.PENDING:
        document["status"] = Status.PENDING.value
    return document


def build_tree(comments: list[Comment], sort: str, avatar: Any) -> list[dict[str, Any]]:
    """Nest published comments; a deleted one stays only as a placeholder for its replies."""
    nodes = {comment.id: (comment, public_comment(comment, avatar(comment))) for comment in comments}
    roots: list[tuple[Comment, dict[str, Any]]] = []
    children: dict[int, list[tuple[Comment, dict[str, Any]]]] = {}
    for comment, document in nodes.values():
        if comment.parent is not None and comment.parent in nodes:
            children.setdefault(comment.parent, []).append((comment, document))
        else:
            roots.append((comment, document))

    def order(items: list[tuple[Comment, dict[str, Any]]], top_level: bool) -> list[dict[str, Any]]:
        if sort in ("newest", "top") and top_level:  # "oldest" comes so from the store
            items.sort(key=lambda item: SORT_KEYS[sort](item[0]))
        if top_level:
            items.sort(key=lambda item: not item[0].pinned)
        kept = []
        for comment, document in items:
            document["replies"] = order(children.get(comment.id, []), False)
            if comment.status == Status.DELETED and comment.id not in children:
                continue  # a placeholder while a reply to it is public (store/thread_pages.py reads pages so)
            kept.append(document)
        return kept

    return order(roots, True)


def mark_editable(tree: list[dict[str, Any]], ids: set[int]) -> None:
    for node in tree:
        if node["id"] in ids and not node.get("deleted"):
            node["editable"] = True
        mark_editable(node["replies"], ids)


def place_own(tree: list[dict[str, Any]], own: list[dict[str, Any]]) -> None:
    """Put the author's own held comments where they belong in a rendered tree."""
    index: dict[int, dict[str, Any]] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            index[node["id"]] = node
            walk(node["replies"])

    walk(tree)
    for document in own:
        parent = index.get(document["parent"]) if document["parent"] else None
        (parent["replies"] if parent else tree).append(document)
