"""What each HTTP operation takes and answers, for /openapi.json.

The handlers read their bodies themselves (a misspelt field must be a 400
naming it, not a silent drop, and the hot read path skips the framework), so
FastAPI cannot infer these: they are written here, and a schemathesis test
checks the live answers against them (tests/api/test_openapi.py). Every error
is ``ErrorBody``: a 4xx whose ``field`` names what broke the rule.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, RootModel

from kiebitz.moderation import validation


class ErrorDetail(BaseModel):
    field: str | None = Field(description="the field that broke a rule, or null when the request as a whole did")
    message: str = Field(description="the rule, in words")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Comment(BaseModel):
    id: int
    parent: int | None
    author: str
    website: str
    html: str = Field(description="the text rendered and sanitised on the server")
    created: str | None = Field(description="ISO 8601, UTC")
    modified: str | None
    likes: int
    dislikes: int
    avatar: str = Field(description="a keyed hash the widget draws an identicon from")
    staff: bool
    pinned: bool
    replies: list[Comment]
    deleted: bool | None = Field(None, description="true for a deleted comment kept as its replies' place")
    status: str | None = Field(None, description="'pending' for the reader's own held comment")


class Thread(BaseModel):
    form_token: str = Field(description="send with a new comment: proves the form was loaded, and when")
    uri: str
    title: str | None
    closed: bool
    total: int = Field(description="published comments in the thread")
    top_level: int
    comments: list[Comment]
    require_name: bool
    require_email: bool
    privacy_notice: str
    privacy_url: str
    notifications: bool = Field(description="whether readers may ask to be mailed replies")


class Posted(Comment):
    status: str | None = Field(description="published, pending or spam")
    edit_token: str = Field(description="send as X-Kiebitz-Edit-Token to edit or delete within the edit window")


class Deleted(BaseModel):
    id: int
    deleted: bool


class Votes(BaseModel):
    likes: int
    dislikes: int


class Preview(BaseModel):
    html: str


class ReportReceived(BaseModel):
    id: int
    held: bool  # enough reports are open that the comment is hidden until a moderator decides


class Counts(RootModel[dict[str, int]]):
    """Published comments per page uri."""


class Health(BaseModel):
    status: str
    version: str


class AkismetUsage(BaseModel):
    limit: str
    usage: int
    percentage: str
    throttled: bool


ERRORS = {
    400: "a field breaks a rule: the body names the field and the rule",
    401: "the metrics token is missing or wrong",
    403: "not allowed: no valid token, a closed thread, a page the site does not allow, or refused as spam",
    404: "no such comment, or nothing to do here",
    408: "the request body did not arrive in time",
    409: "already done (one vote per reader; the same words by the same address in the same thread)",
    413: "the request body is too large",
    429: "too many requests from this address: try again later",
}
BODY_ERRORS = (400, 408, 413)  # what any request with a body may meet


def answers(ok: dict[int, Any], *errors: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: its successful answers, then each error status as ``ErrorBody``."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status, described in ok.items():
        if isinstance(described, tuple):
            model, description = described
            responses[status] = {"model": model, "description": description}
        else:
            responses[status] = described
    for status in sorted(set(errors)):
        # "content" as well: FastAPI would document an error of a feed or a page as an Atom or HTML body
        responses[status] = {"model": ErrorBody, "description": ERRORS[status],
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    return responses


def text(description: str, media_type: str = "text/plain") -> dict[str, Any]:
    """A successful answer that is not JSON (a feed, a script, Akismet's plain text)."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


def plain_text_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Errors that Akismet's paths answer in plain text (api.akismet), with the reason in X-akismet-debug-help."""
    return {status: text(ERRORS[status]) for status in statuses}


def query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


PAGE_URI = query("uri", {"type": "string", "pattern": "^/[^/]", "maxLength": validation.URI_MAX},
                 "the page's path (starting with a single /) or its http(s) address", required=True)
SITE = query("site", {"type": "string", "pattern": validation.SITE_NAME.pattern},
             "the site the page belongs to (default: the site setting)")
THREAD_PAGE = {"parameters": [
    PAGE_URI, SITE,
    query("sort", {"enum": ["oldest", "newest", "top"]}, "order of the top-level comments"),
    query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "top-level comments per page (default: all)"),
    query("offset", {"type": "integer", "minimum": 0, "maximum": 1_000_000}, "top-level comments to skip"),
]}
THREAD_FRAGMENT = {"parameters": [
    *THREAD_PAGE["parameters"][:3],
    query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "top-level comments per page (default: 50)"),
    THREAD_PAGE["parameters"][4],
    query("lang", {"enum": ["de", "en"]}, "language of the fragment's words (default: the `language` setting)"),
]}
# POST /api/comments answers with the comment's id: what its edit, deletion and vote take (for generated clients).
COMMENT_LINKS = {name: {"operationId": operation, "parameters": {"comment_id": "$response.body#/id"}}
                 for name, operation in (("edit", "edit_comment"), ("delete", "delete_comment"), ("vote", "vote"))}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def form_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


