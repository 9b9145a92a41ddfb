"""Review: the source and the draft side by side, changed words highlighted, the facts of the
draft (dates, numbers, amounts, names) that are in none of the inputs, and the facts of the
source that the draft left out."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hospidesk.documents.facts import Fact
from hospidesk.documents.review import omitted_facts, unsupported_facts, word_diff

REMOVED = "background:#fde0e0; text-decoration:line-through;"
ADDED = "background:#dff5e1;"
FLAGGED = "background:#ffe08a; font-weight:bold;"


def _pre(body: str) -> str:
    return f"<div style='white-space:pre-wrap; font-family:sans-serif'>{body}</div>"


def diff_html(source: str, draft: str) -> tuple[str, str]:
    """HTML of the source (removed words marked) and of the draft (added words marked)."""
    left: list[str] = []
    right: list[str] = []
    for op in word_diff(source, draft):
        old, new = html.escape(op.old), html.escape(op.new)
        if op.kind == "equal":
            left.append(old)
            right.append(new)
            continue
        if old.strip():
            left.append(f"<span style='{REMOVED}'>{old}</span>")
        else:
            left.append(old)
        if new.strip():
            right.append(f"<span style='{ADDED}'>{new}</span>")
        else:
            right.append(new)
    return _pre("".join(left)), _pre("".join(right))


def facts_html(draft: str, facts: list[Fact]) -> str:
    parts, last = [], 0
    for fact in facts:
        parts.append(html.escape(draft[last : fact.start]))
        parts.append(f"<span style='{FLAGGED}'>{html.escape(draft[fact.start : fact.end])}</span>")
        last = fact.end
    parts.append(html.escape(draft[last:]))
    return _pre("".join(parts))


class ReviewDialog(QDialog):
    def __init__(
        self, source: str, draft: str, field_values: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vérifier le brouillon"))
        self.resize(1100, 700)
        self.facts = unsupported_facts(draft, [source, *field_values])
        self.omitted = omitted_facts(source, draft, field_values) if source.strip() else []
        left_html, right_html = diff_html(source, draft) if source.strip() else ("", "")
        self.source_view = QTextBrowser()
        self.source_view.setAccessibleName(self.tr("Texte source, mots retirés surlignés"))
        self.draft_view = QTextBrowser()
        self.draft_view.setAccessibleName(self.tr("Brouillon, mots ajoutés surlignés"))
        if source.strip():
            self.source_view.setHtml(left_html)
            self.draft_view.setHtml(right_html)
        else:
            self.source_view.setPlainText(self.tr("(cette tâche n'a pas de texte source)"))
            self.draft_view.setHtml(facts_html(draft, self.facts))
        splitter = QSplitter()
        for title, view in (
            (self.tr("Texte source"), self.source_view),
            (self.tr("Brouillon"), self.draft_view),
        ):
            box = QWidget()
            column = QVBoxLayout(box)
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(view)
            splitter.addWidget(box)

        facts_box = self._findings_box(source)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        legend = QHBoxLayout()
        legend.addWidget(QLabel(f"<span style='{REMOVED}'>{self.tr('retiré')}</span>"))
        legend.addWidget(QLabel(f"<span style='{ADDED}'>{self.tr('ajouté ou modifié')}</span>"))
        legend.addStretch()
        layout.addLayout(legend)
        layout.addWidget(splitter, 1)
        layout.addWidget(facts_box)
        layout.addWidget(buttons)

    def _findings_box(self, source: str) -> QWidget:
        """What the draft left out of the source, then what it holds that no input does."""
        self.fact_list = QListWidget()
        self.fact_list.setAccessibleName(self.tr("Faits à vérifier"))
        for fact in self.facts:
            self.fact_list.addItem(f"{fact.kind.value} : {fact.text}")
        if self.facts:
            summary = self.tr(
                "%n fait(s) du brouillon ne figurent dans aucune information fournie : "
                "vérifiez-les avant d'utiliser le document.",
                "",
                len(self.facts),
            )
        else:
            summary = self.tr(
                "Toutes les dates, tous les nombres, montants et noms du brouillon figurent "
                "dans les informations fournies."
            )
        note = QLabel(summary)
        note.setWordWrap(True)
        self.omitted_list = QListWidget()
        self.omitted_list.setAccessibleName(self.tr("Informations de la source absentes"))
        for fact in self.omitted:
            self.omitted_list.addItem(f"{fact.kind.value} : {fact.text}")
        if self.omitted:
            omitted_summary = self.tr(
                "%n information(s) du texte source ne figurent pas dans le brouillon : "
                "vérifiez qu'elles n'ont pas été oubliées.",
                "",
                len(self.omitted),
            )
        elif source.strip():
            omitted_summary = self.tr(
                "Les dates, heures, montants, délais, références et noms du texte source "
                "figurent dans le brouillon."
            )
        else:
            omitted_summary = ""
        omitted_note = QLabel(omitted_summary)
        omitted_note.setWordWrap(True)
        facts_box = QWidget()
        facts_column = QVBoxLayout(facts_box)
        facts_column.addWidget(omitted_note)
        facts_column.addWidget(self.omitted_list)
        facts_column.addWidget(note)
        facts_column.addWidget(self.fact_list)
        self.fact_list.setMaximumHeight(140 if self.facts else 0)
        self.omitted_list.setMaximumHeight(140 if self.omitted else 0)

        return facts_box
