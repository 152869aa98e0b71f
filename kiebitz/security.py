"""Signed tokens and keyed IP hashes, all derived from the one secret key."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kiebitz.errors import Forbidden, InvalidInput

FORM_TOKEN_MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class FormToken:
    site: str
    uri: str
    waited: float  # seconds from the form's loading to the post, never below 0 (another instance's clock may run ahead)


class Signer:
    """Makes and checks every token Kiebitz hands out; one salt per purpose."""

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key.encode("utf-8")
        self._form = URLSafeTimedSerializer(secret_key, salt="kiebitz.form")
        self._edit = URLSafeTimedSerializer(secret_key, salt="kiebitz.edit")

    # -- IPs -------------------------------------------------------------------
    def ip_hash(self, ip: str) -> str:
        """Keyed hash of an IP: equal IPs match, but the IP cannot be read back."""
        if not ip:
            return ""
        return hmac.new(self.secret_key, ip.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def keyed_hash(self, purpose: str, value: str) -> str:
        return hmac.new(self.secret_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    # -- form tokens -------------------------------------------------------------
    def form_token(self, site: str, uri: str, now: float | None = None) -> str:
        return self._form.dumps([site, uri, round(now if now is not None else time.time(), 3)])

    def read_form_token(self, token: str | None, site: str, uri: str, min_seconds: float, now: float | None = None
                        ) -> FormToken:
        """Check a form token; raise an error naming ``form_token`` and the rule it broke. ``now``: when the post
        arrived, if it waited since."""
        if not token:
            raise InvalidInput("form token missing: load the comment form before posting", "form_token")
        try:
            token_site, token_uri, issued = self._form.loads(token, max_age=FORM_TOKEN_MAX_AGE)
        except SignatureExpired:
            raise InvalidInput("form token expired: reload the page", "form_token") from None
        except (BadSignature, ValueError, TypeError):
            raise InvalidInput("form token invalid", "form_token") from None
        if token_site != site or token_uri != uri:
            raise InvalidInput("form token invalid: it was issued for another page", "form_token")
        waited = (time.time() if now is None else now) - float(issued)
        if min_seconds > 0 and waited < min_seconds:
            raise InvalidInput(
                f"form token too fresh: submitted {waited:.1f} s after the form loaded, at least {min_seconds:g} s required",
                "form_token",
            )
        return FormToken(token_site, token_uri, max(0.0, waited))

    # -- edit tokens --------------------------------------------------------------
    def edit_token(self, comment_id: int) -> str:
        return self._edit.dumps(comment_id)

    def read_edit_token(self, token: str | None, comment_id: int, max_age: float) -> None:
        if not token:
            raise Forbidden("edit token missing", "edit_token")
        try:
            signed_id = load_signed(self._edit, token, max_age, "the edit token", "edit_token")
        except Forbidden as error:
            if "expired" in error.message:
                raise Forbidden("the edit window has closed", "edit_token") from None
            raise
        if signed_id != comment_id:
            raise Forbidden("edit token is for another comment", "edit_token")

    def comment_ids_from_tokens(self, tokens: list[str], max_age: float) -> list[int]:
        ids = []
        for token in tokens:
            try:
                value = self._edit.loads(token, max_age=int(max_age))
            except BadSignature:
                continue
            if isinstance(value, int):
                ids.append(value)
        return ids


def load_signed(serializer: URLSafeTimedSerializer, token: str, max_age: float | None, what: str, field: str) -> Any:
    """A signed token's value, or a 403 naming ``field`` that says whether it expired or is forged."""
    try:
        return serializer.loads(token, max_age=None if max_age is None else int(max_age))
    except SignatureExpired:
        raise Forbidden(f"{what} has expired", field) from None
    except BadSignature:
        raise Forbidden(f"{what} is not valid", field) from None


def ip_network(ip: str) -> str:
    """The truncated network kept for rate limits: /24 for IPv4, /48 for IPv6."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
