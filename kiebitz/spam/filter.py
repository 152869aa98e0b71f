"""The layered filter: request checks, rules, the learned model, then the verdict.

``SpamFilter.judge`` is what posting and the Akismet API call. It never imports
the web framework; what it needs from the store comes through ``History``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from kiebitz import fingerprint
from kiebitz.domain import BlockRule, CommentDraft, Label, Reason, Verdict
from kiebitz.spam import rules
from kiebitz.spam.keywords import LISTED_NUMBER, LISTED_WORDS
from kiebitz.spam.model import UNFAMILIAR
from kiebitz.spam.patterns import LISTED_LINK

if TYPE_CHECKING:
    from kiebitz.config import Settings


class Scorer(Protocol):
    """A model that scores a draft and says why (SpamModel, or LearningModel around one)."""

    def score(self, draft: CommentDraft) -> tuple[float, list[Reason]]: ...


class History(Protocol):
    """What the filter asks of the site's past comments."""

    def similar_texts(self, text: str, since: float, limit: int = 5) -> list[str]: ...

    def traced_likeness(self, text: str, since: float) -> float:
        """How alike the most alike recent text is where only traces of texts are kept, not the texts
        (the Akismet API's signatures); 0.0 where similar_texts returns the texts themselves."""
        ...

    def has_approved_comment(self, email: str, other_than: int | None = None) -> bool: ...

    def block_rules(self) -> list[BlockRule]: ...

    def link_posters(self, host: str, since: float, until: float | None = None) -> int: ...

    def moderator_published_link(self, host: str, since: float) -> bool: ...

    def number_posters(self, key: str, since: float) -> int:
        """How many addresses gave the phone number of ``key`` (fingerprint.phone_numbers) since ``since``."""
        ...

    def moderator_published_number(self, key: str, since: float) -> bool: ...


@dataclass(frozen=True)
class Thresholds:
    unsure: float = 0.5
    spam: float = 0.9
    discard: float = 0.995
    link_limit: int = 2
    min_submit_seconds: float = 3.0
    duplicate_window: float = 7 * 24 * 3600
    flood_window: float = 3600
    flood_addresses: int = 5
    flood_usual_days: float = 1.0  # the host's usual rate: addresses linking to it in the day before the window
    flood_burst: float = 3.0  # a flood is this many times the usual rate, and at least flood_addresses
    needs_contact: bool = True  # the spam queue on the model's word needs a way to reach the sender (decide)

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(settings.unsure_threshold, settings.spam_threshold, settings.discard_threshold, settings.link_limit,
                   settings.min_submit_seconds, needs_contact=settings.spam_queue_needs_contact)


WOULD = {Label.UNSURE: "held it for moderation", Label.SPAM: "sent it to the spam queue",
         Label.DISCARD: "refused it"}
USUAL_FOR, USUAL_HOSTS = 600.0, 1000  # how long, and for how many hosts, what the log said of a host is kept
HARD_CODES = {rules.HONEYPOT, rules.TOO_FAST, rules.BLOCKED, rules.DUPLICATE, rules.BBCODE, LISTED_LINK, LISTED_NUMBER}
# Evidence that holds a comment for a person, never more on its own: each also names some legitimate comments.
HOLDING_CODES = {rules.TOO_MANY_LINKS, rules.SUSPECT_WORD, rules.LINK_FLOOD, rules.REPEATED_NUMBER, LISTED_WORDS,
                 rules.DISGUISED}
# A contact many have spread, a link host or a phone number: to the spam queue from the unsure threshold.
SPREAD_CODES = {rules.LINK_FLOOD, rules.REPEATED_NUMBER}
T = TypeVar("T")


class Kept(Generic[T]):
    """What the store said of each host, for ``USUAL_FOR`` seconds after it was read; beyond ``USUAL_HOSTS``
    hosts all is forgotten at once (a flood of made-up hosts must not grow a worker)."""

    def __init__(self) -> None:
        self._read: dict[str, tuple[float, T]] = {}  # host: (when read, what was read)

    def get(self, host: str, now: float) -> T | None:
        read_at, value = self._read.get(host, (float("-inf"), None))
        return value if now - read_at <= USUAL_FOR else None

    def put(self, host: str, now: float, value: T) -> T:
        if len(self._read) >= USUAL_HOSTS:
            self._read.clear()
        self._read[host] = (now, value)
        return value


@dataclass
class FloodMemory:
    """What a worker keeps of the store's answers on link hosts for the link flood: one per site history
    (the widget's comments, each Akismet key's checks)."""

    usual: Kept[int] = field(default_factory=Kept)  # addresses linking to a host in the day before the hour
    vouched: Kept[bool] = field(default_factory=Kept)  # hosts a moderator vouched for (only a yes is kept)


