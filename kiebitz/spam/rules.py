"""Layers 1 and 2 of the filter: request checks and site rules, as pure functions.

Each check returns the reasons it found; none of them touches the store, the
caller hands in what it needs (recent texts, block rules).
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections import Counter

import regex

from kiebitz import fingerprint
from kiebitz.domain import BLOCK_KINDS, BlockRule, CommentDraft, Reason
from kiebitz.spam.tokenizer import MAY_HOLD_A_URL, PHONE, SCRIPTS, URL, hostname

HTML_LINK_START = re.compile(r"<a\s", re.IGNORECASE)
# Matched against one word at a time: searched in a whole text, "[\w.+-]+@" scans to the end of a long word for
# an "@" from each of its letters.
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A regex entry is an admin's pattern run on every comment: one like (a+)+$ can take minutes on the
# wrong text, holding up every post. The regex module (same syntax as re) stops it after this long.
REGEX_TIMEOUT = 0.05
BLOCK_VALUE_MAX = 1000  # schema: block_rules.value is String(1000)

# Reason codes that are hard evidence on their own (see verdict.py).
HONEYPOT, TOO_FAST, DUPLICATE, BLOCKED, TOO_MANY_LINKS, SUSPECT_WORD, TRUSTED, BBCODE = (
    "honeypot", "too_fast", "duplicate", "blocked", "too_many_links", "suspect_word", "trusted_commenter", "bbcode_link",
)
SHADOW, LINK_FLOOD, NO_CONTACT, REPEATED_NUMBER = "shadow_mode", "link_flood", "no_contact", "repeated_number"
DISGUISED = "disguised_letters"

# Letters with a twin in another of the three alphabets (Unicode's confusables, the common ones): Latin "a", Cyrillic
# "а", Greek "α". A word that mixes alphabets only through such letters is written to look like one alphabet.
LOOK_ALIKES = {
    "latin": frozenset("aceijopsxyABCEHIJKMOPSTXY"),
    "cyrillic": frozenset("асеіјорѕхуАВСЕНІЈКМОРЅТХУ"),
    "greek": frozenset("αικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ"),
}
ALPHABETS = tuple(LOOK_ALIKES)  # their letters as the tokenizer's SCRIPTS name them
GREEK_OR_CYRILLIC = re.compile(f"{SCRIPTS['cyrillic'].pattern}|{SCRIPTS['greek'].pattern}")
# Two letters side by side from two of the alphabets
SWITCH = re.compile("|".join(SCRIPTS[a].pattern + SCRIPTS[b].pattern for a, b in itertools.permutations(ALPHABETS, 2)))
LETTERS = re.compile(r"[^\W\d_]{3,}")


def count_links(text: str) -> int:
    return len(fingerprint.LINK.findall(text)) + html_links(text)


def html_links(text: str) -> int:
    r"""How many HTML links (``<a ... href``, inside one tag) the text has.

    Read between one ">" and the next, where each holds at most one: the
    pattern ``<a\s[^>]*href`` tried every "<a " up to the next ">", and a
    comment of 3,333 "<a " without one took 0.1 s.
    """
    count = 0
    for piece in text.split(">"):
        start = HTML_LINK_START.search(piece)
        count += start is not None and "href" in piece[start.end():].lower()
    return count


def is_own(host: str, own_hosts: frozenset[str]) -> bool:
    """Whether ``host`` is the site's own or one of its subdomains ("www." aside)."""
    host = host.removeprefix("www.")
    return any(host == own or host.endswith("." + own) for own in own_hosts)


def offsite_hosts(draft: CommentDraft) -> list[str]:
    """The hosts the text links to, the site's own left out."""
    return [host for host in fingerprint.link_hosts(draft.text) if not is_own(host, draft.own_hosts)]


def flood_hosts(draft: CommentDraft) -> list[str]:
    """The offsite hosts the link flood counts, "www." aside: at most three, so that a comment of
    many links does not ask the store many times."""
    return sorted({host.removeprefix("www.")[:fingerprint.HOST_MAX] for host in offsite_hosts(draft)})[:3]


