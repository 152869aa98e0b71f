"""Public spam lists: a link to a listed host is hard evidence, kept in the model file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiebitz.domain import CommentDraft, Label
from kiebitz.spam import model_file, patterns
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.spam.model import SpamModel
from kiebitz.spam.patterns import LISTED_LINK, LinkLists, read_lists


def write_lists(root: Path) -> Path:
    (root / "matomo-referrer-spam-list").mkdir(parents=True)
    (root / "matomo-referrer-spam-list" / "spammers.txt").write_text("best-seo-offer.example\n", encoding="utf-8")
    (root / "smokedetector").mkdir()
    (root / "smokedetector" / "blacklisted_websites.txt").write_text(
        "cheap-?pills\\.example\n(unclosed\nessay-mill\\.example\nloan.shark\n", encoding="utf-8")
    return root


def test_lists_are_read_and_matched_by_host_parent_domain_and_pattern(tmp_path: Path) -> None:
    domains, websites = read_lists(write_lists(tmp_path / "patterns"))
    # what does not compile is left out
    assert domains == ["best-seo-offer.example"] and websites == ["cheap-?pills\\.example", "essay-mill\\.example", "loan.shark"]
    lists = LinkLists(domains, websites)
    assert lists.listed("shop.best-seo-offer.example") and lists.listed("cheappills.example")
    assert not lists.listed("example.org") and not lists.listed("offer.example")
    # a plain pattern is found anywhere in the host, whatever its case; an unescaped dot still stands for any letter
    assert lists.listed("www.Essay-Mill.example.net") and not lists.listed("essay-millXexample.net")
    assert lists.listed("loan-shark.example") and lists.listed("loan.shark.example")


def test_a_hosts_verdict_is_kept_up_to_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lists = LinkLists(*read_lists(write_lists(tmp_path / "patterns")))
    looked_up: list[str] = []
    look_up = lists._look_up

    def counted_look_up(host: str) -> str:
        looked_up.append(host)
        return look_up(host)

    monkeypatch.setattr(lists, "_look_up", counted_look_up)
    monkeypatch.setattr(patterns, "HOSTS_KEPT", 2)
    assert [lists.listed(host) for host in ("cheappills.example", "example.org", "cheappills.example")] == [
        patterns.SMOKEDETECTOR, "", patterns.SMOKEDETECTOR]
    assert looked_up == ["cheappills.example", "example.org"]
    lists.listed("example.net")  # a third host: the two kept are dropped
    lists.listed("example.org")
    lists.forget_hosts()
    lists.listed("example.org")
    assert looked_up == ["cheappills.example", "example.org", "example.net", "example.org", "example.org"]


def test_a_listed_link_sends_to_the_spam_queue_and_survives_the_model_file(tmp_path: Path) -> None:
    texts = ["great article thanks", "win cash now", "thanks for writing", "free prize now"] * 10
    model = SpamModel().fit([CommentDraft(text) for text in texts], np.array([False, True, False, True] * 10))
    model.link_lists_ = LinkLists(*read_lists(write_lists(tmp_path / "patterns")))
    model = model_file.from_bytes(model_file.to_bytes(model))
    verdict = SpamFilter(model, Thresholds()).judge(CommentDraft("Nice post, see https://www.best-seo-offer.example/x"))
    assert verdict.label in (Label.SPAM, Label.DISCARD)
    assert LISTED_LINK in {reason.code for reason in verdict.reasons}
    website = CommentDraft("thanks for writing", website="http://cheap-pills.example")
    assert LISTED_LINK in {reason.code for reason in SpamFilter(model, Thresholds()).judge(website).reasons}