class SpamFilter:
    def __init__(
        self, model: Scorer, thresholds: Thresholds | None = None, shadow: bool = False, memory: FloodMemory | None = None
    ) -> None:
        self.model = model
        self.thresholds = thresholds or Thresholds()
        self.shadow = shadow
        self.memory = memory or FloodMemory()

    def acting_label(self, verdict: Verdict) -> Label:
        """What posting does with a verdict: in shadow mode every comment is let through (the verdict is
        only recorded), so a site can see what the filter would do before it lets it act."""
        return Label.HAM if self.shadow else verdict.label

    def judge(self, draft: CommentDraft, history: History | None = None, edited: int | None = None) -> Verdict:
        """All four layers. For the new text of comment ``edited`` there is no form to check, its first
        version is no repeat to hold against it, and only its author's other comments earn trust."""
        limits = self.thresholds
        posting = edited is None
        reasons: list[Reason] = rules.request_checks(draft, limits.min_submit_seconds) if posting else []
        reasons += rules.link_rules(draft, limits.link_limit) + rules.disguised_words(draft.text)
        trusted = False
        if history is not None:
            if posting:
                since = time.time() - limits.duplicate_window
                recent = history.similar_texts(draft.text, since)  # then the traces, unless that is a repeat
                reasons += (rules.duplicate_check(draft.text, recent)
                            or rules.traced_repeat(draft.text, history.traced_likeness(draft.text, since)))
                reasons += self.link_flood(draft, history) + self.repeated_number(draft, history)
            reasons += rules.block_list(draft, history.block_rules(), draft.ip)
            trusted = history.has_approved_comment(draft.email, other_than=edited)
        probability, model_reasons = self.model.score(draft)
        reasons += model_reasons
        if limits.needs_contact and limits.unsure <= probability < limits.discard and not rules.names_a_contact(draft):
            reasons.append(Reason(rules.NO_CONTACT, "gives no way to reach its sender (no link, website, phone number "
                                                    "or e-mail address)", 0.0))
        label = decide(probability, reasons, limits, trusted)
        if trusted:
            reasons.append(Reason(rules.TRUSTED, "an earlier comment with this e-mail address was approved", -1.0))
        if self.shadow and label != Label.HAM:
            reasons.append(Reason(rules.SHADOW, f"shadow mode: let through; the filter would have {WOULD[label]}", 0.0))
        return Verdict(label, probability, tuple(reasons))


    def link_flood(self, draft: CommentDraft, history: History) -> list[Reason]:
        """The same link host posted site-wide by many addresses within the hour: a flood from an address pool,
        which per-address rate limits do not see (Waline's and Twikoo's users report them getting past Akismet).

        A burst, not a busy host: on a large site five readers an hour link to YouTube or Wikipedia every
        hour, so the hour must also bring ``flood_burst`` times the host's rate of the day before. The
        site's own host is no flood either: many readers link to its other articles. Nor is a host a moderator
        vouched for by publishing a held comment linking to it: when a story breaks, readers link to the same
        report all at once, and after the first approval the next readers are not held as well."""
        limits = self.thresholds
        now = time.time()
        for host in rules.flood_hosts(draft):
            posters = history.link_posters(host, now - limits.flood_window)
            if posters < limits.flood_addresses:
                continue
            day_before = limits.flood_usual_days * 86400
            usual = self.usual_posters(history, host, now, day_before)
            if posters < limits.flood_burst * usual * limits.flood_window / day_before:
                continue
            if not self.vouched_for(history, host, now, limits.flood_window + day_before):
                return [Reason(rules.LINK_FLOOD, f"{posters} addresses posted links to {host} within the hour "
                                                 f"({usual} in the day before)", 0.8)]
        return []

    def repeated_number(self, draft: CommentDraft, history: History) -> list[Reason]:
        """A phone number that comments of the week gave before: a spam run changes its words and keeps the
        number it is paid to spread, as the astrologers and movers of Stack Exchange's spam did (a number given
        before was in 193 of its 420 spam titles, and in 2 of the 57,582 comments of every corpus not labelled
        spam, German included: a legal-aid hotline given twice, one SMS in two translations;
        docs/experiments.md). Held, or sent to
        the spam queue from the unsure threshold, as a link flood is; a number a moderator published a held
        comment with in the week is vouched for, as a link host is."""
        since = time.time() - self.thresholds.duplicate_window
        for key, written in fingerprint.phone_numbers(draft.text).items():
            posters = history.number_posters(key, since)
            if posters and not history.moderator_published_number(key, since):
                return [Reason(rules.REPEATED_NUMBER, f"the phone number {written} was in comments from {posters} "
                                                      f"address{'es' if posters > 1 else ''} within the week", 0.8)]
        return []

    def vouched_for(self, history: History, host: str, now: float, span: float) -> bool:
        """Whether a moderator published a held comment linking to ``host`` in the last ``span`` seconds; a yes is
        kept for ``USUAL_FOR`` seconds, since every post of a vouched-for burst would ask again."""
        if self.memory.vouched.get(host, now):
            return True
        return history.moderator_published_link(host, now - span) and self.memory.vouched.put(host, now, True)

    def usual_posters(self, history: History, host: str, now: float, day_before: float) -> int:
        """Addresses linking to ``host`` in the day before the flood window, read again after ``USUAL_FOR``
        seconds: on a large site a busy host reaches five addresses every hour, and the day's comments
        would be read for each of its posts."""
        usual = self.memory.usual.get(host, now)
        if usual is None:
            window = self.thresholds.flood_window
            usual = self.memory.usual.put(host, now, history.link_posters(host, now - window - day_before, now - window))
        return usual


