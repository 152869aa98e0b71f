"""What 1,000 submit-spam reports of everyday German comments through one Akismet key can do.

    .venv/bin/python bench/akismet_poisoning.py [--data-dir ../shared/data] [--reports 1000] [--write docs/benchmarks.md]

A plugin with a bug or a leaked key reports GermEval 2017 comments (everyday
German, none of them spam) as spam, over HTTP through the real app. Then other
GermEval 2017 comments are judged three ways: posted through the widget (the
shared model), checked through another site's key, and checked through the
reporting key itself. Three designs side by side: the shared model learning
every report (as before migration 0007), a key's own weights without the hourly
limit, and what ships (own weights, 120 lessons an hour).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.app import create_app
from kiebitz.config import Settings
from kiebitz.domain import CommentDraft, Label, Verdict
from kiebitz.moderation import akismet as akismet_service
from kiebitz.spam.corpus import read_corpus

POISONED, OTHER = "https://boese.example", "https://zeitung.example"


def judged(judge: Callable[[CommentDraft], Verdict], drafts: list[CommentDraft], discard_threshold: float) -> str:
    """Shares judged spam (spam queue or discard), discarded, and at or above discard_threshold: what the rule
    before 0007 discarded on the model's probability alone."""
    verdicts = [judge(draft) for draft in drafts]
    spam = sum(verdict.label in (Label.SPAM, Label.DISCARD) for verdict in verdicts) / len(drafts)
    discarded = sum(verdict.label == Label.DISCARD for verdict in verdicts) / len(drafts)
    sure = sum(verdict.probability >= discard_threshold for verdict in verdicts) / len(drafts)
    return f"{100 * spam:.2f} % / {100 * discarded:.2f} % ({100 * sure:.2f} %)"


def run(design: str, reports: list[CommentDraft], probes: list[CommentDraft], workdir: Path) -> str:
    settings = Settings({"database": str(workdir / f"{design.split()[0]}.db")})
    akismet_service.KEY_LESSONS_PER_HOUR = 120 if design == "ships" else 10**9
    with TestClient(create_app(settings)) as client:
        kiebitz = client.app.state.kiebitz
        bad, good = kiebitz.akismet.add_key(POISONED), kiebitz.akismet.add_key(OTHER)
        for n, draft in enumerate(reports):
            client.post("/1.1/submit-spam", data={"api_key": bad, "blog": POISONED, "user_ip": f"198.51.100.{n % 250}",
                                                  "comment_content": draft.text, "comment_author": "Leser"})
        if design.startswith("shared"):  # the design before 0007: every report taught the one shared model
            for batch in kiebitz.model.local.values():
                kiebitz.model.model.weights_[list(batch.values)] += list(batch.values.values())
            kiebitz.model.local.clear()
        learned = kiebitz.model.lessons_since("akismet:" + bad, 0)
        limit = kiebitz.spam_filter.thresholds.discard
        cells = [judged(kiebitz.spam_filter.judge, probes, limit),
                 judged(lambda draft: kiebitz.akismet.judge_for_key(good, draft), probes, limit),
                 judged(lambda draft: kiebitz.akismet.judge_for_key(bad, draft), probes, limit)]
    return f"| {design} | {len(reports)} | {learned} | {' | '.join(cells)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--write", type=Path)
    arguments = parser.parse_args()
    corpus = read_corpus(arguments.data_dir / "german_germeval2017.csv")
    order = list(range(len(corpus)))
    random.Random(1).shuffle(order)
    reports = [corpus.drafts[i] for i in order[: arguments.reports]]
    probes = [corpus.drafts[i] for i in order[arguments.reports : arguments.reports + arguments.probes]]
    lines = ["| design | reports sent | lessons learned | widget: judged spam / discarded (p ≥ 0.995) | another key's checks | "
             "the reporting key's own checks |", "|---|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as workdir:
        for design in ("shared model, no limit (before)", "own weights, no limit", "ships"):
            lines.append(run(design, reports, probes, Path(workdir)))
            print(lines[-1], flush=True)
    lines.append(f"\n{len(probes)} other GermEval 2017 comments judged (none of them spam), by the decision rule as it "
                 "ships: the model alone never discards. In brackets, the share at or above discard_threshold: what the "
                 "rule before discarded on the model alone.")
    publish(lines, arguments.write, "akismet-poisoning")


if __name__ == "__main__":
    main()
