"""CORS whose list of origins includes every site's own (see moderation/site_origins.py).

Starlette's middleware takes a fixed list at start; a site's origins change in
the admin while the server runs, so the one question it asks is passed on.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from kiebitz.moderation.site_origins import SiteOrigins


class SiteCORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: SiteOrigins, methods: Sequence[str], headers: Sequence[str]) -> None:
        allowed = ["*"] if origins.any_origin else sorted(origins.instance)
        super().__init__(app, allow_origins=allowed, allow_methods=methods, allow_headers=headers, allow_credentials=True)
        self.origins = origins

    def is_allowed_origin(self, origin: str) -> bool:
        return self.origins.known(origin)
