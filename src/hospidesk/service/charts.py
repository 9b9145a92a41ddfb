"""The evaluation report's charts: one figure per job, drawn by matplotlib's SVG backend and
placed inline in the HTML page (no script, no image file, nothing fetched).

Three panels over the job's weeks: uses; share of answers that said it helped, with the
pilot's 83 %; minutes saved per active workstation, with the pilot's band of one to two
hours. Text stays text (searchable, printed sharp); the output is the same for the same
figures (no date in the file, element ids salted by the job), so two reports compare.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG  # imported by name, frozen too
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

BLUE = "#2f6db3"
GREEN = "#3c8c5a"
ORANGE = "#c8742b"
PILOT = "#8a8a8a"
MM = 1 / 25.4  # inches per millimetre


@dataclass(frozen=True)
class WeekPoint:
    week: str  # ISO week, 2026-W14
    uses: int
    share_helped: float | None
    minutes_per_workstation: float | None


def job_chart(
    job: str,
    points: Sequence[WeekPoint],
    pilot_helped: float,
    pilot_minutes: tuple[int, int],
) -> str:
    """The job's three panels as an <svg> element (no XML prologue), for an HTML page."""
    labels = [_short_week(p.week) for p in points]
    x = list(range(len(points)))
    with rc_context(
        {
            "svg.fonttype": "none",  # text as <text>, in the page's font
            "svg.hashsalt": f"hospidesk-{job}",  # ids unique per job in one page, stable per run
            "font.family": "sans-serif",
            "font.size": 7.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 8.5,
            "axes.titlelocation": "left",
        }
    ):
        figure = Figure(figsize=(180 * MM, 52 * MM), layout="constrained")
        FigureCanvasSVG(figure)  # the figure's canvas: no backend looked up by name
        uses, helped, minutes = figure.subplots(1, 3)

        uses.bar(x, [p.uses for p in points], color=BLUE, width=0.7)
        uses.set_title("Usages par semaine")
        uses.yaxis.set_major_locator(MaxNLocator(integer=True))

        shares = [p.share_helped for p in points]
        _line(helped, x, shares, GREEN)
        helped.axhline(pilot_helped, color=PILOT, linestyle="--", linewidth=1)
        helped.annotate(
            f"pilote {pilot_helped:.0%}".replace("%", " %"),
            (0, pilot_helped),
            xytext=(2, 2),
            textcoords="offset points",
            color=PILOT,
        )
        helped.set_ylim(0, 1.05)
        helped.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))
        helped.set_title("Ont dit que cela aidait")

        per_station = [p.minutes_per_workstation for p in points]
        _line(minutes, x, per_station, ORANGE)
        minutes.axhspan(*pilot_minutes, color=PILOT, alpha=0.15, linewidth=0)
        minutes.annotate(
            f"pilote {pilot_minutes[0] // 60} à {pilot_minutes[1] // 60} h",
            (0, pilot_minutes[1]),
            xytext=(2, -9),
            textcoords="offset points",
            color=PILOT,
        )
        top = max([pilot_minutes[1], *(v for v in per_station if v is not None)])
        minutes.set_ylim(0, top * 1.15)
        minutes.set_title("Minutes gagnées par poste actif")

        for axes in (uses, helped, minutes):
            axes.set_xticks(x, labels)
            axes.tick_params(axis="x", labelrotation=45 if len(x) > 8 else 0)
            if len(x) > 16:  # one label in two, the bars stay
                for index, label in enumerate(axes.get_xticklabels()):
                    label.set_visible(index % 2 == 0)

        buffer = io.StringIO()
        no_metadata = dict.fromkeys(("Date", "Creator", "Format", "Type"))
        figure.savefig(buffer, format="svg", metadata=no_metadata)
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    title = f"<title>{_escape(job)} : usages, part aidée, minutes gagnées par semaine</title>"
    return svg.replace(">", ' role="img">' + title, 1)


def _line(axes: Axes, x: list[int], values: Sequence[float | None], color: str) -> None:
    """Points joined where weeks follow; a week without answers is a gap, not a zero."""
    ys = [float("nan") if v is None else v for v in values]
    axes.plot(x, ys, color=color, marker="o", markersize=3, linewidth=1.5)
    axes.set_xlim(-0.6, max(len(x) - 0.4, 0.6))


def _short_week(week: str) -> str:
    """2026-W14 → S14 (the year is in the table beside)."""
    _, _, number = week.partition("-W")
    return f"S{number}" if number else week


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
