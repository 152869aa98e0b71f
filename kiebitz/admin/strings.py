"""The admin's words in German and English; one table per language."""

STRINGS = {
    "de": {
        "title": "Kiebitz Moderation", "login": "Anmelden", "logout": "Abmelden", "name": "Name", "password": "Passwort",
        "pending": "Wartend", "published": "Veröffentlicht", "spam": "Spam", "deleted": "Gelöscht",
        "search": "Suchen", "all_sites": "Alle Websites", "approve": "Freischalten", "mark_spam": "Spam",
        "mark_ham": "Kein Spam", "delete": "Löschen", "edit": "Bearbeiten", "save": "Speichern", "reply": "Als Redaktion antworten",
        "pin": "Anheften", "unpin": "Lösen", "close": "Thread schließen", "open": "Thread öffnen", "block": "Sperren",
        "block_email": "E-Mail sperren", "block_domain": "Domain sperren", "block_ip": "IP-Netz sperren",
        "block_url": "Website sperren", "blocklist": "Sperrlisten", "users": "Benutzer", "stats": "Statistik",
        "verdict": "Urteil", "probability": "Wahrscheinlichkeit", "reasons": "Gründe", "history": "Verlauf",
        "selected": "Ausgewählte", "apply": "Ausführen", "none": "Keine Kommentare in dieser Liste.", "page": "Seite",
        "thread": "Thread", "author": "Autor", "when": "Wann", "kind": "Art", "value": "Wert", "add": "Hinzufügen",
        "remove": "Entfernen", "role": "Rolle", "confirm": "Bestätigen", "day": "Tag", "discarded": "Verworfen",
        "false_positives": "Fälschlich Spam", "missed_spam": "Übersehener Spam", "held": "Gehalten",
        "action_suspect": "prüfen", "action_spam": "Spam", "done": "Erledigt.",
    },
    "en": {
        "title": "Kiebitz moderation", "login": "Log in", "logout": "Log out", "name": "Name", "password": "Password",
        "pending": "Pending", "published": "Published", "spam": "Spam", "deleted": "Deleted",
        "search": "Search", "all_sites": "All sites", "approve": "Approve", "mark_spam": "Spam",
        "mark_ham": "Not spam", "delete": "Delete", "edit": "Edit", "save": "Save", "reply": "Reply as staff",
        "pin": "Pin", "unpin": "Unpin", "close": "Close thread", "open": "Open thread", "block": "Block",
        "block_email": "Block e-mail", "block_domain": "Block domain", "block_ip": "Block IP network",
        "block_url": "Block website", "blocklist": "Block lists", "users": "Users", "stats": "Statistics",
        "verdict": "Verdict", "probability": "Probability", "reasons": "Reasons", "history": "History",
        "selected": "Selected", "apply": "Apply", "none": "No comments in this queue.", "page": "Page",
        "thread": "Thread", "author": "Author", "when": "When", "kind": "Kind", "value": "Value", "add": "Add",
        "remove": "Remove", "role": "Role", "confirm": "Confirm", "day": "Day", "discarded": "Discarded",
        "false_positives": "False positives", "missed_spam": "Missed spam", "held": "Held",
        "action_suspect": "hold", "action_spam": "spam", "done": "Done.",
    },
}
