"""Reading PDFs, scans and faxes (make bench-ocr): time, the reader's peak memory, and how
often OCR gives a wrong figure without flagging it.

1. Text PDFs: a 117-page thesis and a 30-page report, printed to PDF by LibreOffice, read
   through the reader's child (PDFium), against pypdf's layout mode (the former reader) on
   the same files in the same run.
2. OCR: seconds per page and the reader's peak memory (the child and Tesseract, its child)
   for a 300 dpi scan, a G4 fax and a text PDF, each read in a fresh process.
3. Figures: French letters (examples/ and a payment reminder) printed, then scanned in eight
   ways (black and white, turned, blurred, speckled, grey, 150 dpi, fax in standard mode,
   a photo-like page). Every number of the letter is counted: read right, read wrong and
   flagged, read wrong and not flagged (slipped through), and the right ones flagged anyway;
   and from the letter's side, each number OCR changed or lost, flagged where it was read
   or not.

Writes bench/ocr.md and bench/ocr.json.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.documents.scan_maker import (  # noqa: E402
    LETTER,
    as_fax,
    as_pdf,
    printed,
    scanned,
    tokens,
)

from hospidesk.documents.source import SourceDocument  # noqa: E402
from hospidesk.documents.sources import read_document_bytes  # noqa: E402

ROUNDS = 5
NUMBER = re.compile(r"\d+(?:[,./:-]\d+)*")
EDGE = ".,;:!?()«»\"'’"
LETTERS = {
    "relance de paiement": LETTER,
    "réclamation": (ROOT / "examples" / "reclamation.txt").read_text(encoding="utf-8"),
    "demande d'agent": (ROOT / "examples" / "demande-agent.txt").read_text(encoding="utf-8"),
    "déclaration d'EI": (ROOT / "examples" / "declaration-ei.txt").read_text(encoding="utf-8"),
}
DAMAGES: dict[str, dict[str, Any]] = {
    "noir et blanc 200 dpi, 1,5°": {},
    "tourné de −3°": {"turn": -3.0},
    "flou": {"blur": 1.0},
    "moucheté (1 %)": {"noise": 0.01},
    "gris": {"bilevel": False},
    "150 dpi": {"dpi": 150},
    "photo (gris, flou, 2,5°)": {"bilevel": False, "blur": 0.8, "turn": 2.5},
}


def thesis_text(pages: int = 117) -> str:
    """A long report: chapters of paragraphs and a table each, about ``pages`` pages."""
    words = (ROOT / "examples" / "fil-long.txt").read_text(encoding="utf-8").split()
    blocks = []
    for chapter in range(1, round(pages / 5.9) + 1):  # 30 paragraphs: about 5.9 pages
        blocks.append(f"Chapitre {chapter} : étude n° {chapter * 7}")
        for paragraph in range(30):
            start = (chapter * 131 + paragraph * 97) % (len(words) - 120)
            blocks.append(" ".join(words[start : start + 95]))
    return "\n\n".join(blocks)


# 1. Text PDFs.


def pypdf_layout(data: bytes) -> int:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return sum(len(p.extract_text(extraction_mode="layout")) for p in reader.pages)


def text_pdfs() -> dict[str, Any]:
    import pypdfium2 as pdfium

    results: dict[str, Any] = {}
    for label, text in (("thèse", thesis_text()), ("rapport", thesis_text(30))):
        data = printed(text)
        pages = len(pdfium.PdfDocument(data))
        ours, former = [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            document = read_document_bytes(data, f"{label}.pdf")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            pypdf_layout(data)
            former.append(time.perf_counter() - started)
        results[label] = {
            "pages": pages,
            "kib": len(data) // 1024,
            "characters": len(document.text),
            "pdfium_child_s": statistics.median(ours),
            "pypdf_in_process_s": statistics.median(former),
        }
    return results


# 2. OCR: time per page and peak memory, each in a fresh process.


def one(path: str) -> None:
    """In the worker: read ``path``, say the time, the pages and the reader's peak memory."""
    file = Path(path)
    started = time.perf_counter()
    document = read_document_bytes(file.read_bytes(), file.name)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the whole tree
    print(json.dumps({"seconds": seconds, "pages": document.pages, "peak_kib": peak}))


