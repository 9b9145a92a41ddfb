"""Filing in the patient record, timed (make bench-dpi): a one-page letter from Word to the
interface engine's acknowledgement (docx → PDF/A → CDA → MDM → ACK), step by step, beside the
Word export alone (the user's path without filing) in the same run, as a ratio.

The interface engine is python-hl7's MLLP server on 127.0.0.1 (tests/dpi/eai.py); LibreOffice
makes the PDF. Writes bench/dpi.md and bench/dpi.json.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROUNDS = 5
BODY = (
    "Nous vous confirmons le rendez-vous de consultation de cardiologie du 12 mars 2027 à "
    "14h30, au bâtiment C, deuxième étage. Merci d'apporter votre carte Vitale, l'ordonnance "
    "du Dr Martin et vos derniers résultats d'analyses. En cas d'empêchement, prévenez le "
    "secrétariat au 04 72 11 22 33 au moins 48 heures avant."
)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def main() -> int:
    from bench.benchutil import stats

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["HOSPIDESK_HOME"] = str(folder / "home")
        os.environ["HOSPIDESK_SITE_DIR"] = str(folder / "site")
        (folder / "site").mkdir()
        from tests.dpi.eai import running_eai
        from tests.dpi.messages import AUTHOR, FINESS, PATIENT, STAY

        from hospidesk.documents.pdfa import to_pdfa
        from hospidesk.dpi.cda import Document, clinical_document
        from hospidesk.dpi.hl7 import Filing, encode, mdm, read_ack
        from hospidesk.dpi.identity import DocumentVersion
        from hospidesk.dpi.mllp import Endpoint, exchange
        from hospidesk.service.export import ExportRequest, export_draft, render_export
        from hospidesk.service.workspace import Workspace

        ws = Workspace.open()
        request = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
        steps: dict[str, list[float]] = {
            k: [] for k in ("export", "docx", "pdf", "cda", "mdm", "ack", "filing")
        }
        with running_eai() as eai:
            for number in range(ROUNDS):
                started = time.monotonic()
                export_draft(ws, request, folder / "lettre.docx", dt.date(2026, 12, 6))
                steps["export"].append(time.monotonic() - started)
                marks = [time.monotonic()]
                docx = render_export(ws, request, dt.date(2026, 12, 6))
                marks.append(time.monotonic())
                pdf = to_pdfa(docx, BODY)
                marks.append(time.monotonic())
                version = DocumentVersion.first()
                now = dt.datetime.now().astimezone()
                cda = clinical_document(
                    Document(
                        version, PATIENT, STAY, AUTHOR, FINESS, "CH d'Exemple", "11490-0",
                        "Lettre de sortie", "Convocation", now, pdf,
                    )
                )  # fmt: skip
                marks.append(time.monotonic())
                data = encode(
                    mdm(
                        Filing(
                            f"BENCH-{number}", version, PATIENT, STAY, AUTHOR, FINESS,
                            "11490-0", "Lettre de sortie", now, cda,
                        ),
                        now,
                    )
                )  # fmt: skip
                marks.append(time.monotonic())
                ack = read_ack(exchange(Endpoint(eai.host, eai.port), data))
                assert ack.accepted and ack.answers(f"BENCH-{number}")
                marks.append(time.monotonic())
                for name, (a, b) in zip(
                    ("docx", "pdf", "cda", "mdm", "ack"),
                    itertools.pairwise(marks),
                    strict=True,
                ):
                    steps[name].append(b - a)
                steps["filing"].append(marks[-1] - marks[0])
        sizes = {"pdf_bytes": len(pdf), "cda_bytes": len(cda), "message_bytes": len(data)}
    result = {k: stats(v) for k, v in steps.items()}
    ratio = result["filing"]["median"] / result["export"]["median"]
    data_out = {
        "date": dt.datetime.now().isoformat(timespec="minutes"),
        "rounds": ROUNDS,
        "seconds": result,
        "filing_over_export": round(ratio, 2),
        **sizes,
    }
    (ROOT / "bench" / "dpi.json").write_text(json.dumps(data_out, indent=2) + "\n")
    rows = "\n".join(
        f"| {name} | {v['median']:.3f} | {v['min']:.3f} | {v['max']:.3f} |"
        for name, v in result.items()
    )
    (ROOT / "bench" / "dpi.md").write_text(
        "# Filing in the patient record: one-page letter, Word to acknowledgement\n\n"
        f"{ROUNDS} rounds, {data_out['date']}; the interface engine on 127.0.0.1 (python-hl7's "
        "MLLP server); LibreOffice headless makes the PDF/A.\n\n"
        "| step | median s | min s | max s |\n| --- | --- | --- | --- |\n"
        f"{rows}\n\n"
        f"Filing (docx → PDF/A → CDA → MDM → ACK) takes **{ratio:.1f}×** the Word export alone. "
        f"PDF {_n(sizes['pdf_bytes'])} bytes, CDA {_n(sizes['cda_bytes'])}, message "
        f"{_n(sizes['message_bytes'])}.\n"
    )
    print((ROOT / "bench" / "dpi.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
