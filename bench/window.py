"""The window as a user starts it: time to show, event-loop stall while writing, memory.

Run by bench/run.py in a fresh process per round (so the start-up is a real one):
    window.py prepare [THREADS]   accept the usage rules once in this HOSPIDESK_HOME (and
                                  set moteur.threads, the check of facts off)
    window.py measure        start the window and measure; prints one JSON object
    window.py busy           one draft, the warm-up off by policy (bench/busy.py)

Measured from the process's own start (as the OS records it), like a user's double-click:
the window exposed on screen, whether the model was still loading at that moment, the model
ready; five seconds of the warm-up that follows; the source's last sentence typed key by key
(TYPING_SECONDS apart: the form read ahead while the user types), then one real generation
through the window (Générer clicked right after the last key), each with a 5 ms timer whose
longest gap is the longest event-loop stall; the time from the click to the first words in
the draft; the UI process's and the engine process's resident memory after that draft.
Then a letter pasted as the source in one go: « Générer » clicked at once (nothing read
ahead), and the same letter with its first word changed clicked PASTE_CLICK_SECONDS after
the paste (the form read ahead from the moment it landed): the first words after each click.
"""

from __future__ import annotations

import itertools
import json
import sys
import time

import psutil

START = psutil.Process().create_time()  # wall clock, as the OS started this process

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hospidesk.service.draft_events import Text  # noqa: E402
from hospidesk.service.drafting import RunLimits  # noqa: E402
from hospidesk.service.onboarding import choose_job  # noqa: E402
from hospidesk.service.session import accept_rules, open_session  # noqa: E402
from hospidesk.service.workspace import Workspace  # noqa: E402
from hospidesk.ui.app import install_translator, start_window  # noqa: E402
from hospidesk.ui.main_window import MainWindow  # noqa: E402

SOURCE = (
    "Bonjour, suite à votre courrier du 12 février concernant le dossier 2026-114, nous vous "
    "informons que les pièces manquantes doivent être transmises au secrétariat sous huit jours. "
    "Le rendez-vous de consultation est maintenu le 3 mars à 10 h. Cordialement."
)
TYPED = 64  # the source's last characters, typed key by key
TYPING_SECONDS = 0.125  # between two keys: 8 a second, a fast typist
PASTED = (
    "Madame, Monsieur, je me permets de vous écrire au sujet de l'hospitalisation de ma mère, "
    "Mme Jeanne Morel, dans le service de médecine interne depuis le 2 mars. Nous avons reçu "
    "une facture de 412 euros alors que sa mutuelle nous avait confirmé la prise en charge "
    "complète du forfait journalier. Je vous joins l'attestation de la mutuelle et la facture. "
    "Pouvez-vous vérifier le dossier et nous envoyer une facture corrigée ? Par ailleurs, ma "
    "mère doit revenir en consultation le 28 mars : la secrétaire m'a dit qu'un bon de "
    "transport serait nécessaire, mais je ne sais pas qui doit le remplir. Enfin, son médecin "
    "traitant n'a toujours pas reçu le compte rendu de sortie. Merci de votre aide. "
    "Cordialement, Paul Morel."
)
PASTE_CLICK_SECONDS = 1.0  # the user glances at what they pasted, then clicks
DRAFT_LIMITS = RunLimits(64, seed=7, keep_writing=True)
"""Every draft measured: the same 64 tokens whatever the setting (a fixed seed, the end-of-text
token never taken)."""


def click_generate(app: QApplication, window: MainWindow) -> float:
    """Click « Générer » and wait for the draft; seconds from the click to its first words."""
    first_words: list[float] = []

    def told(event: object) -> None:
        if isinstance(event, Text) and event.piece:
            first_words.append(time.perf_counter())

    listener = window.controller.told.connect(told)
    clicked = time.perf_counter()
    window.generate_button.click()
    wait(app, lambda: window.controller.job is None, 300)
    window.controller.told.disconnect(listener)
    if not first_words:  # the model ended at once, or the draft failed: nothing to time
        message = window.statusBar().currentMessage()
        raise SystemExit(f"bench/window.py: no text came; the status bar says {message!r}")
    return first_words[0] - clicked


def paste_and_click(app: QApplication, window: MainWindow, text: str, after: float) -> float:
    """Paste ``text`` as the whole source, click « Générer » ``after`` seconds later (0: in
    the same turn of the event loop); seconds from the click to the first words."""
    QGuiApplication.clipboard().setText(text)
    window.source.selectAll()
    window.source.paste()
    if after:
        pause(app, after)
    return click_generate(app, window)


def wait(app: QApplication, done: object, timeout: float) -> None:
    limit = time.monotonic() + timeout
    while not done() and time.monotonic() < limit:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.001)
    if not done():  # type: ignore[operator]
        raise SystemExit("timed out")