FORM_COMMENT = {"parameters": [PAGE_URI, SITE, query("lang", {"enum": ["de", "en"]}, "language of the answer page")]} | form_body(
    {name: {"type": "string"} for name in ("text", "author", "email", "website", "homepage", "form_token")}, ["text", "form_token"])
NEW_COMMENT = {"parameters": [PAGE_URI, SITE]} | json_body({
    "type": "object",
    "required": ["text", "form_token"],
    "properties": {
        "author": {"type": "string", "maxLength": validation.AUTHOR_MAX},
        "email": {"type": "string", "format": "email", "description": "never published"},
        "website": {"type": "string", "format": "uri"},
        "text": {"type": "string", "minLength": validation.TEXT_MIN, "maxLength": validation.TEXT_MAX},
        "parent": {"type": ["integer", "null"]},
        "title": {"type": "string"},
        "form_token": {"type": "string", "description": "from GET /api/comments"},
        "notify": {"type": "boolean", "description": "e-mail me replies (asks for confirmation first)"},
        "homepage": {"type": "string", "description": "the honeypot: left empty by people"},
    },
    "additionalProperties": False,
})
EDIT = json_body({
    "type": "object", "required": ["text"], "additionalProperties": False,
    "properties": {"text": {"type": "string", "minLength": validation.TEXT_MIN, "maxLength": validation.TEXT_MAX},
                   "edit_token": {"type": "string", "description": "or in X-Kiebitz-Edit-Token, or the cookie"}},
})
VOTE = json_body({"type": "object", "required": ["value"], "properties": {"value": {"enum": [1, -1]}}})
REPORT = json_body({"type": "object", "required": ["reason"], "properties": {
    "reason": {"enum": ["spam", "insult", "illegal", "other"]},
    "explanation": {"type": "string", "maxLength": 4000,
                    "description": "why; at least 10 characters for illegal and other"},
    "category": {"enum": ["hate_speech", "defamation", "threat", "child_sexual_abuse", "terrorism", "privacy", "copyright",
                          "other_illegal"], "description": "for illegal content: which kind"},
    "name": {"type": "string", "maxLength": 100, "description": "the reporter's; required for illegal content "
                                                                  "except child_sexual_abuse"},
    "email": {"type": "string", "maxLength": 254, "description": "for the receipt and the decision; required as name"},
    "good_faith": {"type": "boolean", "description": "for illegal content: the notice is accurate and complete"},
}})
PAGE_URIS_QUERY = {"parameters": [
    {"name": "uri", "in": "query", "required": True, "style": "form", "explode": True,
     "description": "a page's path, once per page (at most 500)",
     "schema": {"type": "array", "maxItems": 500, "items": {"type": "string"}}},
    SITE,
]}
PAGE_URIS = json_body({"type": "array", "maxItems": 500, "items": {"type": "string"}})
PREVIEW = json_body({"type": "object", "required": ["text"],
                     "properties": {"text": {"type": "string", "minLength": validation.TEXT_MIN}}})
DATA_REQUEST = form_body({"email": {"type": "string", "format": "email"}, "action": {"enum": ["export", "erase"]}},
                         ["email", "action"])
