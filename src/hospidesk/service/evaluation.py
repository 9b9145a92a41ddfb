"""``hospidesk stats merge``: the exports of many workstations as one report per job, for the
evaluation team and the committee's file (a self-contained HTML page, printable on A4; the
merged table as CSV).

Figures per job and ISO week: uses, share of answers that said it helped, minutes saved (in
all and per active workstation), share of exports with few edits, groups suppressed; the
tasks most used and those most rewritten (candidates for better prompts); the pilot's
reference figures beside them (83 % saw a benefit; half saved one to two hours a week).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from hospidesk.fsutil import atomic_write_text, check_writable_target
from hospidesk.governance.merge import COUNTS, Merged, export_files, merge
from hospidesk.governance.stats_files import Export, MergeError, read_export

PILOT_SHARE_HELPED = 0.83
PILOT_MINUTES_PER_WEEK = (60, 120)


@dataclass(frozen=True)
class MergeResult:
    files: int
    groups: int
    suppressed: int
    out: Path
    csv_out: Path | None
    skipped: tuple[tuple[str, str], ...] = ()
    """The files set aside, each with why (French)."""


def merge_exports(
    paths: list[Path], out: Path, tasks: Mapping[str, str], csv_out: Path | None = None
) -> MergeResult:
    """``tasks``: every task the packs define, by reference, with its job: a group of another
    task is not an export of this hospital's HospiDesk."""
    files = export_files(paths)
    exports: list[Export] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            exports.append(read_export(path, tasks))
        except MergeError as exc:
            skipped.append((path.name, exc.message.removeprefix(f"{path.name} : ")))
        except Exception as exc:  # a file on the share must never stop the merge
            skipped.append((path.name, f"illisible ({type(exc).__name__})"))
    merged = merge(exports, skipped)
    check_writable_target(out)
    atomic_write_text(out, render_html(merged), mode=0o644)
    if csv_out is not None:
        check_writable_target(csv_out)
        atomic_write_text(csv_out, merged_csv(merged), mode=0o644)
    suppressed = sum(t.suppressed for t in merged.groups.values())
    return MergeResult(merged.files, len(merged.groups), suppressed, out, csv_out, merged.skipped)


def merged_csv(merged: Merged) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["job", "task", "week", "workstations", *COUNTS, "few_edits", "share_helped",
         "share_few_edits", "suppressed_groups"]
    )  # fmt: skip
    for (job, task, week), totals in sorted(merged.groups.items()):
        writer.writerow(
            [
                safe_cell(job),
                safe_cell(task),
                safe_cell(week),
                len(totals.workstations),
                *(totals.counts[name] for name in COUNTS),
                totals.few_edits,
                _ratio(totals.share_helped),
                _ratio(totals.share_few_edits),
                totals.suppressed,
            ]
        )
    return buffer.getvalue()


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one that would start a formula (=, +, -, @,
    or a tab or return before them) is quoted with a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}\u00a0%"  # never split from its number


def report_context(merged: Merged) -> dict[str, object]:
    # matplotlib takes most of a second to import: only the command that draws pays for it
    from hospidesk.service.charts import WeekPoint, job_chart

    jobs = []
    for job, weeks in merged.by_job_week().items():
        rows = []
        points = []
        for week, totals in weeks.items():
            active = len(totals.workstations)
            minutes = totals.counts["minutes_saved_sum"]
            points.append(
                WeekPoint(
                    week,
                    totals.counts["uses"],
                    totals.share_helped,
                    minutes / active if active else None,
                )
            )
            rows.append(
                {
                    "week": week,
                    "uses": totals.counts["uses"],
                    "helped": _percent(totals.share_helped),
                    "minutes": minutes,
                    "per_workstation": f"{minutes / active:.0f}" if active else "—",
                    "few_edits": _percent(totals.share_few_edits),
                    "suppressed": totals.suppressed,
                }
            )
        tasks = merged.by_task(job)
        used = sorted(tasks.items(), key=lambda item: -item[1].counts["uses"])[:5]
        rewritten = sorted(
            ((t, v) for t, v in tasks.items() if v.counts["exported"] >= 3),
            key=lambda item: item[1].share_few_edits or 0.0,
        )[:5]
        answered = sum(w.counts["answered"] for w in weeks.values())
        helped = sum(w.counts["helped_yes"] + w.counts["helped_some"] for w in weeks.values())
        active_weeks = [w for w in weeks.values() if w.workstations]
        minutes_per_station = [
            w.counts["minutes_saved_sum"] / len(w.workstations) for w in active_weeks
        ]
        jobs.append(
            {
                "job": job,
                "weeks": rows,
                "chart": Markup(  # noqa: S704 - matplotlib's SVG of our numbers; the title escaped
                    job_chart(job, points, PILOT_SHARE_HELPED, PILOT_MINUTES_PER_WEEK)
                ),
                "used": [(t, v.counts["uses"]) for t, v in used],
                "rewritten": [(t, _percent(v.share_few_edits)) for t, v in rewritten],
                "helped": _percent(helped / answered if answered else None),
                "minutes_per_station": (
                    f"{sum(minutes_per_station) / len(minutes_per_station):.0f}"
                    if minutes_per_station
                    else "—"
                ),
            }
        )
    return {
        "files": merged.files,
        "skipped": merged.skipped,
        "threshold": merged.threshold,
        "jobs": jobs,
        "pilot_helped": _percent(PILOT_SHARE_HELPED),
        "pilot_minutes": PILOT_MINUTES_PER_WEEK,
    }


TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>HospiDesk — mesure des gains</title>
<style>
@page { size: A4; margin: 18mm 15mm; }
body { font-family: sans-serif; font-size: 10.5pt; color: #1b1b1b; max-width: 180mm; margin: auto; }
h1 { font-size: 17pt; } h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #8fb3de; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; page-break-inside: avoid; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: right; }
td:first-child { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #e8f0fc; }
.note { color: #555; font-size: 9pt; }
section { page-break-before: auto; page-break-inside: avoid; }
figure.chart { margin: .4em 0; } figure.chart svg { width: 100%; height: auto; }
</style>
</head>
<body>
<h1>Mesure des gains — HospiDesk</h1>
<p>{{ files }} export(s) de postes réunis{% if threshold %} ; groupes de moins de
{{ threshold }} usages supprimés sur chaque poste{% endif %}. Aucune donnée nominative :
des usages comptés par métier, tâche et semaine.</p>
{% if skipped %}<p class="note">{{ skipped | length }} fichier(s) écarté(s) :</p>
<ul class="note">{% for name, reason in skipped %}<li>{{ name }} : {{ reason }}</li>
{% endfor %}</ul>
{% endif %}
<p class="note">Référence du pilote : {{ pilot_helped }} des utilisateurs voyaient un bénéfice
réel ; la moitié gagnait {{ pilot_minutes[0] // 60 }} à {{ pilot_minutes[1] // 60 }} heures
par semaine.</p>
{% for job in jobs %}
<section>
<h2>{{ job.job }}</h2>
<p>Ont dit que cela les aidait : <strong>{{ job.helped }}</strong> des réponses (pilote :
{{ pilot_helped }}). Minutes gagnées par poste actif et par semaine :
<strong>{{ job.minutes_per_station }}</strong> (pilote : {{ pilot_minutes[0] }} à
{{ pilot_minutes[1] }}).</p>
<figure class="chart">{{ job.chart }}</figure>
<table>
<tr><th>Semaine</th><th>Usages</th><th>Aidé</th><th>Minutes gagnées</th>
<th>par poste actif</th><th>Exports peu retouchés</th><th>Groupes supprimés</th></tr>
{% for row in job.weeks %}
<tr><td>{{ row.week }}</td><td>{{ row.uses }}</td><td>{{ row.helped }}</td>
<td>{{ row.minutes }}</td><td>{{ row.per_workstation }}</td><td>{{ row.few_edits }}</td>
<td>{% if row.suppressed %}{{ row.suppressed }} groupe{{ "s" if row.suppressed > 1 }} de
moins de {{ threshold or "N" }} usages{% else %}—{% endif %}</td></tr>
{% endfor %}
</table>
<table>
<tr><th>Tâches les plus utilisées</th><th>Usages</th></tr>
{% for task, uses in job.used %}<tr><td>{{ task }}</td><td>{{ uses }}</td></tr>{% endfor %}
</table>
{% if job.rewritten %}
<table>
<tr><th>Tâches les plus retouchées (prompts à revoir)</th><th>Exports peu retouchés</th></tr>
{% for task, share in job.rewritten %}<tr><td>{{ task }}</td><td>{{ share }}</td></tr>{% endfor %}
</table>
{% endif %}
</section>
{% endfor %}
</body>
</html>
"""


def render_html(merged: Merged) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(TEMPLATE).render(**report_context(merged))
