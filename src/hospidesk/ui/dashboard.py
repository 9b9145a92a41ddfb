"""Outils › Mon bilan: the user's own measured benefit, as small charts.

Time saved per week, the tasks used most, and the share of documents exported with few edits;
drawn with QPainter (no chart library needed for three bar charts). Each chart also says its
figures in its accessible description, for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hospidesk.governance.metrics import Use, weekly

WEEKS_SHOWN = 12
BAR_COLOR = QColor("#2b6cb0")


class BarChart(QWidget):
    """A titled bar chart: one bar per label, its value written above it."""

    def __init__(
        self, title: str, bars: Sequence[tuple[str, float]], unit: str, maximum: float | None
    ) -> None:
        super().__init__()
        self.title = title
        self.bars = list(bars)
        self.unit = unit
        self.maximum = maximum
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)
        self.setAccessibleDescription(
            "; ".join(f"{label} : {self._format(value)}" for label, value in self.bars)
        )

    def _format(self, value: float) -> str:
        return f"{value:.0f}{self.unit}"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(palette.ColorRole.WindowText)
        metrics = painter.fontMetrics()
        line = metrics.height()
        width, height = self.width(), self.height()
        painter.setPen(text)
        title_font = painter.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QRectF(0, 0, width, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        if not self.bars:
            painter.drawText(
                QRectF(0, line, width, height - line),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Pas encore de données"),
            )
            return
        top, bottom = line * 2 + 6, height - line * 2 - 4
        top_value = self.maximum or max(value for _, value in self.bars) or 1.0
        slot = width / len(self.bars)
        bar_width = max(6.0, slot * 0.6)
        for index, (label, value) in enumerate(self.bars):
            x = index * slot + (slot - bar_width) / 2
            bar_height = (bottom - top) * min(value / top_value, 1.0)
            painter.fillRect(QRectF(x, bottom - bar_height, bar_width, bar_height), BAR_COLOR)
            painter.drawText(
                QRectF(index * slot, bottom - bar_height - line - 2, slot, line),
                Qt.AlignmentFlag.AlignHCenter,
                self._format(value),
            )
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(
                QRectF(index * slot, bottom + 4, slot, line * 2),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                shown,
            )
        painter.setPen(palette.color(palette.ColorRole.Mid))
        painter.drawLine(0, int(bottom), width, int(bottom))


def _week_label(week: str) -> str:
    """« 2026-W48 » → « S48 »."""
    return "S" + week.split("-W")[1]


class DashboardDialog(QDialog):
    def __init__(
        self,
        uses: Sequence[Use],
        titles: Mapping[str, str],
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mon bilan"))
        self.resize(900, 640)
        since = (today or dt.date.today()) - dt.timedelta(weeks=WEEKS_SHOWN)
        recent = [u for u in uses if u.day > since and not u.example]  # tries apart
        weeks = weekly(recent)
        minutes = sum(w.minutes_saved for w in weeks)
        exported = sum(w.exported for w in weeks)
        few = sum(w.few_edits for w in weeks)
        answers = [u.helped for u in recent if u.helped]
        helped = sum(1 for a in answers if a in ("oui", "un-peu"))
        summary = (
            self.tr(
                "Sur les %1 dernières semaines : %2 tâche(s), %3 gagnées, %4 des documents "
                "exportés avec peu de retouches, %5 de réponses « cela m'a aidé »."
            )
            .replace("%1", str(WEEKS_SHOWN))
            .replace("%2", str(len(recent)))
            .replace("%3", f"{minutes // 60} h {minutes % 60:02d} min")
            .replace("%4", f"{round(100 * few / exported)} %" if exported else "—")
            .replace("%5", f"{round(100 * helped / len(answers))} %" if answers else "—")
            if recent
            else self.tr("Aucune tâche mesurée pour l'instant : votre bilan apparaîtra ici.")
        )
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 12pt;")
        counts = Counter(u.task for u in recent).most_common(6)
        self.charts = [
            BarChart(
                self.tr("Temps gagné par semaine (minutes)"),
                [(_week_label(w.week), w.minutes_saved) for w in weeks],
                "",
                None,
            ),
            BarChart(
                self.tr("Tâches les plus utilisées"),
                [(titles.get(task, task), count) for task, count in counts],
                "",
                None,
            ),
            BarChart(
                self.tr("Documents exportés avec peu de retouches"),
                [
                    (_week_label(w.week), 100 * w.few_edits / w.exported)
                    for w in weeks
                    if w.exported
                ],
                " %",
                100,
            ),
        ]
        grid = QGridLayout()
        grid.addWidget(self.charts[0], 0, 0)
        grid.addWidget(self.charts[1], 0, 1)
        grid.addWidget(self.charts[2], 1, 0)
        note = QLabel(
            self.tr(
                "Ces mesures restent sur ce poste et ne contiennent aucun texte. L'établissement "
                "n'en reçoit que des totaux par tâche et par semaine, sans nom."
            )
        )
        note.setWordWrap(True)
        grid.addWidget(note, 1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
