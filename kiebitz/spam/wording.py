"""The filter's reasons in German, for the people who read them in German.

A reason is made and stored in English (``Reason.message``): the words the
database, exports, ``kiebitz spam check`` and the tests read. A German admin, a
German WordPress (the Akismet plugin sends ``blog_lang``) and a statement of
reasons mailed to a German commenter show it in German, worded here. Every
message the filter makes has its pattern below (tests/spam/test_wording.py
makes each one); a message none matches, such as an older release's wording
kept with a comment, is shown as it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Wording = Callable[[re.Match[str]], str]

LISTS = {"Matomo's referrer-spam list": "Matomos Liste von Referrer-Spam",
         "SmokeDetector's list of spam websites": "SmokeDetectors Liste von Spam-Websites"}
KINDS = {"word": "Wort", "regex": "regulärer Ausdruck", "email": "E-Mail", "domain": "Domain",
         "author_url": "Website", "ip": "IP-Netz"}
WOULD = {"held it for moderation": "zur Moderation zurückgehalten", "sent it to the spam queue": "als Spam abgelegt",
         "refused it": "abgelehnt"}
FIELDS = {"the text": "der Text", "the name": "der Name"}
RECENT = "eines kürzlich geschriebenen Kommentars"
# What the model's words and signals are (model.describe), and which way they point
EVIDENCE = [
    (re.compile(r"the word '(.*)'"), "das Wort „{0}“", "spricht"),
    (re.compile(r"the words '(.*)'"), "die Wörter „{0}“", "sprechen"),
    (re.compile(r"a link to (.*)"), "ein Link zu {0}", "spricht"),
    (re.compile(r"a link ending \.(.*)"), "ein Link auf .{0}", "spricht"),
    (re.compile(r"an e-mail address at (.*)"), "eine E-Mail-Adresse bei {0}", "spricht"),
    (re.compile(r"the website (.*)"), "die Website {0}", "spricht"),
    (re.compile(r"the signal '(.*)'"), "das Signal „{0}“", "spricht"),
]


def percent(share: str) -> str:
    """'87%' as German writes it: '87 %'."""
    return share.replace("%", " %")


def decimal(number: str) -> str:
    return number.replace(".", ",")


def evidence(match: re.Match[str]) -> str:
    what, side = match.group(1), match.group(3)
    for pattern, german, verb in EVIDENCE:
        found = pattern.fullmatch(what)
        if found:
            return f"{german.format(found.group(1))} {verb} {'für' if side == 'spam' else 'gegen'} Spam"
    return match.group(0)


GERMAN: list[tuple[re.Pattern[str], Wording]] = [
    (re.compile(r"(.+) (points?) to (spam|ham)"), evidence),
    (re.compile(r"reads like the spam examples about '(.*)'"),
     lambda m: f"liest sich wie die Spam-Beispiele zu „{m.group(1)}“"),
    (re.compile(r"only (\d+%) of its words are known to the filter, which does not trust itself alone on it"),
     lambda m: f"nur {percent(m.group(1))} der Wörter kennt der Filter, allein verlässt er sich darauf nicht"),
    (re.compile(r"this site's decisions on held comments moved it from (\d+%) to (\d+%)"),
     lambda m: f"die Entscheidungen dieser Website über zurückgehaltene Kommentare haben ihn von "
               f"{percent(m.group(1))} auf {percent(m.group(2))} verschoben"),
    (re.compile(r"links to (.+), which (.+) names"),
     lambda m: f"verlinkt {m.group(1)}, das {LISTS.get(m.group(2), m.group(2))} nennt"),
    (re.compile(r"gives the phone number (.+), which SmokeDetector lists as a spammer's"),
     lambda m: f"nennt die Telefonnummer {m.group(1)}, die SmokeDetector als Nummer von Spammern führt"),
    (re.compile(r"(the text|the name) has \"(.*)\", which SmokeDetector lists as spam words", re.S),
     lambda m: f"{FIELDS[m.group(1)]} enthält „{m.group(2)}“, das SmokeDetector als Spam-Wort führt"),
    (re.compile(r"the hidden honeypot field was filled in"), lambda m: "das versteckte Honeypot-Feld war ausgefüllt"),
    (re.compile(r"submitted ([\d.]+) s after the form loaded"),
     lambda m: f"{decimal(m.group(1))} s nach dem Laden des Formulars abgeschickt"),
    (re.compile(r"exact repeat of a recent comment"), lambda m: f"wörtliche Wiederholung {RECENT}"),
    (re.compile(r"near repeat of a recent comment \((about )?(\d+%) alike\)"),
     lambda m: f"fast wörtliche Wiederholung {RECENT} (zu {'etwa ' if m.group(1) else ''}{percent(m.group(2))} gleich)"),
    (re.compile(r"gives no way to reach its sender \(no link, website, phone number or e-mail address\)"),
     lambda m: "nennt keinen Weg zum Absender (weder Link noch Website, Telefonnummer oder E-Mail-Adresse)"),
    (re.compile(r"(\d+) links, more than the limit of (\d+)"),
     lambda m: f"{m.group(1)} Links, mehr als die erlaubten {m.group(2)}"),
    (re.compile(r"writes '(.+)' with look-alike letters of another alphabet, as spam does to get past word filters"),
     lambda m: f"schreibt „{m.group(1)}“ mit gleich aussehenden Buchstaben eines anderen Alphabets, wie Spam es tut, "
               "um an Wortfiltern vorbeizukommen"),
    (re.compile(r"BBCode link markup, which this site never renders"),
     lambda m: "BBCode-Links, die diese Website nie darstellt"),
    (re.compile(r"the regex list entry (.+) took too long on this comment: held for a moderator", re.S),
     lambda m: f"der reguläre Ausdruck {m.group(1)} der Liste brauchte für diesen Kommentar zu lange: "
               "zur Moderation zurückgehalten"),
    (re.compile(r"matches the (\w+) list entry (.+)", re.S),
     lambda m: f"trifft den Listeneintrag {m.group(2)} ({KINDS.get(m.group(1), m.group(1))})"),
    (re.compile(r"an earlier comment with this e-mail address was approved"),
     lambda m: "ein früherer Kommentar mit dieser E-Mail-Adresse wurde freigeschaltet"),
    (re.compile(r"shadow mode: let through; the filter would have (.+)"),
     lambda m: f"Schattenmodus: durchgelassen; der Filter hätte ihn {WOULD.get(m.group(1), m.group(1))}"),
    (re.compile(r"(\d+) addresses posted links to (.+) within the hour \((\d+) in the day before\)"),
     lambda m: f"{m.group(1)} Adressen haben binnen einer Stunde auf {m.group(2)} verlinkt "
               f"(am Tag davor {m.group(3)})"),
    (re.compile(r"the phone number (.+) was in comments from (\d+) address(es)? within the week"),
     lambda m: f"die Telefonnummer {m.group(1)} stand binnen einer Woche in Kommentaren von {m.group(2)} "
               f"{'Adressen' if m.group(3) else 'Adresse'}"),
]


def worded(message: str, language: str) -> str:
    """``message`` in ``language`` (German for "de", "de_DE", "de-AT" …); English and the unknown as stored."""
    if not language.lower().startswith("de"):
        return message
    for pattern, german in GERMAN:
        match = pattern.fullmatch(message)
        if match:
            return german(match)
    return message
