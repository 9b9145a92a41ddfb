"""Work that must not run on the window's thread, as one small helper (Anki's ``QueryOp`` is
the model): the function runs in a thread, its result or its error comes back on the window's
thread, and the result of an operation started again meanwhile is dropped. A window that
closes settles what is running (a document being written is finished and its outcome told)
then abandons the rest.

    Background(self).run(load, on_done, on_error, key="letterheads")
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal


class _Relay(QObject):
    """Carries an outcome to the window's thread. Parentless, so that a thread never emits on
    an object that is gone: Qt drops the connection with its receiver."""

    done = Signal(object, int, object, object)  # key, number, result, error


class Background(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        self._relay.done.connect(self._finished)  # queued: emitted by the worker thread
        self._latest: dict[str, int] = {}
        self._callbacks: dict[
            tuple[str, int], tuple[Callable[[Any], None], Callable[[Exception], None]]
        ] = {}
        self._count = 0
        self._threads: dict[tuple[str, int], threading.Thread] = {}

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        key: str = "",
    ) -> None:
        """``work()`` in a thread; ``on_done(result)`` or ``on_error(exception)`` then on the
        window's thread, unless the same ``key`` was run again in between."""
        self._count += 1
        number = self._count
        self._latest[key] = number
        self._callbacks[(key, number)] = (on_done, on_error)
        relay = self._relay

        def target() -> None:
            try:
                result, error = work(), None
            except Exception as exc:  # handed to on_error on the window's thread
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the window closed: nobody listens
                relay.done.emit(key, number, result, error)

        thread = threading.Thread(target=target, name=f"background-{key or number}", daemon=True)
        self._threads[(key, number)] = thread
        thread.start()

    def busy(self, key: str = "") -> bool:
        return any(k == key for k, _ in self._callbacks)

    def settle(self, key: str, timeout: float = 30.0) -> None:
        """Wait for the runs of ``key`` (a document being written), then tell their outcome
        now, on this thread, as the event loop would have."""
        for (k, _), thread in list(self._threads.items()):
            if k == key:
                thread.join(timeout)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    def abandon(self) -> None:
        """The window is closing: what is still running ends unheard."""
        self._callbacks.clear()

    def _finished(self, key: str, number: int, result: Any, error: Exception | None) -> None:
        self._threads.pop((key, number), None)
        callbacks = self._callbacks.pop((key, number), None)
        if callbacks is None:
            return  # abandoned: the window closed meanwhile
        on_done, on_error = callbacks
        if self._latest.get(key) != number:
            return  # a newer run of the same operation supersedes this one
        if error is not None:
            on_error(error)
        else:
            on_done(result)
