"""The letterheads IT put in the site directory, read and checked once per process.

``letterhead.docx`` is the hospital's; ``letterheads/<job>.docx`` replaces it for the tasks of
that job (a pack's ``job``). A refused one is said in one line (``hospidesk doctor``, the
window's banner, the audit trail) and never applied: the tasks it concerned use the site's
letterhead (for a job's) or their own templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hospidesk.documents.letterhead import Letterhead, LetterheadRefused, read_letterhead
from hospidesk.packs.model import IDENT_RE
from hospidesk.paths import Paths


@dataclass(frozen=True)
class Letterheads:
    site: Letterhead | None = None
    jobs: Mapping[str, Letterhead] = field(default_factory=dict)
    refused: tuple[LetterheadRefused, ...] = ()

    def for_job(self, job: str) -> Letterhead | None:
        """The letterhead of ``job``'s documents: its own, else the site's, else none."""
        return self.jobs.get(job, self.site)

    @property
    def problems(self) -> list[str]:
        """One line per refused letterhead, with what happens instead."""
        return [f"{refusal.message} {instead(refusal)}" for refusal in self.refused]


def instead(refusal: LetterheadRefused) -> str:
    if refusal.label.startswith("letterheads/"):
        return "Les documents de ce métier utilisent l'en-tête de l'établissement, s'il y en a un."
    return (
        "Les documents sont produits avec les modèles des tâches, sans en-tête de l'établissement."
    )


def load_letterheads(paths: Paths) -> Letterheads:
    """Every letterhead of the site directory, each checked; refusals collected, not raised."""
    refused: list[LetterheadRefused] = []
    site: Letterhead | None = None
    if paths.site_letterhead.exists():
        try:
            site = read_letterhead(paths.site_letterhead, "letterhead.docx")
        except LetterheadRefused as exc:
            refused.append(exc)
    jobs: dict[str, Letterhead] = {}
    for path in job_files(paths.site_letterheads_dir):
        label = f"letterheads/{path.name}"
        if not IDENT_RE.fullmatch(path.stem):
            reason = "son nom n'est pas celui d'un métier (en minuscules, ex. pharmacie.docx)"
            refused.append(LetterheadRefused(label, reason))
            continue
        try:
            jobs[path.stem] = read_letterhead(path, label)
        except LetterheadRefused as exc:
            refused.append(exc)
    return Letterheads(site, jobs, tuple(refused))


def job_files(folder: Path) -> list[Path]:
    """The .docx of ``folder``, without Word's lock files (``~$…``) and hidden files."""
    try:
        return sorted(
            p
            for p in folder.iterdir()
            if p.suffix.lower() == ".docx" and not p.name.startswith(("~$", "."))
        )
    except OSError:
        return []
