"""docs/operations.md's alerting rules name only metrics Kiebitz serves."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from kiebitz.app import create_app
from tests.conftest import make_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def test_every_metric_the_alert_rules_name_is_served(tmp_path: Path) -> None:
    rules = re.search(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)  # type: ignore[union-attr]
    named = set(re.findall(r"\b(kiebitz_\w+)", rules))
    with TestClient(create_app(make_settings(tmp_path))) as client:
        served = {sample.name for family in text_string_to_metric_families(client.get("/metrics").text)
                  for sample in family.samples}
    assert named and named <= served, named - served
