"""The window asks the engine to read the user's tasks ahead once the model is ready (as the
policy allows), says it discreetly in the status bar, and says how far a long text is read."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hospidesk.service.draft_events import PromptRead
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from tests.conftest import Env
from tests.engine.fake import FakeEngine

WARM = '[models]\nwarm_up = "all"\n'


def start(qtbot: QtBot, engine: FakeEngine):  # type: ignore[no-untyped-def]
    win = create_window(Workspace.open(), engine)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=30_000)
    return win


def letter_for(qtbot: QtBot, engine: FakeEngine, source: str):  # type: ignore[no-untyped-def]
    """A letter to M. Petit to reformulate from ``source``, once the form is read ahead."""
    win = start(qtbot, engine)
    win.library.select("secretariat/reformuler-courrier")
    assert win.form is not None
    win.form.set_values({"destinataire": "M. Petit"})
    win.source.setPlainText(source)
    qtbot.waitUntil(lambda: any(source in m[-1].content for m in engine.prefilled), timeout=5_000)
    return win


def test_the_tasks_are_read_ahead_and_the_status_says_so(qtbot: QtBot, hd_env: Env) -> None:
    hd_env.write_policy(WARM)
    engine = FakeEngine("Texte.")
    shown: list[str] = []
    win = start(qtbot, engine)
    qtbot.waitUntil(lambda: bool(engine.warmed), timeout=10_000)
    (prompts,) = engine.warmed
    tasks = Workspace.open().tasks()
    assert len(prompts) > len(tasks)  # every task, and the extractions' instructions
    assert all(user.content == "" for _, user in prompts)
    win.controller.warming.connect(lambda done, total, end: shown.append(win.status.warm.text()))
    win.controller.warming.emit(3, 26, False)
    assert shown[-1] == "Préparation des tâches : 3/26" and win.status.warm.isVisible()
    win.controller.warming.emit(26, 26, True)
    assert not win.status.warm.isVisible()
    win.close()


def test_no_warm_up_when_the_policy_turns_it_off(qtbot: QtBot, hd_env: Env) -> None:
    hd_env.write_policy('[models]\nwarm_up = "off"\n')
    engine = FakeEngine("Texte.")
    # the engine's thread takes the window's requests in the order they were sent: once it
    # has read the form ahead, it has had any warm-up asked when the model was ready
    win = letter_for(qtbot, engine, "Bonjour, je souhaite un rendez-vous.")
    assert engine.warmed == [] and not win.status.warm.isVisible()
    win.close()


def test_a_long_text_says_how_far_it_is_read(qtbot: QtBot, hd_env: Env) -> None:
    engine = FakeEngine("Madame, votre demande est reçue.", delay=0.01)
    engine.reads = [(0, 2000), (512, 2000), (1024, 2000)]
    win = start(qtbot, engine)
    said: list[str] = []
    win.controller.told.connect(
        lambda e: isinstance(e, PromptRead) and said.append(win.status.speed.text())
    )
    win.library.select("secretariat/reformuler-courrier")
    win.source.setPlainText("Bonjour, je souhaite un rendez-vous. " * 20)
    win.generate_button.click()
    qtbot.waitUntil(lambda: win.controller.job is None, timeout=10_000)
    assert said == ["Lecture du texte : 0 %", "Lecture du texte : 25 %", "Lecture du texte : 51 %"]
    win.close()


def test_the_form_is_read_ahead_while_the_user_pauses(qtbot: QtBot, hd_env: Env) -> None:
    engine = FakeEngine("Madame, votre demande est reçue.")
    win = letter_for(qtbot, engine, "Bonjour, je souhaite déplacer mon rendez-vous du 3 mars.")
    system, user = engine.prefilled[-1]
    assert system.role == "system" and "M. Petit" in user.content
    # an incomplete form is not read ahead, and nothing is marked on it meanwhile
    win.library.select("secretariat/convocation")
    assert win.form is not None
    editors = win.form.editors.values()
    marked = [editor.error.isVisible() for editor in editors]
    sent: list[object] = []  # the reads the window sends
    win.controller._prefill.connect(sent.append)
    qtbot.waitUntil(lambda: quiet(win), timeout=5_000)  # the pause came: no read is due now
    assert sent == []
    assert [editor.error.isVisible() for editor in editors] == marked
    assert win.focusWidget() is not None and win.focusWidget() is not win.form.first_input()
    win.close()


def quiet(win) -> bool:  # type: ignore[no-untyped-def]
    """No read of the form is due."""
    timers = win.flow.read_ahead
    return not (timers.now.isActive() or timers.pause.isActive() or timers.typing.isActive())


def test_a_pasted_text_is_read_at_once_and_an_unchanged_form_not_again(
    qtbot: QtBot, hd_env: Env
) -> None:
    engine = FakeEngine("Madame, votre demande est reçue.")
    win = letter_for(qtbot, engine, "Bonjour,")
    timers = win.flow.read_ahead
    qtbot.waitUntil(lambda: quiet(win), timeout=5_000)
    sent: list[tuple[str, bool]] = []  # each read sent, and whether the typing timer still ran
    win.controller._prefill.connect(
        lambda messages: sent.append((messages[-1].content, timers.typing.isActive()))
    )
    pasted = " je souhaite déplacer mon rendez-vous du 3 mars au 10 mars, merci."
    QGuiApplication.clipboard().setText(pasted)
    win.source.moveCursor(QTextCursor.MoveOperation.End)
    win.source.paste()
    qtbot.waitUntil(lambda: bool(sent), timeout=5_000)
    text, typing_pending = sent[0]
    assert "Bonjour, je souhaite déplacer mon rendez-vous du 3 mars au 10 mars, merci." in text
    assert typing_pending  # read at once, not when the typing timer fires 0.5 s later
    qtbot.waitUntil(lambda: quiet(win), timeout=5_000)
    assert len(sent) == 1  # the typing and pause timers found nothing new: no read started over
    qtbot.waitUntil(lambda: engine.prefilled[-1][-1].content == text, timeout=5_000)
    # a model loaded again holds nothing of the form: the same form is read again
    win.controller.model_ready.emit()
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=5_000)
    assert sent[1][0] == text
    win.close()


def test_the_form_is_read_while_the_user_types(qtbot: QtBot, hd_env: Env) -> None:
    """The clock is the test's: the timers' intervals are set beyond the test's length and
    each one's time is made to come by firing it, so that only the order of keys and ticks
    matters, not how fast this machine runs."""
    engine = FakeEngine("Madame, votre demande est reçue.")
    win = letter_for(qtbot, engine, "Bonjour,")
    timers = win.flow.read_ahead
    qtbot.waitUntil(lambda: quiet(win), timeout=5_000)
    for timer in (timers.typing, timers.pause):
        timer.setInterval(3_600_000)
    sent: list[str] = []  # the end of each read the window sends
    win.controller._prefill.connect(lambda messages: sent.append(messages[-1].content))

    def type_(text: str) -> None:
        for char in text:
            win.source.moveCursor(QTextCursor.MoveOperation.End)
            win.source.insertPlainText(char)

    def elapse(timer: QTimer) -> None:  # the timer's interval has passed
        assert timer.isActive()
        timer.stop()
        timer.timeout.emit()

    type_(" je")  # the first key is read at once (the keys typed meanwhile too)
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=5_000)
    assert "Bonjour, je" in sent[0]
    ticking = timers.typing.timerId()
    type_(" souhaite déplacer")
    QApplication.processEvents()
    assert len(sent) == 1  # the next keys wait for the tick,
    assert timers.typing.timerId() == ticking  # which none of them restarts
    elapse(timers.typing)  # a tick while typing: what was typed since is read
    assert len(sent) == 2 and "Bonjour, je souhaite déplacer" in sent[1]
    assert timers.typing.isActive()  # no pause yet: the next tick is due
    type_(" mon rendez-vous")
    elapse(timers.typing)
    assert len(sent) == 3 and "déplacer mon rendez-vous" in sent[2]
    type_(" du 3 mars au 10 mars, merci.")
    elapse(timers.pause)  # the user pauses: all of it is read, and the ticks end
    assert len(sent) == 4 and "mon rendez-vous du 3 mars au 10 mars, merci." in sent[3]
    assert not timers.typing.isActive()
    timers.soon()  # a pause with nothing new: nothing is read again
    elapse(timers.pause)
    assert len(sent) == 4
    qtbot.waitUntil(lambda: "10 mars, merci." in engine.prefilled[-1][-1].content, timeout=5_000)
    win.close()