def measured(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    answer: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return answer


def ocr_speed(folder: Path) -> dict[str, Any]:
    letter = printed()
    three = printed("\n\n".join([LETTER] * 3))  # three pages of letter
    files = {
        "scan 300 dpi, 3 pages (PDF)": ("scan.pdf", as_pdf(scanned(three, dpi=300), dpi=300)),
        "fax G4 204 × 196 dpi, 3 pages (TIFF)": ("fax.tif", as_fax(scanned(three))),
        "PDF texte, 1 page": ("lettre.pdf", letter),
    }
    results = {}
    for label, (name, data) in files.items():
        path = folder / name
        path.write_bytes(data)
        runs = [measured(path) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        pages = best["pages"] or 1
        results[label] = {
            "pages": pages,
            "seconds": statistics.median(r["seconds"] for r in runs),
            "seconds_per_page": statistics.median(r["seconds"] for r in runs) / pages,
            "peak_mib": max(r["peak_kib"] for r in runs) / 1024,
        }
    return results


# 3. Figures.


def figures(document: SourceDocument, text: str) -> dict[str, int]:
    right = set(NUMBER.findall(text))
    read = re.sub(r"\[Page \d+\]", lambda m: " " * len(m.group()), document.text)

    def flagged(at: int) -> bool:
        return any(d.start <= at < d.end for d in document.doubtful)

    counts = {"numbers": len(NUMBER.findall(text)), "right": 0, "right_flagged": 0}
    counts.update({"wrong_flagged": 0, "slipped": 0})
    for match in NUMBER.finditer(read):
        if match.group() in right:
            counts["right"] += 1
            counts["right_flagged"] += flagged(match.start())
        elif flagged(match.start()):
            counts["wrong_flagged"] += 1
        else:
            counts["slipped"] += 1
    expected = tokens(text)
    matcher = difflib.SequenceMatcher(a=expected, b=tokens(document.text), autojunk=False)
    counts["words"] = len(expected)
    counts["words_right"] = sum(b.size for b in matcher.get_matching_blocks())
    counts["spans"] = len(document.doubtful)
    counts["changed_flagged"], counts["changed"] = changed_numbers(document, text)
    return counts


def changed_numbers(document: SourceDocument, text: str) -> tuple[int, int]:
    """The letter's numbers that OCR changed or lost, seen from the letter: the letter and
    the reading aligned word by word, each changed stretch whose digits differ counted as
    flagged when a doubtful span covers what was read there, else not (nothing read, or read
    wrong unflagged)."""
    original = [m.group().strip(EDGE) for m in re.finditer(r"\S+", text)]
    spots = list(re.finditer(r"\S+", document.text))
    read = [m.group().strip(EDGE) for m in spots]
    flagged = silent = 0
    matcher = difflib.SequenceMatcher(a=original, b=read, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        numbers = sum(len(NUMBER.findall(t)) for t in original[i1:i2])
        if op == "equal" or not numbers:
            continue
        if digits(original[i1:i2]) == digits(read[j1:j2]):
            continue  # « 8 h 30 » read « 8h 30 »: the same figures
        covered = any(
            d.start < spots[j].end() and spots[j].start() < d.end
            for j in range(j1, j2)
            for d in document.doubtful
        )
        if covered:
            flagged += numbers
        else:
            silent += numbers
    return flagged, silent


def digits(words: list[str]) -> str:
    return "".join(ch for word in words for ch in word if ch.isdigit())


def flagging() -> dict[str, dict[str, dict[str, int]]]:
    results: dict[str, dict[str, dict[str, int]]] = {}
    for label, text in LETTERS.items():
        pdf = printed(text)
        results[label] = {}
        for damage, options in DAMAGES.items():
            document = read_document_bytes(as_pdf(scanned(pdf, **options)), "scan.pdf")
            results[label][damage] = figures(document, text)
        fax = as_fax(scanned(pdf, turn=0), dpi=(204, 98))
        results[label]["fax, mode standard"] = figures(read_document_bytes(fax, "f.tif"), text)
    return results


def report(pdfs: dict[str, Any], speed: dict[str, Any], flags: dict[str, Any]) -> str:
    lines = ["# Reading PDFs, scans and faxes (bench/ocr.py)", "", "## Text PDFs", ""]
    lines += [
        "| file | pages | KiB | PDFium, child process (s) | pypdf layout, in process (s) | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for label, r in pdfs.items():
        ratio = r["pypdf_in_process_s"] / r["pdfium_child_s"]
        lines.append(
            f"| {label} | {r['pages']} | {r['kib']} | {r['pdfium_child_s']:.2f} | "
            f"{r['pypdf_in_process_s']:.2f} | {ratio:.1f}× faster |"
        )
    lines += ["", f"Medians of {ROUNDS} rounds, alternating.", "", "## OCR: time and memory", ""]
    lines += [
        "| file | pages | total (s) | per page (s) | reader's peak memory (MiB) |",
        "|---|---|---|---|---|",
    ]
    for label, r in speed.items():
        lines.append(
            f"| {label} | {r['pages']} | {r['seconds']:.2f} | {r['seconds_per_page']:.2f} | "
            f"{r['peak_mib']:.0f} |"
        )
    lines += [
        "",
        "Each file read 3 times in a fresh process (median); the time includes starting the "
        "reader's child. Peak memory: the largest of the reader's processes (Python child or "
        "Tesseract).",
        "",
        "## Figures read by OCR",
        "",
        "| letter | scan | words right | numbers | right | wrong, flagged | wrong, NOT "
        "flagged | changed in the letter, flagged | changed in the letter, NOT flagged | "
        "right but flagged | spans |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    total = dict.fromkeys(("numbers", "slipped", "wrong_flagged", "right_flagged", "right"), 0)
    total["changed"] = total["changed_flagged"] = 0
    for letter, damages in flags.items():
        for damage, c in damages.items():
            for key in total:
                total[key] += c[key]
            lines.append(
                f"| {letter} | {damage} | {c['words_right'] / c['words']:.1%} | {c['numbers']} | "
                f"{c['right']} | {c['wrong_flagged']} | {c['slipped']} | {c['changed_flagged']} | "
                f"{c['changed']} | {c['right_flagged']} | {c['spans']} |"
            )
    lines += [
        "",
        f"In all: {total['numbers']} numbers in the letters; {total['right']} read right "
        f"({total['right_flagged']} of them flagged anyway), {total['wrong_flagged']} read "
        f"wrong and flagged, **{total['slipped']} read wrong without a flag**. Seen from the "
        f"letters: {total['changed_flagged']} numbers changed or lost by OCR (« ler » for "
        f"« 1er », « 15000 » for « 45000 ») with a flag where they were read, "
        f"**{total['changed']} without one**.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2])
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        pdfs = text_pdfs()
        speed = ocr_speed(Path(folder))
        flags = flagging()
    text = report(pdfs, speed, flags)
    (ROOT / "bench" / "ocr.md").write_text(text, encoding="utf-8")
    data = {"text_pdfs": pdfs, "ocr": speed, "figures": flags}
    (ROOT / "bench" / "ocr.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
