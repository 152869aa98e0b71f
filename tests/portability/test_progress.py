"""How far an import has come: reading by bytes of the file, loading by comments, bars only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiebitz.cli import progress_bars
from kiebitz.portability import formats, loader
from kiebitz.portability.formats import read
from kiebitz.portability.loader import load
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine

DATA = Path(__file__).parent / "data"


class Recorder(list[tuple[str, int, int]]):
    def __call__(self, phase: str, done: int, total: int) -> None:
        self.append((phase, done, total))


@pytest.mark.parametrize("name", ["wordpress.xml", "remark42.gz"])
def test_reading_tells_the_bytes_read_up_to_the_whole_file(name: str, monkeypatch) -> None:
    monkeypatch.setattr(formats, "PROGRESS_STEP", 256)
    size = (DATA / name).stat().st_size
    progress = Recorder()
    site = read(str(DATA / name), "wordpress" if name.endswith(".xml") else "remark42", progress)
    assert site.comments
    done = [step[1] for step in progress]
    assert {step[0] for step in progress} == {"reading"} and {step[2] for step in progress} == {size}
    assert done == sorted(done) and done[-1] == size  # of a gzipped backup: its packed bytes


def test_loading_tells_the_comments_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(loader, "PROGRESS_STEP", 2)
    engine = open_engine(str(tmp_path / "kiebitz.db"))
    migrate(engine)
    site = read(str(DATA / "wordpress.xml"), "wordpress")
    progress = Recorder()
    report = load(Store(engine), site, "default", progress=progress)
    total = len(site.comments)
    assert sum(report.comments.values()) == total == 4
    assert progress == [("loading", 2, 4), ("loading", 4, 4), ("loading", 4, 4)]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_are_drawn_on_a_terminal_only() -> None:
    terminal = Terminal()
    with progress_bars(terminal) as progress:
        progress("reading", 500, 1000)
        progress("reading", 1000, 1000)
        progress("loading", 20, 20)
    drawn = terminal.getvalue()
    assert "reading" in drawn and "loading" in drawn and "100%" in drawn
    assert drawn.index("reading") < drawn.index("loading")

    log = io.StringIO()
    with progress_bars(log) as progress:
        progress("reading", 1000, 1000)
    assert log.getvalue() == ""