def decide(probability: float, reasons: list[Reason], limits: Thresholds, trusted: bool) -> Label:
    """Layer 4: from the evidence to ham, unsure, spam or discard.

    A discarded comment is not stored: a legitimate one would be lost without a
    trace. So discarding needs evidence besides the model's probability (a
    honeypot, a block rule, a repeat, too many links, ...). The model alone,
    however sure, sends a comment to the spam queue, where a moderator can still
    find it: on kinds of comment it was not trained on it is sure and wrong too
    often (docs/benchmarks.md), and a run of poisoned lessons must not be able to
    make it drop a site's readers' comments. Nor does it send there, short of
    the discard threshold, a comment that gives no way to reach its sender
    (``rules.NO_CONTACT``): spam is paid to spread a link, a website, a phone
    number or an e-mail address, and such a comment is held for a person.
    Left out of training and posted in order, that took the ham sent to the
    spam queue from 7.8 to 0.7 % on SMS and from 9.8 to 2.7 % on X; the spam
    held or blocked stayed as it was, but more of it waits in the held queue
    (docs/benchmarks.md).
    """
    codes = {reason.code for reason in reasons}
    hard_codes = codes & HARD_CODES
    # A repeat is other readers' words, not the site's rule: canned texts ("Sorry, I'll call later", "Danke für
    # den Artikel, sehr informativ") come from many people. Alone it is weighed as a link flood is: held where the
    # model reads the words as ham, to the spam queue from the unsure threshold, refused only at the discard
    # threshold. As hard evidence on any score, repeats raised the ham sent to the spam queue, each corpus left out
    # of training and posted in order (bench/spam_generalisation.py), from 0.2 to 2.9 % on GermEval 2017 and from
    # 4.5 to 10.2 % on SMS; weighed so, 0.3 and 7.8 %. Refusing at the spam threshold lost 0.5 % of SMS ham.
    # A repeat that gives no way to reach its sender is held up to the spam threshold too: a spam run is paid to
    # spread one, and SMS's ham repeats in the spam queue were auto-replies and chain messages ("Sorry, I'll call
    # later" 29 times; 7.8 → 4.5 % of its ham, the text layers' own share, with spam held or blocked unchanged).
    no_contact = rules.NO_CONTACT in codes
    repeat_alone = hard_codes == {rules.DUPLICATE}
    held_repeat = repeat_alone and probability < (limits.spam if no_contact else limits.unsure)
    hard = 0 if held_repeat else len(hard_codes)
    model_and_rule = probability >= limits.discard and rules.TOO_MANY_LINKS in codes and UNFAMILIAR not in codes
    agreed = probability >= (limits.discard if repeat_alone else limits.spam)
    # Text unlike what the model learned from (model.py, UNFAMILIAR): its word alone holds the comment for a
    # person instead of sending it to the spam queue, where nobody may look.
    model_says_spam = probability >= limits.spam and UNFAMILIAR not in codes and not no_contact
    if rules.HONEYPOT in codes or hard >= 2 or (hard and agreed) or model_and_rule:
        label = Label.DISCARD
    elif hard or model_says_spam or (bool(codes & SPREAD_CODES) and probability >= limits.unsure):
        label = Label.SPAM
    elif probability >= limits.unsure or codes & HOLDING_CODES or held_repeat:
        label = Label.UNSURE
    else:
        label = Label.HAM
    if trusted and not hard:
        # Antispam Bee and WordPress trust a commenter once approved; a blatant
        # model score still goes to the queue rather than straight to readers.
        label = {Label.DISCARD: Label.UNSURE, Label.SPAM: Label.UNSURE, Label.UNSURE: Label.HAM}.get(label, label)
        if probability >= limits.spam:  # held too where no contact or unfamiliar words kept it from the spam queue
            label = Label.UNSURE
    return label
