"""``kiebitz spam eval | train | check | build-default``: the filter from the shell.

Evaluation and training are imported by the commands that use them, not with
this module: ``kiebitz.cli`` registers this group, and every server process
imports ``kiebitz.cli`` (a spawned worker imports the command's module again),
where scikit-learn and scipy took 75 MiB of each worker's memory for nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kiebitz.config import Settings
from kiebitz.domain import CommentDraft
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.spam.store import DEFAULT_MODEL, load_base


@click.group("spam")
def spam() -> None:
    """Evaluate, train and try the spam filter."""


def rounded(result: dict[str, object]) -> dict[str, object]:
    """Six decimals; a figure that is undefined for this data (no spam rows, say) is null."""
    return {
        name: rounded(value) if isinstance(value, dict) else
        (None if value != value else round(value, 6)) if isinstance(value, float) else value
        for name, value in result.items()
    }


@spam.command("eval")
@click.option("--data", "data", required=True, type=click.Path(exists=True, dir_okay=False), help="Labelled CSV file.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20))
@click.option("--model", default=None, help="'default' or a model file: score every row with it, no training.")
def evaluate(data: str, folds: int, model: str | None) -> None:
    """Cross-validate on a labelled CSV (or score it with a trained model); prints one JSON line."""
    from kiebitz.spam.evaluation import cross_validate, evaluate_model

    settings = Settings.load()
    corpus = read_corpus(data)
    if not len(corpus):
        raise click.ClickException(f"{data}: no rows labelled spam or ham ({corpus.skipped} skipped)")
    if model is None:
        result = cross_validate(corpus, folds, settings.spam_threshold, thresholds=Thresholds.of(settings))
    else:
        result = evaluate_model(corpus, load_base(model), settings.spam_threshold, Thresholds.of(settings))
    click.echo(json.dumps(rounded(result)))



@spam.command("train")
@click.option("--data", "data", required=True, multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def train_command(data: tuple[str, ...], out: str) -> None:
    """Train a model on labelled CSV files (classes balanced) and write it to OUT."""
    from kiebitz.spam.training import train

    report = train([Path(path) for path in data], Path(out))
    click.echo(json.dumps({"rows": report.rows, "spam": report.spam, "seconds": round(report.seconds, 1),
                           "bytes": report.size_bytes, "out": out}))


@spam.command("build-default")
@click.option("--data-dir", default="../shared/data", show_default=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", default=str(DEFAULT_MODEL), show_default=True, type=click.Path(dir_okay=False))
def build_default_command(data_dir: str, out: str) -> None:
    """Rebuild the model Kiebitz ships from the shared corpora."""
    from kiebitz.spam.training import build_default

    report = build_default(Path(data_dir), Path(out))
    click.echo(json.dumps({"rows": report.rows, "spam": report.spam, "seconds": round(report.seconds, 1),
                           "bytes": report.size_bytes, "out": out}))


@spam.command("check")
@click.option("--model", default="default", show_default=True)
def check(model: str) -> None:
    """Judge one comment given as JSON on stdin: {"text", "author", "email", "website", ...}."""
    try:
        payload = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        raise click.ClickException(f"stdin is not JSON: {error}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        raise click.ClickException('stdin must be a JSON object with a "text" string')
    field = {name: str(payload.get(name) or "") for name in ("author", "email", "website", "ip", "user_agent", "referrer",
                                                             "honeypot")}
    draft = CommentDraft(text=payload["text"], author=field["author"], email=field["email"], website=field["website"],
                         ip=field["ip"], user_agent=field["user_agent"], referrer=field["referrer"], honeypot=field["honeypot"])
    verdict = SpamFilter(load_base(model), Thresholds.of(Settings.load())).judge(draft)
    click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
