"""The mails the EU Digital Services Act asks of a comment section, in German and English.

To a reader who reported a comment: that the notice arrived (Art. 16(5)) and
what was decided (Art. 16(5)-(6)). To the author of a removed comment: the
statement of reasons (Art. 17(3)): what was done, on which facts, whether
automated means were used, on which ground, and how to object, with a link
that lands the objection in the moderators' queue (Art. 20). Removals as spam
get no statement: Art. 17(2) exempts deceptive high-volume commercial content.
Every mail needs an address the sender gave; none is sent without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import URLSafeTimedSerializer

from kiebitz.config import Settings
from kiebitz.domain import Comment
from kiebitz.notify.mail import Mailer, new_message
from kiebitz.security import load_signed

OBJECTION_MAX_AGE = 183 * 86400  # Art. 20(1): at least six months after the decision

GROUNDS = ("terms", "illegal", "spam")
TEXTS = {
    "de": {
        "receipt_subject": "Deine Meldung ist eingegangen",
        "receipt": "Danke für deine Meldung des Kommentars\n{location}\n\nGrund: {reason}\n\n"
                   "Eine Person aus der Moderation prüft ihn. Wir teilen dir die Entscheidung mit.",
        "decision_subject": "Entscheidung zu deiner Meldung",
        "decision_removed": "Der Kommentar, den du gemeldet hast, wurde entfernt.",
        "decision_kept": "Der Kommentar, den du gemeldet hast, bleibt stehen: wir sehen darin keinen Verstoß.",
        "decision_tail": "\n\n{location}\n{explanation}\nEntschieden hat eine Person aus der Moderation. Bist du nicht "
                         "einverstanden, antworte auf diese E-Mail; du kannst dich auch an eine zertifizierte "
                         "außergerichtliche Streitbeilegungsstelle (Art. 21 DSA) oder ein Gericht wenden.",
        "statement_subject": "Dein Kommentar wurde entfernt: Begründung",
        "statement": "Dein Kommentar vom {date} auf\n{location}\nwurde entfernt und ist nicht mehr zu sehen "
                     "(überall, auf Dauer).\n\nDein Text:\n{text}\n\nGrund: {ground}\n{explanation}\n"
                     "Anlass: {cause}\nAutomatisierte Mittel: {automation}\n\n"
                     "Widerspruch: Hältst du die Entscheidung für falsch, sag uns hier binnen sechs Monaten warum; "
                     "eine Person prüft sie dann erneut:\n{objection}\n\nDu kannst dich auch an eine zertifizierte "
                     "außergerichtliche Streitbeilegungsstelle (Art. 21 DSA) oder ein Gericht wenden.",
        "objection_subject": "Dein Widerspruch: Entscheidung",
        "objection_restored": "Wir haben deinen Kommentar nach deinem Widerspruch erneut geprüft und wieder "
                              "veröffentlicht:\n{location}",
        "objection_upheld": "Wir haben deinen Kommentar nach deinem Widerspruch erneut geprüft; er bleibt entfernt.\n"
                            "{location}\n{explanation}\nDu kannst dich an eine zertifizierte außergerichtliche "
                            "Streitbeilegungsstelle (Art. 21 DSA) oder ein Gericht wenden.",
        "grounds": {"terms": "Verstoß gegen die Kommentarregeln dieser Website",
                    "illegal": "rechtswidriger Inhalt",
                    "spam": "Spam"},
        "reasons": {"spam": "Spam", "insult": "Beleidigung oder Belästigung", "illegal": "rechtswidriger Inhalt",
                    "other": "anderes"},
        "cause_notice": "Meldungen von Leserinnen und Lesern ({count})",
        "cause_own": "Prüfung durch die Moderation (ohne Meldung)",
        "automation_none": "keine; eine Person aus der Moderation hat entschieden.",
        "automation_filter": "der Spamfilter hat den Kommentar beim Absenden zurückgehalten ({why}); entschieden hat "
                             "danach eine Person aus der Moderation.",
        "automation_reports": "nach {count} Meldungen wurde der Kommentar automatisch ausgeblendet, bis eine Person "
                              "aus der Moderation entschieden hat; entschieden hat diese Person.",
        "explained": "Erläuterung: {text}\n",
    },
    "en": {
        "receipt_subject": "Your report has arrived",
        "receipt": "Thank you for reporting the comment\n{location}\n\nReason: {reason}\n\n"
                   "A moderator will review it. We will tell you the decision.",
        "decision_subject": "Decision on your report",
        "decision_removed": "The comment you reported has been removed.",
        "decision_kept": "The comment you reported stays: we found no breach in it.",
        "decision_tail": "\n\n{location}\n{explanation}\nA moderator, a person, decided. If you disagree, reply to this "
                         "mail; you may also turn to a certified out-of-court dispute settlement body (Art. 21 DSA) "
                         "or a court.",
        "statement_subject": "Your comment was removed: statement of reasons",
        "statement": "Your comment of {date} on\n{location}\nhas been removed and can no longer be seen "
                     "(everywhere, for good).\n\nYour text:\n{text}\n\nGround: {ground}\n{explanation}\n"
                     "Occasion: {cause}\nAutomated means: {automation}\n\n"
                     "Objection: if you think the decision is wrong, tell us why here within six months; a person "
                     "will review it again:\n{objection}\n\nYou may also turn to a certified out-of-court dispute "
                     "settlement body (Art. 21 DSA) or a court.",
        "objection_subject": "Your objection: decision",
        "objection_restored": "We reviewed your comment again after your objection and published it again:\n{location}",
        "objection_upheld": "We reviewed your comment again after your objection; it stays removed.\n{location}\n"
                            "{explanation}\nYou may turn to a certified out-of-court dispute settlement body "
                            "(Art. 21 DSA) or a court.",
        "grounds": {"terms": "breach of this site's comment rules", "illegal": "illegal content", "spam": "spam"},
        "reasons": {"spam": "spam", "insult": "insult or harassment", "illegal": "illegal content", "other": "other"},
        "cause_notice": "reports by readers ({count})",
        "cause_own": "review by the moderators (no report)",
        "automation_none": "none; a moderator, a person, decided.",
        "automation_filter": "the spam filter held the comment when it was sent ({why}); a moderator, a person, "
                             "decided after that.",
        "automation_reports": "after {count} reports the comment was hidden automatically until a moderator decided; "
                              "that person decided.",
        "explained": "Explanation: {text}\n",
    },
}


@dataclass(frozen=True)
class Removal:
    """What a statement of reasons says of one removal."""

    ground: str  # one of GROUNDS
    explanation: str
    notices: int  # readers' notices it answered; 0 for the moderators' own initiative
    held_by: str  # "filter", "reports" or "" (who hid the comment before a person decided)
    filter_reasons: str = ""


class Statements:
    def __init__(self, settings: Settings, mailer: Mailer, secret_key: str) -> None:
        self.settings = settings
        self.mailer = mailer
        self._objections = URLSafeTimedSerializer(secret_key, salt="kiebitz.objection")

    @property
    def texts(self) -> Mapping[str, object]:
        return TEXTS.get(self.settings.language, TEXTS["en"])

    def _text(self, key: str) -> str:
        return str(self.texts[key])

    def _choice(self, group: str, key: str) -> str:
        choices = self.texts[group]
        assert isinstance(choices, dict)
        return str(choices.get(key, key))

    def location(self, uri: str, comment_id: int) -> str:
        page = self.settings.public_url.rstrip("/") + uri if uri.startswith("/") else uri
        return f"{page}#kiebitz-comment-{comment_id}"

    def objection_link(self, comment_id: int) -> str:
        return self.settings.public_url.rstrip("/") + "/objection/" + self._objections.dumps(comment_id)

    def objection_of(self, token: str) -> int:
        """The comment an objection link names; Forbidden when forged or older than six months."""
        return int(load_signed(self._objections, token, OBJECTION_MAX_AGE, "this objection link", "token"))

    def _send(self, to: str, subject: str, body: str) -> None:
        if not self.mailer.enabled or not to:
            return
        message = new_message()
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        self.mailer.send_later(message)

    def receipt(self, to: str, reason: str, location: str) -> None:
        self._send(to, self._text("receipt_subject"),
                   self._text("receipt").format(location=location, reason=self._choice("reasons", reason)))

    def decision(self, to: str, removed: bool, location: str, explanation: str) -> None:
        said = self._text("decision_removed" if removed else "decision_kept")
        tail = self._text("decision_tail").format(location=location, explanation=self._explained(explanation))
        self._send(to, self._text("decision_subject"), said + tail)

    def statement(self, comment: Comment, location: str, removal: Removal) -> None:
        if removal.ground == "spam":
            return  # Art. 17(2): no statement for deceptive high-volume commercial content
        if removal.held_by == "filter":
            automation = self._text("automation_filter").format(why=removal.filter_reasons or "–")
        elif removal.held_by == "reports":
            automation = self._text("automation_reports").format(count=removal.notices)
        else:
            automation = self._text("automation_none")
        cause = self._text("cause_notice").format(count=removal.notices) if removal.notices else self._text("cause_own")
        body = self._text("statement").format(
            date=datetime.fromtimestamp(comment.created, UTC).strftime("%Y-%m-%d"), location=location, text=comment.text,
            ground=self._choice("grounds", removal.ground), explanation=self._explained(removal.explanation),
            cause=cause, automation=automation, objection=self.objection_link(comment.id))
        self._send(comment.email, self._text("statement_subject"), body)

    def objection_decided(self, comment: Comment, restored: bool, location: str, explanation: str) -> None:
        key = "objection_restored" if restored else "objection_upheld"
        self._send(comment.email, self._text("objection_subject"),
                   self._text(key).format(location=location, explanation=self._explained(explanation)))

    def _explained(self, explanation: str) -> str:
        return self._text("explained").format(text=explanation) if explanation else ""
