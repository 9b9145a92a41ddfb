"""How long reading a source takes: a 30-page text PDF (child process, pypdf's layout mode)
against the same text as a .txt, in the same run (python bench/sources.py).

Writes bench/sources.md. The PDF's pages hold 40 lines each, a table row every fifth line.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.documents.pdf_maker import text_pdf  # noqa: E402

from hospidesk.documents.sources import read_document_bytes  # noqa: E402

PAGES, ROUNDS = 30, 7


def page(n: int) -> list[str | tuple[str, ...]]:
    lines: list[str | tuple[str, ...]] = []
    for i in range(40):
        if i % 5 == 0:
            lines.append((f"Service {n}-{i}", "24 lits", "21 occupés"))
        else:
            lines.append(f"Page {n}, ligne {i} : le compte rendu de la réunion de service reprend.")
    return lines


def timed(data: bytes, name: str) -> float:
    started = time.perf_counter()
    read_document_bytes(data, name)
    return time.perf_counter() - started


def main() -> int:
    pdf = text_pdf([page(n) for n in range(1, PAGES + 1)])
    text = read_document_bytes(pdf, "rapport.pdf").text.encode()
    pdf_times, txt_times = [], []
    for _ in range(ROUNDS):
        pdf_times.append(timed(pdf, "rapport.pdf"))
        txt_times.append(timed(text, "rapport.txt"))
    pdf_median, txt_median = statistics.median(pdf_times), statistics.median(txt_times)
    lines = [
        "# Reading sources (bench/sources.py)",
        "",
        f"A {PAGES}-page text PDF ({len(pdf) // 1024} KiB, {len(text) // 1024} KiB of text), "
        f"{ROUNDS} rounds, alternating with the same text as a .txt.",
        "",
        "| source | median (s) | min (s) | max (s) |",
        "|---|---|---|---|",
        f"| {PAGES}-page PDF | {pdf_median:.3f} | {min(pdf_times):.3f} | {max(pdf_times):.3f} |",
        f"| same text, .txt | {txt_median:.4f} | {min(txt_times):.4f} | {max(txt_times):.4f} |",
        "",
        f"PDF / .txt: {pdf_median / txt_median:.0f}× (the child process and pypdf); "
        f"target under 2 s: {'met' if pdf_median < 2 else 'NOT met'}.",
        "",
    ]
    (ROOT / "bench" / "sources.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
