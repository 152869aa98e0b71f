"""The demo news site's articles and seeded comments: original texts, neutral topics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    slug: str
    headline: str
    kicker: str
    author: str
    date: str
    lead: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/artikel/{self.slug}"


ARTICLES = (
    Article(
        slug="kiebitze-kehren-in-die-elbwiesen-zurueck",
        headline="Kiebitze kehren in die Elbwiesen zurück",
        kicker="Natur",
        author="Marta Lindqvist",
        date="27. November 2026",
        lead="Nach Jahren des Rückgangs zählen Ehrenamtliche wieder mehr brütende Kiebitzpaare. "
        "Feuchte Senken und später gemähte Wiesen zeigen Wirkung.",
        paragraphs=(
            "Wer im Frühjahr an den Elbwiesen spazieren geht, hört ihn wieder häufiger: den klagenden Ruf des Kiebitzes. "
            "Die Ornithologische Arbeitsgruppe des Landkreises hat in dieser Saison 64 Brutpaare gezählt, "
            "vor fünf Jahren waren es noch 38.",
            "Den Ausschlag gaben nach Einschätzung der Gruppe vor allem zwei Maßnahmen. Landwirte, die am Programm "
            "teilnehmen, mähen ihre Flächen erst ab Mitte Juni, wenn die Küken flügge sind. Außerdem wurden auf "
            "drei Weiden flache Senken angelegt, in denen bis in den Mai hinein Wasser steht.",
            "„Der Kiebitz braucht offene, kurzrasige Flächen mit feuchten Stellen, an denen die Küken Insekten finden“, "
            "erklärt Projektleiterin Hanne Voss. Die Tiere seien dabei erstaunlich standorttreu: Viele Paare kehrten "
            "jedes Jahr auf dieselbe Wiese zurück.",
            "Ganz entwarnen will die Arbeitsgruppe dennoch nicht. Ein nasses Frühjahr oder eine frühe Mahd könnten "
            "eine ganze Brutsaison zunichtemachen. Für das kommende Jahr sucht die Gruppe weitere Freiwillige, die "
            "bei den Zählungen im April und Mai helfen.",
        ),
    ),
    Article(
        slug="stadtbibliothek-oeffnet-auch-sonntags",
        headline="Stadtbibliothek öffnet künftig auch sonntags",
        kicker="Stadt",
        author="Jonas Petersen",
        date="25. November 2026",
        lead="Ab Januar können Leserinnen und Leser die Zentralbibliothek auch am Sonntagnachmittag besuchen. "
        "Möglich macht das ein neues Konzept mit Selbstverbuchung.",
        paragraphs=(
            "Die Zentralbibliothek am Marktplatz erweitert ihre Öffnungszeiten: Ab dem 11. Januar ist sie sonntags "
            "von 13 bis 18 Uhr geöffnet. Der Stadtrat hat dem Konzept am Dienstag mit großer Mehrheit zugestimmt.",
            "An Sonntagen arbeitet die Bibliothek mit kleinerer Besetzung. Ausleihe und Rückgabe laufen über die "
            "Selbstverbuchungsautomaten, die bereits seit dem Frühjahr im Erdgeschoss stehen. Für Fragen ist eine "
            "Mitarbeiterin im Lesecafé ansprechbar.",
            "Bibliotheksleiterin Dr. Anke Brüning verweist auf die Erfahrungen anderer Städte: Gerade Familien und "
            "Studierende nutzten die Sonntage gern zum Lesen und Lernen. Die Zusatzkosten von rund 48.000 Euro im "
            "Jahr trägt zur Hälfte ein Förderprogramm des Landes.",
            "Nach einem Jahr soll ausgewertet werden, wie das Angebot angenommen wird.",
        ),
    ),
    Article(
        slug="neue-radbruecke-verbindet-altstadt-und-hafen",
        headline="Neue Radbrücke verbindet Altstadt und Hafen",
        kicker="Verkehr",
        author="Selin Aydın",
        date="22. November 2026",
        lead="Nach zwei Jahren Bauzeit ist die Brücke über den Hafenkanal freigegeben. "
        "Radfahrer sparen auf dem Weg zum Bahnhof bis zu zehn Minuten.",
        paragraphs=(
            "Mit einem kleinen Fest ist am Samstag die neue Rad- und Fußgängerbrücke über den Hafenkanal eröffnet "
            "worden. Die 86 Meter lange Stahlkonstruktion verbindet die Altstadt direkt mit dem neuen Hafenquartier.",
            "Bisher mussten Radfahrende einen Umweg über die stark befahrene Kanalstraße nehmen. Die Stadt rechnet "
            "mit bis zu 4.000 Querungen am Tag. Die Baukosten lagen mit 7,9 Millionen Euro leicht über der Planung, "
            "vor allem wegen gestiegener Stahlpreise.",
            "Die Brücke ist nachts beleuchtet und hat auf beiden Seiten Rampen mit höchstens sechs Prozent Steigung, "
            "sodass sie auch mit Kinderwagen und Rollstuhl gut zu nutzen ist.",
        ),
    ),
)

# (article index, key, parent key or None, author, text, minutes ago)
SEED_COMMENTS = (
    (0, "a", None, "Henrik Olsen", "Schöne Nachricht! Wir haben im Mai an der Zählung teilgenommen, es war beeindruckend, "
     "wie viele Küken unterwegs waren.", 600),
    (0, "b", "a", "Marta Lindqvist", "Danke fürs Mitmachen! Die Termine für das nächste Jahr stehen ab Februar auf der Seite "
     "der Arbeitsgruppe.", 540),
    (0, "c", "b", "Henrik Olsen", "Super, dann trage ich mir das gleich ein.", 500),
    (0, "d", None, "Ursula K.", "Gibt es auch Zahlen für die Feldlerche? Die habe ich dieses Jahr kaum gehört.", 240),
    (0, "e", "d", "Paul Brandt", "Soweit ich weiß, wird die Feldlerche nicht systematisch gezählt. Wäre aber sinnvoll.", 200),
    (1, "f", None, "Lea Sommer", "Endlich! Sonntags habe ich als Pendlerin die meiste Zeit zum Stöbern.", 1300),
    (1, "g", "f", "Tobias Renner", "Geht mir genauso. Hoffentlich bleibt das Lesecafé dann auch offen.", 1200),
    (2, "h", None, "Jan Möller", "Bin heute früh zum ersten Mal drübergefahren. Die Rampen sind wirklich angenehm flach.", 90),
)
