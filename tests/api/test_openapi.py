"""/openapi.json describes what the live server does: schemathesis (from PyPI) generates requests for every
operation and checks that no answer is a 5xx, every status and content type is documented, and every JSON
body matches its documented schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.api.test_serve import serve

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


def test_the_live_server_keeps_to_its_openapi_schema(tmp_path: Path) -> None:
    server, base = serve(tmp_path, flood_seconds="0", rate_limit_per_hour="100000")
    try:
        run = subprocess.run(
            [str(Path(sys.executable).parent / "st"), "run", f"{base}/openapi.json", "--checks", CHECKS,
             "--max-examples", "25", "--seed", "20261204", "--request-timeout", "10", "--no-color",
             # an event stream stays open until the request timeout: its statuses and events are checked by
             # tests/api/test_live.py, here once per phase would cost a minute
             "--exclude-path", "/api/live"],
            capture_output=True, text=True, timeout=600,
        )
    finally:
        server.terminate()
        server.wait(15)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


def test_every_operation_documents_its_errors_and_no_422(client) -> None:
    schema = client.get("/openapi.json").json()
    assert "ErrorBody" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, f"{method} {path}"  # Kiebitz answers 400 naming the field
            for status, response in responses.items():
                if status.startswith("4") and not path.startswith(("/1.1/", "/1.2/")):  # Akismet's: plain text
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            if method in ("post", "patch") and not path.startswith("/privacy/confirm"):
                assert "requestBody" in operation, f"{method} {path} documents no request body"
