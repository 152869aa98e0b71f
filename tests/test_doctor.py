"""`kiebitz doctor` against a real server, a real SMTP server and broken settings, in English and German."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.api.test_serve import serve
from tests.conftest import free_port


def doctor(**settings: str) -> tuple[int, str]:
    env = dict(os.environ, **{f"KIEBITZ_{name.upper()}": value for name, value in settings.items()})
    done = subprocess.run([sys.executable, "-m", "kiebitz.cli", "doctor"], env=env, capture_output=True, text=True,
                          timeout=60)
    return done.returncode, done.stdout + done.stderr


def test_a_sound_setup_passes_and_says_what_could_be_better(tmp_path: Path, inbox) -> None:
    _, smtp_port = inbox
    server, base = serve(tmp_path)
    try:
        code, output = doctor(database=str(tmp_path / "kiebitz.db"), public_url=base, smtp_host="127.0.0.1",
                              smtp_port=str(smtp_port), smtp_security="none", language="en")
    finally:
        server.terminate()
        server.wait(15)
    assert code == 0, output
    assert "✓ database: reachable, schema at" in output
    assert f"✓ public URL: {base} answers" in output and f"✓ mail: 127.0.0.1:{smtp_port} accepted" in output
    assert "! allowed origins: '*'" in output  # works, but any page may post: said, not failed


def test_what_is_broken_fails_naming_the_setting_in_german(tmp_path: Path) -> None:
    code, output = doctor(database=str(tmp_path / "nowhere" / "kiebitz.db"), public_url=f"http://127.0.0.1:{free_port()}",
                          smtp_host="127.0.0.1", smtp_port=str(free_port()), smtp_security="none", language="de",
                          allowed_origins="https://zeitung.example")
    assert code == 1
    assert "✗ Datenbank:" in output and "(Einstellung `database`)" in output
    assert "✗ Öffentliche Adresse:" in output and "✗ Mail:" in output and "`smtp_host`" in output
    assert "✓ Erlaubte Herkünfte: https://zeitung.example" in output
    assert not (tmp_path / "nowhere").exists()  # the doctor made no database
