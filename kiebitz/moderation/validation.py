"""Rules for what a submitted comment may contain; each failure names its field."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from kiebitz.errors import InvalidInput

TEXT_MIN, TEXT_MAX = 3, 10_000
AUTHOR_MAX, EMAIL_MAX, WEBSITE_MAX, TITLE_MAX, URI_MAX = 100, 254, 1000, 500, 1000
ID_MAX = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL, which refuses to compare a larger number

# Deliberately plain: one @, a dot in the domain, no spaces. Stricter checks
# refuse real addresses; the only proof an address works is a mail to it.
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
HOST_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$", re.IGNORECASE)
SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# What a thread's uri may be: the admin links to it, so never "javascript:" (nor "//host", another site).
PAGE_ADDRESS = re.compile(r"^(?:/(?!/)|https?://)", re.IGNORECASE)
# What a browser sends as Origin: scheme, host and port only (no path, not even a trailing slash).
ORIGIN = re.compile(r"^https?://(?:[a-z0-9]([a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])"
                    r"(?::(?P<port>[0-9]{1,5}))?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Unicode's noncharacters (U+FDD0-U+FDEF and the last two code points of every plane) and lone
# surrogates: no text has them, and XML 1.0 forbids U+FFFE, U+FFFF and the surrogates, so one
# of them in a comment broke the Atom feeds for everyone until it fell out of the newest 50.
NONCHARACTERS = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]"
)


def plain(value: str) -> str:
    """The text without control characters (tabs and line breaks stay): none is ever stored or looked up,
    and PostgreSQL refuses a NUL in any text it is given, even in a query."""
    return CONTROL_CHARACTERS.sub("", value)


def no_noncharacters(value: str, name: str) -> str:
    """``value`` if it holds no Unicode noncharacter (``NONCHARACTERS``), else a 400 naming ``name``."""
    found = NONCHARACTERS.search(value)
    if found is not None:
        raise InvalidInput(f"{name} contains U+{ord(found.group()):04X}, which is not a character of any text", name)
    return value


def string_field(payload: dict[str, Any], name: str, maximum: int) -> str:
    """A trimmed string from the payload: absent or null is '', anything else but a string is refused."""
    value = payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", name)
    value = no_noncharacters(plain(value), name).strip()
    if len(value) > maximum:
        raise InvalidInput(f"{name} is too long: at most {maximum} characters", name)
    return value


def line_field(payload: dict[str, Any], name: str, maximum: int) -> str:
    """``string_field`` for a one-line value (a name, a title): line breaks and runs of spaces become one space.

    Such values end up in mail headers, where a line break is refused (or worse, read as a new header).
    """
    return " ".join(string_field(payload, name, maximum).split())


def author(payload: dict[str, Any], required: bool) -> str:
    value = line_field(payload, "author", AUTHOR_MAX)
    if required and not value:
        raise InvalidInput("author is required: please give a name", "author")
    return value


def email(payload: dict[str, Any], required: bool) -> str:
    value = string_field(payload, "email", EMAIL_MAX)
    if not value:
        if required:
            raise InvalidInput("email is required (it is never published)", "email")
        return ""
    if not EMAIL_PATTERN.match(value):
        raise InvalidInput("email is not a valid e-mail address", "email")
    return value.lower()  # one spelling per address, so that lookups can use the index


def website(payload: dict[str, Any]) -> str:
    value = string_field(payload, "website", WEBSITE_MAX)
    if not value:
        return ""
    if any(character.isspace() for character in value):
        raise InvalidInput("website must be an address without spaces or line breaks", "website")
    if "://" not in value:
        value = "https://" + value
        if len(value) > WEBSITE_MAX:
            raise InvalidInput(f"website is too long: at most {WEBSITE_MAX} characters", "website")
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        raise InvalidInput("website is not a valid URL", "website") from None
    if parts.scheme not in {"http", "https"} or not HOST_PATTERN.match(host) or "." not in host and host != "localhost":
        raise InvalidInput("website must be an http or https URL with a host name", "website")
    return value


def text(payload: dict[str, Any], name: str = "text") -> str:
    value = payload.get(name)
    if value is None:
        raise InvalidInput(f"{name} is required", name)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", name)
    value = no_noncharacters(plain(value), name).strip()
    if len(value) < TEXT_MIN:
        raise InvalidInput(f"{name} is too short: at least {TEXT_MIN} characters", name)
    if len(value) > TEXT_MAX:
        raise InvalidInput(f"{name} is too long: at most {TEXT_MAX} characters", name)
    return value


def identifier(value: Any, name: str) -> int:
    """A row's id as a form or a URL gives it: a whole number from 1 to ID_MAX, as a number or its digits.

    A larger number names no row, and SQLite cannot even compare it with one.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise InvalidInput(f"{name} must be an id: a whole number from 1 to {ID_MAX}", name)
    return value


def parent(payload: dict[str, Any]) -> int | None:
    value = payload.get("parent")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise InvalidInput("parent must be the id of a comment (a positive integer) or null", "parent")
    return value


def uri(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("uri is required: the path of the page the comments belong to", "uri")
    value = value.strip()
    if len(value) > URI_MAX or CONTROL_CHARACTERS.search(value) or NONCHARACTERS.search(value):
        raise InvalidInput(f"uri must be at most {URI_MAX} printable characters", "uri")
    if not PAGE_ADDRESS.match(value):
        raise InvalidInput("uri must be the page's path (starting with a single /) or its http(s) address", "uri")
    return value


def site(value: Any) -> str:
    """A site's name as a request or an import gives it: it shows in feed addresses and the admin."""
    if not isinstance(value, str) or not SITE_NAME.match(value):
        raise InvalidInput("site must be a name of up to 100 letters, digits, '.', '_' or '-', "
                           "starting with a letter or digit", "site")
    return value


def origin(value: str, field: str) -> str:
    """A web origin as browsers send it, lower-cased: 'https://zeitung.example' or 'http://localhost:8000'.

    The usual slip, a trailing slash or a path, would never match a browser's
    Origin header and silently refuse the site, so it is named instead.
    """
    value = value.strip().lower()
    parts = ORIGIN.match(value)
    if parts is None or int(parts["port"] or 1) > 65535:
        raise InvalidInput(f"{field}: {value!r} is not an origin: scheme and host (and port), "
                           "like https://zeitung.example, without a path or trailing slash", field)
    return value


def json_object(payload: Any, accepted: frozenset[str] | None = None) -> dict[str, Any]:
    """The body as a dict; a field outside ``accepted`` is refused, not silently dropped.

    A misspelt field ("parent_id" for "parent") would otherwise post a reply
    as a top-level comment without a word.
    """
    if not isinstance(payload, dict):
        raise InvalidInput("the request body must be a JSON object", None)
    if accepted is not None:
        for name in payload:
            if name not in accepted:
                raise InvalidInput(f"{name} is not a field of this request (accepted: {', '.join(sorted(accepted))})", name)
    return payload


# What the widget (and any other client) may send with a new comment, and with an edit.
COMMENT_FIELDS = frozenset({"text", "author", "email", "website", "parent", "title", "notify", "form_token", "homepage"})
EDIT_FIELDS = frozenset({"text", "edit_token"})
