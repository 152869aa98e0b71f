"""docs/systemd.md's unit, as systemd itself reads it (`systemd-analyze verify`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "systemd.md"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_documented_unit_verifies(tmp_path: Path) -> None:
    unit = re.search(r"```ini\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)  # type: ignore[union-attr]
    kiebitz = Path(sys.executable).parent / "kiebitz"  # the unit's /opt/kiebitz/.venv/bin/kiebitz, here
    path = tmp_path / "kiebitz.service"
    path.write_text(unit.replace("/opt/kiebitz/.venv/bin/kiebitz", str(kiebitz)), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in done.stderr.splitlines() if "kiebitz.service" in line]
    assert done.returncode == 0 and not complaints, done.stderr
