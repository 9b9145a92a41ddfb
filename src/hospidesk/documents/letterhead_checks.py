"""The checks of a letterhead: those of everything that becomes a document (no outside
reference, no field that fetches, no embedded object, no renamed Word template, pictures that
are sane PNG or JPEG files: :mod:`hospidesk.documents.checks`)."""

from __future__ import annotations

from hospidesk.documents.checks import inspect_docx


def letterhead_problems(data: bytes) -> list[str]:
    """Every reason to refuse ``data`` as a letterhead, in French (empty when it is usable)."""
    return [problem.reason for problem in inspect_docx(data)]
