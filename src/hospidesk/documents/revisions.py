"""A reformulation as Word revisions: the source text with the changes tracked, word by word.

The letter is rendered as usual (the template places the letterhead, fields and body); then
its body paragraphs are replaced by the source's text in which every change that makes it the
reviewed draft is a tracked revision: ``w:del`` (with ``w:delText``) for what was removed,
``w:ins`` for what was added, a paragraph mark added or removed where paragraphs were split or
joined. The secretary accepts or rejects each change in Word or LibreOffice Writer. The body
paragraphs keep the template's paragraph and character formatting.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
from collections.abc import Iterator
from datetime import datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from hospidesk.documents.render import RenderError, split_paragraphs

AUTHOR = "HospiDesk"
_TOKEN = re.compile(r"\n+|[^\s]+[^\S\n]*|[^\S\n]+")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _tokens(text: str) -> list[str]:
    """Words with the spaces after them, and paragraph breaks, of the paragraphs the template
    shows (Markdown marks removed, blank lines one break), so that a change is never split
    around a lone space."""
    paragraphs = [str(p["texte"]) for p in split_paragraphs(_CONTROL.sub(" ", text))]
    return _TOKEN.findall("\n".join(paragraphs))


class _Builder:
    """Paragraphs of ``w:r``, ``w:ins`` and ``w:del``, with unique revision ids."""

    def __init__(self, ppr: object, rpr: object, author: str, when: str, first_id: int) -> None:
        self.ppr, self.rpr = ppr, rpr
        self.author, self.when = author, when
        self.next_id = first_id
        self.paragraphs: list[object] = []
        self.current = self._paragraph()

    def _paragraph(self) -> object:
        paragraph = OxmlElement("w:p")
        if self.ppr is not None:
            paragraph.append(copy.deepcopy(self.ppr))
        self.paragraphs.append(paragraph)
        return paragraph

    def _mark(self, tag: str) -> object:
        mark = OxmlElement(tag)
        mark.set(qn("w:id"), str(self.next_id))
        mark.set(qn("w:author"), self.author)
        mark.set(qn("w:date"), self.when)
        self.next_id += 1
        return mark

    def _run(self, text: str, deleted: bool) -> object:
        run = OxmlElement("w:r")
        if self.rpr is not None:
            run.append(copy.deepcopy(self.rpr))
        node = OxmlElement("w:delText" if deleted else "w:t")
        node.text = text
        node.set(qn("xml:space"), "preserve")
        run.append(node)
        return run

    def text(self, text: str, change: str | None) -> None:
        """Words and spaces as they are (``None``), removed (``del``) or added (``ins``)."""
        if change is None:
            self.current.append(self._run(text, deleted=False))  # type: ignore[attr-defined]
            return
        wrapper = self._mark(f"w:{change}")
        wrapper.append(self._run(text, deleted=change == "del"))  # type: ignore[attr-defined]
        self.current.append(wrapper)  # type: ignore[attr-defined]

    def paragraph_break(self, change: str | None) -> None:
        """End the paragraph; its mark removed or added when ``change`` says so."""
        if change is not None:
            ppr = self.current.find(qn("w:pPr"))  # type: ignore[attr-defined]
            if ppr is None:
                ppr = OxmlElement("w:pPr")
                self.current.insert(0, ppr)  # type: ignore[attr-defined]
            rpr = ppr.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                ppr.append(rpr)
            rpr.append(self._mark(f"w:{change}"))
        self.current = self._paragraph()


def _pieces(source: str, draft: str) -> Iterator[tuple[str, str | None]]:
    """(token, change) in document order: removed tokens before added ones."""
    a, b = _tokens(source), _tokens(draft)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            yield from ((token, None) for token in a[i1:i2])
            continue
        yield from ((token, "del") for token in a[i1:i2])
        yield from ((token, "ins") for token in b[j1:j2])


def _body_paragraphs(document: object, draft: str) -> list[object]:
    """The rendered body: the run of paragraphs whose texts are the draft's, in order."""
    wanted = [str(p["texte"]) for p in split_paragraphs(draft)]  # as the template shows them
    paragraphs = list(document.paragraphs)  # type: ignore[attr-defined]
    texts = [p.text.strip() for p in paragraphs]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start : start + len(wanted)] == wanted:
            return paragraphs[start : start + len(wanted)]
    return []


def _max_id(element: object) -> int:
    ids = [
        int(value)
        for node in element.iter()  # type: ignore[attr-defined]
        if (value := node.get(qn("w:id"))) is not None and value.lstrip("-").isdigit()
    ]
    return max(ids, default=0)


def with_revisions(
    rendered: bytes, source: str, draft: str, when: datetime, author: str = AUTHOR
) -> bytes:
    """``rendered`` (the letter with ``draft`` as its body) with the body replaced by
    ``source`` revised into ``draft`` as tracked changes."""
    import docx

    document = docx.Document(io.BytesIO(rendered))
    body = _body_paragraphs(document, draft)
    if not body:
        raise RenderError(
            "Le modèle Word ne permet pas d'exporter les modifications (corps introuvable)."
        )
    first = body[0]._p  # type: ignore[attr-defined]
    runs = first.findall(qn("w:r"))
    rpr = runs[0].find(qn("w:rPr")) if runs else None
    builder = _Builder(
        first.find(qn("w:pPr")),
        rpr,
        author,
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        _max_id(document.element) + 1,
    )
    pending, pending_change = "", None
    for token, change in _pieces(source, draft):
        if token.startswith("\n") or change != pending_change:
            if pending:  # one run (one revision) for each stretch of the same change
                builder.text(pending, pending_change)
            pending, pending_change = "", change
        if token.startswith("\n"):
            builder.paragraph_break(change)
        else:
            pending += token
    if pending:
        builder.text(pending, pending_change)
    for paragraph in builder.paragraphs:
        first.addprevious(paragraph)
    for old in body:
        element = old._p  # type: ignore[attr-defined]
        element.getparent().remove(element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