def pause(app: QApplication, seconds: float) -> None:
    limit = time.monotonic() + seconds
    wait(app, lambda: time.monotonic() >= limit, seconds + 1)


def measure(app: QApplication) -> dict[str, object]:
    install_translator(app)
    workspace = Workspace.open()
    open_session(workspace, "fenêtre")
    window = start_window(workspace)
    handle = window.windowHandle()
    wait(app, lambda: handle is not None and handle.isExposed(), 30)
    shown = time.time() - START
    loading_when_shown = window.controller.model is None
    wait(app, lambda: window.controller.model is not None, 120)
    ready = time.time() - START
    # the warm-up starts after the model loads: the window while it reads, nothing asked
    status = window.status.warm
    wait(app, lambda: status.isVisible(), 60)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    limit = time.monotonic() + 5
    wait(app, lambda: time.monotonic() > limit or not status.isVisible(), 10)
    timer.stop()
    warming_gaps = [b - a for a, b in itertools.pairwise(ticks)]
    warming_label = status.text()

    window.controller.worker.limits = DRAFT_LIMITS
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(SOURCE[:-TYPED])
    pause(app, 1.0)  # the user reads what they pasted: the form is read ahead
    ticks = []
    timer.start(5)
    for char in SOURCE[-TYPED:]:  # the last sentence typed, the click right after it
        window.source.moveCursor(QTextCursor.MoveOperation.End)
        window.source.insertPlainText(char)
        pause(app, TYPING_SECONDS)
    timer.stop()
    typing_gaps = [b - a for a, b in itertools.pairwise(ticks)]

    ticks = []
    timer.start(5)
    after_typing = click_generate(app, window)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    engine_pid = window.controller.engine_pid()
    ui_rss = psutil.Process().memory_info().rss
    engine_rss = psutil.Process(engine_pid).memory_info().rss if engine_pid else None
    pasted_at_once = paste_and_click(app, window, PASTED, 0)
    pasted_waited = paste_and_click(
        app, window, PASTED.replace("Madame, Monsieur", "Monsieur, Madame", 1), PASTE_CLICK_SECONDS
    )
    result: dict[str, object] = {
        "window_shown_seconds": shown,
        "model_loading_when_shown": loading_when_shown,
        "model_ready_seconds": ready,
        "longest_stall_ms": max(gaps) * 1000,
        "longest_stall_warming_ms": max(warming_gaps) * 1000,
        "longest_stall_typing_ms": max(typing_gaps) * 1000,
        "first_words_after_typing_seconds": after_typing,
        "first_words_after_paste_at_once_seconds": pasted_at_once,
        "first_words_after_paste_waited_seconds": pasted_waited,
        "paste_click_seconds": PASTE_CLICK_SECONDS,
        "pasted_chars": len(PASTED),
        "warming_label": warming_label,
        "ticks": len(ticks),
        "draft_chars": len(window.draft.toPlainText()),
        "ui_rss_bytes": ui_rss,
        "engine_rss_bytes": engine_rss,
    }
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def busy_draft(app: QApplication) -> dict[str, object]:
    """One letter drafted through the window, its task used for the first time (the policy
    turns the warm-up off: every setting reads the same prompt), while bench/busy.py keeps
    other programs busy: the first words and the whole draft after the click, the longest
    event-loop stall while it reads and writes. Every setting writes the same length: 64
    tokens, and ``window.py prepare`` turns the check of facts off (what it writes follows
    what the draft missed, from 0 to several hundred characters)."""
    install_translator(app)
    workspace = Workspace.open()
    open_session(workspace, "fenêtre")
    window = start_window(workspace)
    wait(app, lambda: window.controller.model is not None, 300)
    window.controller.worker.limits = DRAFT_LIMITS
    window.library.select("secretariat/reformuler-courrier")
    QGuiApplication.clipboard().setText(PASTED)
    window.source.selectAll()
    window.source.paste()
    pause(app, PASTE_CLICK_SECONDS)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    clicked = time.perf_counter()
    first_words = click_generate(app, window)
    whole = time.perf_counter() - clicked
    timer.stop()
    result: dict[str, object] = {
        "first_words_seconds": first_words,
        "whole_draft_seconds": whole,
        "longest_stall_ms": max(b - a for a, b in itertools.pairwise(ticks)) * 1000,
        "draft_chars": len(window.draft.toPlainText()),
    }
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def main() -> int:
    if sys.argv[1] == "prepare":
        workspace = Workspace.open()
        accept_rules(workspace)
        if sys.argv[2:]:  # the engine's threads (0: automatic), for window.py busy
            workspace.settings.set("moteur.threads", sys.argv[2])
            workspace.settings.set("redaction.verifier_faits", "non")
        choose_job(Workspace.open(), "secretariat")  # not asked: the window opens at once
        return 0
    app = QApplication(sys.argv[:1])
    result = busy_draft(app) if sys.argv[1] == "busy" else measure(app)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
