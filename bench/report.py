"""What the benchmarks share: their tables put into docs/benchmarks.md between two markers, timing, arguments."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Result = TypeVar("Result")


def write_section(path: Path, name: str, table: str) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` (appended if missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def publish(lines: list[str], path: Path | None, name: str) -> None:
    """Print a benchmark's table, and put it into ``path`` (docs/benchmarks.md) when given."""
    table = "\n".join(lines)
    print(table)
    if path:
        write_section(path, name, table)


def site_size_arguments(description: str | None) -> argparse.Namespace:
    """``--comments N`` (a site's size) and ``--write FILE``, as the export and import benchmarks take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    return parser.parse_args()


def timed(work: Callable[[], Result]) -> tuple[Result, float]:
    """What ``work`` returns, and the seconds it took."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started

