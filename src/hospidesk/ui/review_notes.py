"""What a careful reader should check in a draft, worded for the bar under it: facts the
check of facts added or could not place, facts left out or invented, a text cut off, looping
or echoing the instructions."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject

from hospidesk.service.faithfulness import Repair
from hospidesk.service.review import Findings


class ReviewNotes(QObject):
    def lines(self, findings: Findings, repair: Repair | None = None) -> list[str]:
        """What the user should check, as HTML lines for the bar under the draft."""
        lines = []
        if repair is not None and repair.added:
            facts = [fact for addition in repair.added for fact in addition.facts]
            lines.append(
                self.tr(
                    "✚ Vérification des faits : %n information(s) du texte source ajoutée(s) "
                    "au brouillon, surlignée(s) en vert : %s. Relisez ces phrases.",
                    "",
                    len(facts),
                )
                % ", ".join(facts)
            )
        if repair is not None and repair.pending:
            lines.append(
                self.tr(
                    "⚠ %n information(s) du texte source n'ont pas pu être placées : %s. Elles "
                    "sont listées à la fin du brouillon (« À intégrer ») : placez-les, puis "
                    "supprimez ce paragraphe.",
                    "",
                    len(repair.pending),
                )
                % ", ".join(repair.pending)
            )
        if findings.looped:
            lines.append(
                self.tr(
                    "⚠ Le modèle répétait la même phrase : la rédaction a été arrêtée et les "
                    "répétitions retirées. Relisez la fin ou régénérez."
                )
            )
        if findings.cut_off:
            lines.append(
                self.tr(
                    "⚠ Le texte a atteint la longueur maximale et s'arrête peut-être au milieu "
                    "d'une phrase : relisez la fin."
                )
            )
        if findings.omitted:
            lines.append(
                self.tr(
                    "⚠ %n information(s) du texte source absente(s) du brouillon : %s. "
                    "« Vérifier » les montre dans la source.",
                    "",
                    len(findings.omitted),
                )
                % ", ".join(f"{fact.text}" for fact in findings.omitted)
            )
        if findings.to_check:
            lines.append(
                self.tr(
                    "⚠ À vérifier sur l'original : %n chiffre(s) du document scanné, lu(s) "
                    "sans certitude (surligné(s) en jaune dans la source), repris dans le "
                    "brouillon : %s.",
                    "",
                    len(findings.to_check),
                )
                % ", ".join(findings.to_check)
            )
        if findings.invented:
            texts = list(dict.fromkeys(fact.text for fact in findings.invented))
            lines.append(
                self.tr(
                    "⚠ %n information(s) du brouillon ne figurent dans aucune information "
                    "fournie (soulignées en orange) : %s.",
                    "",
                    len(texts),
                )
                % ", ".join(texts)
            )
        if findings.echo:
            lines.append(
                self.tr(
                    "⚠ Le brouillon recopie les consignes de la tâche : relisez-le ou relancez."
                )
            )
        if findings.repeated:
            lines.append(
                self.tr(
                    "⚠ Le brouillon répète la même idée au moins trois fois (« %s ») : "
                    "relisez-le ou régénérez."
                )
                % findings.repeated[:80]
            )
        return [html.escape(line) for line in lines]
