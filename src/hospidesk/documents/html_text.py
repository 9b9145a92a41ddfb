"""HTML (mostly e-mail bodies) to the text a person reads: inscriptis lays it out (lists,
tables, paragraphs); a small lxml pass first removes what Outlook adds around the text
(conditional comments, ``o:p`` paragraphs, style sheets, scripts) and marks where a quoted
previous message begins (Outlook's reply block, ``blockquote``)."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from inscriptis import get_text

MAX_HTML_CHARS = 5_000_000
ORIGINAL = "-----Message d'origine-----"
"""Put before a quoted message found in the markup; ``mail.mark_quoted`` recognises it."""

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPLY_BLOCK = re.compile(r"border-top\s*:\s*solid", re.I)


def html_to_text(html: str) -> str:
    html = _CONTROL.sub("", html[:MAX_HTML_CHARS])  # XML cannot hold them; no text is lost
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses one in a decoded string
    if not html.strip():
        return ""
    try:
        tree = lxml.html.document_fromstring(html)
        _clean(tree)
        _mark_quote(tree)
    except (lxml.etree.LxmlError, ValueError):
        return ""
    text: str = get_text(lxml.html.tostring(tree, encoding="unicode"))
    return text


def _clean(tree: lxml.html.HtmlElement) -> None:
    for node in tree.xpath("//comment() | //processing-instruction()"):
        _drop(node)
    for node in tree.xpath("//style | //script | //head | //noscript | //template | //xml"):
        _drop(node)
    for node in tree.iter():
        if isinstance(node.tag, str) and ":" in node.tag:  # o:p, v:shape, w:…
            node.drop_tag()


def _drop(node: lxml.etree._Element) -> None:
    """Remove a node but keep the text that follows it (its tail)."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _mark_quote(tree: lxml.html.HtmlElement) -> None:
    """A paragraph « -----Message d'origine----- » before the first quoted message."""
    candidates = tree.xpath(
        "//blockquote | //div[@id='divRplyFwdMsg'] | //div[contains(@class, 'gmail_quote')]"
    )
    candidates += [
        div
        for div in tree.iter("div")
        if _REPLY_BLOCK.search(div.get("style", ""))
        and re.search(r"\b(De|From)\b", div.text_content())
    ]
    if not candidates:
        return
    order = {node: index for index, node in enumerate(tree.iter())}
    first = min(candidates, key=lambda node: order.get(node, 0))
    marker = lxml.html.Element("p")
    marker.text = ORIGINAL
    first.addprevious(marker)
