"""Write examples/fil-long.txt: an invented e-mail thread of about 40,000 characters (a
meeting cycle about the surgical block's summer schedule), newest message first, as a mail
client prints a thread. Deterministic: the same file every run.

Run: .venv/bin/python tools/make_long_thread.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 40_000

PEOPLE = [
    ("Claire Dubois", "cadre supérieure de santé"),
    ("Marc Petit", "cadre de santé du bloc"),
    ("Sophie Martin", "anesthésiste, cheffe de service"),
    ("Julien Moreau", "chirurgien orthopédiste"),
    ("Nadia Benali", "responsable des plannings"),
    ("Thomas Leroy", "ingénieur biomédical"),
    ("Isabelle Garnier", "directrice des soins"),
    ("Karim Haddad", "pharmacien"),
]
TOPICS = [
    (
        "la fermeture de la salle {room} du {start} au {end}",
        "Les interventions programmées dans cette salle sont reportées sur les salles {other} "
        "et {other2}, avec une plage supplémentaire le mercredi après-midi.",
    ),
    (
        "le planning des infirmiers de bloc opératoire pour la semaine {week}",
        "Il manque {count} IBODE sur les vacations du soir ; deux intérimaires sont pressentis "
        "et la réponse de l'agence est attendue avant le {deadline}.",
    ),
    (
        "la maintenance de l'arceau de radiologie de la salle {room}",
        "Le fournisseur propose une intervention le {start}, d'une durée de {count} heures ; "
        "l'arceau de la salle {other} peut être prêté pendant ce temps.",
    ),
    (
        "le stock de dispositifs médicaux implantables",
        "L'inventaire du {start} montre {count} références sous le seuil d'alerte ; une "
        "commande groupée doit partir avant le {deadline} pour une livraison le {end}.",
    ),
    (
        "la reprise des vacations de chirurgie ambulatoire",
        "Le taux d'occupation de l'unité est de {percent} % ; l'objectif fixé par la direction "
        "est de revenir à {count} patients par jour à partir du {start}.",
    ),
    (
        "la formation aux nouvelles règles de traçabilité",
        "Deux sessions sont proposées le {start} et le {end}, de 14 h à 16 h, salle de "
        "réunion du pôle ; {count} agents sont déjà inscrits.",
    ),
]
CLOSINGS = [
    "Merci de me confirmer votre accord avant le {deadline}.",
    "Je propose que nous en reparlions à la réunion de pôle du {end}.",
    "Sans objection de votre part, nous validons ce point le {deadline}.",
    "Pouvez-vous me dire si cela convient à vos équipes ?",
]


def day(start: dt.date, offset: int) -> str:
    months = [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]  # fmt: skip
    date = start + dt.timedelta(days=offset)
    return f"{date.day} {months[date.month - 1]} {date.year}"


def message(n: int, when: dt.datetime) -> str:
    author, role = PEOPLE[n % len(PEOPLE)]
    first = TOPICS[n % len(TOPICS)]
    second = TOPICS[(n % len(TOPICS) + 1 + (n // len(TOPICS)) % 5) % len(TOPICS)]
    base = when.date()
    values = {
        "room": 1 + n % 8,
        "other": 1 + (n + 3) % 8,
        "other2": 1 + (n + 5) % 8,
        "start": day(base, 7 + n % 5),
        "end": day(base, 21 + n % 9),
        "deadline": day(base, 3 + n % 4),
        "week": 27 + n % 6,
        "count": 2 + (n * 7) % 11,
        "percent": 61 + (n * 13) % 30,
    }
    subject, detail = first
    subject2, detail2 = second
    lines = [
        f"De : {author} ({role})",
        f"Envoyé : {when:%d/%m/%Y %H:%M}",
        "À : Équipe d'encadrement du bloc opératoire",
        "Objet : RE: Organisation du bloc opératoire cet été",
        "",
        "Bonjour à tous,",
        "",
        f"Je reviens vers vous concernant {subject.format(**values)}. {detail.format(**values)}",
        "",
        f"Autre point : {subject2.format(**values)}. {detail2.format(**values)}",
        "",
        CLOSINGS[n % len(CLOSINGS)].format(**values),
        "",
        "Bien cordialement,",
        author,
        "",
    ]
    return "\n".join(lines)


def thread() -> str:
    messages = []
    when = dt.datetime(2026, 5, 4, 8, 30)
    n = 0
    while sum(len(m) for m in messages) < TARGET:
        messages.append(message(n, when))
        when += dt.timedelta(hours=7 + (n * 5) % 20)
        n += 1
    text = "\n".join(reversed(messages))  # the newest first, as a client quotes them
    return text[: text.rfind("\n", 0, TARGET + 2000)].rstrip() + "\n"


def main() -> None:
    out = ROOT / "examples" / "fil-long.txt"
    out.write_text(thread(), encoding="utf-8")
    print(f"{out.relative_to(ROOT)} : {len(out.read_text(encoding='utf-8'))} caractères")


if __name__ == "__main__":
    main()