def request_checks(draft: CommentDraft, min_submit_seconds: float) -> list[Reason]:
    reasons = []
    if draft.honeypot.strip():
        reasons.append(Reason(HONEYPOT, "the hidden honeypot field was filled in", 1.0))
    # 0 turns the check off, as the form token's own check does: a token issued on another instance, whose clock
    # runs a little ahead, gives a post a few milliseconds below 0, and that sent it to the spam queue
    if min_submit_seconds > 0 and draft.seconds_to_submit is not None and draft.seconds_to_submit < min_submit_seconds:
        reasons.append(Reason(TOO_FAST, f"submitted {draft.seconds_to_submit:.1f} s after the form loaded", 1.0))
    return reasons


def duplicate_check(text: str, candidates: list[str], threshold: float = 0.8) -> list[Reason]:
    """An exact or near repeat (4-character shingles, Jaccard ≥ 0.8) of the words among the candidates.

    Links are left out: two readers who share one article's link, the second
    with no words of their own, are no spam run, and a long link made them 80 %
    alike (a GermEval 2021 comment was discarded so, repeat and model agreeing).
    Links posted site-wide by many addresses are the link flood rule's.
    """
    words = fingerprint.without_links(text)
    if not fingerprint.long_enough_to_repeat(words):
        return []
    for other in candidates:
        alike = fingerprint.similarity(words, fingerprint.without_links(other))
        if alike == 1.0:
            return [Reason(DUPLICATE, "exact repeat of a recent comment", 1.0)]
        if alike >= threshold:
            return [Reason(DUPLICATE, f"near repeat of a recent comment ({alike:.0%} alike)", alike)]
    return []


def names_a_contact(draft: CommentDraft) -> bool:
    """Whether the comment gives a way to reach its sender: a link (in the name as well; a bare domain where its TLD
    is one of tokenizer.LINK_TLDS), a website, a phone number or an e-mail address. That is what a spam run is paid
    to spread; words alone repeat among readers too (an auto-reply, a chain message, "Danke für den Artikel").
    Asked only of a comment the model doubts (filter.judge). The e-mail field is no such way: it is never
    published."""
    text = draft.text
    if draft.website or PHONE.search(text) or any(MAY_HOLD_A_URL.search(field) and URL.search(field)
                                                  for field in (text, draft.author)):
        return True
    return "@" in text and any(EMAIL_ADDRESS.fullmatch(word.strip("()<>[]{},;:.!?\"'")) for word in text.split()
                               if "@" in word)


def traced_repeat(text: str, traced: float, threshold: float = 0.8) -> list[Reason]:
    """A near repeat where only traces of the texts are kept (the Akismet API), as alike as their signatures
    say."""
    if traced >= threshold and fingerprint.long_enough_to_repeat(fingerprint.without_links(text)):
        return [Reason(DUPLICATE, f"near repeat of a recent comment (about {traced:.0%} alike)", traced)]
    return []


def link_rules(draft: CommentDraft, link_limit: int) -> list[Reason]:
    """Too many links, BBCode links. Links to the site's own pages do not count: on a news site readers
    point to its other articles."""
    reasons = []
    links = count_links(draft.text)
    if draft.own_hosts and links > link_limit:
        links -= sum(is_own(host, draft.own_hosts) for host in fingerprint.link_hosts(draft.text))
    if links > link_limit:
        reasons.append(Reason(TOO_MANY_LINKS, f"{links} links, more than the limit of {link_limit}", 0.5))
    if re.search(r"\[url=", draft.text, re.IGNORECASE):
        reasons.append(Reason(BBCODE, "BBCode link markup, which this site never renders", 0.8))
    return reasons


