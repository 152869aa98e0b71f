"""``GET /metrics``: the database's totals in Prometheus's text format, for an operator's monitoring.

The figures are the store's (store/totals.py), so any worker may answer a
scrape. With the ``metrics_token`` setting, a scrape must send it as
``Authorization: Bearer …``; without, the endpoint is open: it names no
commenter, only counts.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from starlette.concurrency import run_in_threadpool

from kiebitz import __version__
from kiebitz.api.schemas import answers, text
from kiebitz.errors import Unauthorized
from kiebitz.store.comments import Store
from kiebitz.store.totals import Totals, read_totals


def families(totals: Totals) -> Iterator[Metric]:
    """The metric families of one reading, named as Prometheus's conventions ask (``_total`` for counters)."""
    yield InfoMetricFamily("kiebitz", "Kiebitz version", value={"version": __version__})
    comments = GaugeMetricFamily("kiebitz_comments", "Stored comments by status (the moderation queues)", labels=["status"])
    for status, count in totals.comments.items():
        comments.add_metric([status], count)
    yield comments
    yield GaugeMetricFamily("kiebitz_pending_oldest_seconds", "How long the oldest held comment has waited for a moderator",
                            value=totals.oldest_pending_seconds)
    yield GaugeMetricFamily("kiebitz_threads", "Threads (pages with comments)", value=totals.threads)
    yield GaugeMetricFamily("kiebitz_sites", "Sites served by this instance", value=totals.sites)
    yield CounterMetricFamily("kiebitz_discarded_comments", "Blatant spam dropped by the filter without being stored",
                              value=totals.discarded)
    lessons = GaugeMetricFamily("kiebitz_filter_lessons", "Decisions the spam filter has learned online, by who taught them",
                                labels=["source"])
    for source, count in sorted(totals.lessons.items()):
        lessons.add_metric([source], count)
    yield lessons
    akismet = CounterMetricFamily("kiebitz_akismet", "Akismet API use: calls, verdicts and reported mistakes",
                                  labels=["kind"])
    for kind, count in totals.akismet.items():
        akismet.add_metric([kind], count)
    yield akismet


class _Reading:
    """A collector over one reading, so that a scrape costs one visit to the database."""

    def __init__(self, totals: Totals) -> None:
        self.totals = totals

    def collect(self) -> Iterator[Metric]:
        return families(self.totals)


def exposition(totals: Totals) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Reading(totals))  # type: ignore[arg-type]
    return generate_latest(registry)


def router(store: Store, token: str) -> APIRouter:
    api = APIRouter(tags=["operations"])

    @api.get("/metrics", summary="Totals for Prometheus: queues, threads, the filter's lessons, Akismet use",
             response_class=PlainTextResponse,
             responses=answers({200: text("Prometheus' text format")}, 401))
    async def metrics(request: Request) -> Response:
        if token:
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
                raise Unauthorized("authorization: this server's metrics need 'Authorization: Bearer' with the "
                                   "metrics_token setting", "authorization")
        body = exposition(await run_in_threadpool(read_totals, store))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return api
