"""The admin's words in German and English; one table per language."""

STRINGS = {
    "de": {
        "title": "Kiebitz Moderation", "login": "Anmelden", "logout": "Abmelden", "name": "Name", "password": "Passwort",
        "pending": "Wartend", "published": "Veröffentlicht", "spam": "Spam", "deleted": "Gelöscht",
        "search": "Suchen", "all_sites": "Alle Websites", "approve": "Freischalten", "mark_spam": "Spam",
        "alike": "Ähnlich formulierte Kommentare", "same_number": "Kommentare mit derselben Telefonnummer",
        "alike_share": "zu {share} % gleich",
        "order": "Reihenfolge", "newest_first": "Neueste zuerst", "least_spamlike_first": "Am wenigsten verdächtige zuerst",
        "mark_ham": "Kein Spam", "delete": "Löschen", "edit": "Bearbeiten", "save": "Speichern", "reply": "Als Redaktion antworten",
        "pin": "Anheften", "unpin": "Lösen", "close": "Thread schließen", "open": "Thread öffnen", "block": "Sperren",
        "block_email": "E-Mail sperren", "block_domain": "Domain sperren", "block_ip": "IP-Netz sperren",
        "block_url": "Website sperren", "blocklist": "Sperrlisten", "users": "Benutzer", "stats": "Statistik",
        "verdict": "Urteil", "probability": "Wahrscheinlichkeit", "reasons": "Gründe", "history": "Verlauf",
        "selected": "Ausgewählte", "apply": "Ausführen", "none": "Keine Kommentare in dieser Liste.", "page": "Seite",
        "thread": "Thread", "author": "Autor", "when": "Wann", "kind": "Art", "value": "Wert", "add": "Hinzufügen",
        "remove": "Entfernen", "role": "Rolle", "confirm": "Bestätigen", "day": "Tag", "discarded": "Verworfen",
        "false_positives": "Fälschlich Spam", "missed_spam": "Übersehener Spam", "held": "Gehalten",
        "action_suspect": "prüfen", "action_spam": "Spam", "done": "Erledigt.", "stays": "bleibt, wie es ist",
        "left_alone": "Inzwischen entschieden und so gelassen: {count}", "settings": "Einstellungen",
        "saved": "Gespeichert.", "moderation": "Moderation", "mode_none": "nur was der Filter bezweifelt",
        "mode_all": "alle Kommentare vorab prüfen", "mode_first": "erste Kommentare neuer Kommentierender prüfen",
        "link_limit": "Höchstzahl Links (mehr: prüfen)", "close_after_days": "Kommentare schließen nach Tagen (0: nie)",
        "edit_window": "Bearbeitungsfrist in Sekunden", "require_name": "Name erforderlich",
        "require_email": "E-Mail erforderlich", "privacy_notice": "Datenschutzhinweis unter dem Formular (leer: Standard)",
        "privacy_url": "Link des Hinweises (leer: /privacy)", "words_hint": "Gesperrte und verdächtige Wörter: siehe Sperrlisten.",
        "import": "Importieren", "import_file": "Export-Datei", "import_detect": "an der Datei erkennen", "site": "Website",
        "import_dry_run": "Probelauf: alles prüfen und zählen, nichts schreiben",
        "import_no_learn": "Den Spamfilter nicht aus den Entscheidungen des alten Systems (freigegeben, Spam) lernen lassen",
        "import_dry": "Probelauf: Es wurde nichts geschrieben.", "import_done": "Importiert.",
        "import_hint": "Kommentare aus WordPress (Werkzeuge → Daten exportieren), Disqus (XML-Export), Isso "
                       "(seine SQLite-Datei) oder Remark42 (Backup). Schon vorhandene Kommentare werden übersprungen.",
        "sites": "Websites", "threads": "Threads", "origins": "Erlaubte Seiten (Origins)",
        "origins_hint": "Eine Website, die hier Origins nennt, nimmt Kommentare, Änderungen und Stimmen nur von Seiten "
                        "dieser Adressen an (und von Kiebitz selbst); leer gilt die Einstellung der ganzen Instanz. "
                        "Mehrere durch Leerzeichen oder Komma trennen, etwa https://zeitung.example.",
        "origins_instance": "Für die ganze Instanz (allowed_origins)", "origins_any": "jede Seite",
        "origins_none": "keine eigenen: Instanz", "add_site": "Website anlegen oder ändern",
        "lessons": "Gelerntes", "lessons_hint": "Was der Filter in Gruppen gelernt hat: die Meldungen eines Akismet-"
                   "Schlüssels (sie gelten nur für dessen eigene Prüfungen, höchstens 120 je Stunde) und die "
                   "Entscheidungen eines Imports. Zurücknehmen macht jede dieser Lektionen genau rückgängig.",
        "site_prior": "Aus den Entscheidungen über zurückgehaltene Kommentare hat der Filter gelernt, wie streng "
                      "diese Website ist: Einen Kommentar, den er allein auf 50 % schätzen würde, schätzt er jetzt auf "
                      "{share} %.",
        "key_prior": "Aus den zurückgehaltenen Kommentaren, über die dort entschieden wurde: Ein Kommentar bei 50 % "
                     "gilt für diese Website jetzt als {share} %.",
        "lessons_none": "Keine Gruppen von Lektionen.", "lesson_source": "Herkunft", "lesson_spam": "Spam",
        "lesson_ham": "Kein Spam", "lesson_period": "Zeitraum", "lesson_over_limit": "Über dem Limit (nicht gelernt)",
        "take_back": "Alle zurücknehmen", "taken_back": "Zurückgenommen", "source_akismet": "Akismet-Schlüssel",
        "source_import": "Import",
        "reported": "Gemeldet", "report_hold_threshold": "Meldungen, die einen Kommentar bis zur Entscheidung "
        "ausblenden (0: nie)", "reports_none": "Keine offenen Meldungen.", "reports_hint": "Meldungen von "
        "Leserinnen und Lesern (DSA Art. 16) und Widersprüche von Autorinnen und Autoren (Art. 20), die am längsten "
        "wartenden zuerst. Entfernen schickt der Autorin die Begründung (Art. 17), den Meldenden die Entscheidung.",
        "report_remove": "Entfernen", "report_keep": "Stehen lassen", "ground": "Grund", "explanation": "Erläuterung "
        "(geht an Autor und Meldende)", "ground_terms": "Kommentarregeln", "ground_illegal": "rechtswidrig",
        "ground_spam": "Spam (keine Begründung nötig)", "objection": "Widerspruch der Autorin / des Autors",
        "objection_restore": "Wieder veröffentlichen", "objection_uphold": "Entfernung bestätigen",
        "reporter": "Meldende Person", "good_faith": "in gutem Glauben", "reason_spam": "Spam",
        "reason_insult": "Beleidigung", "reason_illegal": "rechtswidrig", "reason_other": "anderes",
        "transparency": "Meldungen und Entscheidungen (Transparenzbericht, DSA Art. 15/24)", "month": "Monat",
        "notices": "Meldungen", "removed": "Entfernt", "kept": "Stehen gelassen", "open_reports": "Offen",
        "median_hours": "Median bis Entscheidung (h)", "objections": "Widersprüche", "restored": "Wiederhergestellt",
        "upheld": "Bestätigt",
    },
    "en": {
        "title": "Kiebitz moderation", "login": "Log in", "logout": "Log out", "name": "Name", "password": "Password",
        "pending": "Pending", "published": "Published", "spam": "Spam", "deleted": "Deleted",
        "search": "Search", "all_sites": "All sites", "approve": "Approve", "mark_spam": "Spam",
        "alike": "Comments worded alike", "same_number": "Comments giving the same phone number",
        "alike_share": "{share}% alike",
        "order": "Order", "newest_first": "Newest first", "least_spamlike_first": "Least spam-like first",
        "mark_ham": "Not spam", "delete": "Delete", "edit": "Edit", "save": "Save", "reply": "Reply as staff",
        "pin": "Pin", "unpin": "Unpin", "close": "Close thread", "open": "Open thread", "block": "Block",
        "block_email": "Block e-mail", "block_domain": "Block domain", "block_ip": "Block IP network",
        "block_url": "Block website", "blocklist": "Block lists", "users": "Users", "stats": "Statistics",
        "verdict": "Verdict", "probability": "Probability", "reasons": "Reasons", "history": "History",
        "selected": "Selected", "apply": "Apply", "none": "No comments in this queue.", "page": "Page",
        "thread": "Thread", "author": "Author", "when": "When", "kind": "Kind", "value": "Value", "add": "Add",
        "remove": "Remove", "role": "Role", "confirm": "Confirm", "day": "Day", "discarded": "Discarded",
        "false_positives": "False positives", "missed_spam": "Missed spam", "held": "Held",
        "action_suspect": "hold", "action_spam": "spam", "done": "Done.", "stays": "left as it is",
        "left_alone": "Decided meanwhile and left as they were: {count}", "settings": "Settings",
        "saved": "Saved.", "moderation": "Moderation", "mode_none": "only what the filter doubts",
        "mode_all": "hold every comment", "mode_first": "hold first comments of new commenters",
        "link_limit": "Most links (more: hold)", "close_after_days": "Close comments after days (0: never)",
        "edit_window": "Edit window in seconds", "require_name": "Name required",
        "require_email": "E-mail required", "privacy_notice": "Privacy notice under the form (empty: built-in)",
        "privacy_url": "Its link (empty: /privacy)", "words_hint": "Banned and suspect words: see block lists.",
        "import": "Import", "import_file": "Export file", "import_detect": "tell from the file", "site": "Site",
        "import_dry_run": "Dry run: check and count everything, write nothing",
        "import_no_learn": "Do not teach the spam filter the old system's decisions (approved, spam)",
        "import_dry": "Dry run: nothing was written.", "import_done": "Imported.",
        "import_hint": "Comments from WordPress (Tools → Export), Disqus (XML export), Isso (its SQLite file) or "
                       "Remark42 (backup). Comments already here are skipped.",
        "sites": "Sites", "threads": "Threads", "origins": "Allowed pages (origins)",
        "origins_hint": "A site that names origins here takes comments, edits and votes only from pages at those "
                        "addresses (and from Kiebitz itself); empty, the instance's setting applies. Separate several "
                        "with spaces or commas, e.g. https://zeitung.example.",
        "origins_instance": "For the whole instance (allowed_origins)", "origins_any": "any page",
        "origins_none": "none of its own: instance", "add_site": "Add or change a site",
        "lessons": "Lessons", "lessons_hint": "What the filter learned in batches: an Akismet key's reports (they count "
                   "only for that key's own checks, at most 120 an hour) and an import's decisions. Taking a batch back "
                   "undoes each of its lessons exactly.",
        "site_prior": "From its moderators' decisions on held comments the filter has learned how strict this site "
                      "is: a comment it would put at 50 % on its own, it now puts at {share} %.",
        "key_prior": "From the held comments its owner decided on, a comment at 50 % is judged at {share} % for this "
                     "site.",
        "lessons_none": "No batches of lessons.", "lesson_source": "Source", "lesson_spam": "Spam",
        "lesson_ham": "Not spam", "lesson_period": "Period", "lesson_over_limit": "Over the limit (not learned)",
        "take_back": "Take all back", "taken_back": "Taken back", "source_akismet": "Akismet key",
        "source_import": "Import",
        "reported": "Reported", "report_hold_threshold": "Reports that hide a comment until a decision (0: never)",
        "reports_none": "No open reports.", "reports_hint": "Readers' notices (DSA Art. 16) and authors' objections "
        "(Art. 20), the longest waiting first. Removing mails the author the statement of reasons (Art. 17) and "
        "the reporters the decision.",
        "report_remove": "Remove", "report_keep": "Keep", "ground": "Ground", "explanation": "Explanation (sent to "
        "the author and the reporters)", "ground_terms": "comment rules", "ground_illegal": "illegal",
        "ground_spam": "spam (no statement needed)", "objection": "The author's objection",
        "objection_restore": "Publish again", "objection_uphold": "Uphold the removal",
        "reporter": "Reporter", "good_faith": "in good faith", "reason_spam": "spam",
        "reason_insult": "insult", "reason_illegal": "illegal", "reason_other": "other",
        "transparency": "Notices and decisions (transparency report, DSA Art. 15/24)", "month": "Month",
        "notices": "Notices", "removed": "Removed", "kept": "Kept", "open_reports": "Open",
        "median_hours": "Median to decision (h)", "objections": "Objections", "restored": "Restored",
        "upheld": "Upheld",
    },
}