def disguised_words(text: str) -> list[Reason]:
    """A word written in one alphabet with look-alike letters of another put in ("Пpиглaшaю" with a Latin p and
    a; "Sсhеiß" with a Cyrillic с and е): done to get a word past filters that look for it, a reader's keyboard
    does not do it. Held for a person, never more: it names some legitimate comments too.

    Two switches of alphabet within the word at least, so that a brand with a Russian case ending ("iPadе") is
    no disguise, and every letter outside the word's main alphabet (the one most of its letters are in) a
    look-alike. Found in Telegram's spam that the model published (39 of its 84); on every corpus in
    shared/data it names 140 of Telegram's 387 spam messages and 3 of the 61,731 texts not labelled spam: an
    insult and a word of a news item disguised, and one typo (docs/experiments.md).
    """
    if text.isascii() or not GREEK_OR_CYRILLIC.search(text) or not SWITCH.search(text):
        return []
    for word in LETTERS.findall(text):
        if not SWITCH.search(word):
            continue
        alphabets = [_alphabet(letter) for letter in word]
        if sum(a != b for a, b in zip(alphabets, alphabets[1:], strict=False)) < 2:
            continue
        counts = Counter(alphabet for alphabet in alphabets if alphabet)
        for main in [alphabet for alphabet, count in counts.items() if count == max(counts.values())]:
            if all(alphabet == main or (alphabet and letter in LOOK_ALIKES[alphabet])
                   for letter, alphabet in zip(word, alphabets, strict=True)):
                return [Reason(DISGUISED, f"writes '{word}' with look-alike letters of another alphabet, as spam does "
                                          "to get past word filters", 0.8)]
    return []


def _alphabet(letter: str) -> str:
    return next((name for name in ALPHABETS if SCRIPTS[name].match(letter)), "")


def block_list(draft: CommentDraft, rules: list[BlockRule], ip_address: str = "") -> list[Reason]:
    """Match a draft against the site's block and suspect lists."""
    reasons = []
    text = draft.text.casefold()
    email = draft.email.casefold()
    email_domain = email.rpartition("@")[2]
    hosts = set(fingerprint.link_hosts(draft.text))
    website_host = hostname(draft.website) if draft.website else ""
    if website_host:
        hosts.add(website_host)
    for rule in rules:
        value = rule.value.casefold()
        hit = False
        if rule.kind == "word":
            hit = re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text) is not None
        elif rule.kind == "regex":
            try:
                hit = regex.search(rule.value, draft.text, regex.IGNORECASE, timeout=REGEX_TIMEOUT) is not None
            except regex.error:  # stored before entries were checked (block_rule_problem)
                hit = False
            except TimeoutError:
                reasons.append(Reason(SUSPECT_WORD, f"the regex list entry {rule.value!r} took too long on this "
                                                    "comment: held for a moderator", 1.0))
        elif rule.kind == "email":
            hit = email == value
        elif rule.kind == "domain":
            hit = email_domain == value or any(host == value or host.endswith("." + value) for host in hosts)
        elif rule.kind == "author_url":
            hit = bool(draft.website) and draft.website.casefold().rstrip("/") == value.rstrip("/")
        elif rule.kind == "ip" and ip_address:
            hit = _ip_in(ip_address, rule.value)
        if hit:
            code = SUSPECT_WORD if rule.action == "pending" else BLOCKED
            reasons.append(Reason(code, f"matches the {rule.kind} list entry {rule.value!r}", 1.0))
    return reasons


def block_rule_problem(kind: str, value: str) -> str:
    """Why a block list entry cannot be kept, or '': an unknown kind, no value or one too long to store,
    or one that could never match (a pattern that does not compile, an IP that is none)."""
    if kind not in BLOCK_KINDS or not value or len(value) > BLOCK_VALUE_MAX:
        return f"kind must be one of {', '.join(BLOCK_KINDS)} and value 1 to {BLOCK_VALUE_MAX} characters"
    if kind == "regex":
        try:
            regex.compile(value)
        except regex.error as error:
            return f"value is not a regular expression: {error}"
    if kind == "ip":
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return "value must be an IP address or a network such as 203.0.113.0/24"
    return ""


def _ip_in(ip: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
