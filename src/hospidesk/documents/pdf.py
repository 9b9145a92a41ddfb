"""PDF sources: text PDFs read page by page (pypdf), in a child process with a wall-clock
timeout and a memory ceiling, so that a crafted file (a decompression bomb, deeply nested
objects, thousands of pages) costs at most a few seconds and never the window.

A PDF without a text layer (a scan) and an encrypted PDF get a clear message; OCR is out of
scope.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from hospidesk.children import child_env, python_child
from hospidesk.documents.source import SourceDocument
from hospidesk.errors import UsageError

TIMEOUT_SECONDS = 4.0
MAX_PAGES = 300
MEMORY_BYTES = 1536 * 1024 * 1024
CHILD_FLAG = "--read-pdf"


def child_command() -> list[str]:
    return python_child("hospidesk.documents.pdf_child", CHILD_FLAG)


def read_pdf(raw: bytes, name: str) -> SourceDocument:
    env = child_env()
    try:
        proc = subprocess.run(
            child_command(),
            input=raw,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"PDF trop complexe pour être lu en {TIMEOUT_SECONDS:.0f} secondes : {name}. "
            "Enregistrez-le à nouveau (« Imprimer en PDF ») ou copiez-en le texte."
        ) from None
    try:
        answer: dict[str, Any] = json.loads(proc.stdout)
    except ValueError:
        answer = {"error": "crashed"}
    return _document(answer, name)


def _document(answer: dict[str, Any], name: str) -> SourceDocument:
    error = answer.get("error")
    if error == "encrypted":
        raise UsageError(
            f"PDF protégé par un mot de passe : {name}. Demandez une version sans protection "
            "ou copiez-en le texte."
        )
    if error == "too_many_pages":
        raise UsageError(
            f"PDF trop long : {name} ({answer.get('pages')} pages, {MAX_PAGES} au maximum). "
            "Gardez les pages utiles (« Imprimer en PDF » une sélection)."
        )
    if error is not None:
        raise UsageError(
            f"PDF endommagé ou trop complexe, illisible : {name}. Enregistrez-le à nouveau "
            "(« Imprimer en PDF ») ou copiez-en le texte."
        )
    pages = [str(p) for p in answer.get("pages", [])]
    if not any(page.strip() for page in pages):
        raise UsageError(
            f"Ce PDF ne contient pas de texte (document scanné ?) : {name}. La reconnaissance "
            "de caractères n'est pas prise en charge : demandez la version texte du document."
        )
    if len(pages) == 1:
        text = pages[0].strip()
    else:
        text = "\n\n".join(f"[Page {n}]\n{page.strip()}" for n, page in enumerate(pages, start=1))
    return SourceDocument(name, text, "pdf", pages=len(pages))
