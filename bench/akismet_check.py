"""Akismet comment-check over HTTP on loopback: requests/s and latency.

    .venv/bin/python bench/akismet_check.py [--seconds 10] [--write docs/benchmarks.md]

A Kiebitz server with 1 and 2 workers answers /1.1/comment-check for wrk
(2 threads, 16 connections); every request carries a different comment. In
the last row each comment also links to one of 20 hosts from one of 250
addresses: every check then counts the host's posters for the link flood and
keeps its host, and most of them are floods.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from http_thread import WORDS, free_port, kiebitz_server, rss_mib, stop, wait_for, wrk  # noqa: E402
from report import publish  # noqa: E402


def script(tmp: Path, key: str, links: bool) -> str:
    words = ", ".join(f'"{word}"' for word in WORDS)
    link = '  text = text .. "+https%3A%2F%2Fquelle" .. (counter % 20) .. ".example%2Fbericht"\n' if links else ""
    path = tmp / f"check{'-links' if links else ''}.lua"
    path.write_text(f"""words = {{{words}}}
counter = 0
request = function()
  counter = counter + 1
  local text = "Kommentar " .. counter
  for i = 1, 15 do text = text .. "+" .. words[math.random(#words)] end
{link}  local body = "api_key={key}&blog=https%3A%2F%2Fzeitung.example&user_ip=203.0.113." .. (counter % 250)
    .. "&user_agent=Mozilla%2F5.0&comment_type=comment&comment_author=Leser&comment_content=" .. text
  return wrk.format("POST", "/1.1/comment-check", {{["Content-Type"]="application/x-www-form-urlencoded"}}, body)
end
""")
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    from kiebitz.app import build
    from kiebitz.config import Settings

    lines = ["| server | checks/s | p50 ms | p99 ms | non-2xx | memory MiB |", "|---|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        key = build(Settings({"database": str(tmp / "kiebitz.db")})).akismet.add_key("https://zeitung.example")
        for workers, links in ((1, False), (2, False), (2, True)):
            port = free_port()
            server = kiebitz_server(tmp, port, workers)
            try:
                wait_for(f"http://127.0.0.1:{port}/healthz")
                result = wrk(f"http://127.0.0.1:{port}/", args.seconds, script(tmp, key, links), connections=16)
                memory = rss_mib(server.pid)
            finally:
                stop(server)
            name = f"{workers} worker{'s' if workers > 1 else ''}" + (", each with a link" if links else "")
            lines.append(f"| Kiebitz comment-check, {name} | {result['rps']:,.0f} | "
                         f"{result['p50']:.2f} | {result['p99']:.2f} | {result['non2xx']} | {memory:.0f} |")
            print(lines[-1], flush=True)
    publish(lines, args.write, "akismet-check")


if __name__ == "__main__":
    main()
